"""Small builders of plain Salesforce/Stripe dicts and evidence, in the real API shapes, for the rule tests.

Not a test module: ``tests/test_findings.py`` and ``tests/test_capture_causes.py`` load it by path, since
pytest's importlib mode puts no test directory on ``sys.path``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence, StripeReference
from toolkit.core.clock import parse_instant
from toolkit.core.money import from_salesforce

CASES = Path(__file__).parent / "data" / "cases"

CREATED = 1794409200  # 2026-11-11T15:00:00Z, checkout
DAY = 86400
HOUR = 3600
NOW = datetime(2026, 11, 13, 15, 0, tzinfo=UTC)  # two days after checkout

OPS_ID = "0bMHxQNM0000001MHA"
PA_ID = "0XcHxM130000001KBA"
PAY_ID = "0a6HxM130000001KBA"
PI_ID = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
CH_ID = "ch_3QnysWH7Oztf1TICzFD2Ou3q"


def sf_time(moment: datetime) -> str:
    """A datetime as Salesforce returns it: 2026-11-19T15:00:00.000+0000."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def payment_intent(
    *,
    amount: int = 12900,
    status: str = "requires_capture",
    currency: str = "usd",
    amount_capturable: int | None = None,
    amount_received: int | None = None,
    canceled_at: int | None = None,
    cancellation_reason: str | None = None,
    created: int = CREATED,
    pi_id: str = PI_ID,
    charge_id: str | None = CH_ID,
    order_id: str = "00001042",
) -> dict[str, Any]:
    if amount_capturable is None:
        amount_capturable = amount if status == "requires_capture" else 0
    if amount_received is None:
        amount_received = amount if status == "succeeded" else 0
    return {
        "object": "payment_intent", "id": pi_id, "amount": amount, "amount_capturable": amount_capturable,
        "amount_received": amount_received, "canceled_at": canceled_at, "cancellation_reason": cancellation_reason,
        "capture_method": "manual", "created": created, "currency": currency, "latest_charge": charge_id,
        "livemode": False, "metadata": {"order_id": order_id, "site_id": "RefArch"}, "status": status,
    }


def charge(
    *,
    amount: int = 12900,
    captured: bool = False,
    amount_captured: int | None = None,
    amount_refunded: int = 0,
    currency: str = "usd",
    disputed: bool = False,
    capture_before: int | None = CREATED + 7 * DAY,
    pi_id: str = PI_ID,
    charge_id: str = CH_ID,
    balance_transaction: str | None = None,
) -> dict[str, Any]:
    if amount_captured is None:
        amount_captured = amount if captured else 0
    card: dict[str, Any] = {"brand": "visa", "last4": "4242", "capture_before": capture_before}
    return {
        "object": "charge", "id": charge_id, "amount": amount, "amount_captured": amount_captured,
        "amount_refunded": amount_refunded, "captured": captured, "currency": currency, "disputed": disputed,
        "payment_intent": pi_id, "refunded": amount_refunded >= amount and amount > 0, "status": "succeeded",
        "balance_transaction": balance_transaction or ("txn_1" if captured else None), "paid": True,
        "payment_method_details": {"type": "card", "card": card},
    }


def refund(
    refund_id: str,
    amount: int,
    *,
    created: int = CREATED + DAY,
    status: str = "succeeded",
    reason: str | None = "requested_by_customer",
    balance_transaction: str | None = "txn_refund",
    currency: str = "usd",
    pending_reason: str | None = None,
    failure_reason: str | None = None,
    pi_id: str = PI_ID,
    charge_id: str = CH_ID,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "object": "refund", "id": refund_id, "amount": amount, "balance_transaction": balance_transaction,
        "charge": charge_id, "created": created, "currency": currency, "metadata": {}, "payment_intent": pi_id,
        "reason": reason, "status": status,
    }
    if pending_reason is not None:
        body["pending_reason"] = pending_reason
    if failure_reason is not None:
        body["failure_reason"] = failure_reason
    return body


def ops(
    *,
    authorized: float = 129.0,
    captured: float = 0.0,
    refunded: float = 0.0,
    available_to_capture: float | None = None,
    currency: str = "USD",
    pending_capture: float = 0.0,
) -> dict[str, Any]:
    if available_to_capture is None:
        available_to_capture = max(0.0, authorized - captured - pending_capture)
    return {
        "Id": OPS_ID, "OrderSummaryId": "1OsHxK0E0000001KFA", "CurrencyIsoCode": currency,
        "AuthorizationAmount": authorized, "CapturedAmount": captured, "RefundedAmount": refunded,
        "AvailableToCaptureAmount": available_to_capture, "PendingCaptureAmount": pending_capture,
        "PendingRefundAmount": 0.0, "CreatedDate": sf_time(datetime.fromtimestamp(CREATED, UTC)),
    }


def gateway_log(
    log_id: str = "0XtHxG8C0000001KFA",
    *,
    created: datetime = NOW,
    interaction_type: str = "Capture",
    status: str = "Failed",
    sf_result: str | None = "PermanentFail",
    result_code: str | None = None,
    message: str | None = None,
    request: str | None = '{"amount": 129.0}',
    response: str | None = None,
    referenced: str | None = PA_ID,
    number: str = "PGL-000000001",
) -> dict[str, Any]:
    return {
        "Id": log_id, "PaymentGatewayLogNumber": number, "InteractionType": interaction_type,
        "InteractionStatus": status, "IsNotification": "No", "SfResultCode": sf_result, "GatewayRefNumber": None,
        "GatewayResultCode": result_code, "GatewayMessage": message, "GatewayDate": sf_time(created),
        "Request": request, "Response": response, "OrderPaymentSummaryId": OPS_ID,
        "ReferencedEntityId": referenced, "CreatedDate": sf_time(created),
    }


def pi_reference(
    *,
    amount: str = "129.00",
    value: str = PI_ID,
    missing: bool = False,
    other_mode: bool | None = None,
    key_livemode: bool | None = False,
    record_id: str = PA_ID,
) -> StripeReference:
    return StripeReference(
        kind="payment_intent", value=value, record_object="PaymentAuthorization", record_id=record_id,
        record_amount=Decimal(amount), resolved_payment_intent=None if missing else value, missing=missing,
        other_mode=other_mode, key_livemode=key_livemode,
    )


def evidence(
    pi: dict[str, Any] | None = None,
    ch: dict[str, Any] | None = None,
    *,
    refunds: list[dict[str, Any]] | None = None,
    ops_record: dict[str, Any] | None = None,
    logs: list[dict[str, Any]] | None = None,
    references: list[StripeReference] | None = None,
    currency: str = "USD",
) -> OpsEvidence:
    """An OPS linked through its authorization's pi_ to one PaymentIntent (when ``pi`` is given)."""
    stripe = [StripePaymentEvidence(payment_intent=pi, charge=ch, refunds=refunds or [])] if pi else []
    if references is None:
        references = [pi_reference(value=pi["id"])] if pi else []
    return OpsEvidence(
        ops=ops_record or ops(currency=currency),
        order_number="00001042",
        currency=currency,
        authorizations=[{"Id": PA_ID, "Amount": 129.0, "GatewayRefNumber": pi["id"] if pi else None}],
        gateway_logs=logs or [],
        references=references,
        stripe=stripe,
    )


def case_evidence(name: str) -> tuple[OpsEvidence, datetime]:
    """The evidence of a case file's single OPS, as a fetch step would gather it, and the case's now."""
    case = json.loads((CASES / name).read_text())
    records = case["salesforce"]["records"]
    objects = case["stripe"]["objects"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        by_type.setdefault(obj["object"], []).append(obj)
    (ops_record,) = records["OrderPaymentSummary"]
    currency = ops_record["CurrencyIsoCode"]
    authorizations = records.get("PaymentAuthorization", [])
    references = [
        StripeReference(
            kind="payment_intent", value=pa["GatewayRefNumber"], record_object="PaymentAuthorization",
            record_id=pa["Id"], record_amount=from_salesforce(pa["Amount"], currency) or Decimal(0),
            resolved_payment_intent=pa["GatewayRefNumber"], key_livemode=case["stripe"]["livemode"],
        )
        for pa in authorizations
        if str(pa.get("GatewayRefNumber") or "").startswith("pi_")
    ]
    stripe = []
    for pi in by_type.get("payment_intent", []):
        ch = next((c for c in by_type.get("charge", []) if c["id"] == pi.get("latest_charge")), None)
        refunds = [r for r in by_type.get("refund", []) if r.get("payment_intent") == pi["id"]]
        own_ids = (pi["id"], pi.get("latest_charge"))
        events = [e for e in by_type.get("event", []) if e["data"]["object"].get("id") in own_ids]
        stripe.append(StripePaymentEvidence(payment_intent=pi, charge=ch, refunds=refunds, events=events))
    (summary,) = records["OrderSummary"]
    built = OpsEvidence(
        ops=ops_record,
        order_number=summary["OrderNumber"],
        currency=currency,
        authorizations=authorizations,
        payments=records.get("Payment", []),
        refunds=records.get("Refund", []),
        refund_line_payments=records.get("RefundLinePayment", []),
        gateway_logs=records.get("PaymentGatewayLog", []),
        references=references,
        stripe=stripe,
    )
    return built, parse_instant(case["now"])


def at(seconds: int) -> datetime:
    """A Stripe timestamp as a datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def after_checkout(**delta: float) -> datetime:
    return at(CREATED) + timedelta(**delta)
