"""The Stripe gateway and lookups through the real StripeClient against the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
import stripe
from repo_paths import EXAMPLE_CASE

from toolkit.analysis.stripe_shapes import payment_evidence
from toolkit.core.budget import RequestBudget
from toolkit.core.retry import RetryPolicy
from toolkit.errors import AccessDeniedError, BudgetExceededError, NotFoundError, ServiceUnavailableError
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
    assert info.value.status == 403 and "permission" in str(info.value) and key not in str(info.value)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.mark.parametrize("kind", ["rate_limit", "lock_timeout", "server_error", "unavailable", "timeout"])
def test_passing_failures_are_retried_with_backoff_a_plain_429_included(kind: str) -> None:
    sleeps = Sleeps()
    session = connect(case=EXAMPLE_CASE, retry=RetryPolicy(sleep=sleeps))
    session.sandbox.stripe.faults.fail("/v1/payment_intents/*", kind, count=2)
    gateway = session.stripe_gateway()
    assert gateway.retrieve_payment_intent(PI)["id"] == PI
    assert sleeps == [0.5, 1.0] and gateway.budget.used == 1 and gateway.budget.retries == 2
    assert session.sandbox.stripe.log.count == 3


def test_a_failure_that_outlasts_the_retries_is_an_outage_with_the_request_id() -> None:
    session = connect(case=EXAMPLE_CASE, retry=RetryPolicy(sleep=Sleeps()))
    session.sandbox.stripe.faults.fail("/v1/payment_intents/*", "server_error", count=3)
    with pytest.raises(ServiceUnavailableError) as info:
        session.stripe_gateway().retrieve_payment_intent(PI)
    assert info.value.system == "Stripe" and info.value.status == 500 and info.value.request_id
    assert info.value.request_id in str(info.value) and "try again later" in str(info.value)


def test_the_missing_permission_is_named() -> None:
    session = connect(case=EXAMPLE_CASE)
    key = session.sandbox.stripe.restricted_key({"charges": "read"})
    gateway = StripeGateway(session.sandbox.stripe_client(key), key_livemode=False)
    with pytest.raises(AccessDeniedError) as info:
        gateway.retrieve_payment_intent(PI)
    assert "lacks the 'rak_payment_intent_read' permission" in str(info.value)
    assert session.sandbox.stripe.log.count == 1  # a refusal is not retried
