"""A window's records through the REST API and through Bulk API 2.0: the same record chain, each within its requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from toolkit.salesforce.window_records import WindowReader
from toolkit.session import connect

SINCE, BEFORE = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
ATTRS = ("order_summaries", "payment_summaries", "authorizations", "payments", "refunds", "refund_line_payments",
         "gateway_logs")


def test_rest_and_bulk_read_the_same_chain() -> None:
    session = connect(use_dotenv=False, env={})
    session.schema.prefixes()
    with ThreadPoolExecutor(8) as pool:
        rest_gateway, bulk_gateway = session.salesforce_gateway(), session.salesforce_gateway()
        rest = WindowReader(rest_gateway, session.schema, pool)
        count = rest.count(SINCE, BEFORE)
        by_rest = rest.read(SINCE, BEFORE, count)
        bulk = WindowReader(bulk_gateway, session.schema, pool, bulk_threshold=0, bulk_page_size=25)
        by_bulk = bulk.read(SINCE, BEFORE, count)
    assert count == 49 and (rest.path, bulk.path) == ("REST API", "Bulk API 2.0")
    assert rest_gateway.budget.by_kind == {"query": 3}  # the count, the summaries with children, the refund lines
    # result sets of 25 rows: 49, 31, 35, 11, 42 and 11 rows take 2 + 2 + 2 + 1 + 2 + 1
    assert bulk_gateway.budget.by_kind == {"bulk job": 6, "bulk poll": 6, "bulk results": 10}
    for attr in ATTRS:
        assert getattr(by_rest, attr) == getattr(by_bulk, attr), attr
    assert [len(getattr(by_rest, attr)) for attr in ATTRS] == [49, 49, 31, 35, 11, 11, 42]
    assert all("Request" not in log and "Response" not in log for log in by_rest.gateway_logs)


def test_orders_by_number_in_batches() -> None:
    session = connect(use_dotenv=False, env={})
    session.schema.prefixes()
    with ThreadPoolExecutor(4) as pool:
        gateway = session.salesforce_gateway()
        found = WindowReader(gateway, session.schema, pool).orders_by_number(
            ["00001005", "00001035", "00009999", *(f"X{i}" for i in range(400))])
    assert sorted(o["OrderNumber"] for o in found) == ["00001005", "00001035"]
    assert gateway.budget.by_kind == {"query": 2}  # 403 numbers: batches of 300
