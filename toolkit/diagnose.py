"""Failed-capture diagnosis over a window: why did Order Management's captures fail?

Fetch: the PaymentGatewayLog rows with InteractionType Capture and InteractionStatus Failed or Timeout
created in [since, until]; for rows without OrderPaymentSummaryId, the summaries of the records their
ReferencedEntityId names (batched); the record chains of those payment summaries; the PaymentIntents their
references name (concurrently). Analyse: :func:`toolkit.capture_causes.diagnose_capture_failure` per
row, and :func:`toolkit.capture_causes.summarize`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from simple_salesforce import format_soql

from toolkit.capture_causes import CaptureDiagnosis, diagnose_capture_failure, summarize
from toolkit.clock import to_utc
from toolkit.errors import InputError, ToolkitError
from toolkit.evidence import OpsEvidence
from toolkit.frames import plain_record
from toolkit.gateway_logs import gateway_logs_soql
from toolkit.queries.schema_cache import SchemaCache
from toolkit.record_chain import RecordChain
from toolkit.stripe_lookups import key_livemode, payment_evidence
from toolkit.trace import ops_evidence
from toolkit.trace_fetch import Fetched, _Salesforce, _Stripe, references_of

__all__ = ["Diagnosis", "diagnose"]

DEFAULT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Diagnosis:
    since: datetime
    until: datetime
    rows: list[CaptureDiagnosis]

    def summary(self) -> list[dict[str, Any]]:
        return summarize(self.rows)

    def to_json(self) -> dict[str, Any]:
        return {"since": self.since.strftime("%Y-%m-%dT%H:%M:%SZ"), "until": self.until.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "rows": [row.to_json() for row in self.rows], "summary": self.summary()}

    def to_text(self) -> str:
        lines = [f"Failed captures from {self.since:%Y-%m-%d %H:%M} to {self.until:%Y-%m-%d %H:%M} UTC: "
                 f"{len(self.rows)}"]
        for row in self.rows:
            lines.append(f"  {row.created:%Y-%m-%d %H:%M}  {row.log_number or row.log_id}  order {row.order_number}  "
                         f"{row.payment_intent}  {row.cause}  retryable: {row.retryable}  at risk "
                         f"{row.to_json()['amount_at_risk']} {row.currency}")
            lines.append(f"    What to do: {row.remediation}")
        for item in self.summary():
            lines.append(f"  {item['cause']}: {item['count']} row(s), {item['amount_at_risk']} {item['currency']} "
                         "at risk")
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.to_text()


def diagnose(session: Any, since: datetime | None = None, until: datetime | None = None) -> Diagnosis:
    """Diagnose every failed or timed-out capture in [since, until] (default: the last 30 days).

    A row without OrderPaymentSummaryId is tied to its summary through ReferencedEntityId (the
    PaymentAuthorization, Payment or Refund it names; a Refund without OrderPaymentSummaryId through its
    RefundLinePayments' Payment), one batched query per object; a row whose summary cannot be found at all is
    still diagnosed, from what is known (no reference: PAYMENT_INTENT_NOT_FOUND).
    """
    until = to_utc(until) if until is not None else session.clock.now()
    since = to_utc(since) if since is not None else until - DEFAULT_WINDOW
    if since > until:
        raise InputError(f"--since {since:%Y-%m-%dT%H:%M:%SZ} is after --until {until:%Y-%m-%dT%H:%M:%SZ}.")
    # gateway_logs' ``until`` is exclusive and SOQL datetimes have whole seconds: the window's last second is in
    end = until.replace(microsecond=0) + timedelta(seconds=1)
    soql = gateway_logs_soql(since=since.replace(microsecond=0), until=end, interaction_type="Capture",
                             status=["Failed", "Timeout"])
    found = [plain_record(r) for r in session.sf.query_all(soql)["records"]]
    if not found:
        return Diagnosis(since, until, [])
    schema = getattr(session, "schema", None)
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="diagnose") as pool:
        sfx = _Salesforce(session.sf, pool, schema)
        unlinked = [str(r["ReferencedEntityId"]) for r in found
                    if not r.get("OrderPaymentSummaryId") and r.get("ReferencedEntityId")]
        referenced = _summaries_of_records(session.sf, sfx.schema, pool, unlinked)
        ops_ids = sorted({r["OrderPaymentSummaryId"] for r in found if r.get("OrderPaymentSummaryId")}
                         | {ops for ops, _ in referenced.values() if ops})
        chain = sfx.chain(ops_ids=ops_ids) if ops_ids else RecordChain()
        st = _Stripe(session.stripe)
        st.budget.limit = None
        list(pool.map(st.resolve, references_of(chain)))  # the PaymentIntents concurrently
    # the window's rows the summaries' own logs lack (no OrderPaymentSummaryId) join the chain, so the evidence of
    # the summary they reference holds them
    known = {log.get("Id") for log in chain.gateway_logs}
    chain.gateway_logs.extend(r for r in found if r.get("Id") not in known)
    fetched = Fetched(chain=chain, payment_intents=st.payment_intents, txn_to_pi=st.txn_to_pi, missing=st.missing)
    stripe = {pi: payment_evidence(expanded) for pi, expanded in st.payment_intents.items()}
    key_live = key_livemode(session.stripe)
    evidence = {ops["Id"]: ops_evidence(ops, chain, fetched, stripe, key_live) for ops in chain.payment_summaries}
    logs = {log.get("Id"): log for log in chain.gateway_logs}
    rows = []
    for row in found:
        log = logs.get(row.get("Id"), row)
        ops_id, currency = log.get("OrderPaymentSummaryId"), None
        if not ops_id:
            ops_id, currency = referenced.get(str(log.get("ReferencedEntityId") or ""), (None, None))
        item = evidence.get(ops_id) if ops_id else None
        if item is None:  # no summary found: diagnosed from the row alone (no reference)
            item = OpsEvidence(ops={}, order_number=None, currency=currency or _UNKNOWN_CURRENCY,
                               gateway_logs=[log])
        rows.append(diagnose_capture_failure(log, item))
    rows.sort(key=lambda r: (r.created, r.log_id))
    return Diagnosis(since, until, rows)


#: The currency of a row whose summary and referenced record are both unknown (its amount at risk is 0 anyway).
_UNKNOWN_CURRENCY = "USD"
_BATCH = 200


def _summaries_of_records(sf: Any, schema: SchemaCache, pool: ThreadPoolExecutor, record_ids: list[str]
                          ) -> dict[str, tuple[str | None, str | None]]:
    """record id -> (its OrderPaymentSummaryId, its CurrencyIsoCode) for PaymentAuthorization, Payment and Refund
    ids (a Refund without OrderPaymentSummaryId: its RefundLinePayment's Payment's), one query per object and
    batch of ids, run concurrently. Ids of other objects, or not found, are left out."""
    by_object: dict[str, list[str]] = {}
    for record_id in dict.fromkeys(record_ids):
        try:
            name = schema.object_for_id(record_id)
        except ToolkitError:
            continue
        if name in ("PaymentAuthorization", "Payment", "Refund"):
            by_object.setdefault(name, []).append(record_id)
    statements = []
    for name, ids in by_object.items():
        for i in range(0, len(ids), _BATCH):
            batch = ids[i:i + _BATCH]
            statements.append(format_soql(f"SELECT Id, OrderPaymentSummaryId, CurrencyIsoCode FROM {name} "
                                          "WHERE Id IN {}", batch))
            if name == "Refund":
                statements.append(format_soql("SELECT RefundId, Payment.OrderPaymentSummaryId FROM RefundLinePayment "
                                              "WHERE RefundId IN {} ORDER BY CreatedDate, Id", batch))
    results = list(pool.map(lambda soql: sf.query_all(soql)["records"], statements))
    out: dict[str, tuple[str | None, str | None]] = {}
    through_lines: dict[str, str] = {}
    for rows in results:
        for row in rows:
            if "RefundId" in row:
                ops = (row.get("Payment") or {}).get("OrderPaymentSummaryId")
                if ops:
                    through_lines.setdefault(str(row["RefundId"]), str(ops))
            else:
                out[str(row["Id"])] = (row.get("OrderPaymentSummaryId"), row.get("CurrencyIsoCode"))
    for record_id, (ops, currency) in out.items():
        if not ops and record_id in through_lines:
            out[record_id] = (through_lines[record_id], currency)
    return out
