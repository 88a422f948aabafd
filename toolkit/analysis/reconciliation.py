"""Reconciliation of one OrderPaymentSummary: Order Management's amounts and Stripe's, side by side.

Quantities (``docs/findings.md``): authorized, captured, refunded and available to capture. The OMS
side reads the OPS rollups; the Stripe side sums the PaymentIntents the OPS's references resolved to,
through the shared quantities of :mod:`toolkit.analysis.payment_state`. When the Stripe side is incomplete (a
reference Stripe does not have, or none at all) Stripe's amounts are None, never a misleading zero.

"Authorized" on the Stripe side counts only manual-capture PaymentIntents: a PaymentIntent captured at
checkout reaches Order Management as a Sale Payment with no PaymentAuthorization (so AuthorizationAmount
stays 0), and counting its authorization would show a difference that is not one.

A disputed charge adds two Stripe-only rows (Order Management records no dispute, so their OMS side is None): the
money the disputes withdrew from the balance (less what won disputes reinstated) and the dispute fees (less any
returned), read from the disputes' balance transactions in the ``charge.dispute.*`` events' snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.payment_state import currency_differs, minor, stripe_captured, stripe_refunded
from toolkit.analysis.stripe_shapes import disputes
from toolkit.core.money import format_amount, from_salesforce, normalize_currency, to_major

__all__ = ["DISPUTE_QUANTITIES", "QUANTITIES", "ReconciliationRow", "dispute_money", "reconcile_ops"]

Record = dict[str, Any]

#: quantity -> the OPS field holding Order Management's amount.
QUANTITIES: dict[str, str] = {
    "authorized": "AuthorizationAmount",
    "captured": "CapturedAmount",
    "refunded": "RefundedAmount",
    "available to capture": "AvailableToCaptureAmount",
}
#: The Stripe-only rows of a disputed charge.
DISPUTE_QUANTITIES = ("withdrawn by dispute", "dispute fees")


@dataclass(frozen=True)
class ReconciliationRow:
    """One quantity of one OPS: OMS's amount, Stripe's, and OMS minus Stripe."""

    ops_id: str
    order_number: str | None
    payment_intents: tuple[str, ...]
    quantity: str
    oms: Decimal | None
    stripe: Decimal | None
    currency: str

    @property
    def difference(self) -> Decimal | None:
        if self.oms is None or self.stripe is None:
            return None
        return self.oms - self.stripe

    @property
    def matches(self) -> bool | None:
        difference = self.difference
        return None if difference is None else difference == 0

    def to_json(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else format_amount(value, self.currency)

        return {
            "ops_id": self.ops_id,
            "order_number": self.order_number,
            "payment_intents": list(self.payment_intents),
            "quantity": self.quantity,
            "oms": text(self.oms),
            "stripe": text(self.stripe),
            "difference": text(self.difference),
            "currency": self.currency,
        }


def _authorized(pe: StripePaymentEvidence, currency: str) -> Decimal:
    charge = pe.charge or {}
    if not charge or charge.get("status") == "failed":
        return to_major(0, currency)
    card = ((charge.get("payment_method_details") or {}).get("card")) or {}
    authorized = card.get("amount_authorized")
    if not isinstance(authorized, int) or isinstance(authorized, bool):
        authorized = minor(charge, "amount")
    return to_major(authorized, currency)


def _complete(evidence: OpsEvidence) -> list[StripePaymentEvidence] | None:
    if not evidence.references:
        return None
    fetched = {pe.id: pe for pe in evidence.stripe}
    if any(currency_differs(evidence, pe) for pe in evidence.stripe):
        return None  # amounts in another currency: never compared (CURRENCY_MISMATCH says so)
    resolved = []
    for ref in evidence.references:
        if ref.missing or not ref.resolved_payment_intent or ref.resolved_payment_intent not in fetched:
            return None
        resolved.append(ref.resolved_payment_intent)
    return [fetched[pi] for pi in sorted(set(resolved))]


def reconcile_ops(evidence: OpsEvidence) -> list[ReconciliationRow]:
    """The four quantities of one OPS, OMS and Stripe side by side (Stripe None when it cannot be known)."""
    currency = normalize_currency(evidence.currency)
    pes = _complete(evidence)
    stripe: dict[str, Decimal | None]
    if pes is None:
        stripe = dict.fromkeys(QUANTITIES)
    else:
        def total(values: list[Decimal]) -> Decimal:
            return sum(values, to_major(0, currency))

        stripe = {
            "authorized": total([_authorized(pe, currency) for pe in pes
                                 if pe.payment_intent.get("capture_method") == "manual"]),
            "captured": total([stripe_captured(pe, currency) for pe in pes]),
            "refunded": total([stripe_refunded(pe, currency) for pe in pes]),
            "available to capture": total([to_major(minor(pe.payment_intent, "amount_capturable"), currency)
                                           for pe in pes]),
        }
    pis = tuple(pe.id for pe in pes) if pes is not None else tuple(
        sorted({ref.resolved_payment_intent or ref.value for ref in evidence.references}))
    rows = []
    for quantity, field in QUANTITIES.items():
        oms = from_salesforce(evidence.ops.get(field), currency)
        rows.append(ReconciliationRow(evidence.ops_id, evidence.order_number, pis, quantity,
                                      oms if oms is not None else to_major(0, currency), stripe[quantity], currency))
    if pes is not None and any(disputes(pe) for pe in pes):
        withdrawn, fees = to_major(0, currency), to_major(0, currency)
        for pe in pes:
            amount, fee = dispute_money(pe, currency)
            withdrawn, fees = withdrawn + amount, fees + fee
        for quantity, value in zip(DISPUTE_QUANTITIES, (withdrawn, fees), strict=True):
            rows.append(ReconciliationRow(evidence.ops_id, evidence.order_number, pis, quantity, None, value, currency))
    return rows


def dispute_money(pe: StripePaymentEvidence, currency: str) -> tuple[Decimal, Decimal]:
    """What the charge's disputes took from the balance: (amount withdrawn less reinstated, fees less returned),
    positive when money left the account."""
    amount = fee = 0
    for dispute in disputes(pe):
        for txn in dispute.get("balance_transactions") or []:
            if isinstance(txn, dict):
                amount -= minor(txn, "amount")
                fee += minor(txn, "fee")
    return to_major(amount, currency), to_major(fee, currency)
