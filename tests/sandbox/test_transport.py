import json

import pytest
import requests

from toolkit.sandbox.transport import FaultPlan, RequestLog, WSGIAdapter, endpoint_of


def echo_app(environ, start_response):
    body = {
        "method": environ["REQUEST_METHOD"],
        "path": environ["PATH_INFO"],
        "query": environ["QUERY_STRING"],
        "body": environ["wsgi.input"].read().decode(),
        "custom": environ.get("HTTP_X_CUSTOM"),
    }
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Echo", "yes")])
    return [json.dumps(body).encode()]


def render(kind):
    return 503, {"Content-Type": "application/json"}, json.dumps({"fault": kind}).encode()


@pytest.fixture
def session():
    s = requests.Session()
    s.mount("https://app.sandbox.invalid", WSGIAdapter(echo_app, render_fault=render))
    return s


def test_requests_reach_the_app_in_process(session):
    response = session.post("https://app.sandbox.invalid/a/b?x=1", data="hello", headers={"X-Custom": "v"})
    assert response.status_code == 201
    assert response.headers["X-Echo"] == "yes"
    assert response.json() == {"method": "POST", "path": "/a/b", "query": "x=1", "body": "hello", "custom": "v"}


def test_other_origins_are_untouched(session):
    adapter = session.get_adapter("https://elsewhere.invalid/")
    assert not isinstance(adapter, WSGIAdapter)


def test_scheduled_faults_fire_count_times_then_stop():
    faults, log = FaultPlan(), RequestLog()
    s = requests.Session()
    s.mount("https://app.sandbox.invalid", WSGIAdapter(echo_app, faults=faults, log=log, render_fault=render))
    faults.fail("/v1/*", "unavailable", count=2)
    assert s.get("https://app.sandbox.invalid/v1/x").status_code == 503
    assert s.get("https://app.sandbox.invalid/other").status_code == 201
    assert s.get("https://app.sandbox.invalid/v1/y").json() == {"fault": "unavailable"}
    assert s.get("https://app.sandbox.invalid/v1/z").status_code == 201
    assert faults.pending == 0
    assert [e.fault for e in log.entries] == ["unavailable", None, "unavailable", None]


def test_timeout_fault_raises_connect_timeout_and_is_logged():
    faults, log = FaultPlan(), RequestLog()
    s = requests.Session()
    s.mount("https://app.sandbox.invalid", WSGIAdapter(echo_app, faults=faults, log=log))
    faults.fail("*", "timeout", method="GET")
    with pytest.raises(requests.exceptions.ConnectTimeout):
        s.get("https://app.sandbox.invalid/slow")
    assert log.entries[-1].status is None


def test_fault_plan_rejects_unknown_kinds_and_counts():
    faults = FaultPlan()
    with pytest.raises(ValueError, match="unknown fault kind"):
        faults.fail("*", "explode")
    with pytest.raises(ValueError):
        faults.fail("*", "timeout", count=0)
    with pytest.raises(ValueError):
        faults.set_latency(-1)


def test_endpoint_keys_hide_ids():
    assert endpoint_of("get", "/services/data/v62.0/sobjects/Payment/0a6HxK0E0000001KFA") == (
        "GET /services/data/v62.0/sobjects/Payment/{id}")
    assert endpoint_of("POST", "/v1/payment_intents/pi_3Q0SM8zJpqHmSKkAdDeUpQyU/capture") == (
        "POST /v1/payment_intents/{id}/capture")
    assert endpoint_of("GET", "/services/data/v62.0/query") == "GET /services/data/v62.0/query"
    log = RequestLog()
    assert log.counts() == {}
