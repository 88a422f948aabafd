"""Views of the failed-capture diagnosis and of the expiring authorizations: text for a terminal, HTML for
JupyterLab, DataFrames for notebooks and exports.

Deterministic, built from plain values; every value shown in HTML is escaped and free text redacted. Each view
opens with the data it read and, when a read failed, what could not be read, before any conclusion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.analysis.capture_causes import CaptureDiagnosis
from toolkit.analysis.expiring import ACTION_TEXT, Action, ExpiringAuthorization
from toolkit.core.text import redact
from toolkit.views.display import incomplete_html, incomplete_lines

if TYPE_CHECKING:
    from toolkit.investigate.diagnose import Diagnosis
    from toolkit.investigate.expiring import ExpiringAuthorizations
    from toolkit.investigate.trace import Trace

__all__ = ["DIAGNOSIS_COLUMNS", "EXPIRING_COLUMNS", "SUMMARY_COLUMNS", "diagnosis_frame", "diagnosis_html",
           "diagnosis_text", "expiring_frame", "expiring_html", "expiring_text", "summary_frame", "worked_example"]

DIAGNOSIS_COLUMNS = ["created", "log_id", "log_number", "order_number", "payment_intent", "cause", "retryable",
                     "amount_at_risk", "currency", "remediation"]
SUMMARY_COLUMNS = ["cause", "currency", "count", "amount_at_risk"]
EXPIRING_COLUMNS = ["deadline", "hours_left", "order_number", "ops_id", "payment_intent", "status", "amount",
                    "currency", "action"]
_TD = 'style="padding:2px 6px;vertical-align:top"'


def _e(value: object) -> str:
    return escape(redact(str(value)))


# --- frames ---------------------------------------------------------------------------------------------


def diagnosis_frame(rows: Iterable[CaptureDiagnosis]) -> pd.DataFrame:
    """One row per failed capture: ``created`` as UTC datetimes, ``amount_at_risk`` as Decimal."""
    data = [{"created": r.created, "log_id": r.log_id, "log_number": r.log_number, "order_number": r.order_number,
             "payment_intent": r.payment_intent, "cause": str(r.cause), "retryable": str(r.retryable),
             "amount_at_risk": r.amount_at_risk, "currency": r.currency, "remediation": redact(r.remediation)}
            for r in rows]
    frame = pd.DataFrame(data, columns=DIAGNOSIS_COLUMNS, dtype=object)
    frame["created"] = pd.to_datetime(frame["created"], utc=True)
    return frame


def summary_frame(rows: Iterable[CaptureDiagnosis]) -> pd.DataFrame:
    """Count and money at risk per cause and currency (never summed across currencies), in rule order."""
    from toolkit.analysis.capture_causes import summarize
    from toolkit.core.money import parse_amount

    data = [{"cause": s["cause"], "currency": s["currency"], "count": s["count"],
             "amount_at_risk": parse_amount(s["amount_at_risk"], s["currency"], allow_zero=True)}
            for s in summarize(rows)]
    return pd.DataFrame(data, columns=SUMMARY_COLUMNS)


def expiring_frame(rows: Iterable[ExpiringAuthorization]) -> pd.DataFrame:
    """One row per expiring authorization, soonest first; ``deadline`` as UTC datetimes, ``amount`` as Decimal."""
    data = [{"deadline": r.deadline, "hours_left": r.hours_left, "order_number": r.order_number, "ops_id": r.ops_id,
             "payment_intent": r.payment_intent, "status": r.status, "amount": r.amount, "currency": r.currency,
             "action": str(r.action)} for r in rows]
    frame = pd.DataFrame(data, columns=EXPIRING_COLUMNS, dtype=object)
    frame["deadline"] = pd.to_datetime(frame["deadline"], utc=True)
    return frame


# --- the diagnosis ----------------------------------------------------------------------------------------


def _window(d: Diagnosis) -> str:
    return f"{d.since:%Y-%m-%d %H:%M} to {d.until:%Y-%m-%d %H:%M} UTC"


def diagnosis_text(d: Diagnosis) -> str:
    """One line per failed capture with its "What to do", then one summary line per cause and currency."""
    lines = [f"Data: {d.source.label}."] if d.source is not None else []
    lines += incomplete_lines(d.incomplete)
    lines += [f"Failed captures from {_window(d)}: {len(d.rows)}{' diagnosed' if d.incomplete else ''}"]
    for row in d.rows:
        lines.append(f"  {row.created:%Y-%m-%d %H:%M}  {row.log_number or row.log_id}  order {row.order_number}  "
                     f"{row.payment_intent}  {row.cause}  retryable: {row.retryable}  at risk "
                     f"{row.to_json()['amount_at_risk']} {row.currency}")
        lines.append(f"    What to do: {row.remediation}")
    for item in d.summary():
        lines.append(f"  {item['cause']}: {item['count']} row(s), {item['amount_at_risk']} {item['currency']} "
                     "at risk")
    return redact("\n".join(lines) + "\n")


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f'<th {_TD}>{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td {_TD}>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def diagnosis_html(d: Diagnosis) -> str:
    """The summary per cause and currency, then every row with its "What to do" (click a row to read it)."""
    parts = ['<div class="toolkit-diagnosis">']
    if d.source is not None:
        parts.append(f'<div style="color:#555">Data: {_e(d.source.label)}.</div>')
    parts.append(incomplete_html(d.incomplete))
    at_risk = sum(1 for r in d.rows if r.amount_at_risk > 0)
    parts.append(f'<h4 style="margin:0.2em 0">Failed captures from {_e(_window(d))}: {len(d.rows)}'
                 f'{" diagnosed" if d.incomplete else ""}</h4>'
                 f'<div style="color:#555">{at_risk} with money at risk; amounts per currency, never added '
                 "across currencies.</div>")
    if d.rows:
        parts.append(_table(["Cause", "Currency", "Rows", "At risk"],
                            ([_e(s["cause"]), _e(s["currency"]), _e(s["count"]), _e(s["amount_at_risk"])]
                             for s in d.summary())))
        parts.append(f"<details><summary>Every failed capture ({len(d.rows)}), with what to do</summary>")
        parts.append(_table(
            ["Created (UTC)", "Log", "Order", "PaymentIntent", "Cause", "Retryable", "At risk", "What to do"],
            ([_e(f"{r.created:%Y-%m-%d %H:%M}"), _e(r.log_number or r.log_id), _e(r.order_number or "—"),
              f"<code>{_e(r.payment_intent or '—')}</code>", f"<b>{_e(r.cause)}</b>", _e(r.retryable),
              _e(f"{r.to_json()['amount_at_risk']} {r.currency}"), _e(r.remediation)] for r in d.rows)))
        parts.append("</details>")
    elif not d.incomplete:
        parts.append('<p style="color:#1e7b34"><b>No failed captures</b> in the window.</p>')
    parts.append("</div>")
    return "".join(parts)


# --- the expiring authorizations ----------------------------------------------------------------------------


def _horizon(x: ExpiringAuthorizations) -> str:
    return f"within {x.within_hours:g} hours of {x.as_of:%Y-%m-%d %H:%M} UTC"


def expiring_text(x: ExpiringAuthorizations) -> str:
    """One line per authorization, soonest first, with what to do; then the notes."""
    lines = [f"Data: {x.source.label}."] if x.source is not None else []
    lines += incomplete_lines(x.incomplete)
    lines.append(f"Authorizations Order Management still expects to capture, with a Stripe deadline passed or "
                 f"{_horizon(x)}: {len(x.rows)}")
    for row in x.rows:
        lines.append(f"  {row.sentence()}")
    for action in Action:
        if any(row.action is action for row in x.rows):
            lines.append(f"  {action}: {sum(1 for r in x.rows if r.action is action)} row(s). What to do: "
                         f"{ACTION_TEXT[action]}")
    lines += [f"Note: {note}" for note in x.notes]
    return redact("\n".join(lines) + "\n")


def expiring_html(x: ExpiringAuthorizations) -> str:
    parts = ['<div class="toolkit-expiring">']
    if x.source is not None:
        parts.append(f'<div style="color:#555">Data: {_e(x.source.label)}.</div>')
    parts.append(incomplete_html(x.incomplete))
    parts.append(f'<h4 style="margin:0.2em 0">Authorizations with a Stripe deadline passed or {_e(_horizon(x))}: '
                 f"{len(x.rows)}</h4>")
    if x.rows:
        colours = {Action.CAPTURE_NOW: "#8a5a00", Action.CONTACT_CUSTOMER: "#b3261e"}
        parts.append(_table(
            ["Deadline (UTC)", "Hours left", "Order", "PaymentIntent", "Status", "Amount", "Action"],
            ([_e(f"{r.deadline:%Y-%m-%d %H:%M}"), _e(f"{r.hours_left:g}"), _e(r.order_number or "—"),
              f"<code>{_e(r.payment_intent)}</code>", _e(r.status), _e(f"{r.to_json()['amount']} {r.currency}"),
              f'<b style="color:{colours[r.action]}">{_e(r.action)}</b>'] for r in x.rows)))
        parts.append("<ul>" + "".join(f"<li><b>{_e(action)}</b>: {_e(ACTION_TEXT[action])}</li>" for action in Action
                                      if any(r.action is action for r in x.rows)) + "</ul>")
    elif not x.incomplete:
        parts.append('<p style="color:#1e7b34"><b>None</b>: no authorization Order Management expects to capture '
                     "is about to expire.</p>")
    parts.extend(f'<p style="color:#555">Note: {_e(note)}</p>' for note in x.notes)
    parts.append("</div>")
    return "".join(parts)


# --- a worked example -----------------------------------------------------------------------------------------


def worked_example(row: CaptureDiagnosis, trace: Trace) -> str:
    """One failed capture in depth, for a terminal or a notebook: the row, why this cause, what the gateway log said,
    Stripe's state now (with the deadline of an authorization still open), the order's findings, what to do."""
    from toolkit.analysis.payment_state import authorization_deadline, minor
    from toolkit.core.money import format_money, to_major
    from toolkit.core.text import format_duration, format_instant

    at_risk = f"{row.to_json()['amount_at_risk']} {row.currency}"
    lines = [f"{row.cause} (retryable: {row.retryable}): order {row.order_number or '?'}, "
             f"{row.log_number or row.log_id} at {format_instant(row.created)}, {at_risk} at risk",
             f"  Why this cause: {row.evidence}"]
    log = next((g for g in trace.chain.gateway_logs if g.get("Id") == row.log_id), None)
    if log is not None:
        said = " / ".join(str(log.get(k)) for k in ("SfResultCode", "GatewayResultCode", "GatewayMessage")
                          if log.get(k))
        lines.append(f"  The gateway log said: {said or 'nothing'}")
    for pe in trace.stripe:
        if pe.id != row.payment_intent:
            continue
        pi = pe.payment_intent
        state = f"  Stripe now: {pe.id} is {pi.get('status')}"
        if pi.get("status") == "requires_capture":
            code = (pe.currency or row.currency).upper()
            state += f", {format_money(to_major(minor(pi, 'amount_capturable'), code), code)} capturable"
            deadline = authorization_deadline(pe)
            if deadline is not None:
                left = deadline - trace.now
                state += (f" until {format_instant(deadline)} (in {format_duration(left)})" if left.total_seconds() > 0
                          else f"; its deadline {format_instant(deadline)} has passed")
        lines.append(state)
    for finding in trace.findings:
        lines.append(f"  Finding {finding.code}: {finding.message}")
    lines.append(f"  What to do: {row.remediation}")
    return redact("\n".join(lines) + "\n")
