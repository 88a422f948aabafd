"""The catalogue of scenarios: healthy orders and every anomaly of ``docs/findings.md``.

Each script places one order and plays what happens to it. ``expects`` lists the trace findings the
order shows at the world's clock; ``causes`` the failed-capture causes of its failed capture rows. Amounts
are strings of major units (parameters stay JSON-friendly for manifests).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from toolkit.sandbox.world.builder import scenario

__all__: list[str] = []

W = Any  # the recorded world a script drives


# --- healthy ---------------------------------------------------------------------------------------
@scenario("healthy_checkout_capture")
def _checkout_capture(w: W, order: str, amount: str = "59.90", currency: str = "USD", metadata: bool = True) -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic", metadata=metadata)


@scenario("healthy_oms_capture")
def _oms_capture(w: W, order: str, amount: str = "129.00", currency: str = "USD", metadata: bool = True) -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual", metadata=metadata)
    w.advance(days=1, hours=3)
    w.oms.capture(order)


@scenario("healthy_partial_refund")
def _partial_refund(w: W, order: str, amount: str = "180.00", currency: str = "USD", refund: str = "45.00") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order)
    w.advance(days=4, hours=2)
    w.oms.refund(order, Decimal(refund))


@scenario("healthy_checkout_refund")
def _checkout_refund(w: W, order: str, amount: str = "75.00", currency: str = "EUR", refund: str = "25.00") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=5)
    w.oms.refund(order, Decimal(refund))


@scenario("healthy_split_shipment_refunds")
def _split_refunds(w: W, order: str, amount: str = "240.00", currency: str = "USD", first: str = "60.00",
                   second: str = "35.50") -> None:
    """Two shipments, one item returned from each: two OMS refunds a few days apart."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=6)
    w.oms.refund(order, Decimal(first))
    w.advance(days=3, hours=5)
    w.oms.refund(order, Decimal(second))


@scenario("healthy_split_shipment_full_capture")
def _split_full_capture(w: W, order: str, amount: str = "310.00", currency: str = "USD") -> None:
    """Two shipments; OMS captures the full amount once both have left (one capture per authorization)."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1, hours=6)
    w.advance(days=2)
    w.oms.capture(order)


@scenario("healthy_async_capture")
def _async_capture(w: W, order: str, amount: str = "89.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order, async_adapter=True)
    w.advance(minutes=7)
    w.oms.notify()


@scenario("healthy_async_refund")
def _async_refund(w: W, order: str, amount: str = "64.00", currency: str = "EUR", refund: str = "16.00") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=3)
    w.oms.refund(order, Decimal(refund), async_adapter=True)
    w.advance(minutes=12)
    w.oms.notify()


# --- authorizations ----------------------------------------------------------------------------------
@scenario("auth_expired_then_capture_failed", expects=["AUTH_EXPIRED_UNCAPTURED", "GATEWAY_FAILURES"],
          causes=["AUTH_EXPIRED"])
def _expired_then_failed(w: W, order: str, amount: str = "129.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=8)
    w.oms.capture(order)


@scenario("auth_expired_unnoticed", expects=["AUTH_EXPIRED_UNCAPTURED"])
def _expired_unnoticed(w: W, order: str, amount: str = "42.50", currency: str = "EUR") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=8)


@scenario("auth_canceled_then_capture_failed", expects=["AUTH_CANCELED_UNCAPTURED", "GATEWAY_FAILURES"],
          causes=["AUTH_CANCELED"])
def _canceled_then_failed(w: W, order: str, amount: str = "99.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.dashboard.cancel(order, "requested_by_customer")
    w.advance(days=1, hours=2)
    w.oms.capture(order)


@scenario("auth_expiring", expects=["AUTH_EXPIRING"], within_days=0.1)
def _expiring(w: W, order: str, amount: str = "210.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=5, hours=12)


# --- captures ---------------------------------------------------------------------------------------
@scenario("second_capture_rejected", expects=["CAPTURABLE_REMAINDER_RELEASED", "GATEWAY_FAILURES"],
          causes=["SECOND_CAPTURE_REJECTED"])
def _second_capture(w: W, order: str, amount: str = "200.00", currency: str = "USD", first: str = "120.00") -> None:
    """Split shipment: OMS captures the first shipment; Stripe releases the rest; the second capture fails."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order, Decimal(first))
    w.advance(days=2)
    w.oms.capture(order, Decimal(amount) - Decimal(first))


@scenario("timeout_but_captured", expects=["CAPTURE_MISSING_IN_OMS", "GATEWAY_FAILURES"],
          causes=["TIMEOUT_BUT_CAPTURED"])
def _timeout_captured(w: W, order: str, amount: str = "149.00", currency: str = "USD",
                      sf_result_code: str = "Indeterminate") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1, hours=2)
    w.oms.capture(order, fault="timeout_after_stripe", sf_result_code=sf_result_code)


@scenario("timeout_not_captured", expects=["GATEWAY_FAILURES"], causes=["TIMEOUT_NOT_CAPTURED"], within_days=1)
def _timeout_not_captured(w: W, order: str, amount: str = "74.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order, fault="timeout_before_stripe", sf_result_code="SystemError")
    w.advance(hours=20)


@scenario("already_captured_in_dashboard", expects=["CAPTURE_MISSING_IN_OMS", "GATEWAY_FAILURES"],
          causes=["ALREADY_CAPTURED"])
def _already_captured(w: W, order: str, amount: str = "55.00", currency: str = "EUR") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(hours=20)
    w.dashboard.capture(order)
    w.advance(days=1)
    w.oms.capture(order)


@scenario("capture_above_capturable", expects=["GATEWAY_FAILURES"], causes=["AMOUNT_EXCEEDS_CAPTURABLE"],
          within_days=1)
def _above_capturable(w: W, order: str, amount: str = "129.00", currency: str = "USD", asked: str = "139.00") -> None:
    """OMS asks for more than was authorized (shipping added after checkout): Stripe refuses."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order, Decimal(asked))
    w.advance(hours=6)


@scenario("rate_limited_then_captured", expects=["GATEWAY_FAILURES"], causes=["RATE_LIMITED"])
def _rate_limited(w: W, order: str, amount: str = "38.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order, fault="rate_limit")
    w.advance(hours=1)
    w.oms.capture(order)


@scenario("stripe_api_error", expects=["GATEWAY_FAILURES"], causes=["STRIPE_API_ERROR"], within_days=1)
def _api_error(w: W, order: str, amount: str = "66.00", currency: str = "EUR") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order, fault="server_error")
    w.advance(hours=3)


@scenario("wrong_credentials_then_captured", expects=["GATEWAY_FAILURES"], causes=["AUTHENTICATION_FAILED"])
def _wrong_credentials(w: W, order: str, amount: str = "120.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order, fault="wrong_credentials")
    w.advance(days=1)
    w.oms.capture(order)


@scenario("unknown_gateway_error", expects=["GATEWAY_FAILURES"], causes=["UNKNOWN"], within_days=1)
def _unknown_error(w: W, order: str, amount: str = "47.00", currency: str = "USD") -> None:
    """A failed capture whose error nothing recognises, while the PaymentIntent still awaits capture."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.admin.gateway_log(order, InteractionType="Capture", InteractionStatus="Failed", SfResultCode="Decline",
                        SfRefNumber="ik-0c1d2e3f4a5b6c7d", GatewayResultCode="processing_error",
                        GatewayMessage="An error occurred while processing the request. Try again in a little bit.")
    w.advance(hours=5)


@scenario("capture_recorded_by_hand", expects=["CAPTURE_MISSING_IN_STRIPE"])
def _payment_by_hand(w: W, order: str, amount: str = "88.00", currency: str = "USD") -> None:
    """An integration writes a Payment into OMS without calling the gateway: Stripe never captured."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.admin.payment(order)
    w.advance(days=8)


# --- references ------------------------------------------------------------------------------------
@scenario("payment_intent_typo", expects=["PAYMENT_INTENT_NOT_FOUND", "GATEWAY_FAILURES"],
          causes=["PAYMENT_INTENT_NOT_FOUND"])
def _typo(w: W, order: str, amount: str = "58.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.admin.corrupt_reference(order)
    w.advance(days=1)
    w.oms.capture(order)


@scenario("no_stripe_reference", expects=["NO_STRIPE_REFERENCE"])
def _no_reference(w: W, order: str, amount: str = "33.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual", oms_reference=False)


@scenario("jpy_amount_scale_mismatch", expects=["AMOUNT_SCALE_MISMATCH"])
def _jpy_scale(w: W, order: str, amount: str = "4800", currency: str = "JPY") -> None:
    """A zero-decimal order whose OMS amounts arrived in 'cents': 100 times Stripe's."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.admin.scale_amounts(order, 100)


@scenario("currency_mismatch", expects=["CURRENCY_MISMATCH"], within_days=0)
def _currency_mismatch(w: W, order: str, amount: str = "129.00", currency: str = "USD",
                       oms_currency: str = "JPY") -> None:
    """Stripe charged USD, but the order reached Order Management labelled JPY with the same figures."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.admin.relabel_currency(order, oms_currency)


# --- refunds and disputes ----------------------------------------------------------------------------
@scenario("refund_missing_in_oms", expects=["REFUND_MISSING_IN_OMS"])
def _dashboard_refund(w: W, order: str, amount: str = "120.00", currency: str = "USD", refund: str = "20.00") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=3)
    w.dashboard.refund(order, Decimal(refund))


@scenario("refund_missing_in_stripe", expects=["REFUND_MISSING_IN_STRIPE"])
def _oms_only_refund(w: W, order: str, amount: str = "95.00", currency: str = "EUR", refund: str = "30.00") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=3)
    w.admin.refund(order, Decimal(refund))


@scenario("refund_failed", expects=["REFUND_FAILED", "REFUND_MISSING_IN_STRIPE"])
def _refund_failed(w: W, order: str, amount: str = "140.00", currency: str = "USD", refund: str = "40.00") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=2)
    w.oms.refund(order, Decimal(refund))
    w.advance(days=3)
    w.dashboard.refund_status(order, "failed", failure_reason="expired_or_canceled_card")


@scenario("refund_pending", expects=["REFUND_PENDING"])
def _refund_pending(w: W, order: str, amount: str = "76.00", currency: str = "USD", refund: str = "26.00") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=2)
    w.oms.refund(order, Decimal(refund))
    w.advance(hours=1)
    w.dashboard.refund_status(order, "pending", pending_reason="insufficient_funds")


@scenario("duplicate_refund", expects=["POSSIBLE_DUPLICATE_REFUND", "REFUND_MISSING_IN_OMS"])
def _duplicate_refund(w: W, order: str, amount: str = "150.00", currency: str = "USD", refund: str = "25.00") -> None:
    """OMS refunds a return; an agent refunds it again in the Dashboard the same afternoon."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=2)
    w.oms.refund(order, Decimal(refund))
    w.advance(hours=3)
    w.dashboard.refund(order, Decimal(refund))


@scenario("charge_disputed", expects=["CHARGE_DISPUTED"])
def _disputed(w: W, order: str, amount: str = "260.00", currency: str = "USD") -> None:
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=10)
    w.dashboard.dispute(order, "fraudulent")


@scenario("dispute_lost", expects=["CHARGE_DISPUTED"])
def _dispute_lost(w: W, order: str, amount: str = "184.00", currency: str = "USD", reason: str = "fraudulent") -> None:
    """A chargeback answered with evidence, then lost: the amount and the dispute fee stay withdrawn."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="automatic")
    w.advance(days=5)
    w.dashboard.dispute(order, reason)
    w.advance(days=2, hours=4)
    w.dashboard.dispute_evidence(order, "Delivered to the billing address; the carrier's proof of delivery attached.")
    w.advance(days=11)
    w.dashboard.close_dispute(order, "lost")


@scenario("dispute_won", expects=["CHARGE_DISPUTED"])
def _dispute_won(w: W, order: str, amount: str = "96.50", currency: str = "EUR",
                 reason: str = "product_not_received") -> None:
    """Captured by Order Management, disputed, answered and won: the amount comes back (the fee does not, by
    default)."""
    w.storefront.place_order(order, Decimal(amount), currency, capture="manual")
    w.advance(days=1)
    w.oms.capture(order)
    w.advance(days=6)
    w.dashboard.dispute(order, reason)
    w.advance(days=3)
    w.dashboard.dispute_evidence(order, "Tracking shows delivery on the promised date; signed for by the customer.")
    w.advance(days=8)
    w.dashboard.close_dispute(order, "won")
