"""Views of a guided action: the preview an analyst confirms (every check, the exact request, both systems'
amounts) and the result (what was done, and whether both systems agree now). Text and HTML; free text redacted."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

from toolkit.analysis.refund_plan import ActionPlan
from toolkit.core.money import format_money
from toolkit.core.text import redact

if TYPE_CHECKING:
    from toolkit.actions.guided import ActionResult
    from toolkit.session import DataSource

__all__ = ["plan_html", "plan_text", "result_html", "result_text"]

_VERB = {"refund": "Refund", "recapture": "Capture again"}


def _headline(plan: ActionPlan) -> str:
    path = "through Order Management (the connector)" if plan.via == "oms" else "directly at Stripe"
    money = format_money(plan.amount, plan.currency)
    return f"{_VERB[plan.kind]} {money} of order {plan.order_number or '?'} {path}, case {plan.case_reference}"


def _request_lines(plan: ActionPlan) -> list[str]:
    request = plan.request
    shown = {k: v for k, v in request.items() if k != "system"}
    return [f"{request.get('system')}: {json.dumps(shown, sort_keys=True, default=str)}"]


def plan_text(plan: ActionPlan, source: DataSource | None, result: ActionResult | None) -> str:
    lines = [f"Data: {source.label}."] if source is not None else []
    state = "BLOCKED" if plan.blocked else ("EXECUTED" if result else "DRY RUN (nothing sent)")
    lines += [f"{_headline(plan)}: {state}"]
    if plan.blocked:
        lines.append(f"  Why not: {plan.blocked}")
    lines.append(f"  Available: Order Management {format_money(plan.oms_available, plan.currency)}, Stripe "
                 f"{format_money(plan.stripe_available, plan.currency)}")
    if plan.differences:
        lines.append(f"  {plan.differences}")
    if plan.via == "stripe":
        lines.append("  Warning: a refund made directly at Stripe bypasses Order Management; the toolkit records it "
                     "there (an External Refund) right after, so both systems agree.")
    lines.append("  Checks:")
    lines += [f"    [{'ok' if ok else 'NO'}] {name}: {detail}" for name, ok, detail in plan.checks]
    lines.append(f"  Idempotency key: {plan.idempotency_key}")
    lines += [f"  Request: {line}" for line in _request_lines(plan)]
    if result is not None:
        lines.append(result_text(result).rstrip("\n"))
    return redact("\n".join(lines) + "\n")


def plan_html(plan: ActionPlan, source: DataSource | None, result: ActionResult | None) -> str:
    def e(value: Any) -> str:
        return escape(redact(str(value)))

    colour = "#b3261e" if plan.blocked else "#1e7b34"
    state = "Blocked" if plan.blocked else ("Executed" if result else "Dry run: nothing sent")
    parts = ['<div class="toolkit-action">']
    if source is not None:
        parts.append(f'<div style="color:#555">Data: {e(source.label)}.</div>')
    parts.append(f'<h4 style="margin:0.2em 0">{e(_headline(plan))}</h4><b style="color:{colour}">{e(state)}</b>')
    if plan.blocked:
        parts.append(f"<p>{e(plan.blocked)}</p>")
    parts.append("<table><tr><th></th><th>Order Management</th><th>Stripe</th></tr><tr><td>available</td>"
                 f"<td>{e(format_money(plan.oms_available, plan.currency))}</td>"
                 f"<td>{e(format_money(plan.stripe_available, plan.currency))}</td></tr></table>")
    if plan.differences:
        parts.append(f"<p>{e(plan.differences)}</p>")
    if plan.via == "stripe":
        parts.append("<p><b>Warning:</b> a refund made directly at Stripe bypasses Order Management; the toolkit "
                     "records it there right after.</p>")
    parts.append("<ul>" + "".join(f"<li>{'&#10003;' if ok else '&#10007;'} <b>{e(name)}</b>: {e(detail)}</li>"
                                  for name, ok, detail in plan.checks) + "</ul>")
    parts.append(f"<details><summary>The exact request</summary><code>{e(_request_lines(plan)[0])}</code><br>"
                 f"Idempotency key: <code>{e(plan.idempotency_key)}</code></details>")
    if result is not None:
        parts.append(result_html(result))
    parts.append("</div>")
    return "".join(parts)


def result_text(result: ActionResult) -> str:
    agree = {True: "both systems agree", False: "the systems still disagree: see the trace", None: ""}[result.agree]
    lines = [f"Result: {result.status.upper().replace('_', ' ')}: {result.message}" + (f" ({agree})" if agree else "")]
    if result.after is not None:
        codes = ", ".join(str(f.code) for f in result.after.findings) or "no findings"
        lines.append(f"  After: {codes}")
    return redact("\n".join(lines) + "\n")


def result_html(result: ActionResult) -> str:
    colour = {"done": "#1e7b34", "not_done": "#8a5a00", "unknown": "#b3261e", "partial": "#b3261e"}[result.status]
    after = result.after._repr_html_() if result.after is not None else ""
    return (f'<div style="border-left:4px solid {colour};padding:4px 8px"><b>{escape(result.status.replace("_", " "))}'
            f"</b>: {escape(redact(result.message))}</div>{after}")
