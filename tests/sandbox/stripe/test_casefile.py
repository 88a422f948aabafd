"""The Stripe half of case files: round trip, invariants refused with messages, key sets from the schemas, scale.

Loading speed is a benchmark, not a test: ``python benchmarks/bench_sandbox.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import stripe
from stripe_openapi import CONDITIONAL, derive_key_sets, property_validator, schemas, validator, violations

from toolkit.errors import CaseFileError
from toolkit.sandbox import Sandbox
from toolkit.sandbox.stripe.objects import key_sets

PI_ID = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
CH_ID = "ch_3QnysWH7Oztf1TICzFD2Ou3q"
RE_ID = "re_3Q6wlMpLvBjvj4IZUxRtRk2P"
#: Stripe's published example objects (stripe/openapi, MIT licence): see tests/data/stripe/README.md.
FIXTURES = Path(__file__).resolve().parents[2] / "data" / "stripe" / "stripe-openapi-fixtures3.json"
SCHEMA_KEYS = Path(__file__).resolve().parents[3] / "toolkit" / "sandbox" / "stripe" / "schema_keys.json"


def _objects(case):
    return {obj["id"]: obj for obj in case["stripe"]["objects"]}


def test_load_then_dump_gives_back_the_case(expired_case):
    box = Sandbox.from_case(expired_case)
    dumped = box.stripe.dump_objects()
    assert [o["id"] for o in dumped] == [o["id"] for o in expired_case["stripe"]["objects"]]
    by_id = {o["id"]: o for o in dumped}
    for given in expired_case["stripe"]["objects"]:  # every value given comes back; omitted keys come back neutral
        assert {key: value for key, value in by_id[given["id"]].items() if key in given} == given
    again = Sandbox.from_case(box.to_case())
    assert again.stripe.dump_objects() == dumped


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
    # the schemas make all three nullable: null is their neutral value
    assert loaded["receipt_url"] is None and loaded["fraud_details"] is None and loaded["shipping"] is None


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


def test_key_sets_are_derived_from_stripes_schemas():
    """The keys the sandbox fills in come from the schemas (``tools/stripe_key_sets.py`` writes the file), and every
    neutral value is valid where it stands."""
    shipped = json.loads(SCHEMA_KEYS.read_text(encoding="utf-8"))
    derived = derive_key_sets()
    for part in ("keys", "types", "required"):
        assert shipped[part] == derived[part], part
    sets = key_sets()
    for kind, keys in sets.items():
        assert list(keys) == list(derived["keys"][kind]), kind
        assert list(keys)[:2] == ["id", "object"], kind
        assert "source" not in keys or kind == "balance_transaction", kind  # retired on PaymentIntents and charges
        for key, neutral in keys.items():
            if key in derived["required"][kind]:
                continue
            assert violations(property_validator(kind, key), neutral) == [], (kind, key, neutral)


def test_stripes_published_examples_pass_the_key_sets():
    """Stripe's example objects (fixtures) carry the key sets' keys, the conditional ones, and ``source``, a key the
    current schemas no longer have: the schemas are the authority on keys, and without ``source`` every example
    validates against them."""
    resources = json.loads(FIXTURES.read_text(encoding="utf-8"))["resources"]
    for kind, keys in key_sets().items():
        example = dict(resources[kind])
        retired = set(example) - set(schemas()[kind]["properties"])
        assert retired == ({"source"} if kind in ("payment_intent", "charge") else set()), kind
        assert set(example) - retired <= set(keys) | set(CONDITIONAL[kind]), kind
        for key in retired:
            del example[key]
        assert violations(validator(kind), example) == [], kind


def test_every_response_carries_the_key_set(box, client, auto_pi):
    sets = key_sets()
    pi = auto_pi(amount=5000)
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100})
    charge = client.v1.charges.retrieve(pi.latest_charge)
    txn = client.v1.balance_transactions.retrieve(charge.balance_transaction)
    event = client.v1.events.list(params={"limit": 1}).data[0]
    other = auto_pi(amount=7000)
    box.stripe.dispute_charge(other.latest_charge)
    dispute = client.v1.disputes.list(params={"charge": other.latest_charge}).data[0]
    for obj in (client.v1.payment_intents.retrieve(pi.id), charge, refund, txn, event, dispute):
        served = obj.to_dict()
        missing = set(sets[obj.object]) - set(served)
        assert not missing, (obj.object, missing)
        assert violations(validator(obj.object), served) == [], obj.object


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
