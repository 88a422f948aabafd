"""The cross-system trace: from anything an analyst holds to the order's whole payment story.

``trace(session, subject)`` runs in three steps:

1. fetch (:mod:`toolkit.trace_fetch`): the record chain and the Stripe objects, Salesforce and Stripe
   concurrently, within 3 Salesforce and 4 Stripe requests;
2. analyse (pure, here): per OrderPaymentSummary an :class:`~toolkit.evidence.OpsEvidence`, then the
   findings (:func:`toolkit.findings.findings_for_ops`), the reconciliation and the timeline;
3. render (:mod:`toolkit.display`): ``_repr_html_`` in JupyterLab, ``to_text()`` in a terminal, and
   ``to_json()`` for the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from toolkit.evidence import OpsEvidence, StripePaymentEvidence, StripeReference
from toolkit.findings import Finding, findings_for_ops, sort_findings
from toolkit.money import from_salesforce, normalize_currency
from toolkit.reconciliation import ReconciliationRow, reconcile_ops
from toolkit.record_chain import RecordChain
from toolkit.stripe_lookups import MissingObject, key_livemode, payment_evidence
from toolkit.subjects import Subject, parse_subject
from toolkit.timeline import TimelineRow, salesforce_rows, stripe_notes, timeline
from toolkit.trace_fetch import Fetched, fetch

__all__ = ["Trace", "analyse", "ops_evidence", "trace"]

Record = dict[str, Any]


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

    @property
    def payment_intents(self) -> list[str]:
        return [pe.id for pe in self.stripe]

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON: amounts as strings, times as ISO 8601 UTC."""
        return {
            "subject": self.subject.value,
            "order_numbers": list(self.order_numbers),
            "payment_intents": self.payment_intents,
            "findings": [f.to_json() for f in self.findings],
            "timeline": [row.to_json() for row in self.timeline],
            "reconciliation": [row.to_json() for row in self.reconciliation],
        }

    def to_text(self) -> str:
        from toolkit.display import trace_text

        return trace_text(self)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        codes = ", ".join(str(f.code) for f in self.findings) or "no findings"
        return f"Trace(subject={self.subject.value!r}, orders={self.order_numbers!r}, {codes})"

    def _repr_html_(self) -> str:
        from toolkit.display import trace_html

        return trace_html(self)


def trace(session: Any, subject: str | Subject, *, pool: ThreadPoolExecutor | None = None) -> Trace:
    """Trace ``subject`` (a ``pi_``/``ch_``/``txn_``/``re_`` id, an order number, or an OrderSummary,
    OrderPaymentSummary, PaymentAuthorization, Payment, Refund or PaymentGatewayLog id).

    InputError for a malformed subject, NotFoundError when neither system knows it.
    """
    schema = session.schema  # describes, fetched once per session
    parsed = subject if isinstance(subject, Subject) else parse_subject(subject, schema.prefixes())
    now = session.clock.now()
    fetched = fetch(session.sf, session.stripe, parsed, now, pool=pool, schema=schema)
    return analyse(parsed, fetched, now, key_live=key_livemode(session.stripe))


# --- analysis (pure) ------------------------------------------------------------------------------------


def _reference(record: Record, obj: str, currency: str, fetched: Fetched, key_live: bool | None
               ) -> StripeReference | None:
    value = str(record.get("GatewayRefNumber") or "").strip()
    if not value.startswith(("pi_", "txn_")):
        return None
    missing: MissingObject | None = fetched.missing.get(value)
    if value.startswith("pi_"):
        resolved = value if value in fetched.payment_intents else None
    else:
        resolved = fetched.txn_to_pi.get(value)
    amount = from_salesforce(record.get("Amount"), currency)
    return StripeReference(
        kind="payment_intent" if value.startswith("pi_") else "balance_transaction",
        value=value,
        record_object=obj,  # type: ignore[arg-type]
        record_id=str(record.get("Id") or ""),
        record_amount=amount if amount is not None else Decimal(0),
        resolved_payment_intent=resolved,
        missing=missing is not None,
        other_mode=missing.other_mode if missing is not None else None,
        key_livemode=(missing.key_livemode if missing is not None and missing.key_livemode is not None else key_live),
    )


def ops_evidence(ops: Record, chain: RecordChain, fetched: Fetched, stripe: Mapping[str, StripePaymentEvidence],
                 key_live: bool | None = None) -> OpsEvidence:
    """The rules' evidence for one OrderPaymentSummary of the chain."""
    ops_id = ops.get("Id")
    order = next((o for o in chain.order_summaries if o.get("Id") == ops.get("OrderSummaryId")), None)
    currency = normalize_currency(ops.get("CurrencyIsoCode") or (order or {}).get("CurrencyIsoCode") or "USD")

    def mine(records: list[Record]) -> list[Record]:
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
    references = [ref for obj, records in (("PaymentAuthorization", authorizations), ("Payment", payments))
                  for record in records if (ref := _reference(record, obj, currency, fetched, key_live)) is not None]
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


def analyse(subject: Subject, fetched: Fetched, now: datetime, *, key_live: bool | None = None) -> Trace:
    """Everything a trace concludes from what was fetched; issues no request."""
    chain = fetched.chain
    stripe: dict[str, StripePaymentEvidence] = {}
    for pi_id, expanded in fetched.payment_intents.items():
        charge_id = expanded.get("latest_charge")
        charge_id = charge_id.get("id") if isinstance(charge_id, dict) else charge_id
        events = [e for e in fetched.events
                  if ((e.get("data") or {}).get("object") or {}).get("id") in (pi_id, charge_id)
                  or ((e.get("data") or {}).get("object") or {}).get("payment_intent") == pi_id]
        stripe[pi_id] = payment_evidence(expanded, events=events)
    evidence = [ops_evidence(ops, chain, fetched, stripe, key_live) for ops in chain.payment_summaries]
    findings = sort_findings(f for item in evidence for f in findings_for_ops(item, now))
    reconciliation = [row for item in evidence for row in reconcile_ops(item)]
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
    order_numbers = list(dict.fromkeys(chain.order_numbers))
    if not order_numbers:
        order_numbers = sorted({str((pe.payment_intent.get("metadata") or {}).get("order_id"))
                                for pe in stripe.values() if (pe.payment_intent.get("metadata") or {}).get("order_id")})
        if order_numbers:
            notes.append("Order Management has no order for these PaymentIntents; the order number comes from "
                         "Stripe's metadata.")
    return Trace(
        subject=subject,
        order_numbers=order_numbers,
        chain=chain,
        stripe=[stripe[pi] for pi in sorted(stripe)],
        evidence=evidence,
        timeline=timeline(sf_rows, stripe.values()),
        reconciliation=reconciliation,
        findings=findings,
        now=now,
        notes=notes,
    )
