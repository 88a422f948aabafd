"""The triage of a failed-capture diagnosis: the rows filterable by cause, retryable and currency; picking a row
shows that order's trace below the table.

Two parts, so tests drive it from Python:

- :class:`TriageState`: a plain object holding the diagnosis, the filters, the rows they keep, the selected row
  and its trace. Filtering is :func:`toolkit.analysis.failed_captures.filter_rows`; tracing is the function given
  (``session.trace``). ``on_action`` is the hook for *an action on the selected row* (a guided re-capture, say):
  :meth:`TriageState.act` calls it with the selected :class:`~toolkit.analysis.capture_causes.CaptureDiagnosis` and
  keeps what it returns. The triage implements no action itself.
- :class:`TriageWidget`: small ipywidgets (three dropdowns, a table, a row picker, a trace view, an action button)
  bound to the state; no rule of its own. Set a dropdown's ``value`` or the picker's ``value``, or ``click()`` a
  button, and the state and the views follow.

:func:`recapture_action` is the hook for a guided re-capture: the action button plans one (a dry run, through
``session.plan_recapture``) for the selected row's authorization and previews it; when the preview is not
blocked, the confirm button (with the order number typed again against a live system) executes it once, with
every check of the refund wizard (re-read of both systems, idempotency key, journal).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from toolkit.analysis.capture_causes import CaptureDiagnosis
from toolkit.analysis.failed_captures import ALL, filter_rows, options
from toolkit.core.text import redact
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.actions.guided import GuidedAction
    from toolkit.investigate.diagnose import Diagnosis
    from toolkit.session import Session

__all__ = ["NO_ROW", "TriageState", "TriageWidget", "recapture_action"]

#: The picker's value when no row is selected.
NO_ROW = ""
Tracer = Callable[[str], Any]
Action = Callable[[CaptureDiagnosis], Any]


def recapture_action(session: Session, *, case_reference: str, acknowledge: tuple[str, ...] = ()) -> Action:
    """The triage's action hook planning a guided re-capture of the selected row (a dry run; see the module doc).

    The row's gateway log names the authorization; the plan is ``session.plan_recapture(log_id, ...)``, so a row
    whose cause is not retryable, or whose PaymentIntent cannot be captured any more, previews blocked, with the
    reason."""

    def plan(row: CaptureDiagnosis) -> GuidedAction:
        return session.plan_recapture(row.log_id, case_reference=case_reference, acknowledge=acknowledge)

    plan.label = "Plan a re-capture (dry run)"  # type: ignore[attr-defined]
    return plan


def _executable(value: Any) -> bool:
    """Whether an action's result is a guided action that can still be confirmed (not blocked, not executed)."""
    return callable(getattr(value, "execute", None)) and not getattr(value, "blocked", True) and getattr(
        value, "result", True) is None


class TriageState:
    """What the triage shows (see the module docstring). ``trace`` traces a subject (a gateway log id);
    ``on_action`` is the hook for an action on the selected row, None when there is none."""

    def __init__(self, diagnosis: Diagnosis, trace: Tracer | None = None, on_action: Action | None = None) -> None:
        self.diagnosis = diagnosis
        self.tracer = trace
        self.on_action = on_action
        self.cause = ALL
        self.retryable = ALL
        self.currency = ALL
        self.selected: CaptureDiagnosis | None = None
        self.trace: Any = None
        self.error: str | None = None
        self.action_result: Any = None
        self.outcome: Any = None
        self.busy = False
        self._traces: dict[str, Any] = {}

    @property
    def options(self) -> dict[str, list[str]]:
        """The choices of each filter, ``"All"`` first."""
        return options(self.diagnosis.rows)

    @property
    def rows(self) -> list[CaptureDiagnosis]:
        """The rows the filters keep, oldest first."""
        return filter_rows(self.diagnosis.rows, cause=self.cause, retryable=self.retryable, currency=self.currency)

    def set_filters(self, *, cause: str | None = None, retryable: str | None = None,
                    currency: str | None = None) -> None:
        """Change some filters; a selected row the filters no longer keep is unselected."""
        self.cause = cause if cause is not None else self.cause
        self.retryable = retryable if retryable is not None else self.retryable
        self.currency = currency if currency is not None else self.currency
        if self.selected is not None and self.selected not in self.rows:
            self.select(None)

    def clear_filters(self) -> None:
        self.set_filters(cause=ALL, retryable=ALL, currency=ALL)

    def select(self, log_id: str | None) -> None:
        """Select the row of gateway log ``log_id`` (None or ``""``: none) and trace it (once per row)."""
        self.action_result = None
        self.outcome = None
        self.error = None
        row = next((r for r in self.rows if r.log_id == log_id), None) if log_id else None
        self.selected = row
        self.trace = None
        if row is None or self.tracer is None:
            return
        if row.log_id not in self._traces:
            try:
                self._traces[row.log_id] = self.tracer(row.log_id)
            except ToolkitError as exc:
                self.error = " ".join(str(exc).split())
                return
        self.trace = self._traces[row.log_id]

    @property
    def can_act(self) -> bool:
        return self.on_action is not None and self.selected is not None

    def act(self) -> Any:
        """Run the action hook on the selected row; returns (and keeps) what it returns. Nothing without a hook or a
        selection."""
        if not self.can_act:
            return None
        assert self.on_action is not None and self.selected is not None
        self.outcome, self.error = None, None
        try:
            self.action_result = self.on_action(self.selected)
        except ToolkitError as exc:
            self.action_result, self.error = None, " ".join(str(exc).split())
        return self.action_result

    @property
    def can_confirm(self) -> bool:
        """A guided action was planned, is not blocked, not yet executed, and no request is in flight."""
        return _executable(self.action_result) and not self.busy

    def confirm(self, typed_order: str | None = None) -> Any:
        """Execute the planned guided action once (it re-reads both systems first); against a live system
        ``typed_order`` must repeat the order number. Returns (and keeps) its result."""
        if not self.can_confirm:
            return None
        self.busy, self.error = True, None
        try:
            self.outcome = self.action_result.execute(confirm_order_number=typed_order or None)
        except ToolkitError as exc:
            self.error = " ".join(str(exc).split())
        finally:
            self.busy = False
        return self.outcome


def _html_of(value: Any) -> str:
    """An action's preview or result as HTML: its own view when it has one, else its text."""
    if hasattr(value, "_repr_html_"):
        return str(value._repr_html_())
    return f"<p><b>Action:</b> {escape(redact(str(value)))}</p>"


def _label(row: CaptureDiagnosis) -> str:
    return (f"{row.created:%Y-%m-%d %H:%M}  {row.log_number or row.log_id}  order {row.order_number or '?'}  "
            f"{row.cause}  ({row.retryable})  {row.to_json()['amount_at_risk']} {row.currency}")


def _rows_html(rows: list[CaptureDiagnosis]) -> str:
    td = 'style="padding:1px 6px"'
    head = "".join(f"<th {td}>{h}</th>" for h in ("Created (UTC)", "Log", "Order", "Cause", "Retryable", "At risk"))
    body = "".join(
        f"<tr><td {td}>{row.created:%Y-%m-%d %H:%M}</td><td {td}>{escape(row.log_number or row.log_id)}</td>"
        f"<td {td}>{escape(row.order_number or '—')}</td><td {td}><b>{escape(str(row.cause))}</b></td>"
        f"<td {td}>{escape(str(row.retryable))}</td>"
        f"<td {td}>{escape(row.to_json()['amount_at_risk'])} {escape(row.currency)}</td></tr>" for row in rows)
    return f"<div>{len(rows)} row(s)</div><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class TriageWidget:
    """The triage's widgets over a :class:`TriageState` (see the module docstring)."""

    def __init__(self, state: TriageState) -> None:
        self.state = state
        choices = state.options
        self.cause = widgets.Dropdown(options=choices["cause"], value=state.cause, description="Cause")
        self.retryable = widgets.Dropdown(options=choices["retryable"], value=state.retryable,
                                          description="Retryable")
        self.currency = widgets.Dropdown(options=choices["currency"], value=state.currency, description="Currency")
        self.clear = widgets.Button(description="Clear filters")
        self.table = widgets.HTML()
        self.picker = widgets.Select(description="Row", rows=8, layout=widgets.Layout(width="95%"))
        self.act_button = widgets.Button(description=getattr(state.on_action, "label", "Act on the selected row"),
                                         disabled=True, layout=widgets.Layout(width="auto"),
                                         tooltip="Runs the action hook given to the triage (none by default)")
        self.typed_order = widgets.Text(description="Order no.", placeholder="type it to confirm (live only)")
        self.confirm_button = widgets.Button(description="Confirm", button_style="danger", disabled=True)
        self.trace_view = widgets.HTML()
        self.view = widgets.VBox([widgets.HBox([self.cause, self.retryable, self.currency, self.clear]), self.table,
                                  self.picker, self.act_button, widgets.HBox([self.typed_order, self.confirm_button]),
                                  self.trace_view])
        for dropdown, name in ((self.cause, "cause"), (self.retryable, "retryable"), (self.currency, "currency")):
            dropdown.observe(lambda change, name=name: self._filter(name, change["new"]), names="value")
        self.picker.observe(lambda change: self._pick(change["new"]), names="value")
        self.clear.on_click(lambda _button: self._clear())
        self.act_button.on_click(lambda _button: self._act())
        self.confirm_button.on_click(lambda _button: self._confirm())
        self._refresh()

    def _filter(self, name: str, value: str) -> None:
        self.state.set_filters(**{name: value})
        self._refresh()

    def _clear(self) -> None:
        self.state.clear_filters()
        self.cause.value, self.retryable.value, self.currency.value = ALL, ALL, ALL
        self._refresh()

    def _pick(self, log_id: str) -> None:
        if (self.state.selected.log_id if self.state.selected else NO_ROW) != log_id:
            self.state.select(log_id or None)
        self._refresh_trace()

    def _act(self) -> None:
        self.state.act()
        self._refresh_trace()

    def _confirm(self) -> None:
        self.confirm_button.disabled = True  # no second click while the request is in flight
        self.state.confirm(self.typed_order.value)
        self._refresh_trace()

    def _refresh(self) -> None:
        rows = self.state.rows
        self.table.value = _rows_html(rows)
        selected = self.state.selected.log_id if self.state.selected else NO_ROW
        self.picker.options = [("— pick a row to trace its order —", NO_ROW), *((_label(r), r.log_id) for r in rows)]
        self.picker.value = selected
        self._refresh_trace()

    def _refresh_trace(self) -> None:
        state = self.state
        self.act_button.disabled = not state.can_act
        if state.error:
            html = f'<p style="color:#b3261e">{escape(redact(state.error))}</p>'
        elif state.trace is not None:
            html = state.trace._repr_html_() if hasattr(state.trace, "_repr_html_") else escape(str(state.trace))
        else:
            html = "<p style=\"color:#555\">Pick a row to see its order's trace here.</p>"
        self.confirm_button.disabled = not state.can_confirm
        if state.outcome is not None:
            html = _html_of(state.outcome) + html
        elif state.action_result is not None:
            html = _html_of(state.action_result) + html
        self.trace_view.value = html

    def summary(self) -> str:
        """One line: what the triage shows now."""
        s = self.state
        picked = f"; selected {s.selected.log_number or s.selected.log_id}" if s.selected else ""
        if s.outcome is not None:
            picked += f"; action {getattr(s.outcome, 'status', 'done')}"
        elif s.action_result is not None:
            picked += "; action blocked" if getattr(s.action_result, "blocked", None) else "; action planned"
        return (f"Triage of {len(s.diagnosis.rows)} failed capture(s): {len(s.rows)} shown (cause {s.cause}, "
                f"retryable {s.retryable}, currency {s.currency}){picked}")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = dict(self.view._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = self.summary()  # deterministic, unlike the widgets' model ids
        return bundle
