"""The cross-system trace: from anything an analyst holds to the order's whole payment story.

``trace(session, subject)`` runs in three steps:

1. fetch (:mod:`toolkit.investigate.fetch`): the record chain and the Stripe objects, through the session's
   two gateways, Salesforce and Stripe concurrently, within 3 Salesforce and 4 Stripe requests;
2. analyse (:mod:`toolkit.analysis.trace_analysis`, pure): per OrderPaymentSummary the evidence, then the
   findings, the reconciliation and the timeline;
3. render (:mod:`toolkit.views`): ``_repr_html_`` in JupyterLab, ``to_text()`` in a terminal, ``to_json()`` for
   the command line, and DataFrames (:meth:`Trace.timeline_frame`, :meth:`Trace.reconciliation_frame`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.findings import Finding
from toolkit.analysis.reconciliation import ReconciliationRow
from toolkit.analysis.timeline import TimelineRow
from toolkit.analysis.trace_analysis import Fetched, analyse_fetched, ops_evidence
from toolkit.core.budget import RequestBudget
from toolkit.core.incomplete import Incomplete
from toolkit.core.text import redact_json
from toolkit.investigate.fetch import STRIPE_BUDGET, fetch
from toolkit.investigate.subjects import Subject, parse_subject
from toolkit.salesforce.record_chain import RecordChain
from toolkit.views import display, tables
from toolkit.views.exports import export_evidence

if TYPE_CHECKING:
    from toolkit.session import DataSource, Session

__all__ = ["Trace", "analyse", "ops_evidence", "trace"]


@dataclass(frozen=True, eq=False)
class Trace:
    """One investigation: the subject, the orders, the chain, Stripe's objects and the conclusions."""

    subject: Subject
    order_numbers: list[str]
    chain: RecordChain
    stripe: list[StripePaymentEvidence]
    evidence: list[OpsEvidence]
    timeline: list[TimelineRow]
    reconciliation: list[ReconciliationRow]
    findings: list[Finding]
    now: datetime
    notes: list[str] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)
    source: DataSource | None = None

    @property
    def payment_intents(self) -> list[str]:
        return [pe.id for pe in self.stripe]

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON (``docs/cli.md``): amounts as strings, times as ISO 8601 UTC, then the fields
        every command carries (``source``, ``incomplete``); free text redacted."""
        return redact_json({
            "subject": self.subject.value,
            "order_numbers": list(self.order_numbers),
            "payment_intents": self.payment_intents,
            "findings": [f.to_json() for f in self.findings],
            "timeline": [row.to_json() for row in self.timeline],
            "reconciliation": [row.to_json() for row in self.reconciliation],
            "source": self.source.to_json() if self.source is not None else None,
            "incomplete": [item.to_json() for item in self.incomplete],
        })

    def timeline_frame(self) -> pd.DataFrame:
        """The timeline as a DataFrame: one row per event, times as UTC datetimes, amounts as Decimal."""
        return tables.timeline_frame(self.timeline)

    def reconciliation_frame(self) -> pd.DataFrame:
        """The reconciliation as a DataFrame: per payment summary and quantity, OMS, Stripe and the difference."""
        return tables.reconciliation_frame(self.reconciliation)

    def findings_frame(self) -> pd.DataFrame:
        """The findings as a DataFrame: code, severity, subject, amount, currency, message, remediation."""
        return tables.findings_frame(self.findings)

    def export(self, path: str | Path) -> Path:
        """Write the trace to ``path`` as evidence for a ticket: ``.html``, one self-contained page (what the notebook
        shows, every section open); ``.xlsx``, sheets Timeline, Reconciliation and Findings; ``.csv`` or ``.parquet``,
        the timeline (:mod:`toolkit.views.exports`). Returns the path."""
        return export_evidence(
            path, title=f"Trace of {self.subject.value}", html=self._repr_html_,
            frames=lambda: {"Timeline": self.timeline_frame(), "Reconciliation": self.reconciliation_frame(),
                            "Findings": self.findings_frame()},
            note="Exported by the OMS + Stripe investigation toolkit.",
            source=self.source.label if self.source is not None else None, as_of=f"{self.now:%Y-%m-%dT%H:%M:%SZ}")

    def to_text(self) -> str:
        return display.trace_text(self)

    def findings_text(self) -> str:
        """Only the findings section of :meth:`to_text`, with what to do."""
        return display.findings_text(self.findings)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        codes = ", ".join(str(f.code) for f in self.findings) or "no findings"
        return f"Trace(subject={self.subject.value!r}, orders={self.order_numbers!r}, {codes})"

    def _repr_html_(self) -> str:
        return display.trace_html(self)


def trace(session: Session, subject: str | Subject, *, pool: ThreadPoolExecutor | None = None) -> Trace:
    """Trace ``subject`` (a ``pi_``/``ch_``/``txn_``/``re_`` id, an order number, or an OrderSummary,
    OrderPaymentSummary, PaymentAuthorization, Payment, Refund or PaymentGatewayLog id).

    InputError for a malformed subject, NotFoundError when neither system knows it.
    """
    schema = session.schema  # describes, fetched once per session
    parsed = subject if isinstance(subject, Subject) else parse_subject(subject, schema.prefixes())
    now = session.clock.now()
    salesforce = session.salesforce_gateway(RequestBudget("Salesforce"))
    stripe = session.stripe_gateway(RequestBudget("Stripe", STRIPE_BUDGET))
    fetched = fetch(salesforce, stripe, parsed, now, schema=schema, pool=pool or session.pool)
    return analyse(parsed, fetched, now, key_live=session.stripe_livemode, source=session.data_source)


def analyse(subject: Subject, fetched: Fetched, now: datetime, *, key_live: bool | None = None,
            source: DataSource | None = None) -> Trace:
    """Everything a trace concludes from what was fetched (:func:`toolkit.analysis.trace_analysis.analyse_fetched`);
    issues no request."""
    result = analyse_fetched(fetched, now, key_live=key_live)
    chain = fetched.chain if isinstance(fetched.chain, RecordChain) else RecordChain(
        **{name: list(getattr(fetched.chain, name)) for name in (
            "order_summaries", "payment_summaries", "authorizations", "payments", "refunds", "refund_line_payments",
            "gateway_logs")})
    return Trace(subject=subject, order_numbers=result.order_numbers, chain=chain, stripe=result.stripe,
                 evidence=result.evidence, timeline=result.timeline, reconciliation=result.reconciliation,
                 findings=result.findings, now=now, notes=result.notes, incomplete=result.incomplete, source=source)


