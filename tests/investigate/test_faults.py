"""No false findings: a fault injected at any request of a trace or a diagnosis ends in the fault-free result or
an explicitly incomplete one (or an explicit outage error), never in a wrong, missing or "not found" answer.

Each request of the fault-free run is failed in turn, with every fault kind each system's sandbox renders, once
(the retries absorb it: the result must be the fault-free one) and three times in a row (the retries are spent:
the result must say what it could not read, and report nothing that depends on it). Waits are recorded, not
slept, so the whole matrix runs in seconds.
"""

from __future__ import annotations

from typing import Any

import pytest
from repo_paths import CASES, EXAMPLE_CASE

from toolkit.core.retry import RetryPolicy
from toolkit.errors import AccessDeniedError, BudgetExceededError, ServiceError
from toolkit.session import Session, connect

SALESFORCE_FAULTS = ("server_error", "unavailable", "invalid_session", "request_limit", "lock_timeout", "timeout")
STRIPE_FAULTS = ("server_error", "unavailable", "rate_limit", "lock_timeout", "timeout")
#: Demo order 00001009 (captured by OMS, partly refunded) from each kind of subject whose fetch plan differs
#: (tests/investigate/test_trace_subjects.py shows every kind gives the same trace), and the orders of an
#: expired authorization and of a duplicate refund.
SUBJECTS = ("00001009", "pi_ldna1rIInSclXL6LL7c0GPYF", "ch_3ibERmdnPuBjosSjI9eNyQQg", "txn_7jXGYU38FDwxC0G141FeMWhd",
            "1OsSB00000000050AA", "0XcSB00000000030AA", "0a7SB0000000002YAA", "0XtSB00000000020AA", "00001017")


def _session(case: Any = None) -> Session:
    session = connect(case=case, retry=RetryPolicy(sleep=lambda seconds: None)) if case else connect(
        use_dotenv=False, env={}, retry=RetryPolicy(sleep=lambda seconds: None))
    session.schema.prefixes()  # describe once, before any fault
    return session


def _keys(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(repr(sorted(row.items())) for row in rows)


def _check_against(baseline: dict[str, Any], run: Any) -> str:
    """'same', 'incomplete' (and consistent with the baseline), or 'raised' (an explicit outage error)."""
    try:
        result = run()
    except (ServiceError, AccessDeniedError, BudgetExceededError) as error:  # explicit: names the system
        assert error.system in ("Salesforce", "Stripe"), error
        return "raised"
    out = result.to_json()
    if not out["incomplete"]:
        assert out == baseline
        return "same"
    for key in ("findings", "rows", "summary"):
        if key in out:  # whatever is reported was also reported without the fault: nothing wrong is added
            assert set(_keys(out[key])) <= set(_keys(baseline[key])), key
    for row in out.get("reconciliation", []):  # OMS's side as it is; Stripe's as it is, or unknown (None)
        known = [b for b in baseline["reconciliation"]
                 if (b["ops_id"], b["quantity"]) == (row["ops_id"], row["quantity"])]
        assert known and row["oms"] == known[0]["oms"]
        assert (row["stripe"], row["difference"]) in ((known[0]["stripe"], known[0]["difference"]), (None, None))
    if "timeline" in out:
        assert set(_keys(out["timeline"])) <= set(_keys(baseline["timeline"]))
    text = result.to_text()
    assert "INCOMPLETE" in text and "Healthy" not in text
    return "incomplete"


@pytest.fixture(scope="module")
def demo() -> Session:
    return _session()


def _trace_matrix(demo: Session, subject: str, system: str) -> None:
    """Every request of the fault-free trace failed in turn: three times in a row with every fault kind (the
    retries are spent), and once with the first kind (the retries absorb it: the fault-free result)."""
    box = demo.sandbox
    assert box is not None
    baseline = demo.trace(subject).to_json()
    box.clear_logs()
    demo.trace(subject)
    requests = (box.org.log if system == "salesforce" else box.stripe.log).count
    faults = box.org.faults if system == "salesforce" else box.stripe.faults
    kinds = SALESFORCE_FAULTS if system == "salesforce" else STRIPE_FAULTS
    outcomes = set()
    for index in range(1, requests + 1):
        for kind, times in [(kinds[0], 1), *((kind, 3) for kind in kinds)]:
            faults.clear()
            faults.fail_requests(index, kind, count=times)
            try:
                outcome = _check_against(baseline, lambda: demo.trace(subject))
            finally:
                faults.clear()
            if times == 1:
                assert outcome == "same", (kind, index)
            outcomes.add(outcome)
    assert "same" in outcomes and outcomes & {"incomplete", "raised"}


# one class per system, so that pytest-xdist (--dist loadscope) runs them on different workers
class TestSalesforceFaultsInATrace:
    @pytest.mark.parametrize("subject", SUBJECTS)
    def test_a_fault_at_any_salesforce_request(self, demo: Session, subject: str) -> None:
        _trace_matrix(demo, subject, "salesforce")


class TestStripeFaultsInATrace:
    @pytest.mark.parametrize("subject", SUBJECTS)
    def test_a_fault_at_any_stripe_request(self, demo: Session, subject: str) -> None:
        _trace_matrix(demo, subject, "stripe")


@pytest.mark.parametrize("subject", ["00001009", "pi_ldna1rIInSclXL6LL7c0GPYF", "0XcSB00000000030AA"])
def test_a_system_down_for_good(demo: Session, subject: str) -> None:
    box = demo.sandbox
    assert box is not None
    baseline = demo.trace(subject).to_json()
    for faults, kind in ((box.org.faults, "unavailable"), (box.stripe.faults, "server_error"),
                         (box.stripe.faults, "timeout")):
        faults.clear()
        faults.fail_requests(1, kind, count=10_000)
        try:
            assert _check_against(baseline, lambda: demo.trace(subject)) in ("incomplete", "raised")
        finally:
            faults.clear()


def test_stripe_down_never_says_not_found_for_an_order_that_only_stripe_has() -> None:
    """The hostile tester's case: an order only Stripe knows, traced while Stripe fails."""
    session = _session(CASES / "handwritten" / "metadata-order-id-differs.json")
    box = session.sandbox
    assert box is not None
    box.stripe.faults.fail_requests(1, "server_error", count=10_000)
    with pytest.raises(ServiceError) as raised:
        session.trace("99999999")  # no such order in OMS; Stripe cannot be asked
    assert raised.value.system == "Stripe" and "cannot tell whether 99999999 exists" in str(raised.value)


@pytest.mark.parametrize("system", ["salesforce", "stripe"])
def test_a_fault_at_any_request_of_a_diagnosis(system: str) -> None:
    session = _session(EXAMPLE_CASE)
    box = session.sandbox
    assert box is not None
    baseline = session.diagnose().to_json()
    box.clear_logs()
    session.diagnose()
    requests = (box.org.log if system == "salesforce" else box.stripe.log).count
    faults = box.org.faults if system == "salesforce" else box.stripe.faults
    outcomes = set()
    for kind in SALESFORCE_FAULTS if system == "salesforce" else STRIPE_FAULTS:
        for index in range(1, requests + 1):
            for times in (1, 3):
                faults.clear()
                faults.fail_requests(index, kind, count=times)
                try:
                    outcomes.add(_check_against(baseline, session.diagnose))
                finally:
                    faults.clear()
    assert "same" in outcomes and outcomes & {"incomplete", "raised"}


def test_a_diagnosis_whose_payment_intent_cannot_be_read_does_not_guess_the_cause() -> None:
    session = _session(EXAMPLE_CASE)
    box = session.sandbox
    assert box is not None
    box.stripe.faults.fail("/v1/payment_intents/*", "unavailable", count=10_000)
    result = session.diagnose()
    assert result.rows == [] and result.summary() == []
    assert [item.what for item in result.incomplete] == [
        "pi_3Q0SM8zJpqHmSKkAdDeUpQyU and its PaymentIntent", "the cause of the failed capture PGL-000000001"]
    assert result.to_text().splitlines()[1].startswith("INCOMPLETE")
