"""Gateway-log helpers: filters by window, datetimes, type, status, order and summary; render-only SOQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
import soql_cases as cases

from toolkit.errors import InputError
from toolkit.salesforce.gateway_logs import GATEWAY_LOG_COLUMNS, gateway_logs, gateway_logs_soql
from toolkit.session import connect

SELECT = ("SELECT Id, OrderPaymentSummaryId, ReferencedEntityId, Request, Response, SfRefNumber, SfResultCode, "
          "GatewayRefNumber, GatewayAuthCode, GatewayDate, GatewayMessage, GatewayResultCode, "
          "GatewayResultCodeDescription, InteractionStatus, PaymentGatewayLogNumber, CreatedDate, InteractionType, "
          "IsNotification, OrderPaymentSummary.OrderSummaryId, OrderPaymentSummary.OrderSummary.OrderNumber "
          "FROM PaymentGatewayLog")


@pytest.fixture(scope="module")
def session():
    return connect(case=cases.multi_order_case())  # now = 2026-11-20T15:00:00Z


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["Id"])


def test_render_only_exact_text(session):
    session.sandbox.org.log.clear()
    assert gateway_logs(session.sf, render_only=True) == SELECT + " ORDER BY CreatedDate, Id"
    soql = gateway_logs(session.sf, window="last_n_days:7", since=datetime(2026, 11, 1, tzinfo=UTC),
                        until="2026-11-20T00:00:00.000+0000", interaction_type="Capture", status=["Failed", "timeout"],
                        order_number="00002002", order_summary_id=cases.OS_B[:15], ops_id=[cases.OPS_B], limit=10,
                        render_only=True)
    assert soql == (SELECT + " WHERE CreatedDate = LAST_N_DAYS:7 AND CreatedDate >= 2026-11-01T00:00:00+00:00 AND "
                    "CreatedDate < 2026-11-20T00:00:00+00:00 AND InteractionType IN ('Capture') AND "
                    "InteractionStatus IN ('Failed','Timeout') AND OrderPaymentSummary.OrderSummary.OrderNumber IN "
                    f"('00002002') AND OrderPaymentSummary.OrderSummaryId IN ('{cases.OS_B}') AND "
                    f"OrderPaymentSummaryId IN ('{cases.OPS_B}') ORDER BY CreatedDate, Id LIMIT 10")
    assert session.sandbox.org.log.count == 0
    assert session.sf.query_all(soql)["records"][0]["Id"] == cases.LOG_B_TIMEOUT  # the sandbox accepts it


def test_all_logs_oldest_first_with_parsed_payloads(session):
    frame = gateway_logs(session.sf)
    assert ids(frame) == [cases.LOG_A2_AUTH, cases.LOG_A_CAPTURE, cases.LOG_A_REFUND, cases.LOG_B_TIMEOUT]
    assert [c for c in frame.columns if not c.endswith(".json")] == list(GATEWAY_LOG_COLUMNS)
    assert isinstance(frame["CreatedDate"].dtype, pd.DatetimeTZDtype)
    assert frame.set_index("Id").loc[cases.LOG_A_CAPTURE, "Response.json"] == {"id": cases.PI_A1,
                                                                             "status": "succeeded"}
    assert frame.set_index("Id").loc[cases.LOG_B_TIMEOUT, "OrderPaymentSummary.OrderSummary.OrderNumber"] == "00002002"


def test_window_literal_uses_the_session_clock(session):
    assert ids(gateway_logs(session.sf, window="LAST_N_DAYS:1")) == [cases.LOG_B_TIMEOUT]  # 19th and 20th
    assert ids(gateway_logs(session.sf, window="TODAY")) == []
    assert len(gateway_logs(session.sf, window="THIS_MONTH")) == 4


def test_datetime_bounds_since_inclusive_until_exclusive(session):
    frame = gateway_logs(session.sf, since="2026-11-12T12:00:00Z", until=datetime(2026, 11, 14, 12, tzinfo=UTC))
    assert ids(frame) == [cases.LOG_A_CAPTURE]


def test_type_and_status_filters(session):
    assert ids(gateway_logs(session.sf, interaction_type="Capture")) == [cases.LOG_A_CAPTURE, cases.LOG_B_TIMEOUT]
    assert ids(gateway_logs(session.sf, status="Timeout")) == [cases.LOG_B_TIMEOUT]
    assert ids(gateway_logs(session.sf, status=["Failed", "Timeout"])) == [cases.LOG_A2_AUTH, cases.LOG_B_TIMEOUT]
    assert ids(gateway_logs(session.sf, interaction_type=["Authorization", "ReferencedRefund"], status="Success")) \
        == [cases.LOG_A_REFUND]


def test_order_and_summary_filters(session):
    order_a = [cases.LOG_A2_AUTH, cases.LOG_A_CAPTURE, cases.LOG_A_REFUND]
    assert ids(gateway_logs(session.sf, order_number="00002001")) == order_a
    assert ids(gateway_logs(session.sf, order_summary_id=cases.OS_A)) == order_a
    assert ids(gateway_logs(session.sf, ops_id=cases.OPS_A1)) == [cases.LOG_A_CAPTURE, cases.LOG_A_REFUND]
    assert ids(gateway_logs(session.sf, ops_id=[cases.OPS_A2, cases.OPS_B])) == [cases.LOG_A2_AUTH,
                                                                                 cases.LOG_B_TIMEOUT]
    assert ids(gateway_logs(session.sf, order_number="no-such-order")) == []


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"window": "LAST_N_DAYS:7) OR (Id != null"}, "date literal"),
    ({"since": "yesterday"}, "ISO 8601"),
    ({"until": 3.5}, "ISO 8601"),
    ({"interaction_type": "Refund"}, "one of"),
    ({"status": ["Failed", "Bad"]}, "one of"),
    ({"order_summary_id": "1Os' OR Id != '"}, "Salesforce id"),
    ({"ops_id": ["0bMHxQNM0000001MHA", "0bMHxQNM0000001MHa"]}, "Salesforce id"),
    ({"order_number": []}, "at least one"),
    ({"limit": -1}, "between"),
])
def test_bad_filters_raise_before_any_request(session, kwargs, words):
    session.sandbox.org.log.clear()
    with pytest.raises(InputError, match=words):
        gateway_logs(session.sf, **kwargs)
    assert session.sandbox.org.log.count == 0


def test_soql_builder_is_the_same_path():
    expected = SELECT + " WHERE InteractionStatus IN ('Failed') ORDER BY CreatedDate, Id"
    assert gateway_logs_soql(status="Failed") == expected
