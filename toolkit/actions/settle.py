"""Settling a guided action whose answer was lost: look its idempotency key up in both systems, and complete in
Order Management what Stripe did.

- **At Stripe**: a refund made directly carries the key in its metadata (``toolkit_key``); one made through the
  connector carries it as the request's ``Idempotency-Key``, which Stripe's events report
  (``request.idempotency_key``), as they do for a capture.
- **In Order Management**: the connector's gateway log keeps the key (``SfRefNumber``); a record the toolkit
  made itself carries the Stripe id in ``GatewayRefNumber``.

A refund or capture Stripe made that Order Management lacks is recorded there as an External Refund (with its
RefundLinePayment) or Payment: no money moves, the two systems agree. A read that fails leaves the outcome
``unknown``: nothing is concluded, the journal keeps the intent open for the next look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from toolkit.analysis.refund_plan import ActionPlan
from toolkit.core.money import format_money
from toolkit.errors import BudgetExceededError, ServiceError
from toolkit.salesforce.frames import plain_record
from toolkit.salesforce.templates import statement

if TYPE_CHECKING:
    from toolkit.session import Session

__all__ = ["Settlement", "record_in_oms", "verify"]

Record = dict[str, Any]
#: How far back the events of a lost answer are looked for (an intent is settled soon after it was written).
LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class Settlement:
    """Where an action stands: ``done`` (both systems), ``partial`` (Stripe only), ``not_done`` or ``unknown``."""

    status: Literal["done", "not_done", "unknown", "partial"]
    message: str
    stripe_id: str | None = None
    oms_id: str | None = None
    stripe_status: str | None = None


def _stripe_side(session: Session, kind: str, via: str, key: str, payment_intent: str | None) -> tuple[str, str] | None:
    """(the Stripe object's id, its status) that the request with ``key`` made, or None when it made none."""
    gateway = session.stripe_gateway()
    if kind == "refund" and via == "stripe" and payment_intent:
        for refund in gateway.list_refunds(payment_intent):
            if (refund.get("metadata") or {}).get("toolkit_key") == key:
                return str(refund.get("id")), str(refund.get("status"))
        return None
    now = session.clock.now()
    types = ["refund.created"] if kind == "refund" else ["charge.captured", "payment_intent.succeeded"]
    events, _complete = gateway.list_events(types, now - LOOKBACK, now)
    for event in events:
        if ((event.get("request") or {}).get("idempotency_key")) != key:
            continue
        obj = (event.get("data") or {}).get("object") or {}
        if kind == "refund":
            return str(obj.get("id")), str(obj.get("status"))
        charge = obj if obj.get("object") == "charge" else None
        return str((charge or {}).get("balance_transaction") or obj.get("id")), "succeeded"
    return None


def _oms_side(session: Session, key: str, stripe_id: str | None) -> str | None:
    """The Order Management record the request with ``key`` made (through the connector), or that records
    ``stripe_id`` (made by the toolkit), if any."""
    gateway = session.salesforce_gateway()
    for log in (plain_record(r) for r in gateway.query(statement("actions.gateway_logs_by_key", keys=[key]))):
        if log.get("InteractionStatus") in ("Success", "Initiated") and log.get("IsNotification") != "Yes":
            return str(log.get("ReferencedEntityId"))
    if stripe_id:
        for name in ("Refund", "Payment"):
            rows = gateway.query(statement("actions.records_by_reference", object=name, refs=[stripe_id]))
            if rows:
                return str(plain_record(rows[0]).get("Id"))
    return None


def verify(session: Session, kind: str, via: str, key: str, payment_intent: str | None) -> Settlement:
    """What both systems show for the request with ``key`` (see the module docstring)."""
    try:
        stripe = _stripe_side(session, kind, via, key, payment_intent)
        oms = _oms_side(session, key, stripe[0] if stripe else None)
    except (ServiceError, BudgetExceededError) as exc:
        return Settlement("unknown", f"The outcome could not be looked up ({exc}); it stays open in the journal and "
                                     "is looked up again when a session opens it.")
    what = "refund" if kind == "refund" else "capture"
    if stripe is None:
        if oms is not None:  # Order Management recorded it though Stripe shows nothing: trust neither, say so
            return Settlement("unknown", f"Order Management holds {oms} for this {what} but Stripe shows none; "
                                         "check both before anything else.", oms_id=oms)
        return Settlement("not_done", f"Neither system holds this {what}: it did not happen, and a new attempt "
                                      "will use a fresh key.")
    if oms is None:
        return Settlement("partial", f"Stripe made the {what} ({stripe[0]}); Order Management does not know it yet.",
                          stripe_id=stripe[0], stripe_status=stripe[1])
    return Settlement("done", f"The {what} is in both systems ({stripe[0]}, {oms}).", stripe_id=stripe[0],
                      oms_id=oms, stripe_status=stripe[1])


def record_in_oms(session: Session, plan: ActionPlan, settlement: Settlement, key: str) -> Settlement:
    """Record in Order Management the refund or capture Stripe made (no money moves); once only."""
    gateway = session.salesforce_gateway()
    stripe_id = settlement.stripe_id or ""
    amount = float(plan.amount)
    note = f"Case {plan.case_reference}: recorded by the toolkit; made at Stripe as {stripe_id} ({key})"
    try:
        existing = _oms_side(session, key, stripe_id)
        if existing is not None:
            return Settlement("done", settlement.message + f" Order Management already records it ({existing}).",
                              stripe_id=stripe_id, oms_id=existing)
        if plan.kind == "refund":
            status = "Processed" if settlement.stripe_status in (None, "succeeded") else "Pending"
            refund_id = gateway.create_record("Refund", {
                "Amount": amount, "Status": status, "Type": "Referenced", "ProcessingMode": "External",
                "GatewayRefNumber": stripe_id, "OrderPaymentSummaryId": plan.ops_id,
                "CurrencyIsoCode": plan.currency, "Comments": note[:255]}, f"the record of refund {stripe_id}")
            gateway.create_record("RefundLinePayment", {
                "Amount": amount, "Type": "Applied", "RefundId": refund_id, "PaymentId": plan.oms_record},
                f"the refund line of {stripe_id}")
            oms_id = refund_id
        else:
            oms_id = gateway.create_record("Payment", {
                "Amount": amount, "Status": "Processed", "Type": "Capture", "ProcessingMode": "External",
                "GatewayRefNumber": stripe_id, "PaymentAuthorizationId": plan.oms_record,
                "OrderPaymentSummaryId": plan.ops_id, "CurrencyIsoCode": plan.currency},
                f"the record of capture {stripe_id}")
    except (ServiceError, BudgetExceededError) as exc:
        return Settlement("partial", f"Stripe made it ({stripe_id}) but recording it in Order Management failed "
                                     f"({exc}); it is completed when a session opens the journal with writes "
                                     "allowed.", stripe_id=stripe_id)
    money = format_money(plan.amount, plan.currency)
    return Settlement("done", f"{settlement.message} Recorded in Order Management as {oms_id} ({money}, External).",
                      stripe_id=stripe_id, oms_id=oms_id)
