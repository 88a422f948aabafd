"""The diagnosis's and the expiring list's Order Management reads: one page for hundreds of failed captures (Response
only: Request would cut pages to 200 rows), Requests by id or by window, counts per day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from generated_worlds import session_over, world

from toolkit.salesforce import capture_reads
from toolkit.salesforce.gateway_logs import gateway_logs_soql
from toolkit.salesforce.templates import statement


@pytest.fixture(scope="module")
def busy():
    box, _manifest = world(300, 0.0, 5, 250)
    return box


def test_hundreds_of_failed_captures_come_in_one_page(busy) -> None:
    session = session_over(busy)
    now = session.now()
    window = capture_reads.failed_in_window(now - timedelta(days=30), now + timedelta(seconds=1))
    gateway = session.salesforce_gateway()
    records = capture_reads.summaries(gateway, session.schema, capture_reads.with_failures_scope(window),
                                      window=window)
    assert len(records.gateway_logs) == 250 and len(records.payment_summaries) == 250
    assert gateway.budget.used == 1 and busy.org.log.count == 1
    (soql,) = records.soql
    assert "Response" in soql and "Request" not in soql  # one long-text field: 2,000 rows a page
    assert {o["OrderNumber"] for o in records.order_summaries} and all(a["GatewayRefNumber"].startswith("pi_")
                                                                       for a in records.authorizations)
    # the same rows with Request and Response take two pages of 200; Request alone, one
    both = session.salesforce_gateway()
    both.query(gateway_logs_soql(since=now - timedelta(days=30), until=now + timedelta(seconds=1),
                                 interaction_type="Capture", status=["Failed", "Timeout"]))
    assert both.budget.used == 2
    alone = session.salesforce_gateway()
    alone.query(statement("captures.requests_in_window", window=window))
    assert alone.budget.used == 1


def test_requests_by_id_or_by_window_whichever_takes_fewer_requests(busy) -> None:
    session = session_over(busy)
    now = session.now()
    window = capture_reads.failed_in_window(now - timedelta(days=30), now + timedelta(seconds=1))
    ids = [row["Id"] for row in busy.salesforce().query_all(
        "SELECT Id FROM PaymentGatewayLog WHERE InteractionStatus = 'Failed' ORDER BY Id")["records"]]
    few = session.salesforce_gateway()
    got = capture_reads.requests_of(few, ids[:3], window, 250)
    assert set(got) == set(ids[:3]) and few.budget.used == 1 and "Id IN" in str(few.statements[0])
    many = session.salesforce_gateway()
    got = capture_reads.requests_of(many, ids[:201], window, 250)  # 2 batches by id, 1 page by window
    assert set(got) == set(ids[:201]) and many.budget.used == 1 and "Id IN" not in str(many.statements[0])
    assert capture_reads.requests_of(session.salesforce_gateway(), [], window, 250) == {}


def test_summaries_per_day_counts_what_stripe_would_list(busy) -> None:
    session = session_over(busy)
    now = session.now()
    counts = capture_reads.summaries_per_day(session.salesforce_gateway(), now - timedelta(days=40), now)
    assert sum(counts.values()) == 300 and busy.org.log.count == 1
    assert all(now - timedelta(days=41) <= session.now().replace(year=day.year, month=day.month, day=day.day) <= now
               for day in counts)
