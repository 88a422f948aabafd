"""Failed-capture diagnosis over a window: why did Order Management's captures fail?

Fetch, through the session's gateways: the PaymentGatewayLog rows with InteractionType Capture and
InteractionStatus Failed or Timeout created in [since, until] (``gateway_logs.list``); the summaries of those
rows, and, for rows without OrderPaymentSummaryId, of the records their ReferencedEntityId names (the one
locate of :mod:`toolkit.salesforce.locate`, one statement per object, concurrently); the record chain of
those orders; the PaymentIntents their references name (concurrently). Analyse:
:func:`toolkit.analysis.capture_causes.diagnose_capture_failure` per row, and
:func:`toolkit.analysis.capture_causes.summarize`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.analysis.capture_causes import CaptureDiagnosis, diagnose_capture_failure, summarize
from toolkit.analysis.evidence import OpsEvidence
from toolkit.analysis.trace_analysis import Fetched, ops_evidence, stripe_evidence
from toolkit.core.incomplete import Incomplete
from toolkit.core.text import redact, redact_json
from toolkit.errors import BudgetExceededError, ServiceError, ToolkitError
from toolkit.investigate.fetch import StripeSide
from toolkit.investigate.window import checked_window
from toolkit.salesforce.frames import plain_record
from toolkit.salesforce.gateway_logs import gateway_logs_soql
from toolkit.salesforce.locate import Located
from toolkit.salesforce.record_chain import ChainReader, RecordChain, references_of
from toolkit.views.display import incomplete_lines

if TYPE_CHECKING:
    from toolkit.session import DataSource, Session

__all__ = ["Diagnosis", "diagnose"]

DEFAULT_WINDOW = timedelta(days=30)
#: The currency of a row whose summary and referenced record are both unknown (its amount at risk is 0 anyway).
_UNKNOWN_CURRENCY = "USD"
_BATCH = 200
Record = dict[str, Any]


@dataclass(frozen=True)
class Diagnosis:
    """The failed captures of a window with their causes. A row whose cause cannot be told because a read failed
    is not in ``rows`` (nor in the summary): it is in ``incomplete``, which every view shows first."""

    since: datetime
    until: datetime
    rows: list[CaptureDiagnosis]
    incomplete: list[Incomplete] = field(default_factory=list)
    source: DataSource | None = None

    def summary(self) -> list[dict[str, Any]]:
        return summarize(self.rows)

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON (``docs/cli.md``), with the fields every command carries; free text redacted."""
        return redact_json({
            "since": self.since.strftime("%Y-%m-%dT%H:%M:%SZ"), "until": self.until.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "rows": [row.to_json() for row in self.rows], "summary": self.summary(),
            "source": self.source.to_json() if self.source is not None else None,
            "incomplete": [item.to_json() for item in self.incomplete]})

    def to_text(self) -> str:
        lines = [f"Data: {self.source.label}."] if self.source is not None else []
        lines += incomplete_lines(self.incomplete)
        lines += [f"Failed captures from {self.since:%Y-%m-%d %H:%M} to {self.until:%Y-%m-%d %H:%M} UTC: "
                  f"{len(self.rows)}{' diagnosed' if self.incomplete else ''}"]
        for row in self.rows:
            lines.append(f"  {row.created:%Y-%m-%d %H:%M}  {row.log_number or row.log_id}  order {row.order_number}  "
                         f"{row.payment_intent}  {row.cause}  retryable: {row.retryable}  at risk "
                         f"{row.to_json()['amount_at_risk']} {row.currency}")
            lines.append(f"    What to do: {row.remediation}")
        for item in self.summary():
            lines.append(f"  {item['cause']}: {item['count']} row(s), {item['amount_at_risk']} {item['currency']} "
                         "at risk")
        return redact("\n".join(lines) + "\n")

    def __str__(self) -> str:
        return self.to_text()


def diagnose(session: Session, since: datetime | None = None, until: datetime | None = None) -> Diagnosis:
    """Diagnose every failed or timed-out capture in [since, until] (default: the last 30 days).

    A row without OrderPaymentSummaryId is tied to its summary through ReferencedEntityId (the
    PaymentAuthorization, Payment or Refund it names; a Refund without OrderPaymentSummaryId through its
    RefundLinePayments' Payment), one batched locate per object; a row whose summary cannot be found at all is
    still diagnosed, from what is known (no reference: PAYMENT_INTENT_NOT_FOUND).
    """
    since, until = checked_window(since, until, session.clock.now(), DEFAULT_WINDOW)
    # gateway_logs' ``until`` is exclusive and SOQL datetimes have whole seconds: the window's last second is in
    end = until.replace(microsecond=0) + timedelta(seconds=1)
    soql = gateway_logs_soql(since=since.replace(microsecond=0), until=end, interaction_type="Capture",
                             status=["Failed", "Timeout"])
    source = session.data_source
    failures: list[Incomplete] = []
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="diagnose") as pool:
        salesforce = session.salesforce_gateway(executor=pool)
        found = [plain_record(r) for r in salesforce.query(soql)]  # no rows to diagnose without it: raised
        if not found:
            return Diagnosis(since, until, [], source=source)
        reader = ChainReader(salesforce, session.schema)
        located = _locate_rows(reader, pool, found, failures)
        orders = [o for item in located for o in item.orders]
        try:
            chain = reader.of_orders(orders) if orders else RecordChain()
        except (ServiceError, BudgetExceededError) as exc:
            failures.append(Incomplete.from_error(exc, "the record chains of the failed captures", "Salesforce"))
            chain = RecordChain()
        st = StripeSide(session.stripe_gateway())
        list(pool.map(st.resolve, references_of(chain)))  # the PaymentIntents concurrently
    # the window's rows the summaries' own logs lack (no OrderPaymentSummaryId) join the chain, so the evidence of
    # the summary they reference holds them
    known = {log.get("Id") for log in chain.gateway_logs}
    chain.gateway_logs.extend(r for r in found if r.get("Id") not in known)
    fetched = Fetched(chain=chain, payment_intents=st.payment_intents, txn_to_pi=st.txn_to_pi, missing=st.missing)
    stripe = stripe_evidence(fetched, with_events=False)
    evidence = {ops["Id"]: ops_evidence(ops, chain, fetched, stripe, session.stripe_livemode)
                for ops in chain.payment_summaries}
    summary_of = _summary_of_records(chain, located)
    rows, undetermined = [], []
    for row in found:
        ops_id = row.get("OrderPaymentSummaryId") or summary_of.get(str(row.get("ReferencedEntityId") or ""))
        item = evidence.get(ops_id) if ops_id else None
        unread = [st.unread[ref.value] for ref in item.references if ref.value in st.unread] if item else []
        if (item is None and failures) or unread:
            # the cause stands on what could not be read: say so instead of guessing (rule 1 would say "not found")
            why = (unread or failures)[0]
            undetermined.append(Incomplete(why.system, f"the cause of the failed capture {_row_name(row)}",
                                           why.error, why.request_id, why.kind))
            continue
        if item is None:  # no summary found, every read answered: diagnosed from the row alone (no reference)
            item = OpsEvidence(ops={}, order_number=None, currency=_UNKNOWN_CURRENCY, gateway_logs=[row])
        rows.append(diagnose_capture_failure(row, item))
    rows.sort(key=lambda r: (r.created, r.log_id))
    return Diagnosis(since, until, rows, [*failures, *st.failures(), *undetermined], source)


def _row_name(row: Record) -> str:
    return str(row.get("PaymentGatewayLogNumber") or row.get("Id") or "")


def _locate_rows(reader: ChainReader, pool: ThreadPoolExecutor, rows: list[Record],
                 failures: list[Incomplete]) -> list[Located]:
    """The summaries of the rows: theirs by id, and those of the records the unlinked rows reference (a Refund
    also through its refund lines), one locate per object and batch of ids, run concurrently."""
    jobs: list[tuple[str, str, list[str]]] = []
    linked = sorted({str(r["OrderPaymentSummaryId"]) for r in rows if r.get("OrderPaymentSummaryId")})
    jobs += [("OrderPaymentSummary", "Id", linked[i:i + _BATCH]) for i in range(0, len(linked), _BATCH)]
    by_object: dict[str, list[str]] = {}
    for record_id in dict.fromkeys(str(r["ReferencedEntityId"]) for r in rows
                                   if not r.get("OrderPaymentSummaryId") and r.get("ReferencedEntityId")):
        try:
            name = reader.schema.object_for_id(record_id)
        except ToolkitError:
            continue
        if name in ("PaymentAuthorization", "Payment", "Refund"):
            by_object.setdefault(name, []).append(record_id)
    for name, ids in by_object.items():
        for i in range(0, len(ids), _BATCH):
            jobs.append((name, "Id", ids[i:i + _BATCH]))
            if name == "Refund":
                jobs.append(("RefundLinePayment", "RefundId", ids[i:i + _BATCH]))

    def run(job: tuple[str, str, list[str]]) -> Located:
        name, column, ids = job
        try:
            if name == "RefundLinePayment":
                return reader.locator.through_refund_lines(column, ids)
            return reader.locator.locate(name, column, ids)
        except (ServiceError, BudgetExceededError) as exc:
            failures.append(Incomplete.from_error(exc, f"the payment summaries of {len(ids)} {name} record(s)",
                                                  "Salesforce"))
            return Located([], [], "")

    return list(pool.map(run, jobs))


def _summary_of_records(chain: RecordChain, located: list[Located]) -> dict[str, str]:
    """Record id -> its OrderPaymentSummaryId, for the chain's payment records and the refunds located through
    their refund lines."""
    out = {str(r["Id"]): str(r["OrderPaymentSummaryId"]) for r in [*chain.authorizations, *chain.payments,
                                                                   *chain.refunds]
           if r.get("Id") and r.get("OrderPaymentSummaryId")}
    for item in located:
        for summary in item.summaries:
            if summary.get("RefundId") and summary.get("Id"):
                out.setdefault(str(summary["RefundId"]), str(summary["Id"]))
    return out
