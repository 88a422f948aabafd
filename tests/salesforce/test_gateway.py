"""The Salesforce gateway: only templated SOQL, every page counted against the budget, failures translated into
the toolkit's errors (each fault kind injected by the sandbox), describe through the same gateway."""

from __future__ import annotations

import pytest
import requests
import simple_salesforce
from repo_paths import EXAMPLE_CASE

from toolkit.core.budget import RequestBudget
from toolkit.core.ids import to_18
from toolkit.core.retry import RetryPolicy
from toolkit.errors import (
    AccessDeniedError,
    BudgetExceededError,
    InputError,
    ServiceError,
    ServiceUnavailableError,
)
from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.templates import render, statement
from toolkit.sandbox import Sandbox
from toolkit.session import Session, connect


@pytest.fixture
def session() -> Session:
    return connect(case=EXAMPLE_CASE)


def test_only_templated_soql_runs(session: Session) -> None:
    gateway = session.salesforce_gateway()
    with pytest.raises(InputError, match=r"templates\.json"):
        gateway.query("SELECT Id FROM PaymentGatewayLog")  # type: ignore[arg-type]
    assert session.sandbox.org.log.count == 0
    rows = gateway.query(render("gateway_logs_seed"))
    assert rows and gateway.statements == [render("gateway_logs_seed")]
    assert gateway.budget.by_kind == {"query": 1}


def test_every_page_is_a_counted_request() -> None:
    """Request and Response are two long-text fields: Salesforce (and the sandbox) caps such a page at 200 rows."""
    box = Sandbox()
    box.clock.set("2026-11-20T00:00:00Z")
    ops_id, order_id = to_18("0bMTS0000000001"), to_18("1OsTS0000000001")
    box.org.load_records({
        "OrderSummary": [{"Id": order_id, "OrderNumber": "00000001", "CreatedDate": "2026-11-01T00:00:00Z"}],
        "OrderPaymentSummary": [{"Id": ops_id, "OrderSummaryId": order_id, "CreatedDate": "2026-11-01T00:00:00Z"}],
        "PaymentGatewayLog": [{"Id": to_18(f"0XtTS{n:010d}"), "InteractionType": "Capture",
                               "InteractionStatus": "Failed", "OrderPaymentSummaryId": ops_id,
                               "Request": "{}", "Response": "{}", "CreatedDate": "2026-11-02T10:00:00.000+0000"}
                              for n in range(450)],
    })
    gateway = SalesforceGateway(box.salesforce())
    rows = gateway.query(statement("gateway_logs.list", conditions=[]))
    assert len({r["Id"] for r in rows}) == 450
    assert gateway.budget.by_kind == {"query": 1, "query_more": 2} and box.org.log.count == 3


def test_budget_is_spent_before_the_request(session: Session) -> None:
    gateway = session.salesforce_gateway(RequestBudget("Salesforce", 1))
    gateway.query(render("gateway_logs_seed"))
    session.sandbox.org.log.clear()
    with pytest.raises(BudgetExceededError) as raised:
        gateway.query(render("gateway_logs_seed"))
    assert raised.value.system == "Salesforce" and session.sandbox.org.log.count == 0


class Sleeps(list):
    """An injected sleeper: remembers the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def quick(sleeps: Sleeps) -> Session:
    """The example case with a policy whose waits are recorded, not slept."""
    return connect(case=EXAMPLE_CASE, retry=RetryPolicy(sleep=sleeps))


@pytest.mark.parametrize("kind", ["server_error", "unavailable", "lock_timeout", "timeout"])
def test_a_passing_failure_is_retried_with_backoff(quick: Session, sleeps: Sleeps, kind: str) -> None:
    quick.sandbox.org.faults.fail("*/query*", kind, count=2)
    gateway = quick.salesforce_gateway()
    assert gateway.query(render("gateway_logs_seed"))
    assert sleeps == [0.5, 1.0] and gateway.budget.used == 1 and gateway.budget.retries == 2
    assert quick.sandbox.org.log.count == 3


@pytest.mark.parametrize(("kind", "error", "status", "code", "words"), [
    ("server_error", ServiceUnavailableError, 500, "UNKNOWN_EXCEPTION", "try again later"),
    ("unavailable", ServiceUnavailableError, 503, "SERVER_UNAVAILABLE", "try again later"),
    ("lock_timeout", ServiceUnavailableError, 500, "UNABLE_TO_LOCK_ROW", "try again later"),
])
def test_a_failure_that_outlasts_the_retries_names_salesforce(quick: Session, sleeps: Sleeps, kind: str, error: type,
                                                               status: int, code: str, words: str) -> None:
    quick.sandbox.org.faults.fail("*/query*", kind, count=3)
    with pytest.raises(error) as raised:
        quick.salesforce_gateway().query(render("gateway_logs_seed"))
    assert raised.value.system == "Salesforce" and raised.value.status == status and raised.value.code == code
    assert words in str(raised.value) and "the gateway_logs_seed query" in str(raised.value)
    assert isinstance(raised.value.__cause__, simple_salesforce.exceptions.SalesforceError)
    assert quick.sandbox.org.session_id not in str(raised.value) and len(sleeps) == 2


def test_the_request_limit_is_not_retried_and_says_how_much_is_used(quick: Session, sleeps: Sleeps) -> None:
    quick.salesforce_gateway().query(render("gateway_logs_seed"))  # an answer with Sforce-Limit-Info
    quick.sandbox.org.faults.fail("*/query*", "request_limit", count=1)
    with pytest.raises(ServiceUnavailableError) as raised:
        quick.salesforce_gateway().query(render("gateway_logs_seed"))
    assert raised.value.code == "REQUEST_LIMIT_EXCEEDED" and raised.value.status == 403 and sleeps == []
    used = quick.sandbox.org.usage
    assert f"{used:,} of 15,000 API requests used" in str(raised.value)
    assert "API request limit is used up" in str(raised.value)


def test_an_expired_session_logs_in_again_once(quick: Session, sleeps: Sleeps) -> None:
    quick.sandbox.org.faults.fail("*/query*", "invalid_session", count=1)
    gateway = quick.salesforce_gateway()
    assert gateway.query(render("gateway_logs_seed")) and gateway.budget.retries == 1 and sleeps == []
    quick.sandbox.org.faults.fail("*/query*", "invalid_session", count=2)
    with pytest.raises(AccessDeniedError, match="log in again") as raised:
        quick.salesforce_gateway().query(render("gateway_logs_seed"))
    assert raised.value.status == 401 and raised.value.code == "INVALID_SESSION_ID"


def test_without_a_login_to_renew_an_expired_session_is_access_denied(quick: Session) -> None:
    quick.sandbox.org.faults.fail("*/query*", "invalid_session", count=1)
    gateway = SalesforceGateway(quick.sf, retry=quick.retry)  # a bare session id: no login to renew
    with pytest.raises(AccessDeniedError):
        gateway.query(render("gateway_logs_seed"))


def test_a_timeout_is_an_outage(quick: Session, sleeps: Sleeps) -> None:
    quick.sandbox.org.faults.fail("*/query*", "timeout", count=3)
    with pytest.raises(ServiceUnavailableError, match="did not answer in time") as raised:
        quick.salesforce_gateway().query(render("gateway_logs_seed"))
    assert raised.value.status is None and isinstance(raised.value.__cause__, requests.Timeout)


def test_every_request_carries_the_policys_timeout() -> None:
    session = connect(case=EXAMPLE_CASE, retry=RetryPolicy(timeout=7.5))
    session.trace("00001042")
    org, stripe = session.sandbox.org.log.entries, session.sandbox.stripe.log.entries
    assert org and stripe
    assert {entry.timeout for entry in org} == {7.5}
    assert {entry.timeout for entry in stripe} == {7.5}


def test_a_malformed_query_names_the_template(session: Session) -> None:
    """A field the org lacks (here a lookup name describe would never give) is the org's refusal, not an outage."""
    scope = statement("scope.summary_ids", column="NoSuchField", ops_ids=["0bMHxQNM0000001MHA"])
    with pytest.raises(ServiceError) as raised:
        SalesforceGateway(session.sf).query(statement("chain.children", child="Payment", scope=scope))
    assert raised.value.code == "INVALID_FIELD" and "chain.children" in str(raised.value)
    assert not isinstance(raised.value, ServiceUnavailableError)


def test_describe_goes_through_the_gateway(session: Session) -> None:
    gateway = session.salesforce_gateway()
    assert "sobjects" in gateway.describe_global()
    assert gateway.describe_object("Payment")["name"] == "Payment"
    assert gateway.budget.by_kind == {"describe": 2}
