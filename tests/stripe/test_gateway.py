"""The Stripe gateway and lookups through the real StripeClient against the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
import stripe
from repo_paths import EXAMPLE_CASE

from toolkit.analysis.stripe_shapes import payment_evidence
from toolkit.core.budget import RequestBudget
from toolkit.errors import AccessDeniedError, BudgetExceededError, NotFoundError
from toolkit.session import connect
from toolkit.stripe.gateway import StripeGateway, StripeObjectMissing
from toolkit.stripe.lookups import events_for, find_payment_intents_by_order

PI = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
CH = "ch_3QnysWH7Oztf1TICzFD2Ou3q"
RE = "re_3Q6wlMpLvBjvj4IZUxRtRk2P"


@pytest.fixture
def session():
    return connect(case=EXAMPLE_CASE)


@pytest.fixture
def gateway(session) -> StripeGateway:
    return session.stripe_gateway()


def test_every_id_resolves_to_its_payment_intent_in_one_request(session, gateway):
    for stripe_id in (PI, CH, RE):
        session.sandbox.clear_logs()
        pi, _obj = gateway.resolve(stripe_id)
        assert pi["id"] == PI and isinstance(pi, dict) and not isinstance(pi, stripe.StripeObject)
        assert session.sandbox.stripe.log.count == 1
    assert gateway.budget.used == 3 and gateway.budget.by_kind == {"retrieve payment_intent": 1,
                                                                   "retrieve charge": 1, "retrieve refund": 1}


def test_evidence_splits_charge_and_refunds(gateway):
    pe = payment_evidence(gateway.retrieve_payment_intent(PI))
    assert pe.payment_intent["latest_charge"] == CH and pe.charge["id"] == CH
    assert [r["id"] for r in pe.refunds] == [RE]


def test_order_search_and_list_fallback(session, gateway):
    found, how = find_payment_intents_by_order(gateway, "00001042")
    assert (how, [p["id"] for p in found]) == ("search", [PI])
    session.sandbox.stripe.search_lag_seconds = 10**9  # search sees nothing yet: eventually consistent
    now = session.clock.now()
    found, how = find_payment_intents_by_order(gateway, "00001042", window=(now - timedelta(days=30), now))
    assert (how, [p["id"] for p in found]) == ("list", [PI])


def test_events_filtered_to_the_payment_intent(session, gateway):
    now = session.clock.now()
    events, complete = events_for(gateway, [PI], since=now - timedelta(days=30), until=now)
    assert complete and events and all(
        e["data"]["object"]["id"] in (PI, CH) or e["data"]["object"].get("payment_intent") == PI for e in events)


def test_missing_object_is_a_not_found_error_with_stripes_answer(gateway):
    with pytest.raises(StripeObjectMissing) as info:
        gateway.retrieve_payment_intent("pi_3QdoesNotExist000000")
    error = info.value
    assert isinstance(error, NotFoundError) and error.system == "Stripe" and error.subject == "pi_3QdoesNotExist000000"
    assert error.request_id and error.request_id.startswith("req_")
    assert error.missing.other_mode is False and error.missing.key_livemode is False
    assert isinstance(error.__cause__, stripe.InvalidRequestError)


def test_budget_is_spent_before_the_request(session):
    gateway = session.stripe_gateway(RequestBudget("Stripe", 1))
    gateway.retrieve_payment_intent(PI)
    session.sandbox.clear_logs()
    with pytest.raises(BudgetExceededError) as info:
        gateway.retrieve_payment_intent(PI)
    assert info.value.system == "Stripe" and session.sandbox.stripe.log.count == 0


def test_a_restricted_key_without_the_permission_is_access_denied(session):
    key = session.sandbox.stripe.restricted_key({"charges": "read"})
    gateway = StripeGateway(session.sandbox.stripe_client(key), key_livemode=False)
    with pytest.raises(AccessDeniedError) as info:
        gateway.retrieve_payment_intent(PI)
    assert info.value.status == 403 and "read access" in str(info.value) and key not in str(info.value)
