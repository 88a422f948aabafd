"""Guided actions end to end on the demo sandbox: money moves once, both systems agree after, every refusal comes
before any request, and the journal holds intent and result."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from toolkit.core.retry import RetryPolicy
from toolkit.errors import ActionRefusedError
from toolkit.session import Session, connect

REASON = "requested_by_customer"
PI_1009 = "pi_ldna1rIInSclXL6LL7c0GPYF"


def _session(tmp_path: Path, **kw: object) -> Session:
    session = connect(allow_writes=True, data_dir=tmp_path, retry=RetryPolicy(sleep=lambda s: None), **kw)
    session.schema.prefixes()
    return session


def _stripe_refunds(session: Session, pi: str) -> list[dict]:
    return session.stripe.v1.refunds.list(params={"payment_intent": pi, "limit": 100}).to_dict()["data"]


def _agree(session: Session, order: str) -> None:
    codes = {str(f.code) for f in session.trace(order).findings}
    assert not codes & {"REFUND_MISSING_IN_OMS", "REFUND_MISSING_IN_STRIPE", "CAPTURE_MISSING_IN_OMS",
                        "CAPTURE_MISSING_IN_STRIPE"}, codes


def test_a_partial_refund_through_order_management(tmp_path: Path) -> None:
    session = _session(tmp_path)
    action = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-1")
    assert action.blocked is None and action.amount == Decimal("10.00") and action.to_json()["dry_run"] is True
    before = len(_stripe_refunds(session, PI_1009))
    result = action.execute()
    assert result.status == "done" and result.agree is True and result.oms_id
    assert len(_stripe_refunds(session, PI_1009)) == before + 1
    assert action.execute() is result  # a second click changes nothing
    assert len(_stripe_refunds(session, PI_1009)) == before + 1
    lines = [json.loads(line) for line in (tmp_path / "journal.jsonl").read_text().splitlines()]
    assert [line["type"] for line in lines] == ["intent", "result"] and lines[1]["status"] == "done"
    assert lines[0]["key"] == action.idempotency_key and "sk_test" not in json.dumps(lines)
    _agree(session, "00001009")


def test_the_same_plan_made_again_is_blocked_saying_when(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-1").execute()
    again = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-1")
    assert again.blocked is not None and "already made on 2026-11-20T15:00:00+00:00" in again.blocked
    session.sandbox.clear_logs()
    with pytest.raises(ActionRefusedError):
        again.execute()
    assert session.sandbox.stripe.log.count == 0


def test_a_direct_refund_is_recorded_in_order_management(tmp_path: Path) -> None:
    session = _session(tmp_path)
    action = session.plan_refund("00001009", "7.00", reason=REASON, case_reference="CS-7", via="stripe")
    assert "bypasses Order Management" in action.to_text()
    result = action.execute()
    assert result.status == "done" and result.stripe_id and result.oms_id and result.agree
    refund = next(r for r in _stripe_refunds(session, PI_1009) if r["id"] == result.stripe_id)
    assert refund["metadata"]["case_reference"] == "CS-7" and refund["metadata"]["order_number"] == "00001009"
    _agree(session, "00001009")


@pytest.mark.parametrize("fault", ["timeout_after_stripe", "timeout_before_stripe"])
def test_a_lost_connector_answer_leaves_exactly_one_refund(tmp_path: Path, fault: str) -> None:
    session = _session(tmp_path)
    before = len(_stripe_refunds(session, PI_1009))
    session.sandbox.connector.fault(fault)
    first = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-2").execute()
    retried = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-2")
    if fault == "timeout_after_stripe":
        assert first.status == "done" and "Recorded in Order Management" in first.message
        assert retried.blocked is not None  # it is done: a repeat must be deliberate
    else:
        assert first.status == "not_done"
        assert retried.blocked is None and retried.execute().status == "done"
    assert len(_stripe_refunds(session, PI_1009)) == before + 1
    _agree(session, "00001009")


@pytest.mark.parametrize(("fault", "count"), [("response_lost", 1), ("server_error", 2), ("server_error", 3)])
def test_a_lost_stripe_answer_leaves_exactly_one_direct_refund(tmp_path: Path, fault: str, count: int) -> None:
    session = _session(tmp_path)
    before = len(_stripe_refunds(session, PI_1009))
    session.sandbox.stripe.faults.fail("/v1/refunds", fault, count=count, method="POST")
    result = session.plan_refund("00001009", "7.00", reason=REASON, case_reference="CS-3", via="stripe").execute()
    made = len(_stripe_refunds(session, PI_1009)) - before
    if result.status == "done":
        assert made == 1 and result.agree
    else:  # three 500s: Stripe never acted, and says so
        assert (result.status, made) == ("not_done", 0)
    _agree(session, "00001009")


@pytest.mark.parametrize(("order", "words"), [
    ("00001009", "more than the"),                     # an over-refund
    ("00001020", "Nothing was captured"),              # an authorization not captured
    ("00001017", "Nothing was captured"),              # an expired authorization
    ("00001040", "is disputed"),                       # a disputed charge
])
def test_refusals_come_before_any_request(tmp_path: Path, order: str, words: str) -> None:
    session = _session(tmp_path)
    amount = "9999.00" if order == "00001009" else None
    try:
        action = session.plan_refund(order, amount, reason=REASON, case_reference="CS-4")
    except Exception as error:  # an order with nothing captured has no Payment to name
        assert "nothing was captured" in str(error).lower()
        return
    assert action.blocked is not None and words in action.blocked
    session.sandbox.clear_logs()
    with pytest.raises(ActionRefusedError):
        action.execute()
    assert session.sandbox.org.log.count == 0 and session.sandbox.stripe.log.count == 0


def test_no_write_without_allow_writes(tmp_path: Path) -> None:
    session = connect(data_dir=tmp_path)
    action = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-5")
    session.sandbox.clear_logs()
    with pytest.raises(ActionRefusedError, match="allow_writes=True"):
        action.execute()
    assert session.sandbox.org.log.count == 0 and session.sandbox.stripe.log.count == 0
    assert not (tmp_path / "journal.jsonl").exists()


def test_a_change_since_the_preview_stops_the_action(tmp_path: Path) -> None:
    session = _session(tmp_path)
    action = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-6")
    session.stripe.v1.refunds.create(params={"payment_intent": PI_1009, "amount": 100})  # someone, meanwhile
    with pytest.raises(ActionRefusedError, match="Since the preview"):
        action.execute()


def test_a_recapture_of_a_timed_out_capture(tmp_path: Path) -> None:
    session = _session(tmp_path)
    action = session.plan_recapture("00001024", case_reference="CS-8")
    assert action.blocked is None and action.amount == Decimal("74.00")
    result = action.execute()
    assert result.status == "done" and result.agree
    assert session.stripe.v1.payment_intents.retrieve(action.plan.payment_intent).status == "succeeded"
    assert session.plan_recapture("00001024", case_reference="CS-8").blocked is not None  # nothing left


def test_a_recapture_whose_answer_was_lost_is_recorded_once(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.sandbox.connector.fault("timeout_after_stripe")
    result = session.plan_recapture("00001024", case_reference="CS-8").execute()
    assert result.status == "done" and "Recorded in Order Management" in result.message and result.agree


class _Crash(Exception):
    pass


@pytest.mark.parametrize("point", ["intent written", "request sent"])
@pytest.mark.parametrize("via", ["oms", "stripe"])
def test_an_intent_left_by_a_crash_is_resolved_at_the_next_start(tmp_path: Path, point: str, via: str) -> None:
    session = _session(tmp_path)
    box = session.sandbox
    before = len(_stripe_refunds(session, PI_1009))

    def crash(at: str) -> None:
        if at == point:
            raise _Crash(at)

    action = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-9", via=via)  # type: ignore
    action.checkpoint = crash
    with pytest.raises(_Crash):
        action.execute()
    del session, action  # the process stops; a new one opens the same sandbox and journal
    restarted = connect(sandbox=box, data_dir=tmp_path, allow_writes=True, retry=RetryPolicy(sleep=lambda s: None))
    restarted.journal  # noqa: B018 - opening the journal resolves what was left open
    (resolved,) = restarted.resolved_at_start
    made = len(_stripe_refunds(restarted, PI_1009)) - before
    assert (resolved.status, made) == (("not_done", 0) if point == "intent written" else ("done", 1))
    assert not restarted.journal.open_intents()
    _agree(restarted, "00001009")


def test_a_live_system_needs_the_order_number_typed(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.mode = "live"  # the sandbox playing a live org: the rule reads the session's mode
    action = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-10")
    with pytest.raises(ActionRefusedError, match="type the order number"):
        action.execute()
    assert action.execute(confirm_order_number="00001009").status == "done"


def test_a_change_without_a_block_still_stops_the_action(tmp_path: Path) -> None:
    session = _session(tmp_path)
    action = session.plan_refund("00001009", "10.00", reason=REASON, case_reference="CS-11")
    session.plan_refund("00001009", "1.00", reason=REASON, case_reference="CS-12").execute()  # a colleague's
    with pytest.raises(ActionRefusedError, match="changed in Order Management or Stripe since the preview"):
        action.execute()
