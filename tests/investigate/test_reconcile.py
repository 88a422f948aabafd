"""Batch reconciliation of the demo world: agreement with the trace order by order, the request budget counted by
the sandbox, orphan PaymentIntents, the views, and failed reads (never evidence of absence)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from reconcile_checks import check_budget, codes_by_order, disagreements

from toolkit.core.retry import RetryPolicy
from toolkit.investigate.reconcile import Reconciliation
from toolkit.session import Session, connect


def _session() -> Session:
    session = connect(use_dotenv=False, env={}, retry=RetryPolicy(sleep=lambda seconds: None))
    session.schema.prefixes()  # describe once, before counting
    return session


@pytest.fixture(scope="module")
def demo() -> tuple[Session, Reconciliation]:
    session = _session()
    assert session.sandbox is not None
    session.sandbox.clear_logs()
    return session, session.reconcile(progress=False)


def test_every_demo_order_agrees_with_its_trace(demo: tuple[Session, Reconciliation]) -> None:
    session, result = demo
    assert not result.incomplete
    assert len(codes_by_order(result)) == 49  # every order of the demo world's month
    assert disagreements(session, result) == []


def test_the_demo_world_within_the_request_budget(demo: tuple[Session, Reconciliation]) -> None:
    session, _ = demo
    assert session.sandbox is not None
    session.sandbox.clear_logs()
    again = session.reconcile(progress=False)
    counts = check_budget(session, again)
    assert counts["salesforce"] == 3 and counts["n"] == 49  # the count, the summaries, the refund lines
    assert counts["lists"] == 5  # 3 spans of PaymentIntents + 2 of refunds, each one page
    # one reference no list returned: the pi_ Stripe does not have (PAYMENT_INTENT_NOT_FOUND), confirmed once
    assert again.confirmed == ["pi_3loD5tEby6Lebkb7lgCfwmgc"] and counts["retrieves"] == 1
    assert again.path == "REST API"


def test_the_rows_carry_both_sides_and_the_summary_keeps_currencies_apart(
        demo: tuple[Session, Reconciliation]) -> None:
    _, result = demo
    frame = result.rows_frame()
    assert len(frame) == 49 and frame["ops_id"].notna().all()
    row = frame.set_index("order_number").loc["00001036"]  # refunded in OMS only
    assert (row["oms_refunded"], row["stripe_refunded"], row["difference_refunded"]) == (
        Decimal("30.00"), Decimal("0.00"), Decimal("30.00"))
    assert row["codes"] == "REFUND_MISSING_IN_STRIPE" and row["currency"] == "EUR"
    summary = result.summary_frame()
    assert not summary.duplicated(["code", "currency"]).any()
    expired = summary[summary["code"] == "AUTH_EXPIRED_UNCAPTURED"].set_index("currency")["amount"].to_dict()
    assert expired == {"EUR": Decimal("360.50"), "USD": Decimal("129.00")}
    findings = result.findings_frame()
    assert len(findings) == sum(len(r.findings) for r in result.rows) == int(summary["findings"].sum())


def test_text_html_and_json(demo: tuple[Session, Reconciliation]) -> None:
    _, result = demo
    text = result.to_text()
    assert text.startswith("Data: the demo sandbox") and "REFUND_MISSING_IN_STRIPE" in text and "0x" not in text
    html = result._repr_html_()
    assert "toolkit-reconciliation" in html and "<script" not in html
    data = result.to_json()
    assert list(data)[-2:] == ["source", "incomplete"] and data["incomplete"] == []
    row = next(r for r in data["rows"] if r["order_number"] == "00001036")
    assert row["refunded"] == {"oms": "30.00", "stripe": "0.00", "difference": "30.00"}
    assert row["order_created"].endswith("Z") and row["codes"] == ["REFUND_MISSING_IN_STRIPE"]


def test_an_orphan_payment_intent_gets_its_row() -> None:
    session = _session()
    pi = session.stripe.v1.payment_intents.create(params={
        "amount": 4500, "currency": "usd", "capture_method": "automatic", "confirm": True,
        "payment_method": "pm_card_visa", "metadata": {"order_id": "00009999"}})
    result = session.reconcile(progress=False)
    orphans = [row for row in result.rows if row.ops_id is None]
    assert [(row.order_number, row.payment_intents, row.codes) for row in orphans] == [
        ("00009999", (pi.id,), ["ORPHAN_PAYMENT_INTENT"])]
    captured = orphans[0].quantity("captured")
    assert captured is not None and (captured.oms, captured.stripe) == (None, Decimal("45.00"))
    assert ("ORPHAN_PAYMENT_INTENT", "USD") in {(s.code, s.currency) for s in result.summary}
    assert result.findings_frame().iloc[-1]["subject"] == pi.id


def test_a_window_without_orders_reconciles_to_nothing() -> None:
    session = _session()
    now = session.clock.now()
    result = session.reconcile(now - timedelta(days=400), now - timedelta(days=300), progress=False)
    assert result.rows == [] and result.summary == [] and not result.incomplete
    assert "No findings" in result.to_text()


@pytest.mark.parametrize("pattern, system", [("*/query*", "Salesforce"), ("/v1/payment_intents", "Stripe"),
                                             ("/v1/refunds", "Stripe")])
def test_a_read_that_keeps_failing_is_incomplete_never_absent(demo: tuple[Session, Reconciliation], pattern: str,
                                                              system: str) -> None:
    session, baseline = demo
    box = session.sandbox
    assert box is not None
    faults = box.org.faults if system == "Salesforce" else box.stripe.faults
    faults.fail(pattern, "unavailable", count=10_000)
    try:
        result = session.reconcile(progress=False)
    finally:
        faults.clear()
    assert result.incomplete and {item.system for item in result.incomplete} == {system}
    text = result.to_text()
    assert text.splitlines()[1].startswith("INCOMPLETE")
    known = {(row.ops_id, code) for row in baseline.rows for code in row.codes}
    assert {(row.ops_id, code) for row in result.rows for code in row.codes} <= known  # nothing wrong added
    if system == "Salesforce":
        assert result.rows == []
    else:
        assert any(not row.complete for row in result.rows)
    if pattern == "/v1/payment_intents":  # an unmatched reference may be in the unread span: unread, not missing
        assert "PAYMENT_INTENT_NOT_FOUND" not in {code for row in result.rows for code in row.codes}
        assert result.confirmed == []


def test_a_passing_fault_is_absorbed_by_the_retries(demo: tuple[Session, Reconciliation]) -> None:
    session, baseline = demo
    box = session.sandbox
    assert box is not None
    box.stripe.faults.fail("/v1/payment_intents", "rate_limit", count=1)
    box.org.faults.fail("*/query*", "unavailable", count=1)
    try:
        result = session.reconcile(progress=False)
    finally:
        box.stripe.faults.clear()
        box.org.faults.clear()
    assert not result.incomplete
    assert result.to_json()["rows"] == baseline.to_json()["rows"]
