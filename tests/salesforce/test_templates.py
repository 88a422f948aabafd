"""SOQL as data: the toolkit's own statements and fragments, and the shape checks that keep a caller's text from
changing a statement's structure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.errors import InputError
from toolkit.salesforce.templates import Soql, help_table, statement, statement_names, template_names

OPS = "0bMHxQNM0000001MHA"


def test_the_toolkit_statements_are_listed_apart_from_the_analysts_templates() -> None:
    own = statement_names()
    assert {"chain.payment_summaries", "locate.payment_summaries", "gateway_logs.list"} <= set(own)
    assert not set(own) & set(template_names())
    table = help_table(statements=True)
    assert list(table.columns) == ["name", "object", "description", "parameters"] and set(table["name"]) == set(own)


def test_a_statement_is_composed_of_fragments_rendered_from_the_file() -> None:
    child = statement("chain.child_subquery", child="Payment", relationship="Payments")
    scope = statement("scope.summary_ids", column="Id", ops_ids=[OPS])
    soql = statement("chain.payment_summaries", children=[child], scope=scope)
    assert isinstance(soql, Soql) and soql.template == "chain.payment_summaries"
    assert soql.startswith("SELECT Id, OrderPaymentSummaryNumber, ")
    assert soql.endswith(f", (SELECT Id, PaymentNumber, Amount, Balance, Status, Type, ProcessingMode, SfResultCode, "
                         "GatewayRefNumber, GatewayResultCode, GatewayResultCodeDescription, GatewayDate, "
                         "GatewayRefDetails, PaymentAuthorizationId, OrderPaymentSummaryId, PaymentGatewayId, "
                         "PaymentMethodId, AccountId, Date, EffectiveDate, CurrencyIsoCode, TotalRefundApplied, "
                         "NetRefundApplied, CancellationDate, CancellationGatewayRefNumber, CreatedDate FROM Payments "
                         f"ORDER BY CreatedDate, Id) FROM OrderPaymentSummary WHERE Id IN ('{OPS}') "
                         "ORDER BY CreatedDate, Id")
    bare = statement("chain.payment_summaries", scope=scope)
    assert bare.startswith("SELECT Id, ") and ", (SELECT" not in bare


def test_a_fragment_must_come_from_the_file() -> None:
    with pytest.raises(InputError, match="rendered from a template"):
        statement("chain.payment_summaries", scope="Id != null")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["Payments) FROM Account --", "Payments, (SELECT", "a b", "", "1abc", "x.", "x..y"])
def test_structure_from_describe_is_checked_by_shape(name: str) -> None:
    with pytest.raises(InputError):
        statement("chain.child_subquery", child="Payment", relationship=name)


def test_closed_sets_refuse_anything_else() -> None:
    with pytest.raises(InputError, match="one of"):
        statement("chain.child_subquery", child="Account", relationship="Accounts")
    with pytest.raises(InputError, match="one of"):
        statement("gateway_logs.statuses", statuses=["Failed", "Failed' OR Id != '"])


@given(st.text(max_size=40))
def test_no_value_changes_a_statements_structure(value: str) -> None:
    """Whatever text a value holds, it stays one quoted literal: the statement around it is unchanged."""
    soql = statement("locate.payment_summaries", order="OrderSummary",
                     scope=statement("scope.referenced_by", column="Id", child="Payment",
                                     child_column="GatewayRefNumber", values=[value]))
    head, _, tail = soql.partition("WHERE GatewayRefNumber IN (")
    assert head.endswith("FROM Payment ") and tail.endswith(")) ORDER BY CreatedDate, Id")
    literal = tail[: -len(")) ORDER BY CreatedDate, Id")]
    assert literal.startswith("'") and literal.endswith("'")
    body = literal[1:-1]
    unescaped = body.replace("\\\\", "").replace("\\'", "")
    assert "'" not in unescaped


_SENTINEL = "SENTINEL"


def _same_structure(render: object, value: str) -> None:
    """Rendering with ``value`` gives the statement rendered with a plain sentinel, once the quoted literal is put
    back: the value stayed one literal and changed nothing around it."""
    from simple_salesforce.format import quote_soql_value

    assert callable(render)
    with_value, with_sentinel = str(render(value)), str(render(_SENTINEL))
    assert with_value.count(quote_soql_value(value)) >= 1
    assert with_value.replace(quote_soql_value(value), quote_soql_value(_SENTINEL)) == with_sentinel


def _string_templates() -> list[tuple[str, str]]:
    from toolkit.salesforce.templates import get_template

    return [(name, param) for name in template_names()
            for param, spec in get_template(name).parameters.items() if spec.type in ("string", "string_list")]


@pytest.mark.parametrize(("name", "param"), _string_templates())
@given(value=st.text(max_size=30))
def test_no_text_changes_an_analyst_templates_structure(name: str, param: str, value: str) -> None:
    from toolkit.salesforce.templates import render

    _same_structure(lambda v: render(name, **{param: v} | ({"object": "Payment"} if name == "records_by_gateway_ref"
                                                             and param != "object" else {})), value)


@given(value=st.text(min_size=1, max_size=30))
def test_no_text_changes_the_helpers_statements(value: str) -> None:
    from toolkit.salesforce.gateway_logs import gateway_logs_soql
    from toolkit.salesforce.record_chain import Scope

    _same_structure(lambda v: gateway_logs_soql(order_number=v, status="Failed"), value)
    _same_structure(lambda v: Scope("order_numbers", (v,)).on_summary("OrderSummary", "Payment.OrderPaymentSummary."),
                    value)
    _same_structure(lambda v: Scope("referenced_by", (v,), "Payment", "GatewayRefNumber").on_children("OrderSummary"),
                    value)
    _same_structure(lambda v: statement("locate.payment_summaries", order="OrderSummary", scope=statement(
        "scope.referenced_by", column="Id", child="PaymentAuthorization", child_column="GatewayRefNumber",
        values=[v])), value)
