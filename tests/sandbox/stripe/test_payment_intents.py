"""PaymentIntent status machine, captures, cancels and expiry, through the real stripe client."""

from __future__ import annotations

import re

import pytest
import stripe

from toolkit.sandbox.stripe.objects import compute_fee

DAY = 86400


def test_create_without_confirm_waits_for_a_payment_method(client):
    pi = client.v1.payment_intents.create(params={"amount": 2000, "currency": "usd"})
    assert pi.status == "requires_payment_method"
    assert pi.latest_charge is None and pi.amount_capturable == 0
    confirmed = client.v1.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})
    assert confirmed.status == "succeeded"
    assert confirmed.payment_method.startswith("pm_")


def test_automatic_capture_succeeds_with_balance_transaction(client, auto_pi):
    pi = auto_pi(amount=10000)
    assert pi.status == "succeeded"
    assert pi.amount_received == 10000 and pi.amount_capturable == 0
    charge = client.v1.charges.retrieve(pi.latest_charge, params={"expand": ["balance_transaction"]})
    assert charge.captured is True and charge.amount_captured == 10000 and charge.paid is True
    txn = charge.balance_transaction
    assert txn.type == "charge" and txn.amount == 10000
    assert txn.fee == 320 == compute_fee(10000, "usd")  # 2.9% + 30
    assert txn.net == 10000 - 320
    assert txn.fee_details[0].type == "stripe_fee"


def test_manual_confirm_authorizes_with_capture_before(client, manual_pi, box):
    created = box.clock.timestamp()
    pi = manual_pi(amount=12900)
    assert pi.status == "requires_capture" and pi.amount_capturable == 12900 and pi.amount_received == 0
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.captured is False and charge.amount_captured == 0 and charge.balance_transaction is None
    assert charge.payment_method_details.card.capture_before == created + 7 * DAY
    assert charge.payment_intent == pi.id


def test_full_capture(client, manual_pi):
    pi = manual_pi(amount=12900)
    captured = client.v1.payment_intents.capture(pi.id)
    assert captured.status == "succeeded" and captured.amount_received == 12900 and captured.amount_capturable == 0
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.captured and charge.amount_captured == 12900 and charge.amount_refunded == 0
    assert charge.balance_transaction.startswith("txn_")


def test_partial_capture_releases_the_rest_as_a_refund_without_money(client, manual_pi):
    pi = manual_pi(amount=12900)
    captured = client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 10000})
    assert captured.status == "succeeded" and captured.amount_received == 10000 and captured.amount_capturable == 0
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.amount_captured == 10000 and charge.amount_refunded == 2900 and charge.refunded is False
    (release,) = charge.refunds.data
    assert release.amount == 2900 and release.balance_transaction is None and release.status == "succeeded"
    assert release.reason is None
    # What remains refundable is the captured money.
    refund = client.v1.refunds.create(params={"payment_intent": pi.id})
    assert refund.amount == 10000
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.refunded is True and charge.amount_refunded == 12900


def test_capture_above_capturable_is_amount_too_large(client, manual_pi):
    pi = manual_pi(amount=5000)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 5001})
    err = info.value
    assert err.http_status == 400 and err.error.code == "amount_too_large"
    assert err.error.param == "amount_to_capture"
    assert err.error.payment_intent.id == pi.id


def test_capture_of_succeeded_is_unexpected_state(client, auto_pi):
    pi = auto_pi()
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.capture(pi.id)
    err = info.value
    assert err.error.code == "payment_intent_unexpected_state"
    assert err.error.message == "This PaymentIntent could not be captured because it has a status of succeeded."
    assert err.error.payment_intent.status == "succeeded"
    assert err.error.type == "invalid_request_error"
    assert err.error.doc_url == "https://docs.stripe.com/error-codes/payment-intent-unexpected-state"
    assert err.error.request_log_url.endswith(err.request_id)


def test_cancel_releases_authorization(client, manual_pi, box):
    pi = manual_pi(amount=8000)
    box.clock.advance(hours=3)
    canceled = client.v1.payment_intents.cancel(pi.id, params={"cancellation_reason": "requested_by_customer"})
    assert canceled.status == "canceled" and canceled.cancellation_reason == "requested_by_customer"
    assert canceled.canceled_at == box.clock.timestamp() and canceled.amount_capturable == 0
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.captured is False and charge.amount_refunded == 8000 and charge.refunded is True
    (release,) = charge.refunds.data
    assert release.amount == 8000 and release.balance_transaction is None
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.capture(pi.id)
    assert info.value.error.code == "payment_intent_unexpected_state"
    assert info.value.error.message == "This PaymentIntent could not be captured because it has a status of canceled."


def test_cancel_of_succeeded_is_unexpected_state(client, auto_pi):
    pi = auto_pi()
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.cancel(pi.id)
    assert info.value.error.code == "payment_intent_unexpected_state"
    assert info.value.error.payment_intent.id == pi.id


def test_invalid_cancellation_reason(client, manual_pi):
    pi = manual_pi()
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.cancel(pi.id, params={"cancellation_reason": "automatic"})
    assert info.value.error.param == "cancellation_reason"


def test_expiry_when_the_clock_passes_capture_before(client, manual_pi, box):
    pi = manual_pi(amount=12900)
    charge = client.v1.charges.retrieve(pi.latest_charge)
    capture_before = charge.payment_method_details.card.capture_before
    box.clock.advance(days=6, hours=23)
    assert client.v1.payment_intents.retrieve(pi.id).status == "requires_capture"
    box.clock.advance(hours=2)
    expired = client.v1.payment_intents.retrieve(pi.id)
    assert expired.status == "canceled" and expired.cancellation_reason == "automatic"
    assert expired.canceled_at == capture_before + 1 and expired.amount_capturable == 0
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.captured is False and charge.amount_refunded == 12900 and charge.refunded is True
    (refund,) = charge.refunds.data
    assert refund.reason == "expired_uncaptured_charge" and refund.status == "succeeded"
    assert refund.balance_transaction is None and refund.created == capture_before + 1
    events = client.v1.events.list(params={"types": ["charge.expired", "payment_intent.canceled"]})
    assert [e.type for e in events.data] == ["payment_intent.canceled", "charge.expired"]
    for event in events.data:
        assert event.request.id is None and event.request.idempotency_key is None
        assert event.created == capture_before + 1
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.capture(pi.id)
    assert info.value.error.code == "payment_intent_unexpected_state"


def _anonymous(value):
    """Ids replaced by their prefix, so re-enacted objects compare with the case's."""
    if isinstance(value, dict):
        return {key: _anonymous(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_anonymous(item) for item in value]
    if isinstance(value, str) and re.fullmatch(r"(pi|ch|re|txn|evt|pm|req)_[A-Za-z0-9]+", value):
        return value.split("_", 1)[0] + "_*"
    return value


def test_expiry_matches_the_expired_authorization_case_exactly(expired_case):
    """Re-enact the case with direct operations and the clock: every object equal, ids aside, keys in order."""
    from toolkit.sandbox import Sandbox

    box = Sandbox()
    box.clock.set(1794409200)
    want = expired_case["stripe"]["objects"]
    billing = want[1]["billing_details"]
    pi = box.stripe.create_payment_intent(amount=12900, currency="usd", capture_method="manual",
                                          metadata={"order_id": "00001042", "site_id": "RefArch"},
                                          billing_details=billing)
    assert pi["status"] == "requires_capture"
    box.clock.set("2026-11-20T15:00:00Z")
    got = {(o["object"], o.get("type")): o for o in box.stripe.dump_objects()}
    for expected in want:
        actual = got[(expected["object"], expected.get("type"))]
        assert list(actual) == list(expected), expected["object"]
        assert _anonymous(actual) == _anonymous(expected), (expected["object"], expected.get("type"))


def test_capture_after_capture_before_before_expiry_processed(box, client, expired_case):
    """A loaded case whose authorization lapsed but has not been expired yet: charge_expired_for_capture."""
    case = expired_case
    pi, charge = case["stripe"]["objects"][0], case["stripe"]["objects"][1]
    pi.update({"status": "requires_capture", "amount_capturable": 12900, "canceled_at": None,
               "cancellation_reason": None})
    charge.update({"amount_refunded": 0, "refunded": False})
    case["stripe"]["objects"] = [o for o in case["stripe"]["objects"] if o["object"] != "refund"]
    box.load_case(case)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.capture(pi["id"])
    assert info.value.error.code == "charge_expired_for_capture"
    assert info.value.error.payment_intent.id == pi["id"]
    box.clock.advance(seconds=1)  # the clock moves: the expiry is processed
    assert client.v1.payment_intents.retrieve(pi["id"]).cancellation_reason == "automatic"


def test_declined_card_is_a_card_error(client, box):
    with pytest.raises(stripe.CardError) as info:
        client.v1.payment_intents.create(params={"amount": 2000, "currency": "usd", "confirm": True,
                                                 "payment_method": "pm_card_chargeDeclined"})
    err = info.value
    assert err.http_status == 402 and err.error.code == "card_declined"
    assert err.error.payment_intent.status == "requires_payment_method"
    assert err.error.payment_intent.last_payment_error.decline_code == "generic_decline"


@pytest.mark.parametrize(("currency", "amount", "fee"), [("jpy", 5000, 180), ("bhd", 10000, 590), ("eur", 1000, 59)])
def test_zero_and_three_decimal_currencies(client, auto_pi, currency, amount, fee):
    pi = auto_pi(amount=amount, currency=currency)
    charge = client.v1.charges.retrieve(pi.latest_charge, params={"expand": ["balance_transaction"]})
    assert charge.balance_transaction.fee == fee
    assert charge.balance_transaction.currency == currency


def test_amount_validation(client):
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.create(params={"amount": 10, "currency": "usd"})
    assert info.value.error.code == "amount_too_small"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.create(params={"amount": 1005, "currency": "kwd"})
    assert info.value.error.param == "amount"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.create(params={"amount": 1000, "currency": "xyz"})
    assert info.value.error.param == "currency"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.create(params={"currency": "usd"})
    assert info.value.error.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd", "colour": "blue"})
    assert info.value.error.message == "Received unknown parameter: colour"


def test_update_metadata_emits_event(client, auto_pi):
    pi = auto_pi(metadata={"order_id": "1"})
    updated = client.v1.payment_intents.update(pi.id, params={"metadata": {"order_id": "2", "x": "y"}})
    assert updated.metadata.to_dict() == {"order_id": "2", "x": "y"}
    (event,) = client.v1.events.list(params={"type": "payment_intent.updated"}).data
    assert event.data.previous_attributes.metadata.order_id == "1"


def test_legacy_charge_capture_twice(client, manual_pi):
    pi = manual_pi(amount=3000)
    charge = client.v1.charges.capture(pi.latest_charge)
    assert charge.captured is True
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.charges.capture(pi.latest_charge)
    assert info.value.error.code == "charge_already_captured"
