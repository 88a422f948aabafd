"""Failed-capture diagnosis over a window: why did Order Management's captures fail?

Fetch: the PaymentGatewayLog rows with InteractionType Capture and InteractionStatus Failed or Timeout
created in [since, until]; the record chains of their payment summaries; the PaymentIntents their
references name (concurrently). Analyse: :func:`toolkit.capture_causes.diagnose_capture_failure` per
row, and :func:`toolkit.capture_causes.summarize`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from toolkit.capture_causes import CaptureDiagnosis, diagnose_capture_failure, summarize
from toolkit.clock import to_utc
from toolkit.errors import InputError
from toolkit.gateway_logs import gateway_logs_soql
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
    """Diagnose every failed or timed-out capture in [since, until] (default: the last 30 days)."""
    until = to_utc(until) if until is not None else session.clock.now()
    since = to_utc(since) if since is not None else until - DEFAULT_WINDOW
    if since > until:
        raise InputError(f"--since {since:%Y-%m-%dT%H:%M:%SZ} is after --until {until:%Y-%m-%dT%H:%M:%SZ}.")
    # gateway_logs' ``until`` is exclusive and SOQL datetimes have whole seconds: the window's last second is in
    end = until.replace(microsecond=0) + timedelta(seconds=1)
    soql = gateway_logs_soql(since=since.replace(microsecond=0), until=end, interaction_type="Capture",
                             status=["Failed", "Timeout"])
    found = session.sf.query_all(soql)["records"]
    log_ids = {r["Id"] for r in found}
    ops_ids = sorted({r["OrderPaymentSummaryId"] for r in found if r.get("OrderPaymentSummaryId")})
    if not ops_ids:
        return Diagnosis(since, until, [])
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="diagnose") as pool:
        chain = _Salesforce(session.sf, pool, getattr(session, "schema", None)).chain(ops_ids=ops_ids)
        st = _Stripe(session.stripe)
        st.budget.limit = None
        list(pool.map(st.resolve, references_of(chain)))  # the PaymentIntents concurrently
    fetched = Fetched(chain=chain, payment_intents=st.payment_intents, txn_to_pi=st.txn_to_pi, missing=st.missing)
    stripe = {pi: payment_evidence(expanded) for pi, expanded in st.payment_intents.items()}
    key_live = key_livemode(session.stripe)
    evidence = {ops["Id"]: ops_evidence(ops, chain, fetched, stripe, key_live) for ops in chain.payment_summaries}
    rows = []
    for item in evidence.values():
        for log in item.gateway_logs:
            if log.get("Id") in log_ids:
                rows.append(diagnose_capture_failure(log, item))
    rows.sort(key=lambda r: (r.created, r.log_id))
    return Diagnosis(since, until, rows)
