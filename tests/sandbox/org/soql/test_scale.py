"""The engine answers 10,000-row queries with two-level parent paths, filters, ordering, subqueries, aggregates.

These tests check the answers at that scale; how fast they come is a benchmark, not a test:
``python benchmarks/bench_sandbox.py`` (same world, same queries, with their time targets).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from toolkit.core.ids import to_18
from toolkit.sandbox.org.soql import execute
from toolkit.sandbox.org.store import OrgStore

NOW = datetime(2026, 11, 20, tzinfo=UTC)
N = 10_000


@pytest.fixture(scope="module")
def big() -> OrgStore:
    store = OrgStore()
    system = {"CreatedDate": NOW, "LastModifiedDate": NOW, "SystemModstamp": NOW}
    store.insert_many("OrderSummary", [{"Id": to_18(f"1Os{n:012d}"), "OrderNumber": f"{n:08d}", **system}
                                       for n in range(N)])
    store.insert_many("OrderPaymentSummary", [
        {"Id": to_18(f"0bM{n:012d}"), "OrderSummaryId": to_18(f"1Os{n:012d}"), **system} for n in range(N)])
    store.insert_many("PaymentAuthorization", [
        {"Id": to_18(f"0Xc{n:012d}"), "Amount": 10.0, "GatewayRefNumber": f"pi_{n}",
         "OrderPaymentSummaryId": to_18(f"0bM{n:012d}"), **system} for n in range(N)])
    store.insert_many("Payment", [
        {"Id": to_18(f"0a6{n:012d}"), "Amount": float(n % 500), "PaymentAuthorizationId": to_18(f"0Xc{n:012d}"),
         "OrderPaymentSummaryId": to_18(f"0bM{n:012d}"), "Status": "Processed",
         **{**system, "CreatedDate": NOW - timedelta(minutes=n)}} for n in range(N)])
    return store


def test_ten_thousand_rows_with_parent_paths(big):
    soql = ("SELECT Id, Amount, PaymentAuthorization.GatewayRefNumber, "
            "PaymentAuthorization.OrderPaymentSummary.OrderSummaryId FROM Payment")
    result = execute(soql, big, now=NOW)
    assert result.total_size == len(result.records) == N
    by_id = {record["Id"]: record for record in result.records}
    assert len(by_id) == N
    for n in (0, 4321, N - 1):
        auth = by_id[to_18(f"0a6{n:012d}")]["PaymentAuthorization"]
        assert auth["GatewayRefNumber"] == f"pi_{n}"
        assert auth["OrderPaymentSummary"]["OrderSummaryId"] == to_18(f"1Os{n:012d}")


def test_ten_thousand_rows_filtered_and_ordered(big):
    soql = ("SELECT Id, Amount, PaymentAuthorization.OrderPaymentSummary.OrderSummary.OrderNumber FROM Payment "
            "WHERE CreatedDate = LAST_N_DAYS:30 AND Status = 'processed' AND PaymentAuthorization.Amount > 1 "
            "ORDER BY Amount DESC, CreatedDate")
    records = execute(soql, big, now=NOW).records
    assert len(records) == N
    amounts = [record["Amount"] for record in records]
    assert amounts == sorted(amounts, reverse=True)
    # the largest amount (499) first, and among those the oldest (created N - 1 minutes before NOW)
    first = records[0]
    assert first["Amount"] == 499.0 and first["Id"] == to_18(f"0a6{N - 1:012d}")
    assert first["PaymentAuthorization"]["OrderPaymentSummary"]["OrderSummary"]["OrderNumber"] == f"{N - 1:08d}"


def test_child_subquery_over_ten_thousand_parents(big):
    soql = "SELECT Id, (SELECT Id, Amount FROM Payments) FROM OrderPaymentSummary"
    records = execute(soql, big, now=NOW).records
    assert len(records) == N
    assert all(record["Payments"]["totalSize"] == 1 for record in records)


def test_aggregate_over_ten_thousand(big):
    result = execute("SELECT Status, SUM(Amount), COUNT(Id) FROM Payment GROUP BY Status", big, now=NOW)
    assert len(result.records) == 1
    row = result.records[0]
    assert row["Status"] == "Processed"
    assert row["expr0"] == float(sum(n % 500 for n in range(N)))
    assert row["expr1"] == N
