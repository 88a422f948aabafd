"""The triage widget driven from Python: filters, picking a row shows its order's trace, the action hook."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")

from toolkit.session import Session, connect
from toolkit.widgets.triage import NO_ROW, TriageState, TriageWidget, recapture_action


@pytest.fixture(scope="module")
def demo() -> Session:
    session = connect(use_dotenv=False, env={})
    session.schema.prefixes()
    return session


@pytest.fixture(scope="module")
def diagnosis(demo: Session):
    return demo.diagnose()


def test_filters_narrow_the_table_and_the_picker(demo: Session, diagnosis) -> None:
    widget = TriageWidget(TriageState(diagnosis, trace=demo.trace))
    assert widget.cause.options[0] == "All" and "AUTH_EXPIRED" in widget.cause.options
    assert len(widget.picker.options) == 1 + len(diagnosis.rows) and widget.picker.value == NO_ROW
    widget.cause.value = "AUTH_EXPIRED"
    assert widget.state.cause == "AUTH_EXPIRED" and [r.cause.value for r in widget.state.rows] == ["AUTH_EXPIRED"] * 2
    assert "2 row(s)" in widget.table.value and len(widget.picker.options) == 3
    widget.currency.value = "EUR"
    assert len(widget.state.rows) == 1 and widget.state.rows[0].order_number == "00001045"
    widget.clear.click()
    assert (widget.cause.value, widget.currency.value) == ("All", "All") and len(widget.state.rows) == 14
    widget.retryable.value = "yes"
    assert {r.cause.value for r in widget.state.rows} == {"TIMEOUT_NOT_CAPTURED", "STRIPE_API_ERROR"}


def test_picking_a_row_shows_its_orders_trace_below(demo: Session, diagnosis) -> None:
    box = demo.sandbox
    assert box is not None
    widget = TriageWidget(TriageState(diagnosis, trace=demo.trace))
    assert "Pick a row" in widget.trace_view.value
    row = next(r for r in diagnosis.rows if r.order_number == "00001028")
    widget.picker.value = row.log_id
    assert widget.state.selected == row and widget.state.trace.order_numbers == ["00001028"]
    assert "Trace of" in widget.trace_view.value and "00001028" in widget.trace_view.value
    box.clear_logs()
    widget.picker.value = NO_ROW
    widget.picker.value = row.log_id  # traced once per row
    assert box.org.log.count == 0 and box.stripe.log.count == 0
    widget.cause.value = "AUTH_EXPIRED"  # the filters drop the selected row: it is unselected
    assert widget.state.selected is None and widget.picker.value == NO_ROW and "Pick a row" in widget.trace_view.value


def test_a_row_that_cannot_be_traced_says_why(diagnosis) -> None:
    from toolkit.errors import NotFoundError

    def refuse(subject: str) -> None:
        raise NotFoundError(f"No PaymentGatewayLog {subject} in Salesforce, or no order behind it.")

    widget = TriageWidget(TriageState(diagnosis, trace=refuse))
    widget.picker.value = diagnosis.rows[0].log_id
    assert widget.state.trace is None and "No PaymentGatewayLog" in widget.trace_view.value


def test_the_action_hook_runs_on_the_selected_row_only(diagnosis) -> None:
    done = []
    widget = TriageWidget(TriageState(diagnosis, on_action=lambda row: done.append(row.log_id) or "queued"))
    assert widget.act_button.disabled
    widget.act_button.click()
    assert done == []
    widget.picker.value = diagnosis.rows[3].log_id
    assert not widget.act_button.disabled
    widget.act_button.click()
    assert done == [diagnosis.rows[3].log_id] and widget.state.action_result == "queued"
    assert "queued" in widget.trace_view.value
    without = TriageWidget(TriageState(diagnosis))
    without.picker.value = diagnosis.rows[0].log_id
    assert without.act_button.disabled and without.state.act() is None


def test_its_text_view_is_deterministic(diagnosis) -> None:
    widget = TriageWidget(TriageState(diagnosis))
    bundle = widget._repr_mimebundle_()
    assert bundle["text/plain"] == ("Triage of 14 failed capture(s): 14 shown (cause All, retryable All, "
                                    "currency All)")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def _retryable_row(diagnosis, cause: str):
    return next(r for r in diagnosis.rows if r.cause.value == cause)


def test_a_retryable_row_plans_a_recapture_and_confirms_it_once() -> None:
    session = connect(use_dotenv=False, env={}, allow_writes=True)
    diagnosis = session.diagnose()
    row = _retryable_row(diagnosis, "TIMEOUT_NOT_CAPTURED")
    widget = TriageWidget(TriageState(diagnosis, trace=session.trace,
                                      on_action=recapture_action(session, case_reference="CS-9001")))
    assert widget.act_button.description == "Plan a re-capture (dry run)" and widget.confirm_button.disabled
    widget.picker.value = row.log_id
    before = len(session.journal.entries())
    widget.act_button.click()
    action = widget.state.action_result
    assert action.plan.kind == "recapture" and action.blocked is None and action.result is None
    assert action.plan.order_number == row.order_number
    assert "commerce/payments/authorizations/" in action.plan.request["path"]
    assert not widget.confirm_button.disabled and "; action planned" in widget.summary()
    assert len(session.journal.entries()) == before  # planning journals nothing
    widget.confirm_button.click()
    outcome = widget.state.outcome
    assert outcome.status == "done", outcome.message
    assert widget.confirm_button.disabled and "; action done" in widget.summary()
    assert widget.state.confirm() is None  # a second confirm does nothing
    again = session.plan_recapture(row.log_id, case_reference="CS-9001")
    assert again.blocked  # nothing left to capture, or the repeat is refused


def test_a_row_whose_cause_is_not_retryable_previews_blocked(demo: Session, diagnosis) -> None:
    row = _retryable_row(diagnosis, "AUTH_EXPIRED")
    state = TriageState(diagnosis, on_action=recapture_action(demo, case_reference="CS-9002"))
    state.select(row.log_id)
    action = state.act()
    assert action is not None and action.blocked and not state.can_confirm
    assert state.confirm() is None and state.outcome is None


def test_a_refused_plan_is_one_sentence_not_a_crash(demo: Session, diagnosis) -> None:
    state = TriageState(diagnosis, on_action=recapture_action(demo, case_reference="  "))
    state.select(diagnosis.rows[0].log_id)
    assert state.act() is None and state.error and "case reference" in state.error
