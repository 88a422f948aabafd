"""Shared checks of the batch reconciliation tests (not a test module): agreement with the trace, and the request
budget counted by the sandbox."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from typing import Any

from toolkit.investigate.reconcile import Reconciliation
from toolkit.investigate.reconcile_fetch import LOOKBACK
from toolkit.session import Session


def codes_by_order(result: Reconciliation) -> dict[str, set[str]]:
    """Order number -> the finding codes of its payment summaries (orphan rows left out)."""
    out: dict[str, set[str]] = defaultdict(set)
    for row in result.rows:
        if row.ops_id is not None and row.order_number:
            out[row.order_number] |= set(row.codes)
    return dict(out)


def disagreements(session: Session, result: Reconciliation) -> list[tuple[str, list[str], list[str]]]:
    """(order, trace's codes, reconcile's codes) of every order on which they differ."""
    out = []
    for order, codes in sorted(codes_by_order(result).items()):
        traced = sorted({str(f.code) for f in session.trace(order).findings})
        if traced != sorted(codes):
            out.append((order, traced, sorted(codes)))
    return out


def stripe_counts(session: Session, since: datetime, until: datetime, now: datetime) -> tuple[int, int]:
    """(M, R): the PaymentIntents created from the lookback before ``since`` to ``until``, and the refunds created
    from ``since`` to now, as the account holds them (read from the sandbox's store, not through the API)."""
    box = session.sandbox
    assert box is not None
    store = box.stripe.store
    low, high = int((since - LOOKBACK).timestamp()), int(until.timestamp())
    m = sum(1 for pi in store.visible("payment_intent") if low <= pi["created"] <= high)
    r = sum(1 for re in store.visible("refund") if int(since.timestamp()) <= re["created"] <= int(now.timestamp()))
    return m, r


def check_budget(session: Session, result: Reconciliation) -> dict[str, Any]:
    """The issue's request budget against the sandbox's request logs; returns the counts."""
    box = session.sandbox
    assert box is not None
    sf_log, stripe_log = box.org.log.counts(), box.stripe.log.counts()
    n = sum(1 for row in result.rows if row.ops_id is not None)
    m, r = stripe_counts(session, result.since, result.until, result.now)
    lists = stripe_log.get("GET /v1/payment_intents", 0) + stripe_log.get("GET /v1/refunds", 0)
    retrieves = sum(count for endpoint, count in stripe_log.items() if endpoint.endswith("/{id}"))
    sf_total = sum(sf_log.values())
    assert sf_total == result.requests["Salesforce"]
    assert sf_total <= math.ceil(n / 2000) * 3 + 3, sf_log
    assert lists <= math.ceil(m / 100) + math.ceil(r / 100) + 5, stripe_log
    assert retrieves == result.requests["Stripe confirmations"] == len(result.confirmed), stripe_log
    assert sum(stripe_log.values()) == result.requests["Stripe"] == lists + retrieves
    return {"salesforce": sf_total, "lists": lists, "retrieves": retrieves, "n": n, "m": m, "r": r}
