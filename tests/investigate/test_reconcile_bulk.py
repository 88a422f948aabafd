"""Batch reconciliation through Bulk API 2.0 on a small world (the threshold lowered): one flat query job per object,
their polls and their result pages, joined locally into the same rows as the REST API path."""

from __future__ import annotations

import math

import pytest

from toolkit.core.retry import RetryPolicy
from toolkit.investigate.reconcile_fetch import BatchSettings
from toolkit.session import Session, connect

PAGE = 20  # records per Bulk API 2.0 result set, so the bigger objects take several


def _session() -> Session:
    session = connect(use_dotenv=False, env={}, retry=RetryPolicy(sleep=lambda seconds: None))
    session.schema.prefixes()
    return session


@pytest.fixture(scope="module")
def rest_rows() -> list:
    return _session().reconcile(progress=False).to_json()["rows"]


def test_the_bulk_path_gives_the_rest_paths_rows_within_its_jobs(rest_rows: list) -> None:
    session = _session()
    box = session.sandbox
    assert box is not None
    box.clear_logs()
    result = session.reconcile(progress=False, settings=BatchSettings(bulk_threshold=0, bulk_page_size=PAGE))
    assert result.path == "Bulk API 2.0" and not result.incomplete
    assert result.to_json()["rows"] == rest_rows
    log = box.org.log.counts()
    jobs = log["POST /services/data/v62.0/jobs/query"]
    polls = log["GET /services/data/v62.0/jobs/query/{id}"]
    pages = log["GET /services/data/v62.0/jobs/query/{id}/results"]
    objects = 6  # summaries, authorizations, payments, refunds, gateway logs, refund lines
    assert jobs == objects <= 3 * objects and polls == jobs  # the sandbox completes a job by its first poll
    store = box.org.store
    rows = [47, 30, 33, 11, 41, 11]  # what each job returns for the demo world's month
    assert sum(store.count(name) for name in ("OrderPaymentSummary", "PaymentAuthorization", "Payment")) >= 47
    assert pages == sum(max(1, math.ceil(n / PAGE)) for n in rows)
    # besides the jobs: the count, and no REST query of the records
    assert log.get("GET /services/data/v62.0/query/", 0) == 1
    assert result.requests_by_kind["Salesforce"] == {"query": 1, "bulk job": jobs, "bulk poll": polls,
                                                     "bulk results": pages}


def test_a_slow_job_is_polled_until_complete(rest_rows: list) -> None:
    session = _session()
    box = session.sandbox
    assert box is not None
    box.org.bulk.polls_to_complete = 3
    box.clear_logs()
    result = session.reconcile(progress=False, settings=BatchSettings(bulk_threshold=0))
    assert result.to_json()["rows"] == rest_rows
    log = box.org.log.counts()
    assert log["GET /services/data/v62.0/jobs/query/{id}"] == 3 * log["POST /services/data/v62.0/jobs/query"]
    assert log["GET /services/data/v62.0/jobs/query/{id}/results"] == 6  # one set each (50,000 rows a set)


def test_a_failed_bulk_read_is_incomplete() -> None:
    session = _session()
    box = session.sandbox
    assert box is not None
    box.org.faults.fail("*/jobs/query/*/results", "unavailable", count=10_000)
    result = session.reconcile(progress=False, settings=BatchSettings(bulk_threshold=0))
    assert result.rows == [] and [item.system for item in result.incomplete] == ["Salesforce"]
