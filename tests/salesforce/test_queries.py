"""Query templates: exact render-only SOQL, parameter validation before any request, run() through the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pandas as pd
import pytest

from toolkit.errors import InputError
from toolkit.salesforce.queries import describe_template, help_table, render, run, show, template_names
from toolkit.session import connect

CASE = "tests/data/cases/expired-authorization.json"
OS_ID, OPS_ID, LOG_ID = "1OsHxK0E0000001KFA", "0bMHxQNM0000001MHA", "0XtHxG8C0000001KFA"


@pytest.fixture(scope="module")
def session():
    return connect(case=CASE)


EXPECTED = {
    ("order_summaries_by_number", (("order_numbers", ("00001042", "O'Brien")),)):
        "SELECT Id, OrderNumber, Status, OrderedDate, GrandTotalAmount, TotalAmount, CurrencyIsoCode, AccountId, "
        "BillingEmailAddress, CreatedDate FROM OrderSummary WHERE OrderNumber IN ('00001042','O\\'Brien') "
        "ORDER BY OrderNumber",
    ("order_summaries_by_id", (("order_summary_ids", "1OsHxK0E0000001"),)):
        "SELECT Id, OrderNumber, Status, OrderedDate, GrandTotalAmount, TotalAmount, CurrencyIsoCode, AccountId, "
        "BillingEmailAddress, CreatedDate FROM OrderSummary WHERE Id IN ('1OsHxK0E0000001KFA') ORDER BY OrderNumber",
    ("order_payment_summaries", (("order_summary_ids", (OS_ID,)),)):
        "SELECT Id, OrderSummaryId, OrderSummary.OrderNumber, Method, Type, CurrencyIsoCode, AuthorizationAmount, "
        "CapturedAmount, RefundedAmount, PendingCaptureAmount, PendingRefundAmount, AvailableToCaptureAmount, "
        "AvailableToRefundAmount, BalanceAmount, LastPaymentGatewayMessage, CreatedDate FROM OrderPaymentSummary "
        "WHERE OrderSummaryId IN ('1OsHxK0E0000001KFA') ORDER BY CreatedDate, Id",
    ("payment_authorizations", (("ops_ids", (OPS_ID,)),)):
        "SELECT Id, PaymentAuthorizationNumber, OrderPaymentSummaryId, Amount, Status, ProcessingMode, SfResultCode, "
        "GatewayRefNumber, GatewayResultCode, ExpirationDate, CurrencyIsoCode, CreatedDate FROM PaymentAuthorization "
        "WHERE OrderPaymentSummaryId IN ('0bMHxQNM0000001MHA') ORDER BY CreatedDate, Id",
    ("payments", (("ops_ids", (OPS_ID,)),)):
        "SELECT Id, PaymentNumber, OrderPaymentSummaryId, Amount, Status, Type, ProcessingMode, SfResultCode, "
        "GatewayRefNumber, GatewayResultCode, PaymentAuthorizationId, PaymentAuthorization.GatewayRefNumber, "
        "CurrencyIsoCode, CreatedDate FROM Payment WHERE OrderPaymentSummaryId IN ('0bMHxQNM0000001MHA') "
        "ORDER BY CreatedDate, Id",
    ("refunds", (("ops_ids", (OPS_ID,)),)):
        "SELECT Id, RefundNumber, OrderPaymentSummaryId, Amount, Status, Type, ProcessingMode, SfResultCode, "
        "GatewayRefNumber, GatewayResultCode, CurrencyIsoCode, CreatedDate FROM Refund "
        "WHERE OrderPaymentSummaryId IN ('0bMHxQNM0000001MHA') ORDER BY CreatedDate, Id",
    ("refund_line_payments", (("refund_ids", ("0a7000000000001",)),)):
        "SELECT Id, RefundLinePaymentNumber, RefundId, PaymentId, Payment.GatewayRefNumber, Amount, Type, "
        "HasBeenUnapplied, CreatedDate FROM RefundLinePayment WHERE RefundId IN ('0a7000000000001AAA') "
        "ORDER BY CreatedDate, Id",
    ("records_by_gateway_ref", (("gateway_refs", "txn_1"), ("object", "payment"))):
        "SELECT Id, GatewayRefNumber, OrderPaymentSummaryId, OrderPaymentSummary.OrderSummaryId, "
        "OrderPaymentSummary.OrderSummary.OrderNumber, CreatedDate FROM Payment WHERE GatewayRefNumber IN ('txn_1') "
        "ORDER BY CreatedDate, Id",
    ("gateway_logs_seed", ()):
        "SELECT Id, OrderPaymentSummaryId, ReferencedEntityId, Request, Response, SfRefNumber, SfResultCode, "
        "GatewayRefNumber, GatewayAuthCode, GatewayDate, GatewayMessage, GatewayResultCode, "
        "GatewayResultCodeDescription, InteractionStatus FROM PaymentGatewayLog",
    ("gateway_logs_for_summaries", (("ops_ids", (OPS_ID, OPS_ID)),)):
        "SELECT Id, CreatedDate, OrderPaymentSummaryId, ReferencedEntityId, InteractionType, InteractionStatus, "
        "IsNotification, SfResultCode, SfRefNumber, GatewayRefNumber, GatewayDate, GatewayMessage, GatewayResultCode, "
        "GatewayResultCodeDescription, Request, Response FROM PaymentGatewayLog "
        "WHERE OrderPaymentSummaryId IN ('0bMHxQNM0000001MHA') ORDER BY CreatedDate, Id",
    ("gateway_logs_in_window", ()):
        "SELECT Id, CreatedDate, OrderPaymentSummaryId, OrderPaymentSummary.OrderSummary.OrderNumber, "
        "ReferencedEntityId, InteractionType, InteractionStatus, SfResultCode, GatewayResultCode, GatewayMessage "
        "FROM PaymentGatewayLog WHERE CreatedDate = LAST_N_DAYS:30 AND InteractionStatus IN ('Failed','Timeout') "
        "ORDER BY CreatedDate, Id LIMIT 2000",
    ("gateway_logs_between", (("since", "2026-11-01T00:00:00Z"),
                              ("until", datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=2)))),
                              ("interaction_type", "referencedrefund"))):
        "SELECT Id, CreatedDate, OrderPaymentSummaryId, OrderPaymentSummary.OrderSummary.OrderNumber, "
        "ReferencedEntityId, InteractionType, InteractionStatus, SfResultCode, GatewayResultCode, GatewayMessage "
        "FROM PaymentGatewayLog WHERE CreatedDate >= 2026-11-01T00:00:00+00:00 AND CreatedDate < "
        "2026-11-20T08:00:00+00:00 AND InteractionType = 'ReferencedRefund' ORDER BY CreatedDate, Id",
    ("gateway_log_by_id", (("log_id", LOG_ID),)):
        "SELECT Id, PaymentGatewayLogNumber, CreatedDate, OrderPaymentSummaryId, ReferencedEntityId, InteractionType, "
        "InteractionStatus, IsNotification, SfResultCode, SfRefNumber, GatewayRefNumber, GatewayResultCode, "
        "GatewayMessage, Request, Response FROM PaymentGatewayLog WHERE Id = '0XtHxG8C0000001KFA'",
}


@pytest.mark.parametrize(("key", "expected"), list(EXPECTED.items()), ids=[k[0] for k in EXPECTED])
def test_render_only_soql_is_exact(key, expected):
    name, params = key
    assert show(name, **dict(params)) == expected
    assert render(name, **dict(params)) == expected


def test_every_template_has_an_exact_render_test():
    assert sorted(template_names()) == sorted({name for name, _ in EXPECTED})


@pytest.mark.parametrize(("name", "params", "words"), [
    ("order_summaries_by_id", {"order_summary_ids": ["1OsHxK0E0000001KFA", "1Os' OR Id != '"]}, "Salesforce id"),
    ("order_summaries_by_id", {"order_summary_ids": "1OsHxK0E0000001KFB"}, "Salesforce id"),  # bad case-safe suffix
    ("order_summaries_by_id", {"order_summary_ids": []}, "at least one"),
    ("order_summaries_by_id", {}, "needs the parameter"),
    ("order_summaries_by_id", {"order_summary_ids": [OS_ID], "extra": 1}, "no parameter"),
    ("gateway_log_by_id", {"log_id": 12345}, "Salesforce id"),
    ("gateway_logs_in_window", {"window": "LAST_N_DAYS:30 OR Id != null"}, "date literal"),
    ("gateway_logs_in_window", {"window": "YESTERDAYS"}, "date literal"),
    ("gateway_logs_in_window", {"statuses": ["Failed", "Broken"]}, "one of"),
    ("gateway_logs_in_window", {"limit": 0}, "between"),
    ("gateway_logs_in_window", {"limit": "10"}, "integer"),
    ("gateway_logs_between", {"since": "last tuesday", "until": "2026-11-20T00:00:00Z"}, "ISO 8601"),
    ("records_by_gateway_ref", {"gateway_refs": ["pi_1"], "object": "Account"}, "one of"),
    ("order_summaries_by_number", {"order_numbers": [None]}, "text"),
    ("no_such_template", {}, "no query template"),
])
def test_bad_values_raise_input_error_before_any_request(session, name, params, words):
    session.sandbox.org.log.clear()
    with pytest.raises(InputError, match=words) as info:
        run(session.sf, name, **params)
    assert str(info.value).count(".") >= 1 and "\n" not in str(info.value)
    assert session.sandbox.org.log.count == 0


def test_fifteen_character_ids_are_normalised():
    assert "'0XtHxG8C0000001KFA'" in render("gateway_log_by_id", log_id="0XtHxG8C0000001")


def test_run_returns_a_typed_frame(session):
    frame = run(session.sf, "order_payment_summaries", order_summary_ids=[OS_ID])
    assert list(frame.columns)[:3] == ["Id", "OrderSummaryId", "OrderSummary.OrderNumber"]
    row = frame.iloc[0]
    assert row["OrderSummary.OrderNumber"] == "00001042"
    assert row["AuthorizationAmount"] == Decimal("129") and isinstance(row["AuthorizationAmount"], Decimal)
    assert str(frame["CreatedDate"].dtype).startswith("datetime64") and str(frame["CreatedDate"].dt.tz) == "UTC"
    assert row["CreatedDate"] == pd.Timestamp(datetime(2026, 11, 11, 15, 2, tzinfo=UTC))


def test_run_window_template_uses_the_sandbox_clock(session):
    assert len(run(session.sf, "gateway_logs_in_window", window="LAST_N_DAYS:2")) == 1  # now is 2026-11-20
    assert len(run(session.sf, "gateway_logs_in_window", window="TODAY")) == 0


def test_seed_query_runs(session):
    frame = run(session.sf, "gateway_logs_seed")
    assert list(frame.columns)[:6] == ["Id", "OrderPaymentSummaryId", "ReferencedEntityId", "Request",
                                       "Request.json", "Response"]
    assert frame.iloc[0]["Response.json"]["error"]["code"] == "payment_intent_unexpected_state"


def test_help_is_generated_from_the_templates():
    table = help_table()
    assert list(table.columns) == ["name", "object", "description", "parameters"]
    assert set(table["name"]) == set(template_names())
    text = describe_template("gateway_logs_in_window")
    assert "window (date_literal, default 'LAST_N_DAYS:30')" in text
    assert "Failed | Initiated | NoOp | Success | Timeout" in text
