"""Batch reconciliation over fetched tables: the trace's rules, run per payment summary, without a request.

Input: the Order Management records of many orders (any :class:`~toolkit.analysis.evidence.ChainRecords`, e.g. a
window's record chain), the Stripe objects read for them (:class:`~toolkit.analysis.trace_analysis.Fetched`: the
expanded PaymentIntents, ``txn_`` -> PaymentIntent, what Stripe answered resource_missing for) and the refunds listed
per charge. Output: one :class:`BatchRow` per OrderPaymentSummary, with the four reconciled quantities and the
findings, computed exactly as a trace computes them (:func:`~toolkit.analysis.trace_analysis.ops_evidence`,
:func:`~toolkit.analysis.findings.findings_for_ops`, :func:`~toolkit.analysis.reconciliation.reconcile_ops`); one
row per orphan PaymentIntent (:func:`~toolkit.analysis.findings.orphan_payment_intent_finding`); and the summary by
finding and currency (:func:`summarize`). Nothing here re-states a rule.

The records are grouped by summary once (a dict per object), so the analysis of N summaries is linear in N: the
evidence of each summary is built from its own records only, which is all :func:`ops_evidence` reads.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from toolkit.analysis.evidence import ChainRecords, OpsEvidence, StripePaymentEvidence, StripeReference
from toolkit.analysis.finding import SEVERITY, Finding, FindingCode
from toolkit.analysis.findings import findings_for_ops, orphan_payment_intent_finding
from toolkit.analysis.reconciliation import ReconciliationRow, reconcile_ops
from toolkit.analysis.stripe_shapes import charge_id, payment_evidence
from toolkit.analysis.trace_analysis import Fetched, ops_evidence
from toolkit.core.money import normalize_currency

__all__ = ["BatchRow", "SummaryRecords", "SummaryRow", "analyse_batch", "group_by_summary", "orphan_row",
           "summarize"]

Record = dict[str, Any]


@dataclass(frozen=True)
class SummaryRecords:
    """The records of one payment summary (a :class:`ChainRecords`): its order, itself and its children."""

    order_summaries: tuple[Record, ...] = ()
    payment_summaries: tuple[Record, ...] = ()
    authorizations: tuple[Record, ...] = ()
    payments: tuple[Record, ...] = ()
    refunds: tuple[Record, ...] = ()
    refund_line_payments: tuple[Record, ...] = ()
    gateway_logs: tuple[Record, ...] = ()


@dataclass(frozen=True)
class BatchRow:
    """One payment summary (or one orphan PaymentIntent: ``ops_id`` None) reconciled.

    ``reconciliation``: the four quantities (authorized, captured, refunded, available to capture), OMS beside
    Stripe; ``findings``: the trace's findings, in its order; ``complete``: False when part of its Stripe side
    could not be read (nothing depending on it is concluded, and a finding may be missing).
    """

    ops_id: str | None
    order_number: str | None
    order_created: str | None
    currency: str
    payment_intents: tuple[str, ...]
    reconciliation: tuple[ReconciliationRow, ...]
    findings: tuple[Finding, ...]
    complete: bool = True

    @property
    def codes(self) -> list[str]:
        """The finding codes, in the findings' order, each once."""
        return list(dict.fromkeys(str(f.code) for f in self.findings))

    def quantity(self, name: str) -> ReconciliationRow | None:
        return next((row for row in self.reconciliation if row.quantity == name), None)

    @property
    def agrees(self) -> bool:
        """No finding (the row is healthy as far as it could be read)."""
        return not self.findings


@dataclass(frozen=True)
class SummaryRow:
    """Findings of one code in one currency: how many rows carry it, how many findings, and their amount (None
    for codes without an amount). Amounts of different currencies are never added together."""

    code: str
    severity: str
    currency: str
    rows: int
    findings: int
    amount: Decimal | None


def group_by_summary(chain: ChainRecords) -> list[SummaryRecords]:
    """Each payment summary with its own records, in the chain's order (a refund without OrderPaymentSummaryId goes
    with the summary of the payment its RefundLinePayment names, as :func:`ops_evidence` reads it)."""
    orders = {o.get("Id"): o for o in chain.order_summaries}
    by_ops: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
    for attr in ("authorizations", "payments", "refunds", "gateway_logs"):
        for record in getattr(chain, attr):
            if record.get("OrderPaymentSummaryId"):
                by_ops[record["OrderPaymentSummaryId"]][attr].append(record)
    ops_of_payment = {p.get("Id"): p.get("OrderPaymentSummaryId") for p in chain.payments}
    refunds = {r.get("Id"): r for r in chain.refunds}
    ops_of_refund = {r.get("Id"): r.get("OrderPaymentSummaryId") for r in chain.refunds}
    for line in chain.refund_line_payments:
        for ops_id in {ops_of_payment.get(line.get("PaymentId")), ops_of_refund.get(line.get("RefundId"))} - {None}:
            by_ops[str(ops_id)]["refund_line_payments"].append(line)
        owner = ops_of_payment.get(line.get("PaymentId"))
        refund = refunds.get(line.get("RefundId"))
        if owner and refund is not None and not refund.get("OrderPaymentSummaryId"):
            by_ops[owner]["refunds"].append(refund)
    out = []
    for ops in chain.payment_summaries:
        mine = by_ops.get(str(ops.get("Id")), {})
        order = orders.get(ops.get("OrderSummaryId"))
        out.append(SummaryRecords(
            order_summaries=(order,) if order else (), payment_summaries=(ops,),
            **{attr: tuple({r.get("Id"): r for r in mine.get(attr, [])}.values())
               for attr in ("authorizations", "payments", "refunds", "refund_line_payments", "gateway_logs")}))
    return out


def _stripe_evidence(fetched: Fetched, refunds_by_charge: Mapping[str, list[Record]] | None,
                     listed: set[str]) -> dict[str, StripePaymentEvidence]:
    out: dict[str, StripePaymentEvidence] = {}
    for pi_id, expanded in fetched.payment_intents.items():
        if pi_id in listed and refunds_by_charge is not None:
            out[pi_id] = payment_evidence(expanded, refunds=list(refunds_by_charge.get(charge_id(expanded) or "", [])))
        else:  # retrieved on its own: its refunds came embedded in the charge, as a trace reads them
            out[pi_id] = payment_evidence(expanded)
    return out


def analyse_batch(chain: ChainRecords, fetched: Fetched, now: datetime, *, listed: Iterable[str] = (),
                  refunds_by_charge: Mapping[str, list[Record]] | None = None, unread: Iterable[str] = (),
                  key_live: bool | None = None) -> list[BatchRow]:
    """One row per payment summary of ``chain`` (see the module docstring).

    ``listed``: the PaymentIntents read from a list, whose refunds are ``refunds_by_charge`` (charge id -> refunds);
    None when the refunds list could not be read whole (those rows are then incomplete, their refund findings
    unknown). ``unread``: references whose read failed (never taken as missing).
    """
    listed_ids, unread_refs = set(listed), set(unread)
    stripe = _stripe_evidence(fetched, refunds_by_charge, listed_ids)
    rows = []
    for records in group_by_summary(chain):
        ops = records.payment_summaries[0]
        evidence = ops_evidence(ops, records, fetched, stripe, key_live)
        order = records.order_summaries[0] if records.order_summaries else {}
        complete = not any(ref.value in unread_refs for ref in evidence.references) and not (
            refunds_by_charge is None and any(pe.id in listed_ids for pe in evidence.stripe))
        reconciliation = tuple(reconcile_ops(evidence))
        rows.append(BatchRow(
            ops_id=evidence.ops_id, order_number=evidence.order_number, order_created=order.get("CreatedDate"),
            currency=evidence.currency, payment_intents=reconciliation[0].payment_intents if reconciliation else (),
            reconciliation=reconciliation, findings=tuple(findings_for_ops(evidence, now)), complete=complete))
    return rows


def orphan_row(expanded_pi: Record, refunds: list[Record] | None = None) -> BatchRow:
    """A PaymentIntent whose ``metadata.order_id`` names no OrderSummary: ORPHAN_PAYMENT_INTENT, with its Stripe
    amounts through :func:`reconcile_ops` over an evidence whose one reference is the PaymentIntent itself (Order
    Management's side is empty: it has no such order)."""
    pe = payment_evidence(expanded_pi, refunds=refunds)
    currency = normalize_currency(pe.currency or "USD")
    reference = StripeReference(kind="payment_intent", value=pe.id, record_object="PaymentAuthorization",
                                record_id="", record_amount=Decimal(0), resolved_payment_intent=pe.id)
    evidence = OpsEvidence(ops={}, order_number=None, currency=currency, references=[reference], stripe=[pe])
    order_id = (pe.payment_intent.get("metadata") or {}).get("order_id")
    reconciliation = tuple(dataclasses.replace(row, ops_id="", order_number=order_id, oms=None)
                           for row in reconcile_ops(evidence))
    return BatchRow(ops_id=None, order_number=str(order_id) if order_id else None, order_created=None,
                    currency=currency, payment_intents=(pe.id,), reconciliation=reconciliation,
                    findings=(orphan_payment_intent_finding(pe.payment_intent),))


def summarize(rows: Sequence[BatchRow]) -> list[SummaryRow]:
    """Per finding code and currency (the finding's own): rows, findings and the amount; errors first, then by code
    and currency."""
    groups: dict[tuple[str, str], list[tuple[int, Finding]]] = defaultdict(list)
    for index, row in enumerate(rows):
        for finding in row.findings:
            groups[(str(finding.code), finding.currency)].append((index, finding))
    out = []
    for (code, currency), items in groups.items():
        amounts = [f.amount for _, f in items if f.amount is not None]
        out.append(SummaryRow(code=code, severity=str(SEVERITY[FindingCode(code)]), currency=currency,
                              rows=len({index for index, _ in items}), findings=len(items),
                              amount=sum(amounts, Decimal(0)) if amounts else None))
    return sorted(out, key=lambda s: (s.severity != "error", s.code, s.currency))
