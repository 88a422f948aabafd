"""Expansion, lists, search and events through the real client."""

from __future__ import annotations

import pytest
import stripe


def test_expand_payment_intent_to_balance_transaction(client, auto_pi):
    pi = auto_pi(amount=10000)
    full = client.v1.payment_intents.retrieve(pi.id, params={"expand": ["latest_charge.balance_transaction"]})
    txn = full.latest_charge.balance_transaction
    assert txn.object == "balance_transaction" and txn.amount == 10000 and txn.source == pi.latest_charge


def test_expand_balance_transaction_to_payment_intent(client, auto_pi):
    pi = auto_pi(amount=10000)
    charge = client.v1.charges.retrieve(pi.latest_charge)
    txn = client.v1.balance_transactions.retrieve(charge.balance_transaction,
                                                  params={"expand": ["source.payment_intent"]})
    assert txn.source.object == "charge" and txn.source.payment_intent.id == pi.id
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 500})
    refund_txn = client.v1.balance_transactions.retrieve(refund.balance_transaction,
                                                         params={"expand": ["source.charge.payment_intent"]})
    assert refund_txn.source.charge.payment_intent.id == pi.id


def test_expand_on_lists_and_limits(client, auto_pi):
    auto_pi()
    listing = client.v1.payment_intents.list(params={"expand": ["data.latest_charge.balance_transaction"]})
    assert listing.data[0].latest_charge.balance_transaction.object == "balance_transaction"
    four = "latest_charge.balance_transaction.source.payment_intent"
    deep = client.v1.payment_intents.list(params={"expand": [f"data.{four}"]})
    assert deep.data[0].latest_charge.balance_transaction.source.payment_intent.object == "payment_intent"
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.list(params={"expand": [f"data.{four}.latest_charge"]})
    assert "more than 4 levels" in info.value.error.message
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.list(params={"expand": ["data.amount"]})
    assert info.value.error.message == "This property cannot be expanded (data.amount)."
    pi_id = listing.data[0].id
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.retrieve(pi_id, params={"expand": ["status"]})
    assert info.value.error.message == "This property cannot be expanded (status)."


def test_charge_refunds_follow_the_fixture_key_set(client, auto_pi):
    pi = auto_pi()
    charge = client.v1.charges.retrieve(pi.latest_charge, params={"expand": ["refunds.data.balance_transaction"]})
    assert charge.refunds.object == "list" and charge.refunds.data == []
    assert charge.refunds.url == f"/v1/charges/{charge.id}/refunds"


def test_list_pagination_newest_first(client, auto_pi, box):
    ids = []
    for _ in range(5):
        ids.append(auto_pi().id)
        box.clock.advance(seconds=10)
    page = client.v1.payment_intents.list(params={"limit": 2})
    assert [p.id for p in page.data] == ids[::-1][:2] and page.has_more is True
    page2 = client.v1.payment_intents.list(params={"limit": 2, "starting_after": page.data[-1].id})
    assert [p.id for p in page2.data] == ids[::-1][2:4]
    back = client.v1.payment_intents.list(params={"limit": 2, "ending_before": page2.data[0].id})
    assert [p.id for p in back.data] == ids[::-1][:2]
    everything = list(client.v1.payment_intents.list(params={"limit": 2}).auto_paging_iter())
    assert [p.id for p in everything] == ids[::-1]
    for bad in (0, 101):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.payment_intents.list(params={"limit": bad})
        assert info.value.error.param == "limit"


def test_list_filters(client, auto_pi, box):
    start = box.clock.timestamp()
    first = auto_pi()
    box.clock.advance(hours=1)
    second = auto_pi()
    recent = client.v1.payment_intents.list(params={"created": {"gt": start}})
    assert [p.id for p in recent.data] == [second.id]
    assert [p.id for p in client.v1.payment_intents.list(params={"created": {"lte": start}}).data] == [first.id]
    charges = client.v1.charges.list(params={"payment_intent": first.id})
    assert [c.id for c in charges.data] == [first.latest_charge]
    charge = client.v1.charges.retrieve(second.latest_charge)
    txns = client.v1.balance_transactions.list(params={"source": charge.id})
    assert [t.id for t in txns.data] == [charge.balance_transaction]
    assert len(client.v1.balance_transactions.list(params={"type": "charge"}).data) == 2
    assert client.v1.balance_transactions.list(params={"type": "refund"}).data == []
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.list(params={"payment_intent": "x"})
    assert info.value.error.message == "Received unknown parameter: payment_intent"


def test_balance_becomes_available_as_the_clock_moves(client, auto_pi, box):
    pi = auto_pi()
    txn_id = client.v1.charges.retrieve(pi.latest_charge).balance_transaction
    assert client.v1.balance_transactions.retrieve(txn_id).status == "pending"
    box.clock.advance(days=3)
    assert client.v1.balance_transactions.retrieve(txn_id).status == "available"


def test_search_by_order_metadata(client, auto_pi, manual_pi):
    wanted = auto_pi(metadata={"order_id": "00001042"})
    auto_pi(metadata={"order_id": "00001043"})
    manual_pi(metadata={"order_id": "00001042"})
    result = client.v1.payment_intents.search(params={"query": "metadata['order_id']:'00001042'"})
    assert result.object == "search_result" and len(result.data) == 2
    assert result.url == "/v1/payment_intents/search"
    both = client.v1.payment_intents.search(
        params={"query": "metadata[\"order_id\"]:\"00001042\" AND status:'succeeded'"})
    assert [p.id for p in both.data] == [wanted.id]
    negated = client.v1.payment_intents.search(params={"query": "-status:'succeeded'"})
    assert all(p.status != "succeeded" for p in negated.data) and len(negated.data) == 1
    either = client.v1.payment_intents.search(params={"query": "amount>1000 OR currency:'jpy'"})
    assert len(either.data) == 3
    charges = client.v1.charges.search(params={"query": "metadata['order_id']:'00001042'"})
    assert charges.data == []  # charges do not inherit the PaymentIntent's metadata
    counted = client.v1.payment_intents.search(params={"query": "amount:5000", "expand": ["total_count"]})
    assert counted.total_count == 2


def test_search_paging(client, auto_pi, box):
    ids = []
    for _ in range(3):
        ids.append(auto_pi(metadata={"batch": "b"}).id)
        box.clock.advance(seconds=1)
    first = client.v1.payment_intents.search(params={"query": "metadata['batch']:'b'", "limit": 2})
    assert first.has_more is True and first.next_page
    second = client.v1.payment_intents.search(params={"query": "metadata['batch']:'b'", "limit": 2,
                                                      "page": first.next_page})
    assert [p.id for p in first.data + second.data] == ids[::-1]
    assert second.has_more is False and second.next_page is None


@pytest.mark.parametrize("query", [
    "status:'succeeded' AND amount>1 OR currency:'usd'",
    " AND ".join(["amount>1"] * 11),
    "status:succeeded",
    "metadata[order_id]:'1'",
    "colour:'red'",
    "amount>'10'",
    "status:'x' AND",
])
def test_invalid_search_queries(client, query):
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.search(params={"query": query})
    assert info.value.http_status == 400 and info.value.error.param == "query"


def test_search_is_eventually_consistent(client, auto_pi, box):
    box.stripe.search_lag_seconds = 60
    pi = auto_pi(metadata={"order_id": "7"})
    query = {"query": "metadata['order_id']:'7'"}
    assert client.v1.payment_intents.search(params=query).data == []
    assert client.v1.payment_intents.retrieve(pi.id).id == pi.id  # retrieval is immediate
    box.clock.advance(seconds=61)
    assert [p.id for p in client.v1.payment_intents.search(params=query).data] == [pi.id]


def test_event_filters(client, auto_pi, manual_pi, box):
    start = box.clock.timestamp()
    auto_pi()
    box.clock.advance(hours=1)
    pi = manual_pi()
    client.v1.payment_intents.capture(pi.id)
    types = [e.type for e in client.v1.events.list(params={"type": "payment_intent.*"}).data]
    assert types == ["payment_intent.succeeded", "payment_intent.amount_capturable_updated",
                     "payment_intent.created", "payment_intent.succeeded", "payment_intent.created"]
    captured = client.v1.events.list(params={"types": ["charge.captured", "payment_intent.canceled"]}).data
    assert [e.type for e in captured] == ["charge.captured"]
    assert captured[0].data.object.id == pi.latest_charge and captured[0].request.id.startswith("req_")
    later = client.v1.events.list(params={"created": {"gt": start}, "type": "charge.*"}).data
    assert [e.type for e in later] == ["charge.captured", "charge.succeeded"]
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.events.list(params={"types": [f"t{i}" for i in range(21)]})
    assert info.value.error.param == "types"
    assert client.v1.events.list(params={"delivery_success": False}).data == []


def test_events_are_kept_30_days(client, auto_pi, box):
    auto_pi()
    event_id = client.v1.events.list().data[0].id
    box.clock.advance(days=29)
    assert client.v1.events.retrieve(event_id).id == event_id
    box.clock.advance(days=2)
    assert client.v1.events.list().data == []
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.events.retrieve(event_id)
    assert info.value.error.code == "resource_missing"


def test_event_snapshots_do_not_change(client, manual_pi):
    pi = manual_pi()
    client.v1.payment_intents.capture(pi.id)
    (authorized,) = client.v1.events.list(params={"type": "payment_intent.amount_capturable_updated"}).data
    assert authorized.data.object.status == "requires_capture"
    assert authorized.data.object.amount_capturable == pi.amount
