"""Around the failed-capture causes: which rows need their Request read, how a triage filters rows, which rows
make good worked examples. Pure functions over :class:`~toolkit.analysis.capture_causes.CaptureDiagnosis`.

A gateway log's Request (the amount a capture asked for) is long text; reading it for every row would cut the
org's pages tenfold. Only rule 10 (AMOUNT_EXCEEDS_CAPTURABLE) reads it, and only for a PaymentIntent that still
requires capture and that no earlier rule explained: :func:`needs_request` says whether a row classified without
its Request could change cause with it, or is AMOUNT_EXCEEDS_CAPTURABLE from Stripe's error code alone (the Request
then names the amount asked for, which the analyst needs to retry with less).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from toolkit.analysis.capture_causes import CaptureDiagnosis, Cause, Retryable
from toolkit.analysis.evidence import ChainRecords, OpsEvidence
from toolkit.analysis.trace_analysis import Fetched, ops_evidence, stripe_evidence

__all__ = ["ALL", "RETRYABLE_KINDS", "evidence_per_summary", "filter_rows", "needs_request", "options",
           "request_could_change_cause", "retryable_examples"]

Record = dict[str, Any]

#: The filter value that keeps every row.
ALL = "All"
#: The ``retryable`` values under which a retry can work (now, or after a fix).
RETRYABLE_KINDS = (Retryable.YES, Retryable.AFTER_CREDENTIALS_FIXED, Retryable.WITH_SMALLER_AMOUNT)
#: The causes a Request could turn into AMOUNT_EXCEEDS_CAPTURABLE (rule 10 comes before 11 and 12), and that cause
#: itself (the Request gives the amount asked for).
_RULE_10_AND_AFTER = frozenset({Cause.AMOUNT_EXCEEDS_CAPTURABLE, Cause.STRIPE_API_ERROR, Cause.UNKNOWN})


def needs_request(row: CaptureDiagnosis, evidence: OpsEvidence | None) -> bool:
    """Whether ``row``, classified without its Request, needs it read: its PaymentIntent requires capture and rule 10
    or a later one decided (AMOUNT_EXCEEDS_CAPTURABLE, STRIPE_API_ERROR or UNKNOWN). Rows another rule decided keep
    their cause whatever the Request says."""
    if row.cause not in _RULE_10_AND_AFTER or evidence is None:
        return False
    pe = evidence.payment_intent(row.payment_intent)
    return pe is not None and pe.payment_intent.get("status") == "requires_capture"


def request_could_change_cause(row: CaptureDiagnosis) -> bool:
    """Whether the Request could give ``row`` another cause (it came out STRIPE_API_ERROR or UNKNOWN, which rule 10
    precedes); an AMOUNT_EXCEEDS_CAPTURABLE row keeps its cause, its Request only names the amount."""
    return row.cause in (Cause.STRIPE_API_ERROR, Cause.UNKNOWN)


def filter_rows(rows: Iterable[CaptureDiagnosis], *, cause: str = ALL, retryable: str = ALL,
                currency: str = ALL) -> list[CaptureDiagnosis]:
    """The rows matching every filter (:data:`ALL` keeps everything), in their order."""
    return [row for row in rows
            if cause in (ALL, str(row.cause)) and retryable in (ALL, str(row.retryable))
            and currency in (ALL, row.currency)]


def options(rows: Sequence[CaptureDiagnosis]) -> dict[str, list[str]]:
    """The filter choices the rows offer: ``cause`` (in rule order), ``retryable`` and ``currency``, each led by
    :data:`ALL`."""
    causes = [str(c) for c in Cause if any(row.cause is c for row in rows)]
    retryable = [str(r) for r in Retryable if any(row.retryable is r for row in rows)]
    currencies = sorted({row.currency for row in rows})
    return {"cause": [ALL, *causes], "retryable": [ALL, *retryable], "currency": [ALL, *currencies]}


def retryable_examples(rows: Iterable[CaptureDiagnosis]) -> list[CaptureDiagnosis]:
    """One row per cause whose retry can work now (``retryable`` one of :data:`RETRYABLE_KINDS`): the earliest of
    each, in rule order. The rows worth tracing in depth before acting."""
    first: dict[Cause, CaptureDiagnosis] = {}
    for row in sorted(rows, key=lambda r: (r.created, r.log_id)):
        if row.retryable in RETRYABLE_KINDS:
            first.setdefault(row.cause, row)
    return [first[cause] for cause in Cause if cause in first]


@dataclass
class _Records:
    """One summary's share of a batch's records (a :class:`ChainRecords`)."""

    order_summaries: list[Record] = field(default_factory=list)
    payment_summaries: list[Record] = field(default_factory=list)
    authorizations: list[Record] = field(default_factory=list)
    payments: list[Record] = field(default_factory=list)
    refunds: list[Record] = field(default_factory=list)
    refund_line_payments: list[Record] = field(default_factory=list)
    gateway_logs: list[Record] = field(default_factory=list)


def evidence_per_summary(fetched: Fetched, key_live: bool | None = None) -> dict[str, OpsEvidence]:
    """The rules' evidence of every payment summary of ``fetched.chain``, by summary id: as
    :func:`~toolkit.analysis.trace_analysis.ops_evidence` gives it, each built from its own records only (so a batch
    of thousands of summaries costs time in proportion to its records, not their square). A gateway log without
    OrderPaymentSummaryId goes with the summary of the record its ReferencedEntityId names."""
    chain: ChainRecords = fetched.chain
    parts: dict[str, _Records] = {}
    orders = {o.get("Id"): o for o in chain.order_summaries}
    for ops in chain.payment_summaries:
        part = parts.setdefault(str(ops.get("Id")), _Records())
        part.payment_summaries.append(ops)
        if ops.get("OrderSummaryId") in orders:
            part.order_summaries.append(orders[ops.get("OrderSummaryId")])
    owner: dict[Any, str] = {}
    for name in ("authorizations", "payments", "refunds"):
        for record in getattr(chain, name):
            key = str(record.get("OrderPaymentSummaryId") or "")
            if key in parts:
                getattr(parts[key], name).append(record)
                owner[record.get("Id")] = key
    for log in chain.gateway_logs:
        key = str(log.get("OrderPaymentSummaryId") or "") or owner.get(log.get("ReferencedEntityId"), "")
        if key in parts:
            parts[key].gateway_logs.append(log)
    stripe = stripe_evidence(fetched, with_events=False)
    return {key: ops_evidence(part.payment_summaries[0], part, fetched, stripe, key_live)
            for key, part in parts.items()}
