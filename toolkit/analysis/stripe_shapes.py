"""Stripe's objects reshaped for the rules: an expanded PaymentIntent split into its parts, the evidence
built from it, and the few facts the fetch step reads off the objects (which charge, which window of
events, which reference Order Management holds).

Pure functions over plain dicts (``StripeObject.to_dict()``), so the rules never see a StripeObject and a
case file's objects, a live response and a hand-written test dict are all valid inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from toolkit.analysis.evidence import StripePaymentEvidence

__all__ = [
    "AUTHORIZATION_VALIDITY",
    "EVENT_MARGIN",
    "charge_id",
    "disputes",
    "event_is_about",
    "event_window",
    "payment_evidence",
    "reference_in_oms",
    "split_expanded",
]

Record = dict[str, Any]

AUTHORIZATION_VALIDITY = timedelta(days=7)
#: After a PaymentIntent's last dated activity, how long later events (a refund's status, a capture) are looked for.
EVENT_MARGIN = timedelta(days=3)


def split_expanded(pi: Record) -> tuple[Record, Record | None, list[Record] | None, dict[str, Record]]:
    """Split an expanded PaymentIntent into (PaymentIntent with ids, charge with ids, refunds or None when
    they were not all embedded, balance transactions by id)."""
    pi = dict(pi)
    charge = pi.get("latest_charge")
    balance: dict[str, Record] = {}
    refunds: list[Record] | None = None
    if isinstance(charge, dict):
        charge = dict(charge)
        pi["latest_charge"] = charge.get("id")
        txn = charge.get("balance_transaction")
        if isinstance(txn, dict):
            balance[str(txn.get("id"))] = txn
            charge["balance_transaction"] = txn.get("id")
        embedded = charge.pop("refunds", None)
        if isinstance(embedded, dict) and isinstance(embedded.get("data"), list) and not embedded.get("has_more"):
            refunds = [_refund_ids(item, balance) for item in embedded["data"]]
    else:
        charge = None
    return pi, charge, refunds, balance


def _refund_ids(refund: Record, balance: dict[str, Record]) -> Record:
    refund = dict(refund)
    txn = refund.get("balance_transaction")
    if isinstance(txn, dict):
        balance[str(txn.get("id"))] = txn
        refund["balance_transaction"] = txn.get("id")
    for key in ("charge", "payment_intent"):
        if isinstance(refund.get(key), dict):
            refund[key] = refund[key].get("id")
    return refund


def payment_evidence(expanded_pi: Record, *, refunds: list[Record] | None = None,
                     events: list[Record] | None = None) -> StripePaymentEvidence:
    """The rules' evidence from an expanded PaymentIntent (and refunds/events fetched separately)."""
    pi, charge, embedded, balance = split_expanded(expanded_pi)
    chosen = refunds if refunds is not None else (embedded or [])
    for refund in chosen:
        txn = refund.get("balance_transaction")
        if isinstance(txn, dict):
            balance[str(txn.get("id"))] = txn
    chosen = [_refund_ids(refund, {}) for refund in chosen]
    return StripePaymentEvidence(payment_intent=pi, charge=charge,
                                 refunds=sorted(chosen, key=lambda r: (r.get("created") or 0, str(r.get("id")))),
                                 balance_transactions=balance, events=list(events or []))


def charge_id(pi: Record) -> str | None:
    """The id of a PaymentIntent's latest charge, expanded or not."""
    charge = pi.get("latest_charge")
    return charge.get("id") if isinstance(charge, dict) else charge


def disputes(evidence: StripePaymentEvidence) -> list[Record]:
    """The disputes of the PaymentIntent's charge, each as the latest ``charge.dispute.*`` event's snapshot (full
    dispute objects: ``evidence_details.due_by``, ``status``, the ``balance_transactions`` that withdrew and
    reinstated the money), oldest dispute first. Empty when no dispute event was fetched."""
    charge = str((evidence.charge or {}).get("id") or "")
    latest: dict[str, tuple[int, Record]] = {}
    for event in evidence.events:
        if not str(event.get("type") or "").startswith("charge.dispute."):
            continue
        obj = (event.get("data") or {}).get("object") or {}
        if obj.get("object") != "dispute" or (charge and obj.get("charge") != charge):
            continue
        stamp = event.get("created")
        created = stamp if isinstance(stamp, int) else 0
        known = latest.get(str(obj.get("id")))
        if known is None or created >= known[0]:
            latest[str(obj.get("id"))] = (created, obj)
    return sorted((obj for _, obj in latest.values()), key=lambda d: (d.get("created") or 0, str(d.get("id"))))


def event_is_about(event: Record, payment_intents: set[str], charges: set[str] | None = None) -> bool:
    """Whether an event's object is one of the PaymentIntents, or belongs to them or to their charges."""
    obj = (event.get("data") or {}).get("object") or {}
    charges = charges or set()
    return (obj.get("id") in payment_intents or obj.get("payment_intent") in payment_intents
            or obj.get("id") in charges or obj.get("charge") in charges)


def reference_in_oms(pi: Record) -> tuple[str, str | None]:
    """Where Order Management writes a PaymentIntent, the bridge whatever its ``metadata.order_id`` says: the ``pi_``
    on the authorization (manual capture) or the charge's ``txn_`` on the payment (captured at checkout)."""
    _, charge, _, _ = split_expanded(pi)
    txn = (charge or {}).get("balance_transaction")
    if pi.get("capture_method") != "manual" and isinstance(txn, str):
        return "Payment", txn
    if pi.get("capture_method") != "manual":
        return "Payment", None
    return "PaymentAuthorization", str(pi["id"])


def event_window(expanded_pis: Iterable[Record], now: datetime) -> tuple[datetime, datetime] | None:
    """The created window in which the PaymentIntents' events fall, as tight as their objects allow.

    From the earliest PaymentIntent's creation (less a minute) to the latest dated activity (creation,
    cancellation, charge, balance transaction, refunds), plus :data:`EVENT_MARGIN`; for a manual capture the
    capture deadline is activity too (the capture may happen up to then). Up to ``now`` when a later event
    has no date on the objects (a dispute, a refund that failed or is pending). None without PaymentIntents.
    """
    starts: list[int] = []
    ends: list[int] = []
    open_ended = False
    for expanded in expanded_pis:
        pi, charge, refunds, balance = split_expanded(expanded)
        if not isinstance(pi.get("created"), int):
            continue
        starts.append(pi["created"])
        dated = [pi["created"], pi.get("canceled_at"), (charge or {}).get("created"),
                 *(bt.get("created") for bt in balance.values()), *(r.get("created") for r in refunds or [])]
        ends.extend(t for t in dated if isinstance(t, int))
        if pi.get("capture_method") == "manual":
            card = ((charge or {}).get("payment_method_details") or {}).get("card") or {}
            before = card.get("capture_before")
            validity = int(AUTHORIZATION_VALIDITY.total_seconds())
            ends.append(before if isinstance(before, int) else pi["created"] + validity)
        if (charge or {}).get("disputed") or any(r.get("status") in ("failed", "pending", "requires_action", "canceled")
                                                 for r in refunds or []):
            open_ended = True
    if not starts:
        return None
    since = datetime.fromtimestamp(min(starts), tz=now.tzinfo) - timedelta(minutes=1)
    until = now if open_ended else min(now, datetime.fromtimestamp(max(ends), tz=now.tzinfo) + EVENT_MARGIN)
    return since, max(since, until)
