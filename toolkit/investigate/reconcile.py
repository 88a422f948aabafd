"""Batch reconciliation: every payment summary of the orders created in a window, Order Management beside Stripe.

``reconcile(session, since, until)`` runs in three steps:

1. fetch (:mod:`toolkit.investigate.reconcile_fetch`): the window's records from both systems in a few hundred
   paged requests (REST API or, past the threshold, Bulk API 2.0; Stripe's lists sliced and read concurrently under
   its rate limit), counted per system;
2. analyse (:mod:`toolkit.analysis.batch`, pure): per payment summary the trace's own evidence, findings and four
   reconciled quantities; ORPHAN_PAYMENT_INTENT rows; the summary by finding and currency;
3. render (:mod:`toolkit.views`): DataFrames, text, HTML, and exports to CSV, Excel and Parquet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.analysis.batch import BatchRow, SummaryRow, analyse_batch, orphan_row, summarize
from toolkit.core.budget import RequestBudget
from toolkit.core.clock import parse_instant
from toolkit.core.incomplete import Incomplete
from toolkit.core.money import format_amount
from toolkit.core.pacing import Pacer, stripe_rate
from toolkit.core.text import redact_json
from toolkit.investigate.reconcile_fetch import BatchSettings, fetch_window, listed_refunds
from toolkit.investigate.window import checked_window
from toolkit.views import batch as views
from toolkit.views.exports import export_evidence
from toolkit.views.progress import record_bars

if TYPE_CHECKING:
    from toolkit.session import DataSource, Session

__all__ = ["DEFAULT_WINDOW", "Reconciliation", "reconcile"]

DEFAULT_WINDOW = timedelta(days=30)


def _amount(value: Any, currency: str) -> str | None:
    return None if value is None else format_amount(value, currency)


@dataclass(frozen=True, eq=False)
class Reconciliation:
    """A window's payment summaries reconciled (one :class:`~toolkit.analysis.batch.BatchRow` each, then the orphan
    PaymentIntents), the summary by finding and currency, the requests it took and what could not be read."""

    since: datetime
    until: datetime
    now: datetime
    rows: list[BatchRow]
    summary: list[SummaryRow]
    requests: dict[str, int]
    requests_by_kind: dict[str, dict[str, int]]
    path: str = ""
    confirmed: list[str] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)
    source: DataSource | None = None

    # --- frames ------------------------------------------------------------------------------------------
    def rows_frame(self) -> pd.DataFrame:
        """One row per payment summary (and orphan PaymentIntent): OMS and Stripe amounts, differences, codes."""
        return views.rows_frame(self.rows)

    def findings_frame(self) -> pd.DataFrame:
        """One row per finding, with its order number and payment summary."""
        return views.findings_frame(self.rows)

    def summary_frame(self) -> pd.DataFrame:
        """Per finding code and currency: rows, findings, amount (currencies never added together)."""
        return views.summary_frame(self.summary)

    def export(self, path: str | Path) -> Path:
        """Write the result to ``path``: ``.csv`` or ``.parquet`` (one row per payment summary, with the order number
        and the finding codes), ``.xlsx`` (sheets: payment summaries, findings, summary), ``.html`` (one
        self-contained page: what the notebook shows, with the chart of the findings by currency embedded)."""
        from toolkit.views.charts import findings_chart

        return export_evidence(
            path, title=f"Reconciliation of the orders created from {self.since:%Y-%m-%d %H:%M} to "
                        f"{self.until:%Y-%m-%d %H:%M} UTC",
            html=self._repr_html_,
            frames=lambda: {"Payment summaries": self.rows_frame(), "Findings": self.findings_frame(),
                            "Summary": self.summary_frame()},
            charts=[("Disagreements by finding, per currency", lambda: findings_chart(self)[0])],
            note="Exported by the OMS + Stripe investigation toolkit.",
            source=self.source.label if self.source is not None else None, as_of=f"{self.now:%Y-%m-%dT%H:%M:%SZ}")

    def largest(self, currency: str) -> BatchRow | None:
        """The payment summary of ``currency`` where the two systems differ most: the largest absolute difference
        of its four quantities (amounts are compared only within one currency); None when none differs."""
        scored = [(max((abs(q.difference) for q in row.reconciliation if q.difference is not None), default=Decimal(0)),
                   index) for index, row in enumerate(self.rows) if row.currency == currency and row.ops_id]
        best = max(scored, default=(Decimal(0), -1))
        return self.rows[best[1]] if best[0] > 0 else None

    # --- the command line's JSON and the views ------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The command line's JSON (``docs/cli.md``), then ``source`` and ``incomplete``; free text redacted."""
        rows = []
        for row in self.rows:
            created = parse_instant(row.order_created).strftime("%Y-%m-%dT%H:%M:%SZ") if row.order_created else None
            item: dict[str, Any] = {"order_number": row.order_number, "ops_id": row.ops_id,
                                    "order_created": created, "currency": row.currency,
                                    "payment_intents": list(row.payment_intents)}
            for quantity, stem in views.QUANTITY_COLUMNS.items():
                found = row.quantity(quantity)
                item[stem] = {"oms": _amount(found.oms if found else None, row.currency),
                              "stripe": _amount(found.stripe if found else None, row.currency),
                              "difference": _amount(found.difference if found else None, row.currency)}
            item.update(codes=row.codes, findings=[f.to_json() for f in row.findings], complete=row.complete)
            rows.append(item)
        return redact_json({
            "since": self.since.strftime("%Y-%m-%dT%H:%M:%SZ"), "until": self.until.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "rows": rows,
            "summary": [{"code": s.code, "severity": s.severity, "currency": s.currency, "rows": s.rows,
                         "findings": s.findings, "amount": _amount(s.amount, s.currency)} for s in self.summary],
            "requests": {"salesforce": self.requests["Salesforce"], "stripe": self.requests["Stripe"],
                         "stripe_confirmations": self.requests["Stripe confirmations"], "salesforce_path": self.path},
            "source": self.source.to_json() if self.source is not None else None,
            "incomplete": [item.to_json() for item in self.incomplete]})

    def to_text(self) -> str:
        return views.reconciliation_text(self)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        flagged = sum(1 for row in self.rows if row.findings)
        return (f"Reconciliation({self.since:%Y-%m-%d} to {self.until:%Y-%m-%d}, rows={len(self.rows)}, "
                f"with findings={flagged}, incomplete={len(self.incomplete)})")

    def _repr_html_(self) -> str:
        return views.reconciliation_html(self)


def reconcile(session: Session, since: datetime | None = None, until: datetime | None = None, *,
              progress: bool | None = None, settings: BatchSettings | None = None,
              stripe_rate_limit: float | None = None) -> Reconciliation:
    """Reconcile every payment summary of the orders created in ``[since, until]`` (both included, to the second;
    default: the 30 days up to the session clock's now) against Stripe.

    ``progress``: the record counters per system (None: the widget in Jupyter, a bar on a terminal, none otherwise;
    False: none). ``settings``: the Bulk API 2.0 threshold and the Stripe spans
    (:class:`~toolkit.investigate.reconcile_fetch.BatchSettings`). ``stripe_rate_limit``: requests a second to Stripe
    (default: Stripe's limit for the key's mode, 25 in test mode, 100 live).
    InputError for a bad window.
    """
    now = session.clock.now()
    since, until = checked_window(since, until, now, DEFAULT_WINDOW)
    since, until = since.replace(microsecond=0), until.replace(microsecond=0)
    salesforce = session.salesforce_gateway(RequestBudget("Salesforce"))
    stripe = session.stripe_gateway(RequestBudget("Stripe"),
                                    pacer=Pacer(stripe_rate_limit or stripe_rate(session.stripe_livemode)))
    bars = record_bars(("Salesforce", "Stripe"), progress)
    try:
        fetched = fetch_window(salesforce, stripe, session.schema, since, until, now, settings=settings,
                               on_records=bars.add)
    finally:
        bars.close()
    rows: list[BatchRow] = []
    if fetched.salesforce_complete:
        rows = analyse_batch(fetched.chain, fetched.fetched, now, listed=fetched.listed,
                             refunds_by_charge=fetched.refunds_by_charge, unread=fetched.unread,
                             key_live=session.stripe_livemode)
    rows += [orphan_row(pi, listed_refunds(fetched, pi)) for pi in fetched.orphans]
    confirmations = sum(count for kind, count in stripe.budget.by_kind.items()
                        if kind.startswith("retrieve") and not kind.endswith("(retry)"))
    return Reconciliation(
        since=since, until=until, now=now, rows=rows, summary=summarize(rows),
        requests={"Salesforce": salesforce.budget.used, "Stripe": stripe.budget.used,
                  "Stripe confirmations": confirmations},
        requests_by_kind={"Salesforce": dict(salesforce.budget.by_kind), "Stripe": dict(stripe.budget.by_kind)},
        path=fetched.path, confirmed=fetched.confirmed, incomplete=fetched.incomplete, source=session.data_source)
