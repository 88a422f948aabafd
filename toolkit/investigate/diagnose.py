"""Failed-capture diagnosis over a window: why did Order Management's captures fail, and what is at risk?

Order Management's Ensure Funds reports success even when the connector's capture failed; the failure shows only
as a PaymentGatewayLog row. :func:`diagnose` reads every failed or timed-out capture created in [since, until],
gives each its cause (:func:`toolkit.analysis.capture_causes.diagnose_capture_failure`), and sums the money at
risk per cause and currency.

The request plan, with k failed logs in the window and M PaymentIntents created from 7 days before its start to
its end (an authorization's lifetime), within ceil(k / 2000) + 5 Salesforce and min(k, ceil(M / 100)) + 10 Stripe
requests (:func:`toolkit.analysis.read_plan.diagnosis_budget`; the exceptions are listed in ``docs/cli.md``):

1. Salesforce, concurrently (:mod:`toolkit.salesforce.capture_reads`): the summaries with a failed capture in the
   window, each with its order number, references and failed captures (Response, not Request: 2,000 rows a
   page); the window's failed captures without a summary; Order Management's count of payment summaries per
   day of the lookback window (the stand-in for M). The rows without a summary are then tied to the summary of
   the record their ReferencedEntityId names (one statement per object).
2. Stripe (:mod:`toolkit.investigate.payment_intent_reads`): per-object retrieval or the created-window listing
   with expand, whichever the counts make cheaper (:func:`toolkit.analysis.read_plan.plan_reads`); concurrent,
   paced under Stripe's rate limit, 429s retried by the gateway.
3. Salesforce again, only when a row's cause could depend on it: the Request (the amount asked for) of those rows.

A row whose cause would stand on a read that failed is not guessed: it is listed in ``incomplete`` instead.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from toolkit.analysis.capture_causes import CaptureDiagnosis, diagnose_capture_failure, summarize
from toolkit.analysis.evidence import OpsEvidence
from toolkit.analysis.failed_captures import (
    evidence_per_summary,
    needs_request,
    request_could_change_cause,
    retryable_examples,
)
from toolkit.analysis.payment_state import AUTHORIZATION_WINDOW
from toolkit.analysis.read_plan import Need, plan_reads
from toolkit.analysis.trace_analysis import Fetched
from toolkit.core.clock import parse_instant
from toolkit.core.incomplete import Incomplete
from toolkit.core.pacing import Pacer, stripe_rate
from toolkit.core.progress import SILENT, Progress
from toolkit.core.text import redact_json
from toolkit.errors import BudgetExceededError, InputError, ServiceError, ToolkitError
from toolkit.investigate.payment_intent_reads import StripeReads, read_payment_intents
from toolkit.investigate.window import checked_window
from toolkit.salesforce import capture_reads
from toolkit.salesforce.capture_reads import CaptureRecords
from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.schema import SchemaCache
from toolkit.views import failed_captures as views
from toolkit.views.exports import export_evidence

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from toolkit.session import DataSource, Session

__all__ = ["CONCURRENCY", "DEFAULT_WINDOW", "LISTING_SPANS", "Diagnosis", "diagnose", "needs_of"]

DEFAULT_WINDOW = timedelta(days=30)
#: Requests in flight at once, per system: Salesforce statements, Stripe retrievals.
CONCURRENCY = 8
#: Spans of a Stripe listing read concurrently (each paged in order).
LISTING_SPANS = 4
#: The currency of a row whose summary and referenced record are both unknown (its amount at risk is 0 anyway).
_UNKNOWN_CURRENCY = "USD"
Record = dict[str, Any]
Strategy = Literal["auto", "retrieve", "list"]


@dataclass(frozen=True)
class Diagnosis:
    """The failed captures of a window with their causes. A row whose cause cannot be told because a read failed
    is not in ``rows`` (nor in the summary): it is in ``incomplete``, which every view shows first.

    ``stats`` says how the data was read (not part of the JSON): failed logs, the Stripe plan and its estimate,
    the PaymentIntents the listing's pages held, the rows whose Request was read, requests per system.
    """

    since: datetime
    until: datetime
    rows: list[CaptureDiagnosis]
    incomplete: list[Incomplete] = field(default_factory=list)
    source: DataSource | None = None
    stats: dict[str, Any] = field(default_factory=dict, compare=False)

    def summary(self) -> list[dict[str, Any]]:
        """Count and amount at risk per cause and currency (``{"cause", "count", "amount_at_risk", "currency"}``)."""
        return summarize(self.rows)

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON (``docs/cli.md``), with the fields every command carries; free text redacted."""
        return redact_json({
            "since": self.since.strftime("%Y-%m-%dT%H:%M:%SZ"), "until": self.until.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "rows": [row.to_json() for row in self.rows], "summary": self.summary(),
            "source": self.source.to_json() if self.source is not None else None,
            "incomplete": [item.to_json() for item in self.incomplete]})

    def to_text(self) -> str:
        return views.diagnosis_text(self)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (f"Diagnosis({self.since:%Y-%m-%d %H:%M} to {self.until:%Y-%m-%d %H:%M} UTC, {len(self.rows)} rows, "
                f"{len(self.incomplete)} incomplete)")

    def _repr_html_(self) -> str:
        return views.diagnosis_html(self)

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame: created (UTC), log, order, PaymentIntent, cause, retryable, amount at risk
        (Decimal), currency, what to do."""
        return views.diagnosis_frame(self.rows)

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a DataFrame: cause, currency, count, amount at risk (Decimal), in rule order."""
        return views.summary_frame(self.rows)

    def retryable_examples(self) -> list[CaptureDiagnosis]:
        """The earliest row of each cause whose retry can work: the ones to trace before acting."""
        return retryable_examples(self.rows)

    def causes_chart(self) -> Figure:
        """Failed captures per day and cause over the window (matplotlib)."""
        from toolkit.views.capture_charts import failures_chart

        return failures_chart(self.rows, self.since, self.until)

    def money_chart(self) -> Figure:
        """Money at risk per cause, one panel per currency (matplotlib)."""
        from toolkit.views.capture_charts import money_chart

        return money_chart(self.rows)

    def export(self, path: str | Path) -> Path:
        """Write the diagnosis to ``path`` as evidence for a ticket: ``.html``, one self-contained page (what the
        notebook shows, with both charts embedded); ``.xlsx``, sheets Failed captures and Summary; ``.csv`` or
        ``.parquet``, the failed captures (:mod:`toolkit.views.exports`). Returns the path."""
        return export_evidence(
            path, title=f"Failed captures from {self.since:%Y-%m-%d %H:%M} to {self.until:%Y-%m-%d %H:%M} UTC",
            html=self._repr_html_, frames=lambda: {"Failed captures": self.frame(), "Summary": self.summary_frame()},
            charts=[("Failed captures per day and cause", self.causes_chart),
                    ("Money at risk per cause, per currency", self.money_chart)],
            note="Exported by the OMS + Stripe investigation toolkit.",
            source=self.source.label if self.source is not None else None,
            as_of=f"{self.until:%Y-%m-%dT%H:%M:%SZ} (the window's end)")


def needs_of(records: CaptureRecords) -> list[Need]:
    """The Stripe references the records hold (authorizations' and payments' ``pi_``/``txn_``), each with when Order
    Management recorded it."""
    out: dict[str, Need] = {}
    for record in [*records.authorizations, *records.payments]:
        ref = str(record.get("GatewayRefNumber") or "").strip()
        if not ref.startswith(("pi_", "txn_")):
            continue
        created = parse_instant(record["CreatedDate"]) if record.get("CreatedDate") else None
        known = out.get(ref)
        if known is None or (created is not None and (known.recorded is None or created < known.recorded)):
            out[ref] = Need(ref, created)
    return [out[key] for key in sorted(out)]


def _instant(option: str, value: datetime | str | None) -> datetime | None:
    if not isinstance(value, str):
        return value
    try:
        return parse_instant(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not an ISO 8601 date-time such as 2026-11-20T15:00:00Z.") from None


def diagnose(session: Session, since: datetime | str | None = None, until: datetime | str | None = None, *,
             progress: Progress = SILENT, strategy: Strategy = "auto") -> Diagnosis:
    """Diagnose every failed or timed-out capture in [since, until] (datetimes or ISO 8601 text; default: the last
    30 days of the session clock). ``strategy`` forces Stripe's reads (``"retrieve"`` or ``"list"``; benchmarks
    compare them)."""
    since, until = checked_window(_instant("--since", since), _instant("--until", until), session.clock.now(),
                                  DEFAULT_WINDOW)
    # SOQL datetimes have whole seconds and the statement's end is exclusive: the window's last second is in
    window = capture_reads.failed_in_window(since.replace(microsecond=0),
                                            until.replace(microsecond=0) + timedelta(seconds=1))
    lookback = (since - AUTHORIZATION_WINDOW, until)
    schema = session.schema
    failures: list[Incomplete] = []
    stats: dict[str, Any] = {"strategy": None}
    with ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="diagnose") as pool:
        salesforce = session.salesforce_gateway(executor=pool)
        progress.phase("Salesforce: failed captures", None)
        main = pool.submit(capture_reads.summaries, salesforce, schema, capture_reads.with_failures_scope(window),
                           window=window)
        loose = pool.submit(capture_reads.unlinked_logs, salesforce, window)
        per_day = pool.submit(capture_reads.summaries_per_day, salesforce, *lookback)
        records = main.result()  # without it there is nothing to diagnose: raised
        try:
            unlinked = loose.result()
        except (ServiceError, BudgetExceededError) as exc:
            failures.append(Incomplete.from_error(exc, "the failed captures without a payment summary", "Salesforce"))
            unlinked = []
        try:
            day_counts: dict[Any, int] | None = per_day.result()
        except (ServiceError, BudgetExceededError):
            day_counts = None  # only a planning aid: the reads fall back to retrieving each PaymentIntent
        records.gateway_logs.extend(unlinked)
        summary_of = _tie_unlinked(salesforce, schema, records, unlinked, failures)
        stats["failed_logs"] = len(records.gateway_logs)
        if not records.gateway_logs:
            return Diagnosis(since, until, [], failures, session.data_source, _finish(stats, salesforce, None))
        needs = needs_of(records)
        estimate = sum(day_counts.values()) if day_counts is not None else None
        plan = plan_reads(needs, lookback, estimate, day_counts=day_counts, concurrency=LISTING_SPANS,
                          strategy=strategy)
        stripe = session.stripe_gateway(pacer=Pacer(stripe_rate(session.stripe_livemode)))
        reads = read_payment_intents(stripe, needs, plan, pool, progress)
        stats.update(strategy=plan.strategy, estimate=estimate, listed=reads.listed, references=len(needs),
                     reason=plan.reason)
        rows, undetermined, evidence = _classify(session, records, reads, summary_of, failures[0] if failures else None)
        rows, undetermined = _with_requests(salesforce, window, records, rows, evidence, undetermined, stats)
    rows.sort(key=lambda r: (r.created, r.log_id))
    incomplete = [*failures, *reads.incomplete(), *undetermined]
    return Diagnosis(since, until, rows, incomplete, session.data_source, _finish(stats, salesforce, stripe))


def _finish(stats: dict[str, Any], salesforce: SalesforceGateway, stripe: Any) -> dict[str, Any]:
    stats["salesforce_requests"] = salesforce.budget.used
    stats["stripe_requests"] = stripe.budget.used if stripe is not None else 0
    return stats


def _tie_unlinked(salesforce: SalesforceGateway, schema: SchemaCache, records: CaptureRecords,
                  unlinked: list[Record], failures: list[Incomplete]) -> dict[str, str]:
    """Record id -> summary id for the records the rows without a summary reference; their summaries (with
    references) join ``records``. A failed read is recorded in ``failures``."""
    by_object: dict[str, list[str]] = {}
    for record_id in dict.fromkeys(str(r["ReferencedEntityId"]) for r in unlinked if r.get("ReferencedEntityId")):
        try:
            name = schema.object_for_id(record_id)
        except ToolkitError:
            continue
        if name in ("PaymentAuthorization", "Payment", "Refund"):
            by_object.setdefault(name, []).append(record_id)
    if not by_object:
        return {}
    try:
        found, summary_of = capture_reads.summaries_of_records(salesforce, schema, by_object)
    except (ServiceError, BudgetExceededError) as exc:
        count = sum(len(ids) for ids in by_object.values())
        failures.append(Incomplete.from_error(exc, f"the payment summaries of {count} record(s) that failed captures "
                                                   "without a summary reference", "Salesforce"))
        return {}
    records.merge(replace(found, gateway_logs=[]))
    return summary_of


def _row_name(row: Record) -> str:
    return str(row.get("PaymentGatewayLogNumber") or row.get("Id") or "")


def _classify(session: Session, records: CaptureRecords, reads: StripeReads, summary_of: dict[str, str],
              locate_failed: Incomplete | None
              ) -> tuple[list[CaptureDiagnosis], list[Incomplete], dict[str, OpsEvidence]]:
    """Each row's cause from what was read (no request); a row whose cause stands on a failed read is undetermined.
    Returns (rows, undetermined, the evidence by log id)."""
    side = reads.side
    fetched = Fetched(chain=records, payment_intents=side.payment_intents, txn_to_pi=side.txn_to_pi,
                      missing=side.missing)
    evidence = evidence_per_summary(fetched, session.stripe_livemode)
    rows, undetermined, used = [], [], {}
    for row in records.gateway_logs:
        ops_id = row.get("OrderPaymentSummaryId") or summary_of.get(str(row.get("ReferencedEntityId") or ""))
        item = evidence.get(ops_id) if ops_id else None
        unread = [why for ref in item.references if (why := reads.unread(ref.value))] if item else []
        lost = locate_failed if item is None and not row.get("OrderPaymentSummaryId") else None
        if lost is not None or unread:
            # the cause stands on what could not be read: say so instead of guessing (rule 1 would say "not found")
            why = unread[0] if unread else lost
            assert why is not None
            undetermined.append(Incomplete(why.system, f"the cause of the failed capture {_row_name(row)}",
                                           why.error, why.request_id, why.kind))
            continue
        if item is None:  # no summary found, every read answered: diagnosed from the row alone (no reference)
            item = OpsEvidence(ops={}, order_number=None, currency=_UNKNOWN_CURRENCY, gateway_logs=[row])
        rows.append(diagnose_capture_failure(row, item))
        used[str(row.get("Id"))] = item
    return rows, undetermined, used


def _with_requests(salesforce: SalesforceGateway, window: Any, records: CaptureRecords, rows: list[CaptureDiagnosis],
                   evidence: dict[str, OpsEvidence], undetermined: list[Incomplete], stats: dict[str, Any]
                   ) -> tuple[list[CaptureDiagnosis], list[Incomplete]]:
    """Read the Request of the rows whose cause could change with it (:func:`needs_request`), and classify them
    again; a row whose Request cannot be read is undetermined."""
    pending = [row for row in rows if needs_request(row, evidence.get(row.log_id))]
    stats["request_rows"] = len(pending)
    if not pending:
        return rows, undetermined
    logs = {str(log.get("Id")): log for log in records.gateway_logs}
    try:
        requests = capture_reads.requests_of(salesforce, [row.log_id for row in pending], window,
                                             len(records.gateway_logs))
    except (ServiceError, BudgetExceededError) as exc:
        failed = Incomplete.from_error(exc, "the Request of the failed captures whose cause depends on it",
                                       "Salesforce")
        unsure = [row for row in pending if request_could_change_cause(row)]
        names = {row.log_id for row in unsure}
        return ([row for row in rows if row.log_id not in names],
                [*undetermined, failed, *(Incomplete(failed.system, f"the cause of the failed capture "
                                                                    f"{row.log_number or row.log_id}", failed.error,
                                                     failed.request_id, failed.kind) for row in unsure)])
    again = {row.log_id: diagnose_capture_failure({**logs[row.log_id], "Request": requests.get(row.log_id)},
                                                  evidence[row.log_id]) for row in pending}
    return [again.get(row.log_id, row) for row in rows], undetermined
