"""Findings about Stripe refunds and disputes: failed, pending, possible duplicates, disputed charges.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.finding import DUPLICATE_REFUND_WINDOW, Finding, FindingCode
from toolkit.analysis.finding import make_finding as _finding
from toolkit.analysis.payment_state import (
    from_unix,
    is_money_moving_refund,
    minor,
    refunds_of,
    stripe_currency,
    stripe_currency_code,
)
from toolkit.analysis.reconciliation import dispute_money
from toolkit.analysis.stripe_shapes import disputes
from toolkit.core.clock import to_utc
from toolkit.core.money import format_money, to_major
from toolkit.core.text import format_duration

__all__ = [
    "rule_charge_disputed",
    "rule_possible_duplicate_refund",
    "rule_refund_failed",
    "rule_refund_pending",
]

Record = dict[str, Any]


def _refund_amount(refund: Record, pe: StripePaymentEvidence, fallback: str) -> tuple[Decimal, str]:
    currency = str(refund.get("currency") or stripe_currency(pe, fallback))
    return to_major(minor(refund, "amount"), currency), currency


def rule_refund_failed(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A refund whose status is failed."""
    out = []
    for pe in evidence.stripe:
        for refund in refunds_of(pe):
            if refund.get("status") != "failed":
                continue
            amount, currency = _refund_amount(refund, pe, evidence.currency)
            reason = refund.get("failure_reason") or "not given"
            out.append(_finding(
                FindingCode.REFUND_FAILED, str(refund.get("id")), amount, currency,
                f"Refund {refund.get('id')} of {format_money(amount, currency)} on {pe.id} failed "
                f"(failure_reason {reason}); the customer has not been repaid.",
            ))
    return out


def rule_refund_pending(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A refund still pending or requiring action: its pending_reason and age."""
    now = to_utc(now)
    out = []
    for pe in evidence.stripe:
        for refund in refunds_of(pe):
            status = refund.get("status")
            if status not in ("pending", "requires_action"):
                continue
            amount, currency = _refund_amount(refund, pe, evidence.currency)
            created = from_unix(refund.get("created"))
            age = f", created {format_duration(now - created)} ago" if created else ""
            reason = refund.get("pending_reason") or "not given"
            out.append(_finding(
                FindingCode.REFUND_PENDING, str(refund.get("id")), amount, currency,
                f"Refund {refund.get('id')} of {format_money(amount, currency)} on {pe.id} is {status} "
                f"(pending_reason {reason}{age}).",
            ))
    return out


def rule_possible_duplicate_refund(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """Two or more money-moving refunds on one charge, equal amounts, created within 24 hours of each other."""
    out = []
    for pe in evidence.stripe:
        groups: dict[tuple[str, int], list[Record]] = {}
        for refund in refunds_of(pe):
            if is_money_moving_refund(refund, pe) and isinstance(refund.get("created"), int):
                key = (str(refund.get("charge") or ""), minor(refund, "amount"))
                groups.setdefault(key, []).append(refund)
        for refunds in groups.values():
            refunds.sort(key=lambda r: (r["created"], str(r.get("id"))))
            cluster: list[Record] = []
            for refund in refunds:
                if cluster and refund["created"] - cluster[-1]["created"] > DUPLICATE_REFUND_WINDOW.total_seconds():
                    out.extend(_duplicate_finding(cluster, pe, evidence.currency))
                    cluster = []
                cluster.append(refund)
            out.extend(_duplicate_finding(cluster, pe, evidence.currency))
    return out


def _duplicate_finding(cluster: list[Record], pe: StripePaymentEvidence, fallback: str) -> list[Finding]:
    if len(cluster) < 2:
        return []
    each, currency = _refund_amount(cluster[0], pe, fallback)
    extra = sum((_refund_amount(r, pe, fallback)[0] for r in cluster[1:]), Decimal(0))
    ids = ", ".join(str(r.get("id")) for r in cluster)
    first = from_unix(cluster[0]["created"])
    last = from_unix(cluster[-1]["created"])
    span = format_duration(last - first) if first and last else "a day"
    return [_finding(
        FindingCode.POSSIBLE_DUPLICATE_REFUND, str(cluster[1].get("id")), extra, currency,
        f"{len(cluster)} refunds of {format_money(each, currency)} each were made on {pe.id} within {span} "
        f"({ids}); {format_money(extra, currency)} may have been refunded in error.",
    )]


def rule_charge_disputed(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """The charge is disputed."""
    out = []
    for pe in evidence.stripe:
        charge = pe.charge or {}
        if not charge.get("disputed"):
            continue
        code = stripe_currency_code(pe, evidence.currency)
        amount = to_major(minor(charge, "amount_captured"), code)
        out.append(_finding(
            FindingCode.CHARGE_DISPUTED, pe.id, amount, code,
            f"The customer disputed charge {charge.get('id')} of {pe.id} "
            f"({format_money(amount, code)} captured).{_dispute_state(pe, code)}",
        ))
    return out


#: What each dispute status means for the analyst (Stripe's dispute statuses).
_OPEN_STATUSES = {"warning_needs_response", "needs_response", "warning_under_review", "under_review"}


def _dispute_state(pe: StripePaymentEvidence, code: str) -> str:
    """A sentence on the latest dispute (from the ``charge.dispute.*`` snapshots the trace read), or "" when none was
    read: still open (and by when to answer), won or lost, and the money it took from the balance."""
    found = disputes(pe)
    if not found:
        return ""
    dispute = found[-1]
    did, status = dispute.get("id"), str(dispute.get("status") or "")
    withdrawn, fees = dispute_money(pe, code)
    money = f"; withdrawn {format_money(withdrawn, code)}, fees {format_money(fees, code)}"
    if status in _OPEN_STATUSES:
        due = from_unix((dispute.get("evidence_details") or {}).get("due_by"))
        by = f" by {due.strftime('%Y-%m-%d %H:%M UTC')}" if due is not None else ""
        answered = "evidence submitted" if (dispute.get("evidence_details") or {}).get("has_evidence") else (
            f"answer it{by}")
        return f" Dispute {did} is open ({status}): {answered}{money}."
    if status in ("won", "lost"):
        return f" Dispute {did} is closed: {status}{money}."
    return f" Dispute {did} is {status or 'of unknown status'}{money}."
