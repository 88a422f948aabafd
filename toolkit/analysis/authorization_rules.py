"""Findings about the authorization: expired, canceled, expiring, remainder released.

Each rule is a pure function of an :class:`~toolkit.analysis.evidence.OpsEvidence` and the session clock's
now, returning a list of findings (empty when the rule does not apply).
"""

from __future__ import annotations

from datetime import datetime

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.finding import EXPIRING_WINDOW, Finding, FindingCode
from toolkit.analysis.finding import make_finding as _finding
from toolkit.analysis.payment_state import (
    EXPIRY_REASONS,
    authorization_deadline,
    from_unix,
    is_partial_capture,
    minor,
    ops_amount,
    stripe_currency_code,
)
from toolkit.core.clock import to_utc
from toolkit.core.money import format_money, to_major
from toolkit.core.text import format_duration, format_instant

__all__ = [
    "rule_auth_canceled_uncaptured",
    "rule_auth_expired_uncaptured",
    "rule_auth_expiring",
    "rule_capturable_remainder_released",
]


def _canceled(pe: StripePaymentEvidence) -> bool:
    return pe.payment_intent.get("status") == "canceled"


def rule_auth_expired_uncaptured(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A PaymentIntent canceled by expiry while OMS still has an amount available to capture."""
    available = ops_amount(evidence, "AvailableToCaptureAmount")
    out = []
    for pe in evidence.stripe:
        pi = pe.payment_intent
        if _canceled(pe) and pi.get("cancellation_reason") in EXPIRY_REASONS and available > 0:
            when = from_unix(pi.get("canceled_at"))
            at = f" at {format_instant(when)}" if when else ""
            out.append(_finding(
                FindingCode.AUTH_EXPIRED_UNCAPTURED, pe.id, available, evidence.currency,
                f"Stripe released the uncaptured authorization {pe.id}{at} "
                f"(cancellation_reason {pi.get('cancellation_reason')}), but Order Management still shows "
                f"{format_money(available, evidence.currency)} available to capture.",
            ))
    return out


def rule_auth_canceled_uncaptured(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A PaymentIntent canceled for a reason other than expiry while OMS can still capture."""
    available = ops_amount(evidence, "AvailableToCaptureAmount")
    out = []
    for pe in evidence.stripe:
        pi = pe.payment_intent
        if _canceled(pe) and pi.get("cancellation_reason") not in EXPIRY_REASONS and available > 0:
            reason = pi.get("cancellation_reason")
            why = f"cancellation_reason {reason}" if reason else "no cancellation_reason"
            when = from_unix(pi.get("canceled_at"))
            at = f" at {format_instant(when)}" if when else ""
            out.append(_finding(
                FindingCode.AUTH_CANCELED_UNCAPTURED, pe.id, available, evidence.currency,
                f"PaymentIntent {pe.id} was canceled{at} ({why}), but Order Management still shows "
                f"{format_money(available, evidence.currency)} available to capture.",
            ))
    return out


def rule_auth_expiring(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A PaymentIntent awaiting capture whose deadline is less than 48 hours away (or past)."""
    now = to_utc(now)
    available = ops_amount(evidence, "AvailableToCaptureAmount")
    out = []
    for pe in evidence.stripe:
        pi = pe.payment_intent
        deadline = authorization_deadline(pe)
        if pi.get("status") != "requires_capture" or available <= 0 or deadline is None:
            continue
        if deadline - now >= EXPIRING_WINDOW:
            continue
        code = stripe_currency_code(pe, evidence.currency)
        capturable = to_major(minor(pi, "amount_capturable"), code)
        money = format_money(capturable, code)
        if deadline > now:
            when = f"must be captured by {format_instant(deadline)} (in {format_duration(deadline - now)})"
        else:
            when = f"passed its capture deadline {format_instant(deadline)} ({format_duration(now - deadline)} ago)"
        out.append(_finding(
            FindingCode.AUTH_EXPIRING, pe.id, capturable, code,
            f"PaymentIntent {pe.id} {when}; {money} is still uncaptured and Stripe will release it.",
        ))
    return out


def rule_capturable_remainder_released(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A partially captured PaymentIntent (Stripe released the rest) while OMS can still capture."""
    available = ops_amount(evidence, "AvailableToCaptureAmount")
    out = []
    for pe in evidence.stripe:
        if pe.payment_intent.get("status") != "succeeded" or not is_partial_capture(pe) or available <= 0:
            continue
        currency = stripe_currency_code(pe, evidence.currency)
        if pe.charge is not None:
            captured, total = minor(pe.charge, "amount_captured"), minor(pe.charge, "amount")
        else:
            captured, total = minor(pe.payment_intent, "amount_received"), minor(pe.payment_intent, "amount")
        out.append(_finding(
            FindingCode.CAPTURABLE_REMAINDER_RELEASED, pe.id, available, evidence.currency,
            f"Stripe captured {format_money(to_major(captured, currency), currency)} of "
            f"{format_money(to_major(total, currency), currency)} on {pe.id} and released the rest, "
            f"but Order Management still shows {format_money(available, evidence.currency)} available to capture.",
        ))
    return out
