"""Stripe payment state read from plain dicts: the quantities of ``docs/findings.md``.

Shared by the trace findings, the failed-capture diagnosis and reconciliation, so each quantity is
computed one way. Inputs are PaymentIntent/charge/refund dicts as Stripe returns them (amounts in
minor units, timestamps in Unix seconds); outputs are Decimal major units and aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.core.money import from_salesforce, to_major

__all__ = [
    "AUTHORIZATION_WINDOW",
    "EXPIRY_REASONS",
    "authorization_deadline",
    "currency_differs",
    "from_unix",
    "is_captured",
    "is_money_moving_refund",
    "is_partial_capture",
    "minor",
    "ops_amount",
    "refunds_of",
    "stripe_captured",
    "stripe_currency",
    "stripe_currency_code",
    "stripe_refunded",
]

#: Stripe's authorization window for online card payments when ``capture_before`` is absent.
AUTHORIZATION_WINDOW = timedelta(days=7)
#: Cancellation reasons Stripe sets when it releases an authorization by itself.
EXPIRY_REASONS = frozenset({"automatic", "expired"})

Record = dict[str, Any]


def minor(obj: Record | None, key: str) -> int:
    """An integer amount field of a Stripe object (0 when absent or not an integer)."""
    value = (obj or {}).get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def ops_amount(evidence: OpsEvidence, field_name: str) -> Decimal:
    """An OrderPaymentSummary currency field in major units; an absent (null) rollup reads as 0."""
    value = from_salesforce(evidence.ops.get(field_name), evidence.currency)
    return value if value is not None else to_major(0, evidence.currency)


def stripe_currency(pe: StripePaymentEvidence, fallback: str) -> str:
    """The PaymentIntent's currency as Stripe spells it, or ``fallback`` when the objects carry none."""
    return pe.currency or fallback


def stripe_currency_code(pe: StripePaymentEvidence, fallback: str) -> str:
    """The PaymentIntent's currency as an upper-case ISO code (``fallback`` when the objects carry none)."""
    return stripe_currency(pe, fallback).upper()


def currency_differs(evidence: OpsEvidence, pe: StripePaymentEvidence) -> bool:
    """Whether the PaymentIntent's currency is not the payment summary's (amounts are then in other units)."""
    return bool(pe.currency) and pe.currency.upper() != evidence.currency.upper()


def from_unix(value: Any) -> datetime | None:
    """Stripe Unix seconds as an aware UTC datetime (None when absent)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, UTC)


def stripe_captured(pe: StripePaymentEvidence, currency: str | None = None) -> Decimal:
    """The charge's ``amount_captured`` when ``captured`` is true, else 0, in major units."""
    code = currency or pe.currency
    charge = pe.charge or {}
    return to_major(minor(charge, "amount_captured") if charge.get("captured") else 0, code)


def stripe_refunded(pe: StripePaymentEvidence, currency: str | None = None) -> Decimal:
    """Money refunded on a captured charge, without the released never-captured remainder (major units)."""
    code = currency or pe.currency
    charge = pe.charge or {}
    if not charge.get("captured"):
        return to_major(0, code)
    released = minor(charge, "amount") - minor(charge, "amount_captured")
    return to_major(max(0, minor(charge, "amount_refunded") - released), code)


def authorization_deadline(pe: StripePaymentEvidence) -> datetime | None:
    """``payment_method_details.card.capture_before``, or the PaymentIntent's ``created`` + 7 days."""
    card = (((pe.charge or {}).get("payment_method_details") or {}).get("card")) or {}
    before = from_unix(card.get("capture_before"))
    if before is not None:
        return before
    created = from_unix(pe.payment_intent.get("created"))
    return None if created is None else created + AUTHORIZATION_WINDOW


def refunds_of(pe: StripePaymentEvidence) -> list[Record]:
    """The charge's refunds: the evidence's list, or the charge's embedded ``refunds.data`` when empty."""
    if pe.refunds:
        return list(pe.refunds)
    embedded = (pe.charge or {}).get("refunds")
    if isinstance(embedded, dict) and isinstance(embedded.get("data"), list):
        return list(embedded["data"])
    return []


def is_partial_capture(pe: StripePaymentEvidence) -> bool:
    """Captured for less than the authorized amount (Stripe released the rest)."""
    charge = pe.charge
    if charge is not None and charge.get("captured"):
        return minor(charge, "amount_captured") < minor(charge, "amount")
    pi = pe.payment_intent
    return pi.get("status") == "succeeded" and 0 < minor(pi, "amount_received") < minor(pi, "amount")


def is_money_moving_refund(refund: Record, pe: StripePaymentEvidence) -> bool:
    """A refund that returned money: not failed/canceled, not an expiry, not a release of the remainder."""
    if refund.get("status") in ("failed", "canceled"):
        return False
    if refund.get("reason") == "expired_uncaptured_charge":
        return False
    if refund.get("balance_transaction") is None:
        if pe.payment_intent.get("status") == "canceled":
            return False
        if is_partial_capture(pe) and pe.charge is not None:
            released = minor(pe.charge, "amount") - minor(pe.charge, "amount_captured")
            if minor(refund, "amount") == released:
                return False
    return True


def is_captured(pe: StripePaymentEvidence) -> bool:
    """Whether the charge is captured now (the PaymentIntent succeeded when there is no charge)."""
    if pe.charge is not None:
        return bool(pe.charge.get("captured"))
    return pe.payment_intent.get("status") == "succeeded"
