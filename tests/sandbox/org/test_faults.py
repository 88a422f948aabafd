"""Faults, sessions, API accounting and the request log, observed through the real client."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
import simple_salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceRefusedRequest,
)

from toolkit.sandbox import Sandbox, transport

SOQL = "SELECT Id FROM PaymentGatewayLog"


def test_every_response_carries_limit_info(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    box.org.usage = 0
    sf.query(SOQL)
    assert sf.api_usage["api-usage"].used == 1
    assert sf.api_usage["api-usage"].total == 15000
    sf.query(SOQL)
    assert sf.api_usage["api-usage"].used == 2
    response = box.http.get("https://org.sandbox.invalid/services/data/v62.0/sobjects/Nope/describe",
                            headers={"Authorization": f"Bearer {box.org.session_id}"})
    assert response.status_code == 404
    assert response.headers["Sforce-Limit-Info"] == "api-usage=3/15000"


def test_request_limit_is_enforced(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    box.org.limit = 5
    box.org.usage = 4
    sf.query(SOQL)
    with pytest.raises(SalesforceRefusedRequest) as raised:
        sf.query(SOQL)
    assert raised.value.status == 403
    assert raised.value.content == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]


def test_requests_without_the_session_are_refused(box: Sandbox) -> None:
    stranger = simple_salesforce.Salesforce(instance_url="https://org.sandbox.invalid", session_id="00Dnope",
                                            session=box.http, version="62.0")
    with pytest.raises(SalesforceExpiredSession) as raised:
        stranger.query(SOQL)
    assert raised.value.content == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    response = box.http.get("https://org.sandbox.invalid/services/data/v62.0/sobjects")
    assert response.status_code == 401
    assert box.org.session_id not in repr(box.org)


@pytest.mark.parametrize(("kind", "exception", "status", "code"), [
    ("server_error", SalesforceGeneralError, 500, "UNKNOWN_EXCEPTION"),
    ("unavailable", SalesforceGeneralError, 503, "SERVER_UNAVAILABLE"),
    ("invalid_session", SalesforceExpiredSession, 401, "INVALID_SESSION_ID"),
    ("request_limit", SalesforceRefusedRequest, 403, "REQUEST_LIMIT_EXCEEDED"),
    ("rate_limit", SalesforceGeneralError, 503, "SERVER_UNAVAILABLE"),
    ("lock_timeout", SalesforceGeneralError, 500, "UNABLE_TO_LOCK_ROW"),
])
def test_scheduled_faults_reach_the_client(box: Sandbox, sf: simple_salesforce.Salesforce, kind: str,
                                           exception: type[Exception], status: int, code: str) -> None:
    box.org.faults.fail("*/query*", kind, count=1)
    with pytest.raises(exception) as raised:
        sf.query(SOQL)
    assert raised.value.status == status
    assert raised.value.content[0]["errorCode"] == code
    assert sf.query(SOQL)["totalSize"] == 1  # spent: the next call works
    faulted = [e for e in box.org.log.entries if e.fault]
    assert [(e.fault, e.status) for e in faulted] == [(kind, status)]


def test_connection_timeout(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    box.org.faults.fail("*/sobjects/Payment*", "timeout", count=2, method="GET")
    with pytest.raises(requests.exceptions.ConnectTimeout):
        sf.PaymentAuthorization.get("0XcHxM130000001KBA")
    with pytest.raises(requests.exceptions.ConnectTimeout):
        sf.PaymentAuthorization.get("0XcHxM130000001KBA")
    assert sf.PaymentAuthorization.get("0XcHxM130000001KBA")["Amount"] == 129.0
    timed_out = [e for e in box.org.log.entries if e.fault == "timeout"]
    assert len(timed_out) == 2 and all(e.status is None for e in timed_out)


class _RecordedSleeps:
    """Stands in for the transport module's ``time``: records ``sleep`` calls instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.calls.append(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def test_latency_is_applied(box: Sandbox, sf: simple_salesforce.Salesforce, monkeypatch: pytest.MonkeyPatch) -> None:
    # the wall time it adds is measured by benchmarks/bench_sandbox.py; here: the transport sleeps once per request
    sleeps = _RecordedSleeps()
    monkeypatch.setattr(transport, "time", sleeps)
    sf.query(SOQL)
    assert sleeps.calls == []  # no latency configured: no sleep
    box.org.faults.set_latency(0.05)
    box.org.log.clear()
    for _ in range(3):
        assert sf.query(SOQL)["totalSize"] == 1
    assert sleeps.calls == [0.05, 0.05, 0.05]
    assert box.org.log.count == 3 and not any(entry.fault for entry in box.org.log.entries)
    box.org.faults.set_latency(0)
    sf.query(SOQL)
    assert len(sleeps.calls) == 3


def test_log_counts_per_endpoint(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    box.org.log.clear()
    sf.describe()
    sf.Payment.describe()
    sf.PaymentAuthorization.get("0XcHxM130000001KBA")
    sf.PaymentAuthorization.get("0XcHxM130000001KBA")
    sf.query_all(SOQL)
    assert box.org.log.counts() == {
        "GET /services/data/v62.0/query/": 1,
        "GET /services/data/v62.0/sobjects": 1,
        "GET /services/data/v62.0/sobjects/Payment/describe": 1,
        "GET /services/data/v62.0/sobjects/PaymentAuthorization/{id}": 2,
    }
    assert box.org.log.count == 5


def test_render_fault_shapes(box: Sandbox) -> None:
    status, headers, body = box.org.render_fault("server_error")
    assert status == 500 and headers["Content-Type"].startswith("application/json")
    assert b"UNKNOWN_EXCEPTION" in body and "Sforce-Limit-Info" in headers
    with pytest.raises(ValueError, match="timeout"):
        box.org.render_fault("timeout")
