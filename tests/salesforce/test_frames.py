"""records -> DataFrame: flattened parents, child lists, UTC datetimes, Decimal money, parsed JSON payloads."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest
import soql_cases as cases

from toolkit.salesforce.frames import flatten_record, parse_json_text, plain_record, records_frame, select_columns
from toolkit.session import connect


@pytest.fixture(scope="module")
def session():
    return connect(case=cases.multi_order_case())


def test_parent_paths_flatten_and_null_parents_keep_their_columns(session):
    soql = ("SELECT Id, Amount, PaymentAuthorization.GatewayRefNumber, OrderPaymentSummary.OrderSummary.OrderNumber, "
            "CreatedDate FROM Payment ORDER BY CreatedDate, Id")
    frame = records_frame(session.sf.query_all(soql)["records"], soql=soql)
    assert list(frame.columns) == ["Id", "Amount", "PaymentAuthorization.GatewayRefNumber",
                                   "OrderPaymentSummary.OrderSummary.OrderNumber", "CreatedDate"]
    assert list(frame["Id"]) == [cases.PAY_B, cases.PAY_A1]  # rows as queried
    assert frame["PaymentAuthorization.GatewayRefNumber"].tolist() == [None, cases.PI_A1]  # Sale: null parent
    assert frame["OrderPaymentSummary.OrderSummary.OrderNumber"].tolist() == ["00002002", "00002001"]
    assert frame["Amount"].tolist() == [Decimal("80.5"), Decimal("100.0")]
    assert all(isinstance(v, Decimal) for v in frame["Amount"]) and frame["Amount"].dtype == object


def test_datetimes_are_timezone_aware_utc(session):
    soql = "SELECT Id, ExpirationDate, CreatedDate FROM PaymentAuthorization ORDER BY CreatedDate"
    frame = records_frame(session.sf.query_all(soql)["records"], soql=soql)
    for column in ("ExpirationDate", "CreatedDate"):
        assert isinstance(frame[column].dtype, pd.DatetimeTZDtype) and str(frame[column].dt.tz) == "UTC"
    assert frame["CreatedDate"].iloc[0] == pd.Timestamp(datetime(2026, 11, 10, 13, tzinfo=UTC))


def test_child_subqueries_kept_as_lists_or_dropped(session):
    soql = ("SELECT Id, (SELECT Id, Amount, CreatedDate FROM PaymentAuthorizations), Method, "
            "(SELECT Id FROM Refunds) FROM OrderPaymentSummary ORDER BY CreatedDate")
    records = session.sf.query_all(soql)["records"]
    kept = records_frame(records, soql=soql)
    assert list(kept.columns) == ["Id", "PaymentAuthorizations", "Method", "Refunds"]
    first = kept.iloc[0]
    assert first["PaymentAuthorizations"] == [{"Id": cases.PA_A1, "Amount": 100.0,
                                               "CreatedDate": "2026-11-10T13:00:00.000+0000"}]
    assert first["Refunds"] == [{"Id": cases.REF_A1}]
    assert kept.iloc[2]["PaymentAuthorizations"] == []  # null child result -> empty list
    dropped = records_frame(records, soql=soql, children="drop")
    assert list(dropped.columns) == ["Id", "Method"]


def test_request_and_response_parsed_when_json(session):
    soql = "SELECT Id, Request, Response FROM PaymentGatewayLog ORDER BY CreatedDate, Id"
    frame = records_frame(session.sf.query_all(soql)["records"], soql=soql).set_index("Id")
    assert list(frame.columns) == ["Request", "Request.json", "Response", "Response.json"]
    capture = frame.loc[cases.LOG_A_CAPTURE]
    assert capture["Request.json"] == {"amount": 100.0, "pi": cases.PI_A1}
    assert capture["Response.json"]["status"] == "succeeded"
    refund = frame.loc[cases.LOG_A_REFUND]
    assert refund["Request"] == "amount=25.99" and refund["Request.json"] is None and refund["Response.json"] is None
    assert frame.loc[cases.LOG_B_TIMEOUT]["Request.json"] is None  # "{not json"


def test_empty_result_keeps_select_columns(session):
    soql = "SELECT Id, Amount, Payment.GatewayRefNumber FROM RefundLinePayment WHERE Amount > 1000"
    frame = records_frame(session.sf.query_all(soql)["records"], soql=soql)
    assert frame.empty and list(frame.columns) == ["Id", "Amount", "Payment.GatewayRefNumber"]


def test_types_from_describe_override_the_guess():
    records = [{"attributes": {"type": "X"}, "Id": "a", "Amount": None, "When": None}]
    frame = records_frame(records, types={"Amount": "currency", "When": "datetime"})
    assert pd.isna(frame["When"].iloc[0]) and isinstance(frame["When"].dtype, pd.DatetimeTZDtype)
    assert frame["Amount"].iloc[0] is None


def test_pure_helpers():
    record = {"attributes": {"type": "Payment"}, "Id": "x",
              "PaymentAuthorization": {"attributes": {"type": "PaymentAuthorization"}, "GatewayRefNumber": "pi_1"},
              "Lines": {"totalSize": 1, "done": True, "records": [{"attributes": {}, "Id": "y",
                                                                    "Refund": {"attributes": {}, "Amount": 1.5}}]}}
    assert plain_record(record) == {"Id": "x", "PaymentAuthorization": {"GatewayRefNumber": "pi_1"},
                                    "Lines": [{"Id": "y", "Refund": {"Amount": 1.5}}]}
    assert flatten_record(record) == {"Id": "x", "PaymentAuthorization.GatewayRefNumber": "pi_1",
                                      "Lines": [{"Id": "y", "Refund.Amount": 1.5}]}
    assert flatten_record(record, children="drop") == {"Id": "x", "PaymentAuthorization.GatewayRefNumber": "pi_1"}
    assert select_columns("SELECT Id, Name, (SELECT Id FROM Kids WHERE X IN ('a,b')), A.B FROM Obj WHERE C = 'FROM'") \
        == ["Id", "Name", "Kids", "A.B"]
    assert parse_json_text('[1, 2]') == [1, 2]
    assert parse_json_text("plain") is None and parse_json_text(None) is None
