"""The engine behind the org's query endpoints, driven by the real simple_salesforce client.

The speed of ``query_all`` over 10,000 rows is a benchmark, not a test: ``python benchmarks/bench_org_query.py``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import simple_salesforce
from simple_salesforce import format_soql

from toolkit.core.ids import to_18
from toolkit.sandbox import Sandbox

CASE = Path(__file__).resolve().parents[3] / "data" / "cases" / "expired-authorization.json"


@pytest.fixture
def box() -> Sandbox:
    return Sandbox.from_case(CASE)


@pytest.fixture
def sf(box: Sandbox) -> simple_salesforce.Salesforce:
    return box.salesforce()


def test_parent_paths_and_child_subqueries_over_http(sf):
    result = sf.query_all(
        "SELECT Id, OrderSummary.OrderNumber, "
        "(SELECT Id, InteractionType, ReferencedEntity.Type FROM PaymentGatewayLogs ORDER BY GatewayDate DESC), "
        "(SELECT GatewayRefNumber, ExpirationDate FROM PaymentAuthorizations) FROM OrderPaymentSummary")
    assert result["totalSize"] == 1 and result["done"] is True
    ops = result["records"][0]
    assert ops["attributes"]["type"] == "OrderPaymentSummary"
    assert ops["OrderSummary"]["OrderNumber"] == "00001042"
    logs = ops["PaymentGatewayLogs"]
    assert logs["totalSize"] == len(logs["records"]) >= 1
    assert logs["records"][0]["ReferencedEntity"]["attributes"]["type"] == "Name"
    auth = ops["PaymentAuthorizations"]["records"][0]
    assert auth["GatewayRefNumber"].startswith("pi_")
    assert auth["ExpirationDate"].endswith(".000+0000")


def test_values_through_format_soql(sf):
    auth = sf.query_all("SELECT Id, GatewayRefNumber FROM PaymentAuthorization")["records"][0]
    soql = format_soql("SELECT Id FROM PaymentAuthorization WHERE GatewayRefNumber = {} AND Id = {}",
                       auth["GatewayRefNumber"].upper(), auth["Id"][:15])
    assert [r["Id"] for r in sf.query_all(soql)["records"]] == [auth["Id"]]
    soql = format_soql("SELECT Id FROM PaymentAuthorization WHERE GatewayRefNumber LIKE '{:like}%'", "pi_")
    assert sf.query_all(soql)["totalSize"] == 1


def test_date_literals_follow_the_sandbox_clock(box, sf):
    soql = "SELECT Id FROM OrderSummary WHERE CreatedDate = LAST_N_DAYS:10"
    assert sf.query_all(soql)["totalSize"] == 1
    box.clock.advance(timedelta(days=30))
    assert sf.query_all(soql)["totalSize"] == 0


def test_count_and_aggregates_over_http(sf):
    assert sf.query("SELECT COUNT() FROM OrderSummary") == {"totalSize": 1, "done": True, "records": []}
    records = sf.query_all("SELECT Status, SUM(Amount) total FROM PaymentAuthorization GROUP BY Status")["records"]
    assert records[0]["attributes"] == {"type": "AggregateResult"}
    assert set(records[0]) == {"attributes", "Status", "total"}


def test_query_all_sees_deleted_rows(box, sf):
    log_id = sf.query_all("SELECT Id FROM PaymentGatewayLog LIMIT 1")["records"][0]["Id"]
    before = sf.query("SELECT COUNT() FROM PaymentGatewayLog")["totalSize"]
    sf.PaymentGatewayLog.delete(log_id)
    assert sf.query("SELECT COUNT() FROM PaymentGatewayLog")["totalSize"] == before - 1
    deleted = sf.query_all(format_soql("SELECT Id, IsDeleted FROM PaymentGatewayLog WHERE Id = {}", log_id),
                           include_deleted=True)["records"]
    assert deleted[0]["IsDeleted"] is True


@pytest.mark.parametrize(("soql", "code"), [
    ("SELECT Id FROM PaymentGatewayLog WHERE Amount = 1 AND Id != null OR Id = null", "MALFORMED_QUERY"),
    ("SELECT Id FROM PaymentGatewayLog WITH NOTHING", "MALFORMED_QUERY"),
    ("SELECT Nope FROM PaymentGatewayLog", "INVALID_FIELD"),
    ("SELECT Id FROM PaymentGatewayLog WHERE Request = 'x'", "INVALID_FIELD"),
    ("SELECT Id FROM Nope", "INVALID_TYPE"),
    ("SELECT Id FROM PaymentGatewayLog WHERE Id = 'not-an-id'", "INVALID_QUERY_FILTER_OPERATOR"),
])
def test_errors_over_http(sf, soql, code):
    with pytest.raises(simple_salesforce.SalesforceMalformedRequest) as info:
        sf.query_all(soql)
    assert info.value.status == 400
    assert info.value.content[0]["errorCode"] == code
    assert "ERROR at Row:1:Column:" in info.value.content[0]["message"]


def test_ten_thousand_payments_with_parent_paths_over_http(box, sf):
    store = box.org.store
    now = box.clock.now()
    system = {"CreatedDate": now, "LastModifiedDate": now, "SystemModstamp": now}
    n = 10_000
    store.insert_many("OrderSummary", [{"Id": to_18(f"1Os9{i:011d}"), "OrderNumber": f"9{i:07d}", **system}
                                       for i in range(n)])
    store.insert_many("OrderPaymentSummary", [
        {"Id": to_18(f"0bM9{i:011d}"), "OrderSummaryId": to_18(f"1Os9{i:011d}"), **system} for i in range(n)])
    store.insert_many("PaymentAuthorization", [
        {"Id": to_18(f"0Xc9{i:011d}"), "Amount": 1.0, "GatewayRefNumber": f"pi_{i}",
         "OrderPaymentSummaryId": to_18(f"0bM9{i:011d}"), **system} for i in range(n)])
    store.insert_many("Payment", [
        {"Id": to_18(f"0a69{i:011d}"), "Amount": 1.0, "PaymentAuthorizationId": to_18(f"0Xc9{i:011d}"), **system}
        for i in range(n)])
    soql = ("SELECT Id, Amount, PaymentAuthorization.GatewayRefNumber, "
            "PaymentAuthorization.OrderPaymentSummary.OrderSummaryId FROM Payment")
    box.org.log.clear()
    result = sf.query_all(soql)
    records = result["records"]
    assert result["totalSize"] == len(records) == n  # the case itself holds no Payment
    assert len({record["Id"] for record in records}) == n
    first = records[0]["PaymentAuthorization"]
    assert first["GatewayRefNumber"].startswith("pi_")
    assert first["OrderPaymentSummary"]["OrderSummaryId"].startswith("1Os9")
    assert box.org.log.count == 5  # the first batch of 2,000, then 4 nextRecordsUrl pages
