"""The analyst's own SOQL (the notebook's ``%%soql``): placeholders filled through ``format_soql`` only, refused in one
sentence when unsafe, run only by the gateway's ``query_analyst_soql`` with its budget and errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from repo_paths import EXAMPLE_CASE

from toolkit.core.budget import RequestBudget
from toolkit.core.retry import RetryPolicy
from toolkit.errors import BudgetExceededError, InputError, ServiceUnavailableError
from toolkit.salesforce.analyst_soql import AnalystSoql, placeholders, render_analyst_soql
from toolkit.salesforce.templates import render
from toolkit.session import Session, connect

ORDER = "SELECT Id, OrderNumber FROM OrderSummary WHERE OrderNumber = {number}"


@pytest.fixture(scope="module")
def demo() -> Session:
    return connect()


def test_values_are_quoted_by_format_soql() -> None:
    soql = render_analyst_soql(
        "SELECT Id FROM PaymentGatewayLog WHERE InteractionStatus IN {statuses} AND CreatedDate >= {since} "
        "AND IsNotification = {flag} AND OrderPaymentSummaryId != {nothing} AND Amount > {amount} LIMIT {n}",
        {"statuses": ["Failed", "Timeout"], "since": datetime(2026, 11, 1, 12, 30, 5, 999, tzinfo=UTC),
         "flag": False, "nothing": None, "amount": Decimal("129.99"), "n": 5, "unused": object()})
    assert isinstance(soql, AnalystSoql) and soql.template == "analyst SOQL"
    assert soql == ("SELECT Id FROM PaymentGatewayLog WHERE InteractionStatus IN ('Failed','Timeout') AND CreatedDate "
                    ">= 2026-11-01T12:30:05+00:00 AND IsNotification = false AND OrderPaymentSummaryId != null AND "
                    "Amount > 129.99 LIMIT 5")
    assert render_analyst_soql("SELECT Id FROM OrderSummary WHERE CreatedDate > {day}", {"day": date(2026, 11, 1)}) \
        .endswith("> 2026-11-01")


def test_a_quote_in_a_value_cannot_change_the_statement(demo: Session) -> None:
    hostile = "00001017' OR OrderNumber != '"
    soql = render_analyst_soql(ORDER, {"number": hostile})
    assert soql == r"SELECT Id, OrderNumber FROM OrderSummary WHERE OrderNumber = '00001017\' OR OrderNumber != \''"
    demo.sandbox.org.log.clear()
    gateway = demo.salesforce_gateway()
    assert gateway.query_analyst_soql(soql) == []  # one string compared, no order has that number
    assert gateway.budget.by_kind == {"query": 1} and demo.sandbox.org.log.count == 1
    # the same text pasted into the statement would have read every order: what format_soql prevents
    pasted = ORDER.replace("{number}", f"'{hostile}'")
    assert demo.sf.query_all(pasted)["totalSize"] > 1


def test_like_patterns_are_escaped_inside_the_analysts_quotes(demo: Session) -> None:
    soql = render_analyst_soql("SELECT OrderNumber FROM OrderSummary WHERE OrderNumber LIKE '%{tail:like}'",
                               {"tail": "1017"})
    assert soql.endswith("LIKE '%1017'")
    rows = demo.salesforce_gateway().query_analyst_soql(soql)
    assert [r["OrderNumber"] for r in rows] == ["00001017"]
    assert render_analyst_soql("SELECT Id FROM OrderSummary WHERE OrderNumber LIKE '{p:like}%'",
                               {"p": "5_%'"}).endswith(r"LIKE '5\_\%\'%'")


@pytest.mark.parametrize(("text", "variables", "sentence"), [
    ("", {}, "There is no SOQL"),
    (ORDER, {}, "the notebook has no variable number"),
    ("SELECT Id FROM OrderSummary WHERE OrderNumber = {}", {}, "not a plain variable name"),
    ("SELECT Id FROM OrderSummary WHERE OrderNumber = {0}", {}, "not a plain variable name"),
    ("SELECT Id FROM OrderSummary WHERE OrderNumber = {x.real}", {"x": 1}, "not a plain variable name"),
    ("SELECT Id FROM OrderSummary WHERE OrderNumber = {x[0]}", {"x": [1]}, "not a plain variable name"),
    ("SELECT Id FROM OrderSummary WHERE OrderNumber = {x!r}", {"x": "1"}, "not a plain variable name"),
    ("SELECT Id FROM OrderSummary WHERE {x:literal} = 1", {"x": "Id"}, "is not allowed"),
    ("SELECT Id FROM OrderSummary WHERE OrderNumber = '{x}'", {"x": "1"}, "inside quotes"),
    ("SELECT Id FROM OrderSummary WHERE OrderNumber LIKE {x:like}", {"x": "1"}, "inside a quoted pattern"),
    ("SELECT Id FROM PaymentGatewayLog WHERE Response LIKE '%{\"a\"%'", {}, "lone { or }"),
    (ORDER, {"number": datetime(2026, 11, 1)}, "without a time zone"),
    (ORDER, {"number": object()}, "cannot take as a value"),
    (ORDER, {"number": []}, "empty collection"),
    (ORDER, {"number": float("nan")}, "cannot compare"),
    (ORDER, {"number": Decimal("0.1000000000000000000001")}, "round it first"),
])
def test_unsafe_or_unusable_statements_are_one_sentence(text: str, variables: dict, sentence: str) -> None:
    with pytest.raises(InputError, match=sentence) as raised:
        render_analyst_soql(text, variables)
    assert "\n" not in str(raised.value)


def test_literal_braces_and_escaped_quotes_keep_their_place() -> None:
    found = placeholders(r"SELECT Id FROM PaymentGatewayLog WHERE Response LIKE '%{{\'x\'}}%' AND Id = {id}")
    assert found == [("id", "", False)]
    assert render_analyst_soql("SELECT Id FROM PaymentGatewayLog WHERE Response LIKE '%{{a}}%'", {}) \
        == "SELECT Id FROM PaymentGatewayLog WHERE Response LIKE '%{a}%'"


def test_only_query_analyst_soql_runs_it_and_it_runs_only_that() -> None:
    session = connect(case=EXAMPLE_CASE)
    gateway = session.salesforce_gateway()
    analyst = render_analyst_soql("SELECT Id FROM PaymentGatewayLog", {})
    for run in (gateway.query, gateway.count):
        with pytest.raises(InputError, match=r"templates\.json"):
            run(analyst)
    with pytest.raises(InputError, match="AnalystSoql"):
        gateway.query_analyst_soql(render("gateway_logs_seed"))  # type: ignore[arg-type]
    assert session.sandbox.org.log.count == 0 and gateway.statements == []
    assert gateway.query_analyst_soql(analyst) and gateway.statements == [analyst]


def test_a_statement_salesforce_refuses_is_the_analysts_to_fix() -> None:
    session = connect(case=EXAMPLE_CASE)
    with pytest.raises(InputError, match=r"^Salesforce refused your SOQL \(INVALID_FIELD: .*Idd") as raised:
        session.salesforce_gateway().query_analyst_soql(render_analyst_soql("SELECT Idd FROM PaymentGatewayLog", {}))
    assert raised.value.system == "Salesforce"


def test_budget_and_failures_are_the_gateways() -> None:
    session = connect(case=EXAMPLE_CASE)
    soql = render_analyst_soql("SELECT Id FROM PaymentGatewayLog", {})
    gateway = session.salesforce_gateway(RequestBudget("Salesforce", 0))
    with pytest.raises(BudgetExceededError):
        gateway.query_analyst_soql(soql)
    assert session.sandbox.org.log.count == 0
    session = connect(case=EXAMPLE_CASE, retry=RetryPolicy(base_delay=0))
    session.sandbox.org.faults.fail_requests(1, "unavailable", count=10)
    with pytest.raises(ServiceUnavailableError, match="analyst SOQL"):
        session.salesforce_gateway().query_analyst_soql(soql)
    assert session.sandbox.org.log.count == 3  # the retry policy's 3 tries
