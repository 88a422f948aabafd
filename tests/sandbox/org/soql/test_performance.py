"""The engine answers a 10,000-row query with two-level parent paths well under a second."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from toolkit.salesforce_ids import to_18
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
    # warm the store's decoded-row caches, as a live org would be
    for name in ("OrderSummary", "OrderPaymentSummary", "PaymentAuthorization", "Payment"):
        store.rows(name)
    return store


def _timed(soql: str, store: OrgStore) -> tuple[float, int]:
    start = time.perf_counter()
    result = execute(soql, store, now=NOW)
    return time.perf_counter() - start, len(result.records)


def test_ten_thousand_rows_with_parent_paths(big):
    soql = ("SELECT Id, Amount, PaymentAuthorization.GatewayRefNumber, "
            "PaymentAuthorization.OrderPaymentSummary.OrderSummaryId FROM Payment")
    elapsed, count = _timed(soql, big)
    assert count == N
    assert elapsed < 0.5, f"{elapsed:.3f}s"


def test_ten_thousand_rows_filtered_and_ordered(big):
    soql = ("SELECT Id, Amount, PaymentAuthorization.OrderPaymentSummary.OrderSummary.OrderNumber FROM Payment "
            "WHERE CreatedDate = LAST_N_DAYS:30 AND Status = 'processed' AND PaymentAuthorization.Amount > 1 "
            "ORDER BY Amount DESC, CreatedDate")
    elapsed, count = _timed(soql, big)
    assert count == N
    assert elapsed < 0.8, f"{elapsed:.3f}s"


def test_child_subquery_over_ten_thousand_parents(big):
    soql = "SELECT Id, (SELECT Id, Amount FROM Payments) FROM OrderPaymentSummary"
    elapsed, count = _timed(soql, big)
    assert count == N
    assert elapsed < 0.8, f"{elapsed:.3f}s"


def test_aggregate_over_ten_thousand(big):
    elapsed, count = _timed("SELECT Status, SUM(Amount), COUNT(Id) FROM Payment GROUP BY Status", big)
    assert count == 1
    assert elapsed < 0.5, f"{elapsed:.3f}s"
