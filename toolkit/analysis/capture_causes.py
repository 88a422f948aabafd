"""Failed-capture causes: why one PaymentGatewayLog capture row failed, from Stripe's state and timestamps.

:func:`diagnose_capture_failure` applies the twelve rules of ``docs/findings.md`` in order, with
``t`` = the row's CreatedDate; the first that matches gives the :class:`Cause`. What the connector
writes into GatewayResultCode, GatewayMessage and Response is undocumented, so those fields only
confirm or refine (:func:`gateway_error_of` reads them tolerantly); the classification stands on the
PaymentIntent and its charge.

``retryable`` takes one of five values (:class:`Retryable`): ``"yes"``, ``"no"``,
``"after credentials are fixed"``, ``"with a smaller amount"``, ``"unknown"``.

Spec notes
----------
- Retrying a capture can only work while the PaymentIntent requires_capture. For the causes the spec
  calls retryable (AUTHENTICATION_FAILED, RATE_LIMITED, TIMEOUT_NOT_CAPTURED, AMOUNT_EXCEEDS_CAPTURABLE,
  STRIPE_API_ERROR) the answer is therefore evaluated against the PaymentIntent's state now: "no" when
  it has since been canceled or captured, the spec's value otherwise (also when Stripe's state is
  unknown). The remediation then opens with one sentence saying so (the cause alone would be retryable;
  the PaymentIntent's state leaves nothing to capture).
- AUTH_EXPIRED's clause "t is past the deadline" applies to an authorization still uncaptured at ``t``:
  not to a PaymentIntent that succeeded (it was captured before its deadline, hence before ``t``; that
  row is SECOND_CAPTURE_REJECTED or ALREADY_CAPTURED) and not to one canceled for another reason before
  ``t`` (AUTH_CANCELED). "Past" is strict (t > deadline). The row's own Stripe codes
  ``charge_expired_for_capture`` / ``capture_charge_authorization_expired`` also match it.
- Rule 1 also matches when the row itself carries ``resource_missing`` and the reference it concerns
  could not be resolved.
- Rules 4-11 need the PaymentIntent; when it was not fetched they fall through to the rules the row's
  own error can decide (2, 3, 10's amount_too_large, 11), then UNKNOWN.
- :func:`summarize` also reports the currency, since amounts in different currencies are never summed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence, StripeReference
from toolkit.analysis.gateway_payload import (
    GatewayError,
    gateway_error_of,
    is_failed_capture,
    requested_amount,
    text_field,
)
from toolkit.analysis.payment_state import (
    EXPIRY_REASONS,
    authorization_deadline,
    from_unix,
    is_captured,
    is_partial_capture,
    minor,
)
from toolkit.analysis.remediation import cause_remediation
from toolkit.core.clock import parse_instant
from toolkit.core.money import format_amount, format_money, from_salesforce, normalize_currency, to_major
from toolkit.core.text import format_instant
from toolkit.errors import InputError

__all__ = [
    "CaptureDiagnosis",
    "Cause",
    "GatewayError",
    "Retryable",
    "diagnose_capture_failure",
    "gateway_error_of",
    "is_failed_capture",
    "requested_amount",
    "summarize",
]

Record = dict[str, Any]


class Cause(StrEnum):
    PAYMENT_INTENT_NOT_FOUND = "PAYMENT_INTENT_NOT_FOUND"
    AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED"
    RATE_LIMITED = "RATE_LIMITED"
    TIMEOUT_BUT_CAPTURED = "TIMEOUT_BUT_CAPTURED"
    TIMEOUT_NOT_CAPTURED = "TIMEOUT_NOT_CAPTURED"
    AUTH_EXPIRED = "AUTH_EXPIRED"
    AUTH_CANCELED = "AUTH_CANCELED"
    SECOND_CAPTURE_REJECTED = "SECOND_CAPTURE_REJECTED"
    ALREADY_CAPTURED = "ALREADY_CAPTURED"
    AMOUNT_EXCEEDS_CAPTURABLE = "AMOUNT_EXCEEDS_CAPTURABLE"
    STRIPE_API_ERROR = "STRIPE_API_ERROR"
    UNKNOWN = "UNKNOWN"


class Retryable(StrEnum):
    YES = "yes"
    NO = "no"
    AFTER_CREDENTIALS_FIXED = "after credentials are fixed"
    WITH_SMALLER_AMOUNT = "with a smaller amount"
    UNKNOWN = "unknown"


_CAUSE_ORDER = {cause: index for index, cause in enumerate(Cause)}
_NO_MONEY_AT_RISK = frozenset({Cause.TIMEOUT_BUT_CAPTURED, Cause.ALREADY_CAPTURED})
_AUTH_TYPES = frozenset({"authentication_error", "permission_error"})
_AUTH_CODES = frozenset({"api_key_expired", "secret_key_required", "platform_api_key_expired"})
_RATE_CODES = frozenset({"rate_limit", "lock_timeout"})
_EXPIRY_CODES = frozenset({"charge_expired_for_capture", "capture_charge_authorization_expired"})


# --- the diagnosis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptureDiagnosis:
    """The cause of one failed capture row and what it puts at risk.

    Attributes:
        log_id, log_number: the PaymentGatewayLog's Id and PaymentGatewayLogNumber.
        created: the row's CreatedDate (``t`` of the rules), aware UTC.
        order_number: the OrderSummary's OrderNumber, when known.
        payment_intent: the ``pi_`` the capture concerned (or the unresolved ``pi_``/``txn_`` reference).
        cause: the first matching rule's cause.
        retryable: one of :class:`Retryable`'s values.
        amount_at_risk: the OPS's AvailableToCaptureAmount; 0 when the money was collected anyway.
        currency: the OPS's ISO code.
        remediation: what an analyst should do (and not do).
        evidence: one sentence on why this cause was chosen.
    """

    log_id: str
    log_number: str | None
    created: datetime
    order_number: str | None
    payment_intent: str | None
    cause: Cause
    retryable: Retryable
    amount_at_risk: Decimal
    currency: str
    remediation: str
    evidence: str

    def to_json(self) -> dict[str, Any]:
        """A row of the ``diagnose`` command's JSON (amounts as strings)."""
        return {
            "log_id": self.log_id,
            "log_number": self.log_number,
            "created": self.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "order_number": self.order_number,
            "payment_intent": self.payment_intent,
            "cause": str(self.cause),
            "retryable": str(self.retryable),
            "amount_at_risk": format_amount(self.amount_at_risk, self.currency),
            "currency": self.currency,
            "remediation": self.remediation,
        }


def _reference_of(log: Record, evidence: OpsEvidence) -> StripeReference | None:
    """The reference the row concerns: its ReferencedEntityId's, its own pi_, else the OPS's first."""
    found = evidence.reference_for_record(log.get("ReferencedEntityId"))
    if found is not None:
        return found
    gateway_ref = log.get("GatewayRefNumber")
    found = next((ref for ref in evidence.references if gateway_ref and ref.value == gateway_ref), None)
    if found is not None:
        return found
    authorizations = [ref for ref in evidence.references if ref.record_object == "PaymentAuthorization"]
    candidates = authorizations or evidence.references
    return candidates[0] if candidates else None


def _has_any_reference(evidence: OpsEvidence) -> bool:
    if evidence.references:
        return True
    records = [*evidence.authorizations, *evidence.payments]
    return any(str(r.get("GatewayRefNumber") or "").startswith(("pi_", "txn_")) for r in records)


def _is_timeout_like(log: Record) -> bool:
    if log.get("InteractionStatus") == "Timeout" or log.get("SfResultCode") == "Indeterminate":
        return True
    no_answer = not text_field(log.get("GatewayResultCode")) and not text_field(log.get("Response"))
    return log.get("SfResultCode") == "SystemError" and no_answer


@dataclass(frozen=True)
class _Match:
    cause: Cause
    evidence: str


def _confirmation(error: GatewayError) -> str:
    if error.code:
        return f"; Stripe's error {error.code} confirms it"
    if error.http_status:
        return f"; the row's HTTP {error.http_status} confirms it"
    return ""


def _payment_of(log: Record, evidence: OpsEvidence) -> tuple[StripeReference | None, StripePaymentEvidence | None]:
    """The reference the row concerns and the PaymentIntent it resolved to (None when not fetched)."""
    ref = _reference_of(log, evidence)
    pe = evidence.payment_intent(ref.resolved_payment_intent) if ref else None
    if pe is None and len(evidence.stripe) == 1 and (ref is None or not ref.missing):
        pe = evidence.stripe[0]
    return ref, pe


def _classify(log: Record, t: datetime, evidence: OpsEvidence, error: GatewayError) -> _Match:
    ref, pe = _payment_of(log, evidence)
    # 1
    if not _has_any_reference(evidence):
        return _Match(Cause.PAYMENT_INTENT_NOT_FOUND, "The payment summary has no pi_ or txn_ reference to capture.")
    if ref is not None and ref.missing:
        return _Match(Cause.PAYMENT_INTENT_NOT_FOUND, f"Stripe answers resource_missing for {ref.value}.")
    if pe is None and error.code == "resource_missing":
        return _Match(Cause.PAYMENT_INTENT_NOT_FOUND, "The row carries Stripe's resource_missing error.")
    # 2, 3
    if error.http_status in (401, 403) or error.type in _AUTH_TYPES or error.code in _AUTH_CODES:
        what = f"HTTP {error.http_status}" if error.http_status in (401, 403) else (error.type or error.code)
        return _Match(Cause.AUTHENTICATION_FAILED, f"The row carries {what}: Stripe refused the credentials.")
    if error.http_status == 429 or error.code in _RATE_CODES or error.type == "rate_limit_error":
        what = error.code or (error.type if error.type == "rate_limit_error" else "HTTP 429")
        return _Match(Cause.RATE_LIMITED, f"The row carries {what}: Stripe asked the connector to slow down.")
    if pe is not None:
        state = _classify_state(log, t, pe, evidence.currency, error)
        if state is not None:
            return state
    elif error.code == "amount_too_large":
        return _Match(Cause.AMOUNT_EXCEEDS_CAPTURABLE, "The row carries Stripe's amount_too_large error.")
    # 11, 12
    if (error.http_status or 0) >= 500 or error.type == "api_error" or error.code == "api_error":
        what = f"HTTP {error.http_status}" if (error.http_status or 0) >= 500 else "api_error"
        return _Match(Cause.STRIPE_API_ERROR, f"The row carries {what}: Stripe had an internal error.")
    status = pe.payment_intent.get("status") if pe else None
    state_text = f"PaymentIntent {pe.id} is {status}" if pe else "the PaymentIntent was not fetched"
    return _Match(Cause.UNKNOWN, f"No rule matched: {state_text} and the row carries no recognised Stripe error.")


def _classify_state(
    log: Record, t: datetime, pe: StripePaymentEvidence, currency: str, error: GatewayError
) -> _Match | None:
    """Rules 4 to 10, which read the PaymentIntent's state and timestamps."""
    pi = pe.payment_intent
    status = pi.get("status")
    at_t = format_instant(t)
    # 4, 5
    if _is_timeout_like(log):
        why = "timed out" if log.get("InteractionStatus") == "Timeout" else f"ended {log.get('SfResultCode')}"
        if is_captured(pe):
            return _Match(Cause.TIMEOUT_BUT_CAPTURED, f"The capture at {at_t} {why}, yet {pe.id}'s charge is captured.")
        return _Match(Cause.TIMEOUT_NOT_CAPTURED, f"The capture at {at_t} {why} and {pe.id} is {status}, not captured.")
    # 6, 7
    canceled_at = from_unix(pi.get("canceled_at"))
    reason = pi.get("cancellation_reason")
    released_at = canceled_at if status == "canceled" and canceled_at is not None and canceled_at <= t else None
    canceled_before = released_at is not None
    if released_at is not None and reason in EXPIRY_REASONS:
        return _Match(
            Cause.AUTH_EXPIRED,
            f"Stripe released {pe.id} (cancellation_reason {reason}) at {format_instant(released_at)}, before the "
            f"capture at {at_t}{_confirmation(error)}.",
        )
    deadline = authorization_deadline(pe)
    still_open = status != "succeeded" and not is_captured(pe) and not canceled_before
    if still_open and deadline is not None and t > deadline:
        return _Match(
            Cause.AUTH_EXPIRED,
            f"The capture at {at_t} came after {pe.id}'s capture deadline {format_instant(deadline)}"
            f"{_confirmation(error)}.",
        )
    if error.code in _EXPIRY_CODES:
        return _Match(Cause.AUTH_EXPIRED, f"The row carries Stripe's {error.code} error for {pe.id}.")
    if released_at is not None:
        why = f"cancellation_reason {reason}" if reason else "no cancellation_reason"
        return _Match(
            Cause.AUTH_CANCELED,
            f"{pe.id} was canceled ({why}) at {format_instant(released_at)}, before the capture at {at_t}"
            f"{_confirmation(error)}.",
        )
    # 8, 9
    code = pe.currency or currency  # Stripe's amounts are in the PaymentIntent's currency
    if status == "succeeded":
        captured = minor(pe.charge, "amount_captured") if pe.charge else minor(pi, "amount_received")
        money = format_money(to_major(captured, code), code)
        if is_partial_capture(pe):
            total = format_money(to_major(minor(pi, "amount"), code), code)
            return _Match(
                Cause.SECOND_CAPTURE_REJECTED,
                f"{pe.id} was already captured for {money} of {total} and Stripe released the rest"
                f"{_confirmation(error)}.",
            )
        return _Match(Cause.ALREADY_CAPTURED, f"{pe.id} was already captured in full ({money}){_confirmation(error)}.")
    # 10
    if status == "requires_capture":
        capturable = to_major(minor(pi, "amount_capturable"), code)
        asked = requested_amount(log, code)
        if (asked is not None and asked > capturable) or error.code == "amount_too_large":
            asked_text = f"{format_money(asked, code)} was requested" if asked is not None else "amount_too_large"
            return _Match(
                Cause.AMOUNT_EXCEEDS_CAPTURABLE,
                f"{asked_text} but {pe.id} can capture only {format_money(capturable, code)}.",
            )
    return None


_SPEC_RETRYABLE: dict[Cause, Retryable] = {
    Cause.PAYMENT_INTENT_NOT_FOUND: Retryable.NO,
    Cause.AUTHENTICATION_FAILED: Retryable.AFTER_CREDENTIALS_FIXED,
    Cause.RATE_LIMITED: Retryable.YES,
    Cause.TIMEOUT_BUT_CAPTURED: Retryable.NO,
    Cause.TIMEOUT_NOT_CAPTURED: Retryable.YES,
    Cause.AUTH_EXPIRED: Retryable.NO,
    Cause.AUTH_CANCELED: Retryable.NO,
    Cause.SECOND_CAPTURE_REJECTED: Retryable.NO,
    Cause.ALREADY_CAPTURED: Retryable.NO,
    Cause.AMOUNT_EXCEEDS_CAPTURABLE: Retryable.WITH_SMALLER_AMOUNT,
    Cause.STRIPE_API_ERROR: Retryable.YES,
    Cause.UNKNOWN: Retryable.UNKNOWN,
}


def _retryable(cause: Cause, pe: StripePaymentEvidence | None) -> Retryable:
    value = _SPEC_RETRYABLE[cause]
    if value in (Retryable.NO, Retryable.UNKNOWN) or pe is None:
        return value
    return value if pe.payment_intent.get("status") == "requires_capture" else Retryable.NO


def _why_not_retryable(cause: Cause, retryable: Retryable, pe: StripePaymentEvidence | None) -> str | None:
    """When the PaymentIntent's state overrides the spec's retryable value: one sentence saying why."""
    spec = _SPEC_RETRYABLE[cause]
    if pe is None or retryable == spec:
        return None
    pi = pe.payment_intent
    status = pi.get("status")
    if status == "succeeded":
        state = f"PaymentIntent {pe.id} has since been captured (status succeeded)"
    elif status == "canceled":
        state = (f"PaymentIntent {pe.id} has since been canceled "
                 f"({pi.get('cancellation_reason') or 'no reason given'})")
    else:
        state = f"PaymentIntent {pe.id} is {status}, not requires_capture"
    return (f"Retryable: no, although {cause} alone would be ({spec}): the {state}, so a retry has nothing left "
            "to capture.")


def diagnose_capture_failure(log: Record, evidence: OpsEvidence) -> CaptureDiagnosis:
    """The cause of one failed (or timed-out) capture row, by the first matching rule, with t = CreatedDate."""
    if not is_failed_capture(log):
        raise InputError(
            f"gateway log {log.get('Id')} is a {log.get('InteractionType')} row with status "
            f"{log.get('InteractionStatus')}; only failed or timed-out Capture rows are diagnosed"
        )
    created = log.get("CreatedDate") or log.get("GatewayDate")
    if not created:
        raise InputError(f"gateway log {log.get('Id')} has no CreatedDate")
    t = parse_instant(created)
    error = gateway_error_of(log)
    match = _classify(log, t, evidence, error)
    ref, pe = _payment_of(log, evidence)
    retryable = _retryable(match.cause, pe)
    remediation = cause_remediation(match.cause)
    why = _why_not_retryable(match.cause, retryable, pe)
    if why is not None:
        remediation = f"{why} {remediation}"
    available = from_salesforce(evidence.ops.get("AvailableToCaptureAmount"), evidence.currency)
    at_risk = to_major(0, evidence.currency) if match.cause in _NO_MONEY_AT_RISK or available is None else available
    return CaptureDiagnosis(
        log_id=str(log.get("Id") or ""),
        log_number=log.get("PaymentGatewayLogNumber"),
        created=t,
        order_number=evidence.order_number,
        payment_intent=pe.id if pe else (ref.value if ref else None),
        cause=match.cause,
        retryable=retryable,
        amount_at_risk=at_risk,
        currency=normalize_currency(evidence.currency),
        remediation=remediation,
        evidence=match.evidence,
    )


def summarize(diagnoses: Iterable[CaptureDiagnosis]) -> list[dict[str, Any]]:
    """Count and amount at risk per cause and currency, in rule order: ``{"cause", "count",
    "amount_at_risk" (a string), "currency"}``."""
    totals: dict[tuple[Cause, str], tuple[int, Decimal]] = {}
    for diagnosis in diagnoses:
        key = (diagnosis.cause, diagnosis.currency)
        count, amount = totals.get(key, (0, Decimal(0)))
        totals[key] = (count + 1, amount + diagnosis.amount_at_risk)
    return [
        {
            "cause": str(cause),
            "count": count,
            "amount_at_risk": format_amount(amount, currency),
            "currency": currency,
        }
        for (cause, currency), (count, amount) in sorted(totals.items(), key=lambda i: (_CAUSE_ORDER[i[0][0]], i[0][1]))
    ]
