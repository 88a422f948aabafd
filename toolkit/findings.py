"""Trace findings: what is wrong with one OrderPaymentSummary and the Stripe payment behind it.

Pure rules over :class:`~toolkit.evidence.OpsEvidence` and a clock value, one function per row of the
table in ``specs/findings.md`` (``rule_auth_expired_uncaptured`` ...), each returning a list of
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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from toolkit.clock import parse_instant, to_utc
from toolkit.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.message_text import format_duration, format_instant, redact_secrets
from toolkit.money import exponent, format_amount, format_money, from_salesforce, normalize_currency, to_major
from toolkit.payment_state import (
    EXPIRY_REASONS,
    authorization_deadline,
    from_unix,
    is_money_moving_refund,
    is_partial_capture,
    minor,
    refunds_of,
    stripe_captured,
    stripe_refunded,
)
from toolkit.remediation import finding_remediation

__all__ = [
    "DUPLICATE_REFUND_WINDOW",
    "EXPIRING_WINDOW",
    "RULES",
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

EXPIRING_WINDOW = timedelta(hours=48)
DUPLICATE_REFUND_WINDOW = timedelta(hours=24)

Record = dict[str, Any]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class FindingCode(StrEnum):
    AUTH_EXPIRED_UNCAPTURED = "AUTH_EXPIRED_UNCAPTURED"
    AUTH_CANCELED_UNCAPTURED = "AUTH_CANCELED_UNCAPTURED"
    AUTH_EXPIRING = "AUTH_EXPIRING"
    CAPTURABLE_REMAINDER_RELEASED = "CAPTURABLE_REMAINDER_RELEASED"
    CAPTURE_MISSING_IN_OMS = "CAPTURE_MISSING_IN_OMS"
    CAPTURE_MISSING_IN_STRIPE = "CAPTURE_MISSING_IN_STRIPE"
    REFUND_MISSING_IN_OMS = "REFUND_MISSING_IN_OMS"
    REFUND_MISSING_IN_STRIPE = "REFUND_MISSING_IN_STRIPE"
    AMOUNT_SCALE_MISMATCH = "AMOUNT_SCALE_MISMATCH"
    REFUND_FAILED = "REFUND_FAILED"
    REFUND_PENDING = "REFUND_PENDING"
    POSSIBLE_DUPLICATE_REFUND = "POSSIBLE_DUPLICATE_REFUND"
    CHARGE_DISPUTED = "CHARGE_DISPUTED"
    PAYMENT_INTENT_NOT_FOUND = "PAYMENT_INTENT_NOT_FOUND"
    NO_STRIPE_REFERENCE = "NO_STRIPE_REFERENCE"
    GATEWAY_FAILURES = "GATEWAY_FAILURES"
    ORPHAN_PAYMENT_INTENT = "ORPHAN_PAYMENT_INTENT"


SEVERITY: dict[FindingCode, Severity] = {
    FindingCode.AUTH_EXPIRED_UNCAPTURED: Severity.ERROR,
    FindingCode.AUTH_CANCELED_UNCAPTURED: Severity.ERROR,
    FindingCode.AUTH_EXPIRING: Severity.WARNING,
    FindingCode.CAPTURABLE_REMAINDER_RELEASED: Severity.ERROR,
    FindingCode.CAPTURE_MISSING_IN_OMS: Severity.ERROR,
    FindingCode.CAPTURE_MISSING_IN_STRIPE: Severity.ERROR,
    FindingCode.REFUND_MISSING_IN_OMS: Severity.WARNING,
    FindingCode.REFUND_MISSING_IN_STRIPE: Severity.ERROR,
    FindingCode.AMOUNT_SCALE_MISMATCH: Severity.ERROR,
    FindingCode.REFUND_FAILED: Severity.ERROR,
    FindingCode.REFUND_PENDING: Severity.WARNING,
    FindingCode.POSSIBLE_DUPLICATE_REFUND: Severity.WARNING,
    FindingCode.CHARGE_DISPUTED: Severity.WARNING,
    FindingCode.PAYMENT_INTENT_NOT_FOUND: Severity.ERROR,
    FindingCode.NO_STRIPE_REFERENCE: Severity.WARNING,
    FindingCode.GATEWAY_FAILURES: Severity.WARNING,
    FindingCode.ORPHAN_PAYMENT_INTENT: Severity.WARNING,
}
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1}


@dataclass(frozen=True)
class Finding:
    """One conclusion about an order's payment: a code, what it is about and how much money it concerns."""

    code: FindingCode
    severity: Severity
    subject: str
    amount: Decimal | None
    currency: str
    message: str
    remediation: str

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON shape; the amount as a string at the currency's scale, or None."""
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "subject": self.subject,
            "amount": None if self.amount is None else format_amount(self.amount, self.currency),
            "currency": self.currency,
            "message": self.message,
            "remediation": self.remediation,
        }


def _finding(code: FindingCode, subject: str, amount: Decimal | None, currency: str, message: str) -> Finding:
    return Finding(
        code=code,
        severity=SEVERITY[code],
        subject=subject,
        amount=amount,
        currency=normalize_currency(currency),
        message=message,
        remediation=finding_remediation(code),
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by code, subject, amount and message (a total, stable order)."""
    return sorted(
        findings,
        key=lambda f: (_SEVERITY_RANK[f.severity], str(f.code), f.subject, f.amount or Decimal(0), f.message),
    )


# --- quantities -------------------------------------------------------------------------------------


def _stripe_currency(pe: StripePaymentEvidence, fallback: str) -> str:
    return pe.currency or fallback


def _ops_amount(evidence: OpsEvidence, field_name: str) -> Decimal:
    value = from_salesforce(evidence.ops.get(field_name), evidence.currency)
    return value if value is not None else to_major(0, evidence.currency)


def _oms_available_to_capture(evidence: OpsEvidence) -> Decimal:
    return _ops_amount(evidence, "AvailableToCaptureAmount")


def _stripe_side_complete(evidence: OpsEvidence) -> bool:
    if not evidence.references or not evidence.stripe:
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
    if not _stripe_side_complete(evidence):
        return None
    pes = list({pe.id: pe for pe in evidence.stripe}.values())
    currency = evidence.currency
    subject = pes[0].id if len(pes) == 1 else evidence.ops_id
    pis = ", ".join(pe.id for pe in pes)
    captured = sum((stripe_captured(pe, _stripe_currency(pe, currency)) for pe in pes), Decimal(0))
    refunded = sum((stripe_refunded(pe, _stripe_currency(pe, currency)) for pe in pes), Decimal(0))
    return {
        "captured": _Pair(_ops_amount(evidence, "CapturedAmount"), captured, subject, pis),
        "refunded": _Pair(_ops_amount(evidence, "RefundedAmount"), refunded, subject, pis),
    }


# --- rules: the authorization -----------------------------------------------------------------------


def _canceled(pe: StripePaymentEvidence) -> bool:
    return pe.payment_intent.get("status") == "canceled"


def rule_auth_expired_uncaptured(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A PaymentIntent canceled by expiry while OMS still has an amount available to capture."""
    available = _oms_available_to_capture(evidence)
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
    available = _oms_available_to_capture(evidence)
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
    available = _oms_available_to_capture(evidence)
    out = []
    for pe in evidence.stripe:
        pi = pe.payment_intent
        deadline = authorization_deadline(pe)
        if pi.get("status") != "requires_capture" or available <= 0 or deadline is None:
            continue
        if deadline - now >= EXPIRING_WINDOW:
            continue
        capturable = to_major(minor(pi, "amount_capturable"), _stripe_currency(pe, evidence.currency))
        money = format_money(capturable, evidence.currency)
        if deadline > now:
            when = f"must be captured by {format_instant(deadline)} (in {format_duration(deadline - now)})"
        else:
            when = f"passed its capture deadline {format_instant(deadline)} ({format_duration(now - deadline)} ago)"
        out.append(_finding(
            FindingCode.AUTH_EXPIRING, pe.id, capturable, evidence.currency,
            f"PaymentIntent {pe.id} {when}; {money} is still uncaptured and Stripe will release it.",
        ))
    return out


def rule_capturable_remainder_released(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A partially captured PaymentIntent (Stripe released the rest) while OMS can still capture."""
    available = _oms_available_to_capture(evidence)
    out = []
    for pe in evidence.stripe:
        if pe.payment_intent.get("status") != "succeeded" or not is_partial_capture(pe) or available <= 0:
            continue
        currency = _stripe_currency(pe, evidence.currency)
        if pe.charge is not None:
            captured, total = minor(pe.charge, "amount_captured"), minor(pe.charge, "amount")
        else:
            captured, total = minor(pe.payment_intent, "amount_received"), minor(pe.payment_intent, "amount")
        out.append(_finding(
            FindingCode.CAPTURABLE_REMAINDER_RELEASED, pe.id, available, evidence.currency,
            f"Stripe captured {format_money(to_major(captured, currency), evidence.currency)} of "
            f"{format_money(to_major(total, currency), evidence.currency)} on {pe.id} and released the rest, "
            f"but Order Management still shows {format_money(available, evidence.currency)} available to capture.",
        ))
    return out


# --- rules: OMS against Stripe ----------------------------------------------------------------------


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
    pending = _ops_amount(evidence, field_name)
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


# --- rules: refunds and disputes --------------------------------------------------------------------


def _refund_amount(refund: Record, pe: StripePaymentEvidence, fallback: str) -> tuple[Decimal, str]:
    currency = str(refund.get("currency") or _stripe_currency(pe, fallback))
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
        amount = to_major(minor(charge, "amount_captured"), _stripe_currency(pe, evidence.currency))
        out.append(_finding(
            FindingCode.CHARGE_DISPUTED, pe.id, amount, evidence.currency,
            f"The customer disputed charge {charge.get('id')} of {pe.id} "
            f"({format_money(amount, evidence.currency)} captured).",
        ))
    return out


# --- rules: references and the gateway log ----------------------------------------------------------


def _mode(livemode: bool) -> str:
    return "live" if livemode else "test"


def rule_payment_intent_not_found(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A pi_/txn_ reference that Stripe answers with resource_missing; says whether the mode differs."""
    out = []
    for ref in evidence.references:
        if not ref.missing:
            continue
        head = f"{ref.record_object} {ref.record_id} references {ref.value}, which Stripe does not find"
        if ref.other_mode and ref.key_livemode is not None:
            tail = (
                f" with this {_mode(ref.key_livemode)}-mode key; Stripe says it exists in "
                f"{_mode(not ref.key_livemode)} mode, so the key's mode differs from the reference's."
            )
        elif ref.other_mode:
            tail = "; Stripe says it exists in the other mode, so the key's mode differs from the reference's."
        elif ref.other_mode is False:
            mode = f" {_mode(ref.key_livemode)}-mode" if ref.key_livemode is not None else ""
            tail = (
                f" with this{mode} key, and does not report it in the other mode: the mode is not the cause, "
                "so check the account and the reference."
            )
        else:
            tail = "; whether it exists in the other mode is not known."
        amount = from_salesforce(ref.record_amount, evidence.currency)
        out.append(_finding(FindingCode.PAYMENT_INTENT_NOT_FOUND, ref.value, amount, evidence.currency, head + tail))
    return out


def _has_stripe_id(value: Any) -> bool:
    return isinstance(value, str) and value.strip().startswith(("pi_", "txn_"))


def rule_no_stripe_reference(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """An OPS with no pi_ or txn_ reference anywhere: it cannot be traced."""
    if evidence.references:
        return []
    records = [*evidence.authorizations, *evidence.payments, *evidence.gateway_logs]
    if any(_has_stripe_id(record.get("GatewayRefNumber")) for record in records):
        return []
    return [_finding(
        FindingCode.NO_STRIPE_REFERENCE, evidence.ops_id, None, evidence.currency,
        f"OrderPaymentSummary {evidence.ops_id} has no pi_ or txn_ reference on any authorization or payment, "
        "so it cannot be traced to Stripe.",
    )]


def _created(record: Record) -> datetime:
    value = record.get("CreatedDate")
    try:
        return parse_instant(value) if value else datetime.min.replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)


def rule_gateway_failures(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """PaymentGatewayLog rows with InteractionStatus Failed or Timeout: how many and the latest message."""
    failed = [log for log in evidence.gateway_logs if log.get("InteractionStatus") in ("Failed", "Timeout")]
    if not failed:
        return []
    latest = max(failed, key=lambda log: (_created(log), str(log.get("Id") or "")))
    count = len(failed)
    rows = "row" if count == 1 else "rows"
    kind = latest.get("InteractionType") or "interaction"
    when = f" at {format_instant(_created(latest))}" if latest.get("CreatedDate") else ""
    message = latest.get("GatewayMessage")
    said = f'said: "{redact_secrets(str(message))}"' if message else "recorded no GatewayMessage"
    return [_finding(
        FindingCode.GATEWAY_FAILURES, evidence.ops_id, None, evidence.currency,
        f"{count} payment gateway log {rows} failed or timed out; the latest, a {kind} "
        f"({latest.get('InteractionStatus')}){when}, {said}" + ("" if said.endswith(('."', '!"', '?"')) else "."),
    )]


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
    return _finding(
        FindingCode.ORPHAN_PAYMENT_INTENT, str(pi.get("id")), amount, currency,
        f"PaymentIntent {pi.get('id')} ({format_money(amount, currency)} {what}) carries order_id {order_id}, "
        "but no OrderSummary has that order number.",
    )
