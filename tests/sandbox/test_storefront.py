"""The storefront simulator: checkout in both systems, seen through the real clients."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from toolkit.sandbox import Sandbox
from toolkit.sandbox.storefront import GATEWAY_NAME, Storefront


@pytest.fixture
def box() -> Sandbox:
    sandbox = Sandbox()
    sandbox.clock.set("2026-11-01T10:00:00Z")
    return sandbox


def test_manual_capture_order(box: Sandbox) -> None:
    order = Storefront(box).place_order("00007001", Decimal("129.99"), "USD", shopper_name="Ada Buyer",
                                        shopper_email="ada@example.com")
    pi = box.stripe_client().v1.payment_intents.retrieve(order.payment_intent, {"expand": ["latest_charge"]})
    assert pi.status == "requires_capture" and pi.amount == 12999 and pi.capture_method == "manual"
    assert pi.metadata.to_dict() == {"order_id": "00007001", "site_id": "RefArch"}
    before = pi.latest_charge.payment_method_details.card.capture_before
    sf = box.salesforce()
    auth = sf.query("SELECT GatewayRefNumber, ProcessingMode, Status, Amount, ExpirationDate, "
                    "OrderPaymentSummary.OrderSummary.OrderNumber, PaymentGateway.PaymentGatewayName, "
                    "PaymentGateway.IdempotencySupported FROM PaymentAuthorization")["records"][0]
    assert auth["GatewayRefNumber"] == order.payment_intent
    assert (auth["ProcessingMode"], auth["Status"], auth["Amount"]) == ("External", "Processed", 129.99)
    assert auth["ExpirationDate"].startswith(datetime.fromtimestamp(before, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    assert auth["OrderPaymentSummary"]["OrderSummary"]["OrderNumber"] == "00007001"
    assert auth["PaymentGateway"]["PaymentGatewayName"] == GATEWAY_NAME
    assert auth["PaymentGateway"]["IdempotencySupported"] == "No"
    ops = sf.query("SELECT AuthorizationAmount, AvailableToCaptureAmount, FullName FROM OrderPaymentSummary")
    assert ops["records"][0]["AvailableToCaptureAmount"] == 129.99 and ops["records"][0]["FullName"] == "Ada Buyer"


def test_automatic_capture_order_has_a_txn_payment(box: Sandbox) -> None:
    order = Storefront(box).place_order("00007002", Decimal("4800"), "JPY", capture="automatic", metadata=False)
    pi = box.stripe_client().v1.payment_intents.retrieve(order.payment_intent,
                                                        {"expand": ["latest_charge.balance_transaction"]})
    assert pi.status == "succeeded" and pi.amount_received == 4800 and pi.metadata.to_dict() == {}
    payment = box.salesforce().query("SELECT GatewayRefNumber, Type, ProcessingMode, Status, Amount, "
                                     "CurrencyIsoCode FROM Payment")["records"][0]
    assert payment["GatewayRefNumber"] == pi.latest_charge.balance_transaction.id
    assert (payment["Type"], payment["ProcessingMode"], payment["Status"]) == ("Sale", "External", "Processed")
    assert (payment["Amount"], payment["CurrencyIsoCode"]) == (4800.0, "JPY")


def test_one_gateway_and_no_duplicate_orders(box: Sandbox) -> None:
    front = Storefront(box)
    front.place_order("00007003", Decimal("10.00"), "EUR")
    front.place_order("00007004", Decimal("11.00"), "EUR", capture="automatic")
    assert box.salesforce().query("SELECT COUNT() FROM PaymentGateway")["totalSize"] == 1
    with pytest.raises(ValueError):
        front.place_order("00007003", Decimal("10.00"), "EUR")


def test_order_without_stripe_reference(box: Sandbox) -> None:
    Storefront(box).place_order("00007005", Decimal("10.00"), "USD", oms_reference=False)
    auth = box.salesforce().query("SELECT GatewayRefNumber FROM PaymentAuthorization")["records"][0]
    assert auth["GatewayRefNumber"] is None
