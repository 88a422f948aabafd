"""What a trace concludes from what was fetched, without a request: per OrderPaymentSummary the rules'
evidence, then the findings, the reconciliation, the timeline and the notes.

Pure: the input is :class:`Fetched` (plain records and objects, whatever read them: the trace's fetch step,
a case file, a test), the output :class:`Analysis`. :mod:`toolkit.investigate.trace` wraps it as the
``Trace`` an analyst sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from toolkit.analysis.evidence import ChainRecords, MissingObject, OpsEvidence, StripePaymentEvidence, StripeReference
from toolkit.analysis.findings import Finding, findings_for_ops, sort_findings
from toolkit.analysis.reconciliation import ReconciliationRow, reconcile_ops
from toolkit.analysis.stripe_shapes import charge_id, payment_evidence
from toolkit.analysis.timeline import TimelineRow, salesforce_rows, stripe_notes, timeline
from toolkit.core.incomplete import Incomplete
from toolkit.core.money import from_salesforce, normalize_currency

__all__ = ["Analysis", "Fetched", "analyse_fetched", "ops_evidence", "stripe_evidence"]

Record = dict[str, Any]


@dataclass
class Fetched:
    """What one investigation read: the record chain, the expanded PaymentIntents by id, which ``txn_`` led to
    which PaymentIntent, what Stripe answered resource_missing for (by the id asked), and the events.

    ``events_complete`` is False when the events of a PaymentIntent may be missing (Stripe had more events
    in its window than the pages fetched); ``search_how`` says how PaymentIntents were found by order
    (``"search"``, ``"list"``, ``"list after a failed search"``, ``"search failed"``; None when no search ran).
    ``incomplete`` lists every read that failed after its retries; ``salesforce_complete`` is False when a read
    of the Order Management records failed, so that nothing is concluded from a partial chain.
    """

    chain: ChainRecords
    payment_intents: dict[str, Record] = field(default_factory=dict)
    txn_to_pi: dict[str, str] = field(default_factory=dict)
    missing: dict[str, MissingObject] = field(default_factory=dict)
    events: list[Record] = field(default_factory=list)
    events_complete: bool = True
    search_how: str | None = None
    incomplete: list[Incomplete] = field(default_factory=list)
    salesforce_complete: bool = True


@dataclass(frozen=True)
class Analysis:
    """Everything a trace concludes (see :func:`analyse_fetched`)."""

    order_numbers: list[str]
    stripe: list[StripePaymentEvidence]
    evidence: list[OpsEvidence]
    timeline: list[TimelineRow]
    reconciliation: list[ReconciliationRow]
    findings: list[Finding]
    notes: list[str]
    incomplete: list[Incomplete] = field(default_factory=list)


def _reference(record: Record, obj: Literal["PaymentAuthorization", "Payment"], currency: str, fetched: Fetched,
               key_live: bool | None) -> StripeReference | None:
    value = str(record.get("GatewayRefNumber") or "").strip()
    if not value.startswith(("pi_", "txn_")):
        return None
    missing = fetched.missing.get(value)
    if value.startswith("pi_"):
        resolved = value if value in fetched.payment_intents else None
    else:
        resolved = fetched.txn_to_pi.get(value)
    amount = from_salesforce(record.get("Amount"), currency)
    return StripeReference(
        kind="payment_intent" if value.startswith("pi_") else "balance_transaction",
        value=value,
        record_object=obj,
        record_id=str(record.get("Id") or ""),
        record_amount=amount if amount is not None else Decimal(0),
        resolved_payment_intent=resolved,
        missing=missing is not None,
        other_mode=missing.other_mode if missing is not None else None,
        key_livemode=(missing.key_livemode if missing is not None and missing.key_livemode is not None else key_live),
    )


def ops_evidence(ops: Record, chain: ChainRecords, fetched: Fetched, stripe: Mapping[str, StripePaymentEvidence],
                 key_live: bool | None = None) -> OpsEvidence:
    """The rules' evidence for one OrderPaymentSummary of the chain."""
    ops_id = ops.get("Id")
    order = next((o for o in chain.order_summaries if o.get("Id") == ops.get("OrderSummaryId")), None)
    currency = normalize_currency(ops.get("CurrencyIsoCode") or (order or {}).get("CurrencyIsoCode") or "USD")

    def mine(records: Sequence[Record]) -> list[Record]:
        return [r for r in records if r.get("OrderPaymentSummaryId") == ops_id]

    authorizations, payments = mine(chain.authorizations), mine(chain.payments)
    # a Refund without OrderPaymentSummaryId belongs to the summary of the Payment its RefundLinePayment names
    payment_ids = {r.get("Id") for r in payments}
    through_lines = {line.get("RefundId") for line in chain.refund_line_payments
                     if line.get("PaymentId") in payment_ids}
    refunds = [r for r in chain.refunds if r.get("OrderPaymentSummaryId") == ops_id
               or (not r.get("OrderPaymentSummaryId") and r.get("Id") in through_lines)]
    refund_ids = {r.get("Id") for r in refunds}
    # a gateway log without OrderPaymentSummaryId belongs to the summary of the record it references
    record_ids = {r.get("Id") for r in [*authorizations, *payments, *refunds]} - {None}
    logs = [r for r in chain.gateway_logs if r.get("OrderPaymentSummaryId") == ops_id
            or (not r.get("OrderPaymentSummaryId") and r.get("ReferencedEntityId") in record_ids)]
    holders: tuple[tuple[Literal["PaymentAuthorization", "Payment"], list[Record]], ...] = (
        ("PaymentAuthorization", authorizations), ("Payment", payments))
    references = [ref for obj, records in holders for record in records
                  if (ref := _reference(record, obj, currency, fetched, key_live)) is not None]
    resolved = sorted({ref.resolved_payment_intent for ref in references if ref.resolved_payment_intent})
    return OpsEvidence(
        ops=ops,
        order_number=(order or {}).get("OrderNumber"),
        currency=currency,
        authorizations=authorizations,
        payments=payments,
        refunds=refunds,
        refund_line_payments=[r for r in chain.refund_line_payments if r.get("RefundId") in refund_ids],
        gateway_logs=logs,
        references=references,
        stripe=[stripe[pi] for pi in resolved if pi in stripe],
    )


def stripe_evidence(fetched: Fetched, *, with_events: bool = True) -> dict[str, StripePaymentEvidence]:
    """The evidence of every fetched PaymentIntent, with the events about it or its charge."""
    out: dict[str, StripePaymentEvidence] = {}
    for pi_id, expanded in fetched.payment_intents.items():
        charge = charge_id(expanded)
        events = [e for e in fetched.events
                  if ((e.get("data") or {}).get("object") or {}).get("id") in (pi_id, charge)
                  or ((e.get("data") or {}).get("object") or {}).get("payment_intent") == pi_id] if with_events else []
        out[pi_id] = payment_evidence(expanded, events=events)
    return out


def analyse_fetched(fetched: Fetched, now: datetime, *, key_live: bool | None = None) -> Analysis:
    """Everything a trace concludes from what was fetched; issues no request."""
    chain = fetched.chain
    stripe = stripe_evidence(fetched)
    evidence = [ops_evidence(ops, chain, fetched, stripe, key_live) for ops in chain.payment_summaries]
    if fetched.salesforce_complete:
        findings = sort_findings(f for item in evidence for f in findings_for_ops(item, now))
        reconciliation = [row for item in evidence for row in reconcile_ops(item)]
    else:  # every finding and every reconciled amount stands on Order Management's records: none from a partial read
        findings, reconciliation = [], []
    currency = evidence[0].currency if evidence else None
    sf_rows = salesforce_rows(order_summaries=chain.order_summaries, payment_summaries=chain.payment_summaries,
                              authorizations=chain.authorizations, payments=chain.payments, refunds=chain.refunds,
                              gateway_logs=chain.gateway_logs, currency=currency)
    notes = [note for pi in sorted(stripe) for note in stripe_notes(stripe[pi])]
    if not fetched.events_complete:
        notes.append("Stripe had more events in the PaymentIntents' window than the trace fetched; the timeline may "
                     "miss some of their earliest events.")
    if fetched.search_how == "list":
        notes.append("Stripe search found nothing (it can lag behind by up to an hour); PaymentIntents were found "
                     "by listing the order's created window instead.")
    elif fetched.search_how == "list after a failed search":
        notes.append("Stripe search failed; PaymentIntents were found by listing the order's created window "
                     "instead.")
    if not fetched.salesforce_complete:
        notes.insert(0, "Order Management's records could not all be read, so no finding and no reconciliation is "
                        "reported: each would stand on records the trace does not have.")
    order_numbers = list(dict.fromkeys(o["OrderNumber"] for o in chain.order_summaries if o.get("OrderNumber")))
    if not order_numbers:
        order_numbers = sorted({str((pe.payment_intent.get("metadata") or {}).get("order_id"))
                                for pe in stripe.values() if (pe.payment_intent.get("metadata") or {}).get("order_id")})
        if order_numbers:
            notes.append("Order Management has no order for these PaymentIntents; the order number comes from "
                         "Stripe's metadata.")
    return Analysis(
        order_numbers=order_numbers,
        stripe=[stripe[pi] for pi in sorted(stripe)],
        evidence=evidence,
        timeline=timeline(sf_rows, stripe.values()),
        reconciliation=reconciliation,
        findings=findings,
        notes=notes,
        incomplete=list(fetched.incomplete),
    )
