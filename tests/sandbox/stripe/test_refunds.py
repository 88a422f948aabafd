"""Refunds: amounts, errors, balance transactions, status changes and their events."""

from __future__ import annotations

import pytest
import stripe

from toolkit.sandbox.stripe import StripeError


def test_refund_defaults_to_what_remains_and_moves_money(client, auto_pi):
    pi = auto_pi(amount=5000)
    first = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 2000, "reason": "requested_by_customer",
                                             "metadata": {"case": "42"}})
    assert first.status == "succeeded" and first.amount == 2000 and first.charge == pi.latest_charge
    assert first.payment_intent == pi.id and first.metadata.case == "42"
    txn = client.v1.balance_transactions.retrieve(first.balance_transaction)
    assert txn.type == "refund" and txn.amount == -2000 and txn.source == first.id
    rest = client.v1.refunds.create(params={"charge": pi.latest_charge})
    assert rest.amount == 3000
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.amount_refunded == 5000 and charge.refunded is True
    assert [r.id for r in charge.refunds.data] == [rest.id, first.id]


def test_refund_above_remaining_is_amount_too_large(client, auto_pi):
    pi = auto_pi(amount=5000)
    client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 4000})
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 999999})
    err = info.value
    assert err.http_status == 400 and err.error.code == "amount_too_large" and err.error.param == "amount"
    assert err.error.message.endswith("unrefunded amount on charge ($10.00)")


def test_refund_of_fully_refunded_charge(client, auto_pi):
    pi = auto_pi(amount=5000)
    client.v1.refunds.create(params={"payment_intent": pi.id})
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1})
    assert info.value.error.code == "charge_already_refunded"


def test_refund_of_disputed_charge(client, auto_pi, box):
    pi = auto_pi(amount=5000)
    dispute = box.stripe.dispute_charge(pi.latest_charge)
    assert box.stripe.get(pi.latest_charge)["disputed"] is True and dispute["is_charge_refundable"] is False
    events = client.v1.events.list(params={"type": "charge.dispute.*"}).data
    assert sorted(e.type for e in events) == ["charge.dispute.created", "charge.dispute.funds_withdrawn"]
    assert all(e.data.object.charge == pi.latest_charge for e in events)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"payment_intent": pi.id})
    assert info.value.error.code == "charge_disputed" and info.value.http_status == 400
    assert info.value.error.message == f"Charge {pi.latest_charge} has been charged back; cannot issue a refund."


def test_refund_of_uncaptured_payment_intent_is_refused(client, manual_pi):
    pi = manual_pi(amount=5000)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"payment_intent": pi.id})
    assert info.value.error.code == "payment_intent_unexpected_state"
    assert info.value.error.payment_intent.status == "requires_capture"


def test_refund_of_expired_authorization_is_already_refunded(box, client, expired_case):
    box.load_case(expired_case)
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"payment_intent": "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"})
    assert info.value.error.code == "charge_already_refunded"


def test_refund_needs_a_target_and_a_known_one(client):
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"amount": 100})
    assert info.value.error.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"payment_intent": "pi_missing"})
    assert info.value.http_status == 404 and info.value.error.code == "resource_missing"
    assert info.value.error.param == "payment_intent"


def test_refund_events_carry_the_request(client, auto_pi):
    pi = auto_pi(amount=5000)
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100},
                                      options={"idempotency_key": "refund-1"})
    events = client.v1.events.list(params={"types": ["refund.created", "charge.refunded"]}).data
    assert {e.type for e in events} == {"refund.created", "charge.refunded"}
    for event in events:
        assert event.request.idempotency_key == "refund-1"
        assert event.request.id.startswith("req_")
        assert event.api_version == "2026-10-28.endive"
    created = next(e for e in events if e.type == "refund.created")
    assert created.data.object.id == refund.id


def test_refund_failure_later(client, auto_pi, box):
    pi = auto_pi(amount=5000)
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 3000})
    failed = box.stripe.set_refund_status(refund.id, "failed", failure_reason="expired_or_canceled_card")
    assert failed["status"] == "failed" and failed["failure_reason"] == "expired_or_canceled_card"
    failure_txn = client.v1.balance_transactions.retrieve(failed["failure_balance_transaction"],
                                                          params={"expand": ["source"]})
    assert failure_txn.amount == 3000 and failure_txn.type == "refund_failure" and failure_txn.source.id == refund.id
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.amount_refunded == 0 and charge.refunded is False
    types = [e.type for e in client.v1.events.list(params={"type": "refund.*"}).data]
    assert types[:2] == ["refund.failed", "refund.updated"]
    # The money is refundable again.
    assert client.v1.refunds.create(params={"payment_intent": pi.id}).amount == 5000


def test_pending_refund_then_succeeded_and_cancel_rules(client, auto_pi, box):
    pi = auto_pi(amount=5000)
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1000})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.cancel(refund.id)  # succeeded refunds cannot be canceled
    pending = box.stripe.set_refund_status(refund.id, "pending", pending_reason="charge_pending")
    assert pending["pending_reason"] == "charge_pending"
    canceled = client.v1.refunds.cancel(refund.id)
    assert canceled.status == "canceled"
    assert client.v1.charges.retrieve(pi.latest_charge).amount_refunded == 0
    with pytest.raises(StripeError):
        box.stripe.set_refund_status(refund.id, "succeeded")  # canceled is final


def test_refund_lists_filter_by_payment_intent_and_charge(client, auto_pi):
    a, b = auto_pi(amount=5000), auto_pi(amount=6000)
    ra = client.v1.refunds.create(params={"payment_intent": a.id, "amount": 100})
    rb = client.v1.refunds.create(params={"payment_intent": b.id, "amount": 100})
    assert [r.id for r in client.v1.refunds.list(params={"payment_intent": a.id}).data] == [ra.id]
    assert [r.id for r in client.v1.refunds.list(params={"charge": b.latest_charge}).data] == [rb.id]
    assert len(client.v1.refunds.list().data) == 2
