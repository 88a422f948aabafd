"""Findings comparing Order Management's amounts with Stripe's: captures and refunds missing on either side,
and the zero-decimal scale mismatch.

They compare only when the Stripe side is complete (at least one reference, none missing or unresolved,
every resolved PaymentIntent fetched): a partial Stripe side would report money "missing in Stripe" that
merely was not looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from toolkit.analysis.evidence import OpsEvidence
from toolkit.analysis.finding import Finding, FindingCode
from toolkit.analysis.finding import make_finding as _finding
from toolkit.analysis.payment_state import (
    currency_differs,
    ops_amount,
    stripe_captured,
    stripe_currency,
    stripe_refunded,
)
from toolkit.core.money import exponent, format_money, normalize_currency

__all__ = [
    "rule_amount_scale_mismatch",
    "rule_capture_missing_in_oms",
    "rule_capture_missing_in_stripe",
    "rule_currency_mismatch",
    "rule_refund_missing_in_oms",
    "rule_refund_missing_in_stripe",
    "stripe_side_complete",
]


def stripe_side_complete(evidence: OpsEvidence) -> bool:
    """At least one reference, none missing or unresolved, every resolved PaymentIntent fetched, and all of them
    in the summary's currency (amounts in two currencies are never compared)."""
    if not evidence.references or not evidence.stripe:
        return False
    if any(currency_differs(evidence, pe) for pe in evidence.stripe):
        return False
    fetched = {pe.id for pe in evidence.stripe}
    return all(
        not ref.missing and ref.resolved_payment_intent and ref.resolved_payment_intent in fetched
        for ref in evidence.references
    )


@dataclass(frozen=True)
class _Pair:
    """One OMS amount and the matching Stripe amount (major units), and what the pair is about."""

    oms: Decimal
    stripe: Decimal
    subject: str
    pis: str

    def is_scale_mismatch(self, currency: str) -> bool:
        if exponent(currency) != 0 or self.stripe == 0:
            return False
        return self.oms == self.stripe * 100 or self.oms * 100 == self.stripe


def _pairs(evidence: OpsEvidence) -> dict[str, _Pair] | None:
    """The captured and refunded pairs, or None when the Stripe side is incomplete."""
    if not stripe_side_complete(evidence):
        return None
    pes = list({pe.id: pe for pe in evidence.stripe}.values())
    currency = evidence.currency
    subject = pes[0].id if len(pes) == 1 else evidence.ops_id
    pis = ", ".join(pe.id for pe in pes)
    captured = sum((stripe_captured(pe, stripe_currency(pe, currency)) for pe in pes), Decimal(0))
    refunded = sum((stripe_refunded(pe, stripe_currency(pe, currency)) for pe in pes), Decimal(0))
    return {
        "captured": _Pair(ops_amount(evidence, "CapturedAmount"), captured, subject, pis),
        "refunded": _Pair(ops_amount(evidence, "RefundedAmount"), refunded, subject, pis),
    }


def _mismatch(
    evidence: OpsEvidence, pair_name: str, code: FindingCode, oms_larger: bool, text: Callable[[_Pair, str], str]
) -> list[Finding]:
    pairs = _pairs(evidence)
    if pairs is None:
        return []
    pair = pairs[pair_name]
    if pair.is_scale_mismatch(evidence.currency):
        return []
    difference = pair.oms - pair.stripe if oms_larger else pair.stripe - pair.oms
    if difference <= 0:
        return []
    return [_finding(code, pair.subject, difference, evidence.currency, text(pair, evidence.currency))]


def _pending_note(evidence: OpsEvidence, field_name: str, what: str) -> str:
    pending = ops_amount(evidence, field_name)
    return f" Order Management has {format_money(pending, evidence.currency)} {what} pending." if pending > 0 else ""


def rule_capture_missing_in_oms(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """Stripe captured more than Order Management recorded."""
    def text(pair: _Pair, currency: str) -> str:
        return (
            f"Stripe captured {format_money(pair.stripe, currency)} on {pair.pis} but Order Management recorded "
            f"{format_money(pair.oms, currency)} captured."
            + _pending_note(evidence, "PendingCaptureAmount", "of capture")
        )
    return _mismatch(evidence, "captured", FindingCode.CAPTURE_MISSING_IN_OMS, False, text)


def rule_capture_missing_in_stripe(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """Order Management recorded more captured money than Stripe took."""
    def text(pair: _Pair, currency: str) -> str:
        return (
            f"Order Management recorded {format_money(pair.oms, currency)} captured but Stripe captured "
            f"{format_money(pair.stripe, currency)} on {pair.pis}."
        )
    return _mismatch(evidence, "captured", FindingCode.CAPTURE_MISSING_IN_STRIPE, True, text)


def rule_refund_missing_in_oms(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """Stripe refunded more than Order Management recorded (typically a Dashboard refund)."""
    def text(pair: _Pair, currency: str) -> str:
        return (
            f"Stripe refunded {format_money(pair.stripe, currency)} on {pair.pis} but Order Management recorded "
            f"{format_money(pair.oms, currency)} refunded, typically a refund made in the Stripe Dashboard."
            + _pending_note(evidence, "PendingRefundAmount", "of refund")
        )
    return _mismatch(evidence, "refunded", FindingCode.REFUND_MISSING_IN_OMS, False, text)


def rule_refund_missing_in_stripe(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """Order Management recorded more refunded money than Stripe returned."""
    def text(pair: _Pair, currency: str) -> str:
        return (
            f"Order Management recorded {format_money(pair.oms, currency)} refunded but Stripe refunded "
            f"{format_money(pair.stripe, currency)} on {pair.pis}."
        )
    return _mismatch(evidence, "refunded", FindingCode.REFUND_MISSING_IN_STRIPE, True, text)


def rule_amount_scale_mismatch(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """Zero-decimal currency with an OMS amount 100 times (or a hundredth of) Stripe's."""
    pairs = _pairs(evidence)
    if pairs is None:
        return []
    out = []
    for name, pair in pairs.items():
        if not pair.is_scale_mismatch(evidence.currency):
            continue
        factor = "100 times" if pair.oms > pair.stripe else "a hundredth of"
        out.append(_finding(
            FindingCode.AMOUNT_SCALE_MISMATCH, pair.subject, abs(pair.oms - pair.stripe), evidence.currency,
            f"Order Management's {name} amount {format_money(pair.oms, evidence.currency)} is {factor} Stripe's "
            f"{format_money(pair.stripe, evidence.currency)} on {pair.pis}: {normalize_currency(evidence.currency)} "
            "has no minor unit, so one side was scaled by 100.",
        ))
    return out


def rule_currency_mismatch(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A payment summary whose currency differs from its PaymentIntent's: the amounts are in different units, so
    none of the OMS/Stripe comparisons is made for it."""
    out = []
    for pe in evidence.stripe:
        if not currency_differs(evidence, pe):
            continue
        ops_currency, pi_currency = normalize_currency(evidence.currency), pe.currency.upper()
        out.append(_finding(
            FindingCode.CURRENCY_MISMATCH, pe.id, None, ops_currency,
            f"OrderPaymentSummary {evidence.ops_id} is in {ops_currency} but PaymentIntent {pe.id} is in "
            f"{pi_currency}, so their amounts cannot be compared; no capture or refund difference is reported "
            "for this summary.",
        ))
    return out
