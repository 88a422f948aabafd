"""Views of a batch reconciliation: DataFrames, text for a terminal, HTML for JupyterLab.

Frames (typed: Decimal amounts, one row per item in the result's order):

- :func:`rows_frame`: one row per payment summary (and per orphan PaymentIntent), Order Management's four amounts
  beside Stripe's and their differences, the finding codes, whether the row was read whole;
- :func:`findings_frame`: one row per finding, with its order and payment summary;
- :func:`summary_frame`: per finding code and currency, how many rows and findings, and their amount.

Text and HTML open with the data read and what could not be read, then the summary, then the rows that disagree
(the first :data:`SHOWN` of them; the frames hold all). Free text is redacted. Amounts of different currencies are
never added together.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.analysis.batch import BatchRow, SummaryRow
from toolkit.core.money import format_amount
from toolkit.core.text import redact
from toolkit.views.display import incomplete_html, incomplete_lines

if TYPE_CHECKING:
    from toolkit.investigate.reconcile import Reconciliation

__all__ = ["QUANTITY_COLUMNS", "ROW_COLUMNS", "SHOWN", "findings_frame", "reconciliation_html",
           "reconciliation_text", "rows_frame", "summary_frame"]

#: quantity -> the column stem of the rows frame.
QUANTITY_COLUMNS = {"authorized": "authorized", "captured": "captured", "refunded": "refunded",
                    "available to capture": "available"}
ROW_COLUMNS = ["order_number", "ops_id", "order_created", "currency", "payment_intents",
               *(f"{side}_{stem}" for stem in QUANTITY_COLUMNS.values() for side in ("oms", "stripe", "difference")),
               "codes", "findings", "complete"]
SUMMARY_COLUMNS = ["code", "severity", "currency", "rows", "findings", "amount"]
FINDING_COLUMNS = ["order_number", "ops_id", "code", "severity", "subject", "amount", "currency", "message",
                   "remediation"]
#: Rows with findings shown by the text and HTML views (the frames hold every row).
SHOWN = 50


def _row(row: BatchRow) -> dict[str, Any]:
    data: dict[str, Any] = {"order_number": row.order_number, "ops_id": row.ops_id,
                            "order_created": row.order_created, "currency": row.currency,
                            "payment_intents": ", ".join(row.payment_intents)}
    for quantity, stem in QUANTITY_COLUMNS.items():
        found = row.quantity(quantity)
        data[f"oms_{stem}"] = found.oms if found else None
        data[f"stripe_{stem}"] = found.stripe if found else None
        data[f"difference_{stem}"] = found.difference if found else None
    data.update(codes=" ".join(row.codes), findings=len(row.findings), complete=row.complete)
    return data


def rows_frame(rows: Sequence[BatchRow]) -> pd.DataFrame:
    """One row per payment summary (orphan PaymentIntents: ``ops_id`` None); amounts Decimal (None when unknown),
    ``codes`` space-separated, ``order_created`` a UTC datetime."""
    frame = pd.DataFrame([_row(r) for r in rows], columns=ROW_COLUMNS, dtype=object)
    frame["order_created"] = pd.to_datetime(frame["order_created"], utc=True, format="ISO8601")
    frame["findings"] = frame["findings"].astype("int64")
    frame["complete"] = frame["complete"].astype(bool)
    return frame


def findings_frame(rows: Sequence[BatchRow]) -> pd.DataFrame:
    """One row per finding of every row, with the row's order number and payment summary."""
    data = [{"order_number": r.order_number, "ops_id": r.ops_id, "code": str(f.code), "severity": str(f.severity),
             "subject": f.subject, "amount": f.amount, "currency": f.currency, "message": redact(f.message),
             "remediation": f.remediation} for r in rows for f in r.findings]
    return pd.DataFrame(data, columns=FINDING_COLUMNS, dtype=object)


def summary_frame(summary: Sequence[SummaryRow]) -> pd.DataFrame:
    """Per finding code and currency: rows carrying it, findings, their amount (Decimal, None without amounts)."""
    data = [{"code": s.code, "severity": s.severity, "currency": s.currency, "rows": s.rows, "findings": s.findings,
             "amount": s.amount} for s in summary]
    frame = pd.DataFrame(data, columns=SUMMARY_COLUMNS, dtype=object)
    for column in ("rows", "findings"):
        frame[column] = frame[column].astype("int64")
    return frame


def _money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else format_amount(value, currency)


def _head(r: Reconciliation) -> list[str]:
    disagree = sum(1 for row in r.rows if row.findings)
    orphans = sum(1 for row in r.rows if row.ops_id is None)
    return [f"Reconciliation of the orders created from {r.since:%Y-%m-%d %H:%M:%S} to {r.until:%Y-%m-%d %H:%M:%S} "
            f"UTC, as of {r.now:%Y-%m-%d %H:%M} UTC",
            f"{len(r.rows) - orphans} payment summaries ({r.path or 'not read'}), {orphans} orphan PaymentIntents; "
            f"{disagree} with findings.",
            f"Requests: {r.requests['Salesforce']} Salesforce, {r.requests['Stripe']} Stripe "
            f"({r.requests['Stripe confirmations']} single retrieves to confirm what the lists did not return)."]


def reconciliation_text(r: Reconciliation) -> str:
    """For a terminal: heading, the summary by finding and currency, then each row with findings."""
    lines = [f"Data: {r.source.label}."] if r.source is not None else []
    lines += incomplete_lines(r.incomplete)
    lines += [*_head(r), ""]
    if r.summary:
        lines.append("Findings by code and currency")
        lines.append(f"  {'code':<30} {'severity':<8} {'currency':<8} {'rows':>6} {'findings':>8} {'amount':>14}")
        for s in r.summary:
            lines.append(f"  {s.code:<30} {s.severity:<8} {s.currency:<8} {s.rows:>6} {s.findings:>8} "
                         f"{_money(s.amount, s.currency):>14}")
        lines.append("")
    flagged = [row for row in r.rows if row.findings]
    if flagged:
        first = f", the first {SHOWN}" if len(flagged) > SHOWN else ""
        lines.append(f"Rows with findings ({len(flagged)}{first})")
        for row in flagged[:SHOWN]:
            captured, refunded = row.quantity("captured"), row.quantity("refunded")
            lines.append(f"  {row.order_number or '-':<10} {row.ops_id or '(no OMS order)':<18} {row.currency:<4} "
                         f"captured {_money(captured.oms if captured else None, row.currency)}/"
                         f"{_money(captured.stripe if captured else None, row.currency)} "
                         f"refunded {_money(refunded.oms if refunded else None, row.currency)}/"
                         f"{_money(refunded.stripe if refunded else None, row.currency)} (OMS/Stripe)  "
                         f"{' '.join(row.codes)}{'' if row.complete else '  [incomplete]'}")
    elif r.incomplete:
        lines.append("No findings from what could be read (see INCOMPLETE above).")
    else:
        lines.append("No findings: Order Management and Stripe agree on every payment summary of the window.")
    return redact("\n".join(lines) + "\n")


def reconciliation_html(r: Reconciliation) -> str:
    """For JupyterLab: heading, the summary table, and the rows with findings."""
    def e(value: object) -> str:
        return escape(redact(str(value)))

    parts = ['<div class="toolkit-reconciliation">']
    if r.source is not None:
        parts.append(f'<div style="color:#555">Data: {e(r.source.label)}.</div>')
    parts.append(incomplete_html(r.incomplete))
    head = _head(r)
    parts.append(f'<h4 style="margin:0.2em 0">{e(head[0])}</h4>')
    parts.append(f'<div style="color:#555">{e(head[1])} {e(head[2])}</div>')
    if r.summary:
        parts.append("<table><thead><tr><th>Finding</th><th>Severity</th><th>Currency</th><th>Rows</th>"
                     "<th>Findings</th><th>Amount</th></tr></thead><tbody>")
        for s in r.summary:
            colour = "#b3261e" if s.severity == "error" else "#8a5a00"
            parts.append(f'<tr><td style="color:{colour}"><b>{e(s.code)}</b></td><td>{e(s.severity)}</td>'
                         f"<td>{e(s.currency)}</td><td>{s.rows}</td><td>{s.findings}</td>"
                         f"<td>{e(_money(s.amount, s.currency))}</td></tr>")
        parts.append("</tbody></table>")
    flagged = [row for row in r.rows if row.findings]
    if flagged:
        more = f" (the first {SHOWN}; <code>.rows_frame()</code> has them all)" if len(flagged) > SHOWN else ""
        parts.append(f"<details><summary>Rows with findings: {len(flagged)}{more}</summary><table><thead><tr>"
                     "<th>Order</th><th>Payment summary</th><th>Currency</th><th>Captured OMS / Stripe</th>"
                     "<th>Refunded OMS / Stripe</th><th>Findings</th></tr></thead><tbody>")
        for row in flagged[:SHOWN]:
            captured, refunded = row.quantity("captured"), row.quantity("refunded")
            parts.append(
                f"<tr><td>{e(row.order_number or '')}</td><td><code>{e(row.ops_id or '(no OMS order)')}</code></td>"
                f"<td>{e(row.currency)}</td><td>{e(_money(captured.oms if captured else None, row.currency))} / "
                f"{e(_money(captured.stripe if captured else None, row.currency))}</td>"
                f"<td>{e(_money(refunded.oms if refunded else None, row.currency))} / "
                f"{e(_money(refunded.stripe if refunded else None, row.currency))}</td>"
                f"<td>{e(' '.join(row.codes))}{'' if row.complete else ' (incomplete)'}</td></tr>")
        parts.append("</tbody></table></details>")
    elif not r.incomplete:
        parts.append('<p style="color:#1e7b34"><b>No findings</b>: both systems agree on every payment summary.</p>')
    parts.append("</div>")
    return "".join(parts)
