"""Renderers of a Trace: compact HTML for JupyterLab and plain text for a terminal.

Deterministic output built only from plain values (no StripeObject reprs, no memory addresses); every
value shown in HTML is escaped; free text is redacted (keys, session ids, tokens, emails) in both. Each view
opens with the data it read and, when a read failed, what could not be read: before any conclusion.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from toolkit.analysis.findings import Finding
from toolkit.core.incomplete import Incomplete
from toolkit.core.money import format_amount
from toolkit.core.text import redact

if TYPE_CHECKING:
    from toolkit.investigate.trace import Trace

__all__ = ["findings_text", "incomplete_html", "incomplete_lines", "trace_html", "trace_text"]

_COLOURS = {"error": "#b3261e", "warning": "#8a5a00"}
_BACKGROUNDS = {"error": "#fdecea", "warning": "#fff4e0"}


def _money(value: Decimal | None, currency: str | None) -> str:
    if value is None:
        return "—"
    return format_amount(value, currency) if currency else str(value)


def _heading(t: Trace) -> str:
    orders = ", ".join(t.order_numbers) or "no order"
    pis = ", ".join(t.payment_intents) or "no PaymentIntent"
    return f"Trace of {t.subject.value}: order {orders}; Stripe {pis}"


def incomplete_lines(incomplete: Sequence[Incomplete]) -> list[str]:
    """What could not be read, for a terminal (nothing when everything was read)."""
    if not incomplete:
        return []
    return ["INCOMPLETE: some data could not be read; nothing below depends on it, and it may miss findings:",
            *(f"  - {item.sentence()}" for item in incomplete), ""]


def incomplete_html(incomplete: Sequence[Incomplete]) -> str:
    if not incomplete:
        return ""
    items = "".join(f"<li>{escape(redact(item.sentence()))}</li>" for item in incomplete)
    return ('<div style="border-left:4px solid #b3261e;background:#fdecea;padding:4px 8px;margin:4px 0">'
            "<b>Incomplete:</b> some data could not be read; nothing below depends on it, and it may miss "
            f"findings.<ul style=\"margin:0\">{items}</ul></div>")


def _summary(t: Trace) -> str:
    """One line: how many findings of each severity, or healthy (only when everything was read)."""
    if not t.findings:
        return "No findings from what could be read." if t.incomplete else "Healthy: no findings."
    counts = {sev: sum(1 for f in t.findings if str(f.severity) == sev) for sev in ("error", "warning")}
    parts = [f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items() if n]
    return f"{len(t.findings)} finding{'s' if len(t.findings) != 1 else ''} ({', '.join(parts)}): " + ", ".join(
        str(f.code) for f in t.findings)


def findings_text(findings: Sequence[Finding], *, complete: bool = True) -> str:
    """The findings, each with its message and what to do (a blank line after), or the healthy line (only when
    everything was read)."""
    if not findings:
        if not complete:
            return "Findings: none from what could be read (see INCOMPLETE above).\n"
        return "Findings: none, the order's payment looks healthy.\n"
    lines = [f"Findings ({len(findings)})"]
    for f in findings:
        amount = f" {_money(f.amount, f.currency)} {f.currency}" if f.amount is not None else ""
        lines.append(f"  [{f.severity.upper()}] {f.code} on {f.subject}{amount}")
        lines.append(f"    {f.message}")
        lines.append(f"    What to do: {f.remediation}")
    return "\n".join(lines) + "\n"


def trace_text(t: Trace) -> str:
    """The trace for a terminal: heading, summary, reconciliation, findings with remediation, timeline."""
    lines = [f"Data: {t.source.label}."] if t.source is not None else []
    lines += incomplete_lines(t.incomplete)
    lines += [_heading(t), f"As of {t.now.strftime('%Y-%m-%d %H:%M UTC')}. {_summary(t)}", ""]
    if t.reconciliation:
        lines.append("Reconciliation (Order Management vs Stripe)")
        lines.append(f"  {'payment summary':<20} {'quantity':<22} {'OMS':>12} {'Stripe':>12} {'difference':>12}")
        for row in t.reconciliation:
            lines.append(f"  {row.ops_id:<20} {row.quantity:<22} {_money(row.oms, row.currency):>12} "
                         f"{_money(row.stripe, row.currency):>12} {_money(row.difference, row.currency):>12} "
                         f"{row.currency}")
        lines.append("")
    lines.append(findings_text(t.findings, complete=not t.incomplete))
    lines.append(f"Timeline ({len(t.timeline)} rows)")
    for event in t.timeline:
        amount = f" {_money(event.amount, event.currency)} {event.currency}" if event.amount is not None else ""
        status = f" [{event.status}]" if event.status else ""
        lines.append(f"  {event.time.strftime('%Y-%m-%d %H:%M:%S')}  {event.system:<10} {event.object:<20} "
                     f"{event.id}  {event.what}{amount}{status}")
    for note in t.notes:
        lines.append(f"Note: {note}")
    return redact("\n".join(lines) + "\n")


def trace_html(t: Trace) -> str:
    """The trace for JupyterLab: summary, amounts side by side, coloured findings, collapsible timeline."""
    def e(value: str) -> str:
        return escape(redact(value))

    parts = ['<div class="toolkit-trace">']
    if t.source is not None:
        parts.append(f'<div style="color:#555">Data: {e(t.source.label)}.</div>')
    parts.append(incomplete_html(t.incomplete))
    parts += [f'<h4 style="margin:0.2em 0">{e(_heading(t))}</h4>',
              f'<div style="color:#555">As of {e(t.now.strftime("%Y-%m-%d %H:%M UTC"))}. {e(_summary(t))}</div>']
    if t.reconciliation:
        parts.append('<table><thead><tr><th>Payment summary</th><th>Quantity</th><th>OMS</th><th>Stripe</th>'
                     '<th>Difference</th><th>Currency</th></tr></thead><tbody>')
        for row in t.reconciliation:
            style = ' style="font-weight:bold;color:#b3261e"' if row.matches is False else ""
            parts.append(f"<tr><td>{e(row.ops_id)}</td><td>{e(row.quantity)}</td>"
                         f"<td>{e(_money(row.oms, row.currency))}</td><td>{e(_money(row.stripe, row.currency))}</td>"
                         f"<td{style}>{e(_money(row.difference, row.currency))}</td><td>{e(row.currency)}</td></tr>")
        parts.append("</tbody></table>")
    if t.findings:
        parts.append('<ul style="list-style:none;padding-left:0">')
        for f in t.findings:
            colour, background = _COLOURS[str(f.severity)], _BACKGROUNDS[str(f.severity)]
            amount = f" · {e(_money(f.amount, f.currency))} {e(f.currency)}" if f.amount is not None else ""
            parts.append(
                f'<li style="border-left:4px solid {colour};background:{background};padding:4px 8px;margin:4px 0">'
                f'<b style="color:{colour}">{e(str(f.severity).upper())} {e(str(f.code))}</b> on '
                f"<code>{e(f.subject)}</code>{amount}<br>{e(f.message)}<br><i>What to do:</i> {e(f.remediation)}</li>")
        parts.append("</ul>")
    elif t.incomplete:
        parts.append('<p><b>No findings</b> from what could be read (see above).</p>')
    else:
        parts.append('<p style="color:#1e7b34"><b>No findings</b>: the order\'s payment looks healthy.</p>')
    parts.append(f"<details><summary>Timeline ({len(t.timeline)} rows)</summary><table><thead><tr><th>Time (UTC)"
                 "</th><th>System</th><th>Object</th><th>Id</th><th>What happened</th><th>Amount</th><th>Status</th>"
                 "</tr></thead><tbody>")
    for event in t.timeline:
        amount = f"{_money(event.amount, event.currency)} {event.currency}" if event.amount is not None else ""
        parts.append(f"<tr><td>{e(event.time.strftime('%Y-%m-%d %H:%M:%S'))}</td><td>{e(event.system)}</td>"
                     f"<td>{e(event.object)}</td><td><code>{e(event.id)}</code></td><td>{e(event.what)}</td>"
                     f"<td>{e(amount)}</td><td>{e(event.status or '')}</td></tr>")
    parts.append("</tbody></table></details>")
    parts.extend(f'<p style="color:#555">Note: {e(note)}</p>' for note in t.notes)
    parts.append("</div>")
    return "".join(parts)
