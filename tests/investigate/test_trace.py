"""The cross-system trace through the real clients on sandbox cases: subjects, findings, request budget."""

from __future__ import annotations

import pytest
import trace_cases as cases

from toolkit.errors import InputError, NotFoundError
from toolkit.investigate.fetch import SALESFORCE_BUDGET, STRIPE_BUDGET
from toolkit.session import connect

SUBJECTS = [cases.PI, cases.CH, cases.RE, cases.ORDER, cases.OS_ID, cases.OPS_ID, cases.PA_ID, cases.PGL_ID,
            cases.OS_ID[:15]]


@pytest.fixture(scope="module")
def session():
    s = connect(case=cases.expired_case())
    s.schema.prefixes()  # describe fetched once per session, before the counted traces
    return s


@pytest.mark.parametrize("subject", SUBJECTS)
def test_every_subject_kind_gives_the_same_findings_within_budget(session, subject):
    session.sandbox.clear_logs()
    t = session.trace(subject)
    assert [f.code.value for f in t.findings] == ["AUTH_EXPIRED_UNCAPTURED", "GATEWAY_FAILURES"]
    assert t.order_numbers == [cases.ORDER]
    assert t.payment_intents == [cases.PI]
    assert session.sandbox.org.log.count <= SALESFORCE_BUDGET
    assert session.sandbox.stripe.log.count <= STRIPE_BUDGET


def test_json_shape_and_amounts_as_strings(session):
    data = session.trace(cases.PI).to_json()
    assert list(data) == ["subject", "order_numbers", "payment_intents", "findings", "timeline", "reconciliation",
                          "source", "incomplete"]
    finding = data["findings"][0]
    assert set(finding) == {"code", "severity", "subject", "amount", "currency", "message", "remediation"}
    assert finding["amount"] == "129.00" and finding["currency"] == "USD"
    assert all(isinstance(row["time"], str) for row in data["timeline"])
    captured = next(r for r in data["reconciliation"] if r["quantity"] == "available to capture")
    assert (captured["oms"], captured["stripe"], captured["difference"]) == ("129.00", "0.00", "129.00")
    times = [row["time"] for row in data["timeline"]]
    assert times == sorted(times)
    assert {row["system"] for row in data["timeline"]} == {"Salesforce", "Stripe"}


def test_payment_intent_not_found():
    s = connect(case=cases.missing_pi_case())
    t = s.trace(cases.ORDER)
    assert [f.code.value for f in t.findings] == ["PAYMENT_INTENT_NOT_FOUND", "GATEWAY_FAILURES"]
    assert t.findings[0].subject == "pi_3QmissingmissingMISSING"
    assert s.trace(cases.OPS_ID).to_json()["findings"] == t.to_json()["findings"]


def test_no_stripe_reference():
    s = connect(case=cases.no_reference_case())
    t = s.trace(cases.OS_ID)
    assert [f.code.value for f in t.findings] == ["GATEWAY_FAILURES", "NO_STRIPE_REFERENCE"]


def test_unknown_and_malformed_subjects(session):
    with pytest.raises(NotFoundError):
        session.trace("pi_3QdoesNotExist000000")
    with pytest.raises(NotFoundError):
        session.trace("00009999")
    with pytest.raises(InputError):
        session.trace("cus_123456789")
    with pytest.raises(InputError):
        session.trace("0XcHxM130000001KBB")  # bad checksum
