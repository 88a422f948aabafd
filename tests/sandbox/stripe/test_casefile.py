"""The Stripe half of case files: round trip, invariants refused with messages, fixture key sets, scale.

Loading speed is a benchmark, not a test: ``python benchmarks/bench_sandbox.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import stripe

from toolkit.errors import CaseFileError
from toolkit.sandbox import Sandbox
from toolkit.sandbox.stripe.objects import key_sets

PI_ID = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
CH_ID = "ch_3QnysWH7Oztf1TICzFD2Ou3q"
RE_ID = "re_3Q6wlMpLvBjvj4IZUxRtRk2P"
#: Stripe's published example objects (stripe/openapi, MIT licence): see tests/data/stripe/README.md.
FIXTURES = Path(__file__).resolve().parents[2] / "data" / "stripe" / "stripe-openapi-fixtures3.json"


def _objects(case):
    return {obj["id"]: obj for obj in case["stripe"]["objects"]}


def test_load_then_dump_gives_back_the_case(expired_case):
    box = Sandbox.from_case(expired_case)
    assert box.stripe.dump_objects() == expired_case["stripe"]["objects"]
    again = Sandbox.from_case(box.to_case())
    assert again.stripe.dump_objects() == expired_case["stripe"]["objects"]


def test_loaded_case_is_served_over_http(expired_case):
    box = Sandbox.from_case(expired_case)
    client = box.stripe_client()
    pi = client.v1.payment_intents.retrieve(PI_ID, params={"expand": ["latest_charge"]})
    assert pi.status == "canceled" and pi.latest_charge.refunds.data[0].id == RE_ID
    found = client.v1.payment_intents.search(params={"query": "metadata['order_id']:'00001042'"})
    assert [p.id for p in found.data] == [PI_ID]
    types = [e.type for e in client.v1.events.list().data]
    assert types[:2] == ["payment_intent.canceled", "charge.expired"]
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.capture(PI_ID)
    assert info.value.error.message == "This PaymentIntent could not be captured because it has a status of canceled."


def test_missing_keys_are_filled_with_neutral_values(expired_case):
    objects = expired_case["stripe"]["objects"]
    charge = next(o for o in objects if o["object"] == "charge")
    for key in ("receipt_url", "fraud_details", "shipping"):
        del charge[key]
    box = Sandbox.from_case(expired_case)
    loaded = box.stripe.get(CH_ID)
    assert loaded["receipt_url"] is None and loaded["fraud_details"] == {} and loaded["shipping"] == {}


def _refuse(case, *needles):
    with pytest.raises(CaseFileError) as info:
        Sandbox.from_case(case)
    for needle in needles:
        assert needle in str(info.value)
    return str(info.value)


def test_refuses_unknown_types_and_duplicates(expired_case):
    case = copy.deepcopy(expired_case)
    case["stripe"]["objects"].append({"object": "customer", "id": "cus_1"})
    _refuse(case, "'customer'", "cus_1")
    case = copy.deepcopy(expired_case)
    case["stripe"]["objects"].append(copy.deepcopy(case["stripe"]["objects"][0]))
    _refuse(case, PI_ID, "twice")


def test_refuses_dangling_references(expired_case):
    case = copy.deepcopy(expired_case)
    _objects(case)[RE_ID]["charge"] = "ch_missing"
    _refuse(case, RE_ID, "charge", "ch_missing")
    case = copy.deepcopy(expired_case)
    _objects(case)[CH_ID]["balance_transaction"] = "txn_missing"
    _refuse(case, CH_ID, "balance_transaction")


def test_refuses_disagreeing_payment_intent_and_charge(expired_case):
    case = copy.deepcopy(expired_case)
    case["stripe"]["objects"].append({**copy.deepcopy(_objects(case)[PI_ID]), "id": "pi_other"})
    _refuse(case, "pi_other", "latest_charge")


def test_refuses_wrong_amount_refunded(expired_case):
    case = copy.deepcopy(expired_case)
    _objects(case)[CH_ID]["amount_refunded"] = 100
    _refuse(case, CH_ID, "amount_refunded")
    case = copy.deepcopy(expired_case)
    _objects(case)[RE_ID]["status"] = "failed"
    _refuse(case, CH_ID, "amount_refunded")


def test_refuses_captured_above_amount_and_received_mismatch(expired_case):
    case = copy.deepcopy(expired_case)
    _objects(case)[CH_ID]["amount_captured"] = 20000
    _refuse(case, CH_ID, "amount_captured")
    case = copy.deepcopy(expired_case)
    _objects(case)[PI_ID]["amount_received"] = 12900
    _refuse(case, PI_ID, "amount_received")


def test_refuses_currency_mismatch_and_livemode_mismatch(expired_case):
    case = copy.deepcopy(expired_case)
    _objects(case)[RE_ID]["currency"] = "eur"
    _refuse(case, RE_ID, "currency")
    case = copy.deepcopy(expired_case)
    _objects(case)[PI_ID]["livemode"] = True
    _refuse(case, PI_ID, "livemode")


def test_fixture_key_sets_match_the_fixtures_and_every_response(box, client, auto_pi):
    sets = key_sets()
    resources = json.loads(FIXTURES.read_text(encoding="utf-8"))["resources"]
    assert sets, "no key sets"
    for kind, keys in sets.items():
        assert list(keys) == list(resources[kind]), kind
        assert all(value in (None, False, {}, []) for value in keys.values()), kind
    pi = auto_pi(amount=5000)
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100})
    charge = client.v1.charges.retrieve(pi.latest_charge)
    txn = client.v1.balance_transactions.retrieve(charge.balance_transaction)
    event = client.v1.events.list(params={"limit": 1}).data[0]
    for obj in (client.v1.payment_intents.retrieve(pi.id), charge, refund, txn, event):
        missing = set(sets[obj.object]) - set(obj.to_dict())
        assert not missing, (obj.object, missing)


def test_a_world_rebuilds_identically():
    def build() -> list:
        box = Sandbox()
        box.clock.set("2026-11-01T00:00:00Z")
        account = box.stripe
        a = account.create_payment_intent(amount=12900, currency="usd", capture_method="manual",
                                          metadata={"order_id": "1"})
        b = account.create_payment_intent(amount=5000, currency="eur")
        account.create_refund(payment_intent=b["id"], amount=1000)
        account.capture_payment_intent(a["id"], amount_to_capture=10000)
        box.clock.advance(days=8)
        return account.dump_objects()

    assert json.dumps(build()) == json.dumps(build())


def test_loading_tens_of_thousands_of_objects():
    box = Sandbox()
    box.clock.set("2026-11-01T00:00:00Z")
    account = box.stripe
    for index in range(1000):
        pi = account.create_payment_intent(amount=5000 + index, currency="usd", metadata={"order_id": str(index)})
        if index % 3 == 0:
            account.create_refund(payment_intent=pi["id"], amount=100)
    objects = account.dump_objects()
    # Scale up by cloning with new ids (kept consistent) to about 20,000 objects.
    big = []
    for copy_index in range(3):
        text = json.dumps(objects)
        for prefix in ("pi_", "ch_", "re_", "txn_", "evt_"):
            text = text.replace(f'"{prefix}', f'"{prefix}{copy_index}')
        big.extend(json.loads(text))
    assert len(big) > 20000
    box.stripe.load_objects(big, livemode=False)  # its speed: benchmarks/bench_sandbox.py
    assert len(box.stripe.dump_objects()) == len(big)
