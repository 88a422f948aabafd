"""The connector's Commerce Payments endpoints, through the real simple-salesforce client."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import simple_salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from toolkit.sandbox import Sandbox
from toolkit.sandbox.demo import load_demo_world
from toolkit.sandbox.storefront import Storefront


@pytest.fixture
def box() -> Sandbox:
    sandbox = Sandbox()
    sandbox.clock.set("2026-11-01T10:00:00Z")
    return sandbox


@pytest.fixture
def sf(box: Sandbox) -> simple_salesforce.Salesforce:
    return box.salesforce()


def _capture(sf: simple_salesforce.Salesforce, auth_id: str, amount: float, **extra: Any) -> dict[str, Any]:
    return sf.restful(f"commerce/payments/authorizations/{auth_id}/captures", method="POST",
                      json={"amount": amount, **extra})


def _refund(sf: simple_salesforce.Salesforce, payment_id: str, amount: float, **extra: Any) -> dict[str, Any]:
    return sf.restful(f"commerce/payments/payments/{payment_id}/refunds", method="POST",
                      json={"amount": amount, **extra})


def _one(sf: simple_salesforce.Salesforce, soql: str) -> dict[str, Any]:
    records = sf.query(soql)["records"]
    assert len(records) == 1, records
    return records[0]


def _ops(sf: simple_salesforce.Salesforce, ops_id: str) -> dict[str, Any]:
    return _one(sf, "SELECT CapturedAmount, RefundedAmount, PendingCaptureAmount, PendingRefundAmount, "
                    "AvailableToCaptureAmount, AvailableToRefundAmount, LastPaymentGatewayLogId, "
                    f"LastPaymentGatewayMessage FROM OrderPaymentSummary WHERE Id = '{ops_id}'")


def _counts(box: Sandbox) -> tuple[dict[str, int], int]:
    dump = box.org.dump_records()
    return {name: len(rows) for name, rows in dump.items()}, len(box.stripe.dump_objects())


def test_capture_writes_payment_log_and_rollups(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009001", Decimal("129.00"), "USD")
    answer = _capture(sf, order.authorization_id, 129.0, idempotencyKey="cap-1")
    assert answer["error"] is None and answer["payment"]["status"] == "PROCESSED"
    assert answer["payment"]["amount"] == 129.0 and answer["gatewayResponse"]["salesforceResultCode"] == "Success"
    payment = _one(sf, "SELECT Id, Amount, Status, Type, ProcessingMode, GatewayRefNumber, PaymentAuthorizationId, "
                       "OrderPaymentSummaryId FROM Payment")
    assert (payment["Status"], payment["Type"], payment["ProcessingMode"]) == ("Processed", "Capture", "Salesforce")
    assert payment["GatewayRefNumber"].startswith("SF") and payment["GatewayRefNumber"][2:].isdigit()
    assert payment["PaymentAuthorizationId"] == order.authorization_id
    log = _one(sf, "SELECT Id, InteractionType, InteractionStatus, SfResultCode, SfRefNumber, ReferencedEntityId, "
                   "Request, Response FROM PaymentGatewayLog")
    assert (log["InteractionType"], log["InteractionStatus"], log["SfResultCode"]) == ("Capture", "Success", "Success")
    assert log["SfRefNumber"] == "cap-1" and log["ReferencedEntityId"] == payment["Id"]
    assert json.loads(log["Request"])["amount_to_capture"] == 12900
    assert json.loads(log["Response"])["id"] == order.payment_intent
    pi = box.stripe_client().v1.payment_intents.retrieve(order.payment_intent)
    assert pi.status == "succeeded" and pi.amount_received == 12900
    ops = _ops(sf, order.ops_id)
    assert ops["CapturedAmount"] == 129.0 and ops["AvailableToCaptureAmount"] == 0.0
    assert ops["LastPaymentGatewayLogId"] == log["Id"]
    # the Stripe event carries the connector's request id and idempotency key
    events = box.stripe_client().v1.events.list({"type": "payment_intent.succeeded"})
    assert events.data[0].request.idempotency_key == "cap-1" and events.data[0].request.id.startswith("req_")


def test_failed_capture_leaves_only_a_failed_log(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009002", Decimal("129.00"), "USD")
    box.clock.advance(days=8)  # Stripe expires the authorization
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _capture(sf, order.authorization_id, 129.0)
    body = caught.value.content
    assert body["payment"] is None and body["error"]["errorCode"] == "PAYMENT_GATEWAY_ERROR"
    assert body["gatewayResponse"]["gatewayResultCode"] == "payment_intent_unexpected_state"
    assert sf.query("SELECT COUNT() FROM Payment")["totalSize"] == 0
    log = _one(sf, "SELECT InteractionStatus, SfResultCode, GatewayResultCode, GatewayMessage, Response, "
                   "ReferencedEntityId FROM PaymentGatewayLog")
    assert (log["InteractionStatus"], log["SfResultCode"]) == ("Failed", "PermanentFail")
    response = json.loads(log["Response"])
    assert response["http_status"] == 400 and response["error"]["code"] == "payment_intent_unexpected_state"
    assert log["ReferencedEntityId"] == order.authorization_id
    assert _ops(sf, order.ops_id)["AvailableToCaptureAmount"] == 129.0


def test_capture_amount_is_passed_through_to_stripe(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009003", Decimal("129.00"), "USD")
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _capture(sf, order.authorization_id, 139.0)
    assert caught.value.content["gatewayResponse"]["gatewayResultCode"] == "amount_too_large"
    assert box.stripe.get(order.payment_intent)["status"] == "requires_capture"


def test_jpy_capture_uses_the_currency_exponent(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009004", Decimal("4800"), "JPY")
    _capture(sf, order.authorization_id, 4800)
    assert box.stripe.get(order.payment_intent)["amount_received"] == 4800


def test_refund_of_a_checkout_payment_resolves_txn_to_payment_intent(box: Sandbox,
                                                                    sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009005", Decimal("75.00"), "EUR", capture="automatic")
    answer = _refund(sf, order.payment_id, 25.0)
    assert answer["refund"]["status"] == "PROCESSED"
    refunds = box.stripe_client().v1.refunds.list({"payment_intent": order.payment_intent})
    assert [r.amount for r in refunds.data] == [2500]
    assert _ops(sf, order.ops_id)["RefundedAmount"] == 25.0


def test_idempotency_header_replays_without_changes(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009006", Decimal("50.00"), "USD")
    headers = {"sfdc-Payments-Idempotency-Key": "hdr-key-1"}
    first = sf.restful(f"commerce/payments/authorizations/{order.authorization_id}/captures", method="POST",
                       json={"amount": 50.0}, headers=headers)
    before = _counts(box)
    again = sf.restful(f"commerce/payments/authorizations/{order.authorization_id}/captures", method="POST",
                       json={"amount": 50.0}, headers=headers)
    assert again == first and _counts(box) == before
    assert _one(sf, "SELECT SfRefNumber FROM PaymentGatewayLog")["SfRefNumber"] == "hdr-key-1"


def test_timeout_after_stripe_succeeded(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009007", Decimal("61.00"), "USD")
    box.connector.fault("timeout_after_stripe")
    with pytest.raises(SalesforceMalformedRequest):
        _capture(sf, order.authorization_id, 61.0)
    assert box.stripe.get(order.payment_intent)["status"] == "succeeded"
    assert sf.query("SELECT COUNT() FROM Payment")["totalSize"] == 0
    log = _one(sf, "SELECT InteractionStatus, SfResultCode, GatewayResultCode, Response FROM PaymentGatewayLog")
    assert (log["InteractionStatus"], log["SfResultCode"]) == ("Timeout", "Indeterminate")
    assert log["GatewayResultCode"] is None and log["Response"] is None


def test_timeout_before_stripe_leaves_stripe_untouched(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009008", Decimal("61.00"), "USD")
    box.connector.fault("timeout_before_stripe", sf_result_code="SystemError")
    with pytest.raises(SalesforceMalformedRequest):
        _capture(sf, order.authorization_id, 61.0)
    assert box.stripe.get(order.payment_intent)["status"] == "requires_capture"
    log = _one(sf, "SELECT InteractionStatus, SfResultCode FROM PaymentGatewayLog")
    assert (log["InteractionStatus"], log["SfResultCode"]) == ("Timeout", "SystemError")


def test_wrong_credentials_get_stripes_401(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009009", Decimal("61.00"), "USD")
    box.connector.fault("wrong_credentials")
    with pytest.raises(SalesforceMalformedRequest):
        _capture(sf, order.authorization_id, 61.0)
    log = _one(sf, "SELECT SfResultCode, GatewayMessage, Response FROM PaymentGatewayLog")
    assert log["SfResultCode"] == "SystemError" and json.loads(log["Response"])["http_status"] == 401
    assert "sk_test_sandbox" not in log["Response"] and "revoked_0000" not in log["GatewayMessage"]
    _capture(sf, order.authorization_id, 61.0)  # the next call uses the good key again
    assert box.stripe.get(order.payment_intent)["status"] == "succeeded"


def test_stripe_rate_limit_is_a_soft_decline(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009010", Decimal("61.00"), "USD")
    box.stripe.faults.fail("/v1/payment_intents/*/capture", "rate_limit")
    with pytest.raises(SalesforceMalformedRequest):
        _capture(sf, order.authorization_id, 61.0)
    log = _one(sf, "SELECT SfResultCode, GatewayResultCode, Response FROM PaymentGatewayLog")
    assert (log["SfResultCode"], log["GatewayResultCode"]) == ("Decline", "rate_limit")
    assert json.loads(log["Response"])["http_status"] == 429


def test_async_adapter_pending_then_notification(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009011", Decimal("89.00"), "USD")
    box.connector.async_mode = True
    answer = _capture(sf, order.authorization_id, 89.0)
    assert answer["payment"]["status"] == "DRAFT"
    ops = _ops(sf, order.ops_id)
    assert ops["PendingCaptureAmount"] == 89.0 and ops["CapturedAmount"] == 0.0
    payment_id = answer["payment"]["id"]
    with pytest.raises(SalesforceMalformedRequest):  # a pending capture cannot be refunded yet
        _refund(sf, payment_id, 9.0)
    assert box.connector.deliver_notifications() == 1
    answer = _refund(sf, payment_id, 9.0)
    assert answer["refund"]["status"] == "PENDING" and _ops(sf, order.ops_id)["PendingRefundAmount"] == 9.0
    assert box.connector.deliver_notifications() == 1
    ops = _ops(sf, order.ops_id)
    assert (ops["CapturedAmount"], ops["RefundedAmount"], ops["PendingCaptureAmount"]) == (89.0, 9.0, 0.0)
    logs = sf.query("SELECT InteractionStatus, IsNotification FROM PaymentGatewayLog ORDER BY CreatedDate")["records"]
    assert sorted((r["InteractionStatus"], r["IsNotification"]) for r in logs) == [
        ("Initiated", "No"), ("Initiated", "No"), ("Success", "Yes"), ("Success", "Yes")]


def test_bad_requests_answer_in_salesforce_shape(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    order = Storefront(box).place_order("00009012", Decimal("10.00"), "USD")
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _capture(sf, order.authorization_id, 10.0, bogus=1)
    assert caught.value.content[0]["errorCode"] == "JSON_PARSER_ERROR"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _capture(sf, order.authorization_id, 10.001)
    assert caught.value.content[0]["errorCode"] == "INVALID_INPUT"
    with pytest.raises(SalesforceResourceNotFound):
        _capture(sf, "0XcSB0000000999ZZZ", 10.0)
    assert sf.query("SELECT COUNT() FROM PaymentGatewayLog")["totalSize"] == 0


# --- done-when, on the demo world ------------------------------------------------------------------
def test_refund_on_the_demo_world() -> None:
    box = Sandbox()
    load_demo_world(box)
    sf = box.salesforce()
    client = box.stripe_client()
    payment = _one(sf, "SELECT Id, OrderPaymentSummaryId, PaymentAuthorization.GatewayRefNumber FROM Payment WHERE "
                       "OrderPaymentSummary.OrderSummary.OrderNumber = '00001005'")
    pi_id = payment["PaymentAuthorization"]["GatewayRefNumber"]
    ops_id = payment["OrderPaymentSummaryId"]
    before_ops = _ops(sf, ops_id)
    answer = _refund(sf, payment["Id"], 29.0, idempotencyKey="demo-refund-1")
    assert answer["error"] is None
    refunds = client.v1.refunds.list({"payment_intent": pi_id}).data
    assert [(r.amount, r.status) for r in refunds] == [(2900, "succeeded")]
    refund = _one(sf, f"SELECT Id, Amount, Status, Type, GatewayRefNumber FROM Refund WHERE Id = "
                      f"'{answer['refund']['id']}'")
    assert (refund["Amount"], refund["Status"], refund["Type"]) == (29.0, "Processed", "Referenced")
    line = _one(sf, f"SELECT Amount, Type, PaymentId FROM RefundLinePayment WHERE RefundId = '{refund['Id']}'")
    assert (line["Amount"], line["Type"], line["PaymentId"]) == (29.0, "Applied", payment["Id"])
    log = _one(sf, f"SELECT InteractionType, InteractionStatus, SfRefNumber FROM PaymentGatewayLog WHERE "
                   f"ReferencedEntityId = '{refund['Id']}'")
    assert (log["InteractionType"], log["InteractionStatus"], log["SfRefNumber"]) == (
        "ReferencedRefund", "Success", "demo-refund-1")
    after_ops = _ops(sf, ops_id)
    assert after_ops["RefundedAmount"] == before_ops["RefundedAmount"] + 29.0
    assert after_ops["AvailableToRefundAmount"] == before_ops["AvailableToRefundAmount"] - 29.0
    # the same post with the same key changes nothing
    state = (box.org.dump_records(), box.stripe.dump_objects())
    assert _refund(sf, payment["Id"], 29.0, idempotencyKey="demo-refund-1") == answer
    assert (box.org.dump_records(), box.stripe.dump_objects()) == state
    # a refund beyond what Stripe allows: only a Failed log, and the error
    counts = _counts(box)[0]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _refund(sf, payment["Id"], 500.0, idempotencyKey="demo-refund-2")
    assert caught.value.content["error"]["message"].startswith("Refund amount")
    assert caught.value.content["gatewayResponse"]["gatewayResultCode"] == "amount_too_large"
    new_counts = _counts(box)[0]
    assert new_counts.pop("PaymentGatewayLog") == counts.pop("PaymentGatewayLog") + 1 and new_counts == counts
    failed = _one(sf, "SELECT InteractionStatus, GatewayResultCode FROM PaymentGatewayLog WHERE "
                      "SfRefNumber = 'demo-refund-2'")
    assert failed == {**failed, "InteractionStatus": "Failed", "GatewayResultCode": "amount_too_large"}
    assert len(client.v1.refunds.list({"payment_intent": pi_id}).data) == 1


def test_concurrent_captures_from_threads(box: Sandbox) -> None:
    from concurrent.futures import ThreadPoolExecutor

    front = Storefront(box)
    orders = [front.place_order(f"0000910{i}", Decimal("10.00"), "USD") for i in range(8)]

    def capture(auth_id: str) -> dict[str, Any]:
        return _capture(box.salesforce(), auth_id, 10.0)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(capture, [o.authorization_id for o in orders]))
    assert all(a["error"] is None for a in answers)
    sf = box.salesforce()
    assert sf.query("SELECT COUNT() FROM Payment")["totalSize"] == 8
    assert all(box.stripe.get(o.payment_intent)["status"] == "succeeded" for o in orders)
