"""No false conclusions from the batch investigations either: a fault injected at any request of a diagnosis that lists
Stripe's window, or of the expiring list, ends in the fault-free result or an explicitly incomplete one (or an
explicit outage error), never in a row that is wrong, missing without a word, or "not found"."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.core.retry import RetryPolicy
from toolkit.errors import AccessDeniedError, BudgetExceededError, ServiceError
from toolkit.session import Session, connect

SALESFORCE_FAULTS = ("server_error", "unavailable", "invalid_session", "request_limit", "timeout")
STRIPE_FAULTS = ("server_error", "unavailable", "rate_limit", "timeout")


@pytest.fixture(scope="module")
def demo() -> Session:
    session = connect(use_dotenv=False, env={}, retry=RetryPolicy(sleep=lambda seconds: None))
    session.schema.prefixes()
    return session


def _keys(rows: list[dict[str, Any]]) -> set[str]:
    return {repr(sorted(row.items())) for row in rows}


def _outcome(baseline: dict[str, Any], run: Any) -> str:
    try:
        result = run()
    except (ServiceError, AccessDeniedError, BudgetExceededError) as error:
        assert error.system in ("Salesforce", "Stripe"), error
        return "raised"
    out = result.to_json()
    if not out["incomplete"]:
        assert out == baseline
        return "same"
    for key in ("rows", "summary"):
        if key in out:  # nothing reported that the fault-free run did not report
            assert _keys(out[key]) <= _keys(baseline[key]), key
    assert result.to_text().splitlines()[1].startswith("INCOMPLETE")
    return "incomplete"


@pytest.mark.parametrize("command", ["diagnose", "expiring_authorizations"])
@pytest.mark.parametrize("system", ["salesforce", "stripe"])
def test_a_fault_at_any_request(demo: Session, command: str, system: str) -> None:
    box = demo.sandbox
    assert box is not None
    run = getattr(demo, command)
    baseline = run().to_json()
    assert baseline["rows"]
    box.clear_logs()
    run()
    requests = (box.org.log if system == "salesforce" else box.stripe.log).count
    faults = box.org.faults if system == "salesforce" else box.stripe.faults
    outcomes = set()
    for kind in SALESFORCE_FAULTS if system == "salesforce" else STRIPE_FAULTS:
        for index in range(1, requests + 1):
            for times in (1, 3):
                faults.clear()
                faults.fail_requests(index, kind, count=times)
                try:
                    outcome = _outcome(baseline, run)
                finally:
                    faults.clear()
                if times == 1 and kind != "request_limit":  # one failure: a retry (or a new login) absorbs it
                    assert outcome == "same", (kind, index)
                outcomes.add(outcome)
    assert "same" in outcomes and outcomes & {"incomplete", "raised"}
