"""Disputes in the embedded Stripe account: the object, its life cycle, the money it moves, the endpoints, refunds,
case files. Shapes are checked against Stripe's schemas in ``test_openapi_conformance.py``."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
import stripe

from toolkit.errors import CaseFileError
from toolkit.sandbox import Sandbox
from toolkit.sandbox.stripe.disputes import DISPUTE_FEES, RESPONSE_DAYS
from toolkit.sandbox.stripe.errors import StripeError

DAY = 86400


def _disputed(box, auto_pi, amount=26000, **kwargs):
    pi = auto_pi(amount=amount)
    return pi, box.stripe.dispute_charge(pi.latest_charge, **kwargs)


def test_a_chargeback_withdraws_the_amount_and_the_fee(box, client, auto_pi):
    pi, dispute = _disputed(box, auto_pi, reason="product_not_received")
    assert dispute["id"].startswith("du_") and dispute["status"] == "needs_response"
    assert dispute["amount"] == 26000 and dispute["currency"] == "usd" and dispute["payment_intent"] == pi.id
    assert dispute["is_charge_refundable"] is False and dispute["reason"] == "product_not_received"
    details = dispute["evidence_details"]
    due = datetime.fromtimestamp(details["due_by"], tz=UTC)
    created = datetime.fromtimestamp(dispute["created"], tz=UTC)
    assert (due.date() - created.date()).days == RESPONSE_DAYS and (due.hour, due.minute, due.second) == (23, 59, 59)
    assert details == {"due_by": details["due_by"], "enhanced_eligibility": {}, "has_evidence": False,
                       "past_due": False, "submission_count": 0}
    assert set(dispute["evidence"]) >= {"uncategorized_text", "shipping_tracking_number", "enhanced_evidence"}
    assert dispute["payment_method_details"]["card"] == {"brand": "visa", "case_type": "chargeback",
                                                         "network": "visa", "network_reason_code": "13.1"}
    (withdrawal,) = dispute["balance_transactions"]
    assert withdrawal["amount"] == -26000 and withdrawal["fee"] == DISPUTE_FEES["usd"]
    assert withdrawal["net"] == -26000 - DISPUTE_FEES["usd"] and withdrawal["type"] == "adjustment"
    assert withdrawal["reporting_category"] == "dispute" and withdrawal["source"] == dispute["id"]
    assert withdrawal["fee_details"][0]["description"] == "Dispute fee"
    assert withdrawal["description"] == f"Chargeback withdrawal for {pi.latest_charge}"
    # the same balance transaction over the API, its source expanded to the dispute
    txn = client.v1.balance_transactions.retrieve(withdrawal["id"], params={"expand": ["source"]})
    assert txn.source.id == dispute["id"] and txn.source.object == "dispute"
    listed = client.v1.balance_transactions.list(params={"source": dispute["id"]}).data
    assert [t.id for t in listed] == [withdrawal["id"]]


def test_evidence_then_a_lost_dispute(box, client, auto_pi):
    pi, dispute = _disputed(box, auto_pi)
    box.clock.advance(days=2)
    box.stripe.submit_dispute_evidence(dispute["id"], {"uncategorized_text": "Delivered, signed for."})
    box.clock.advance(days=20)
    lost = box.stripe.close_dispute(dispute["id"], "lost")
    assert lost["status"] == "lost" and lost["evidence"]["uncategorized_text"] == "Delivered, signed for."
    assert lost["evidence_details"]["has_evidence"] is True and lost["evidence_details"]["submission_count"] == 1
    assert lost["evidence_details"]["past_due"] is False
    assert [t["amount"] for t in lost["balance_transactions"]] == [-26000]  # nothing comes back
    events = client.v1.events.list(params={"type": "charge.dispute.*"}).data
    assert [e.type for e in events] == ["charge.dispute.closed", "charge.dispute.updated",
                                        "charge.dispute.funds_withdrawn", "charge.dispute.created"]
    updated = events[1]
    assert updated.data.object.status == "under_review"
    assert updated.data.previous_attributes.status == "needs_response"
    assert events[0].data.object.status == "lost" and events[0].data.previous_attributes.status == "under_review"
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.disputed is True and charge.amount_refunded == 0 and charge.refunded is False


def test_a_won_dispute_reinstates_the_amount_and_the_fee_when_the_account_returns_it(box, client, auto_pi):
    _pi, dispute = _disputed(box, auto_pi, amount=9900)
    won = box.stripe.close_dispute(dispute["id"], "won")
    assert won["status"] == "won"
    withdrawal, reversal = won["balance_transactions"]
    assert reversal["amount"] == 9900 and reversal["fee"] == 0 and reversal["net"] == 9900
    assert reversal["reporting_category"] == "dispute_reversal"
    assert [e.type for e in client.v1.events.list(params={"type": "charge.dispute.*"}).data][:2] == [
        "charge.dispute.funds_reinstated", "charge.dispute.closed"]
    # the same with an account that returns the dispute fee (or one call that says so)
    _pi, other = _disputed(box, auto_pi, amount=9900)
    returned = box.stripe.close_dispute(other["id"], "won", return_fee=True)["balance_transactions"][1]
    assert returned["fee"] == -DISPUTE_FEES["usd"] and returned["net"] == 9900 + DISPUTE_FEES["usd"]
    box.stripe.dispute_fee_returned_when_won = True
    _pi, third = _disputed(box, auto_pi, amount=9900)
    assert box.stripe.close_dispute(third["id"], "won")["balance_transactions"][1]["fee"] == -DISPUTE_FEES["usd"]
    assert withdrawal["fee"] == DISPUTE_FEES["usd"]


def test_an_inquiry_withdraws_nothing_and_the_charge_stays_refundable(box, client, auto_pi):
    pi, dispute = _disputed(box, auto_pi, inquiry=True, reason="general")
    assert dispute["status"] == "warning_needs_response" and dispute["is_charge_refundable"] is True
    assert dispute["balance_transactions"] == []
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1000})
    assert refund.status == "succeeded"
    assert box.stripe.close_dispute(dispute["id"], "won")["status"] == "warning_closed"


def test_what_cannot_be_disputed_or_done_twice(box, auto_pi, manual_pi):
    uncaptured = manual_pi()
    with pytest.raises(StripeError, match="not been captured"):
        box.stripe.dispute_charge(uncaptured.latest_charge)
    _pi, dispute = _disputed(box, auto_pi)
    with pytest.raises(StripeError, match="already has an open dispute"):
        box.stripe.dispute_charge(dispute["charge"])
    with pytest.raises(StripeError, match="Invalid reason"):
        box.stripe.dispute_charge(dispute["charge"], reason="angry")
    box.stripe.close_dispute(dispute["id"], "lost")
    with pytest.raises(StripeError, match="already closed"):
        box.stripe.close_dispute(dispute["id"], "won")
    with pytest.raises(StripeError, match="can no longer be submitted"):
        box.stripe.submit_dispute_evidence(dispute["id"], {"uncategorized_text": "late"})


def test_list_and_retrieve_with_the_documented_filters(box, client, auto_pi):
    first_pi, first = _disputed(box, auto_pi)
    box.clock.advance(hours=2)
    middle = box.clock.timestamp()
    second_pi, second = _disputed(box, auto_pi)
    assert [d.id for d in client.v1.disputes.list().data] == [second["id"], first["id"]]
    assert [d.id for d in client.v1.disputes.list(params={"charge": first["charge"]}).data] == [first["id"]]
    assert [d.id for d in client.v1.disputes.list(params={"payment_intent": second_pi.id}).data] == [second["id"]]
    assert [d.id for d in client.v1.disputes.list(params={"created": {"gte": middle}}).data] == [second["id"]]
    page = client.v1.disputes.list(params={"limit": 1})
    assert page.has_more is True and page.url == "/v1/disputes"
    rest = client.v1.disputes.list(params={"limit": 1, "starting_after": page.data[0].id})
    assert [d.id for d in rest.data] == [first["id"]] and rest.has_more is False
    got = client.v1.disputes.retrieve(first["id"], params={"expand": ["charge", "payment_intent"]})
    assert got.charge.id == first["charge"] and got.payment_intent.id == first_pi.id
    assert got.balance_transactions[0].amount == -26000
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.disputes.retrieve("du_missing")
    assert info.value.error.code == "resource_missing" and info.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.disputes.list(params={"status": "lost"})
    assert info.value.error.code == "parameter_unknown"


def test_restricted_keys_need_the_disputes_permission(box, auto_pi):
    _disputed(box, auto_pi)
    allowed = box.stripe_client(box.stripe.restricted_key({"disputes": "read"}))
    assert len(allowed.v1.disputes.list().data) == 1
    denied = box.stripe_client(box.stripe.restricted_key({"charges": "read"}))
    with pytest.raises(stripe.PermissionError) as info:
        denied.v1.disputes.list()
    assert "rak_dispute_read" in str(info.value) or "dispute" in str(info.value)


def test_disputes_round_trip_through_case_files(box, client, auto_pi):
    pi, dispute = _disputed(box, auto_pi)
    box.stripe.close_dispute(dispute["id"], "won")
    case = box.to_case()
    stored = next(o for o in case["stripe"]["objects"] if o["object"] == "dispute")
    assert "balance_transactions" not in stored  # derived from the balance transactions whose source it is
    again = Sandbox.from_case(case)
    assert again.stripe.dump_objects() == box.stripe.dump_objects()
    served = again.stripe_client().v1.disputes.retrieve(dispute["id"])
    assert [t.amount for t in served.balance_transactions] == [-26000, 26000]
    with pytest.raises(stripe.InvalidRequestError) as info:
        again.stripe_client().v1.refunds.create(params={"payment_intent": pi.id})
    assert info.value.error.code == "charge_disputed"


def test_case_files_refuse_inconsistent_disputes(box, auto_pi):
    _pi, dispute = _disputed(box, auto_pi)
    case = box.to_case()

    def refused(change, *needles):
        broken = copy.deepcopy(case)
        objects = {o["id"]: o for o in broken["stripe"]["objects"]}
        change(objects)
        with pytest.raises(CaseFileError) as info:
            Sandbox.from_case(broken)
        for needle in needles:
            assert needle in str(info.value)

    refused(lambda o: o[dispute["charge"]].update(disputed=False), dispute["id"], "disputed: true")
    refused(lambda o: o[dispute["id"]].update(charge="ch_missing"), "ch_missing")
    refused(lambda o: o[dispute["id"]].update(currency="eur"), "currency")
    refused(lambda o: o[dispute["id"]].pop("reason"), "field reason is required")
    refused(lambda o: o[dispute["id"]]["evidence_details"].update(submission_count="one"), "submission_count")


def test_a_hand_written_dispute_gets_the_keys_it_leaves_out(box, auto_pi):
    pi = auto_pi(amount=5000)
    case = box.to_case()
    charge = next(o for o in case["stripe"]["objects"] if o["object"] == "charge")
    charge["disputed"] = True
    case["stripe"]["objects"].append({"object": "dispute", "id": "du_handwritten1", "amount": 5000, "currency": "usd",
                                      "charge": charge["id"], "created": charge["created"] + 5 * DAY,
                                      "reason": "fraudulent", "status": "needs_response"})
    loaded = Sandbox.from_case(case).stripe_client().v1.disputes.retrieve("du_handwritten1").to_dict()
    assert loaded["evidence_details"]["due_by"] is None and loaded["evidence"]["receipt"] is None
    assert loaded["is_charge_refundable"] is False and loaded["balance_transactions"] == []
    assert loaded["payment_intent"] is None and pi.id
