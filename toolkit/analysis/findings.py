"""Trace findings: what is wrong with one OrderPaymentSummary and the Stripe payment behind it.

Pure rules over :class:`~toolkit.analysis.evidence.OpsEvidence` and a clock value, one function per row of the
table in ``docs/findings.md`` (``rule_auth_expired_uncaptured`` ...), each returning a list of
:class:`Finding`. :func:`findings_for_ops` applies them all and sorts the result by severity (errors
first), then code, then subject. A healthy order yields no finding.

Spec notes
----------
- The four OMS/Stripe mismatch rules and AMOUNT_SCALE_MISMATCH compare the OPS with the sum over the
  PaymentIntents its references resolved to, and only when the Stripe side is complete: at least one
  reference, none missing or unresolved, and every resolved PaymentIntent fetched. Comparing with a
  partial Stripe side would report money "missing in Stripe" that merely was not looked up; the
  missing reference is reported as PAYMENT_INTENT_NOT_FOUND instead. Their subject is the ``pi_`` id,
  or the OPS id when the OPS links to several PaymentIntents.
- ``stripe_refunded`` is never negative (a charge whose ``amount_refunded`` is below the released
  remainder would otherwise give a negative refund).
- AMOUNT_SCALE_MISMATCH examines the two pairs the four mismatch rules compare (captured, refunded);
  its amount is the absolute difference.
- "Within 24 hours" (POSSIBLE_DUPLICATE_REFUND) includes exactly 24 hours; refunds chain: A and B within
  24 hours and B and C within 24 hours make one group of three. A refund "moved money" unless its status
  is failed or canceled, its reason is expired_uncaptured_charge, or it is the release of the
  uncaptured remainder: no balance transaction, on a canceled PaymentIntent, or on a partially captured
  charge with exactly the released amount (amount - amount_captured). The subject is the first
  suspected duplicate (the group's second refund); the message names them all.
- AUTH_EXPIRING: "less than 48 hours" is strict; exactly 48 hours before the deadline is not a finding.
- PAYMENT_INTENT_NOT_FOUND's subject is the reference itself (``pi_`` or ``txn_``); NO_STRIPE_REFERENCE
  and GATEWAY_FAILURES name the OPS id.
- "By code" in the ordering is the code's spelling (alphabetical), which is stable and obvious.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from toolkit.analysis.authorization_rules import (
    rule_auth_canceled_uncaptured,
    rule_auth_expired_uncaptured,
    rule_auth_expiring,
    rule_capturable_remainder_released,
)
from toolkit.analysis.evidence import OpsEvidence
from toolkit.analysis.finding import (
    DUPLICATE_REFUND_WINDOW,
    EXPIRING_WINDOW,
    SEVERITY,
    Finding,
    FindingCode,
    Severity,
    make_finding,
    sort_findings,
)
from toolkit.analysis.mismatch_rules import (
    rule_amount_scale_mismatch,
    rule_capture_missing_in_oms,
    rule_capture_missing_in_stripe,
    rule_currency_mismatch,
    rule_refund_missing_in_oms,
    rule_refund_missing_in_stripe,
)
from toolkit.analysis.payment_state import minor
from toolkit.analysis.reference_rules import (
    rule_gateway_failures,
    rule_no_stripe_reference,
    rule_payment_intent_not_found,
)
from toolkit.analysis.refund_rules import (
    rule_charge_disputed,
    rule_possible_duplicate_refund,
    rule_refund_failed,
    rule_refund_pending,
)
from toolkit.core.money import format_money, to_major

__all__ = [
    "DUPLICATE_REFUND_WINDOW",
    "EXPIRING_WINDOW",
    "RULES",
    "SEVERITY",
    "Finding",
    "FindingCode",
    "Severity",
    "findings_for_ops",
    "orphan_payment_intent_finding",
    "rule_amount_scale_mismatch",
    "rule_auth_canceled_uncaptured",
    "rule_auth_expired_uncaptured",
    "rule_auth_expiring",
    "rule_capturable_remainder_released",
    "rule_capture_missing_in_oms",
    "rule_capture_missing_in_stripe",
    "rule_charge_disputed",
    "rule_currency_mismatch",
    "rule_gateway_failures",
    "rule_no_stripe_reference",
    "rule_payment_intent_not_found",
    "rule_possible_duplicate_refund",
    "rule_refund_failed",
    "rule_refund_missing_in_oms",
    "rule_refund_missing_in_stripe",
    "rule_refund_pending",
    "sort_findings",
]

Record = dict[str, Any]


RULES: tuple[Callable[[OpsEvidence, datetime], list[Finding]], ...] = (
    rule_auth_expired_uncaptured,
    rule_auth_canceled_uncaptured,
    rule_auth_expiring,
    rule_capturable_remainder_released,
    rule_capture_missing_in_oms,
    rule_capture_missing_in_stripe,
    rule_refund_missing_in_oms,
    rule_refund_missing_in_stripe,
    rule_amount_scale_mismatch,
    rule_currency_mismatch,
    rule_refund_failed,
    rule_refund_pending,
    rule_possible_duplicate_refund,
    rule_charge_disputed,
    rule_payment_intent_not_found,
    rule_no_stripe_reference,
    rule_gateway_failures,
)


def findings_for_ops(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """Every trace finding of one OrderPaymentSummary, errors first, then by code and subject."""
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(evidence, now))
    return sort_findings(findings)


def orphan_payment_intent_finding(pi: Record) -> Finding:
    """ORPHAN_PAYMENT_INTENT (batch reconciliation): a PaymentIntent whose metadata.order_id has no OrderSummary."""
    currency = str(pi.get("currency") or "")
    received = minor(pi, "amount_received")
    amount = to_major(received if received > 0 else minor(pi, "amount"), currency)
    order_id = (pi.get("metadata") or {}).get("order_id")
    what = "received" if received > 0 else f"{pi.get('status')}, not captured"
    return make_finding(
        FindingCode.ORPHAN_PAYMENT_INTENT, str(pi.get("id")), amount, currency,
        f"PaymentIntent {pi.get('id')} ({format_money(amount, currency)} {what}) carries order_id {order_id}, "
        "but no OrderSummary has that order number.",
    )
