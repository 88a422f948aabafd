"""Stripe lookups through the real StripeClient against the sandbox."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import stripe

from toolkit.session import connect
from toolkit.stripe_lookups import (
    BudgetExceeded,
    StripeBudget,
    events_for,
    find_payment_intents_by_order,
    missing_from_error,
    payment_evidence,
    resolve_payment_intent,
    retrieve_payment_intent,
)

CASE = Path(__file__).parent / "data" / "cases" / "expired-authorization.json"
PI = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
CH = "ch_3QnysWH7Oztf1TICzFD2Ou3q"
RE = "re_3Q6wlMpLvBjvj4IZUxRtRk2P"


@pytest.fixture
def session():
    return connect(case=CASE)


def test_every_id_resolves_to_its_payment_intent_in_one_request(session):
    for stripe_id in (PI, CH, RE):
        session.sandbox.clear_logs()
        pi, _obj = resolve_payment_intent(session.stripe, stripe_id)
        assert pi["id"] == PI and isinstance(pi, dict) and not isinstance(pi, stripe.StripeObject)
        assert session.sandbox.stripe.log.count == 1


def test_evidence_splits_charge_and_refunds(session):
    pe = payment_evidence(retrieve_payment_intent(session.stripe, PI))
    assert pe.payment_intent["latest_charge"] == CH and pe.charge["id"] == CH
    assert [r["id"] for r in pe.refunds] == [RE]


def test_order_search_and_list_fallback(session):
    found, how = find_payment_intents_by_order(session.stripe, "00001042")
    assert (how, [p["id"] for p in found]) == ("search", [PI])
    session.sandbox.stripe.search_lag_seconds = 10**9  # search sees nothing yet: eventually consistent
    now = session.clock.now()
    found, how = find_payment_intents_by_order(session.stripe, "00001042", window=(now - timedelta(days=30), now))
    assert (how, [p["id"] for p in found]) == ("list", [PI])


def test_events_filtered_to_the_payment_intent(session):
    now = session.clock.now()
    events, complete = events_for(session.stripe, [PI], since=now - timedelta(days=30), until=now)
    assert complete and events and all(
        e["data"]["object"]["id"] in (PI, CH) or e["data"]["object"].get("payment_intent") == PI for e in events)


def test_wrong_mode_and_budget(session):
    with pytest.raises(stripe.InvalidRequestError) as info:
        retrieve_payment_intent(session.stripe, "pi_3QdoesNotExist000000")
    missing = missing_from_error(info.value, "pi_3QdoesNotExist000000", session.stripe)
    assert missing is not None and missing.other_mode is False and missing.key_livemode is False
    budget = StripeBudget(1)
    retrieve_payment_intent(session.stripe, PI, budget=budget)
    with pytest.raises(BudgetExceeded):
        retrieve_payment_intent(session.stripe, PI, budget=budget)
