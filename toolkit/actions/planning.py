"""From a subject an analyst holds to a :class:`~toolkit.actions.guided.GuidedAction`: trace it (both systems, read
now), find the payment to refund or the authorization to capture again, gather what was already done (the
journal, the metadata of the toolkit's own refunds), and compute the pure plan."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from toolkit.actions.guided import GuidedAction, analyst_name
from toolkit.analysis.capture_causes import diagnose_capture_failure, is_failed_capture
from toolkit.analysis.evidence import OpsEvidence
from toolkit.analysis.refund_plan import ActionPlan, executed_from_metadata, plan_recapture, plan_refund
from toolkit.core.ids import normalize_id
from toolkit.core.money import from_salesforce
from toolkit.errors import InputError

if TYPE_CHECKING:
    from toolkit.investigate.trace import Trace
    from toolkit.session import Session

__all__ = ["guided_recapture", "guided_refund"]

Record = dict[str, Any]


def _same(left: object, right: object) -> bool:
    return isinstance(left, str) and isinstance(right, str) and (normalize_id(left) or left) == (
        normalize_id(right) or right)


def _left(payment: Record, currency: str) -> Decimal:
    """What a Payment has left to refund: its Balance (its Amount when the org gives none)."""
    value = payment.get("Balance") if payment.get("Balance") is not None else payment.get("Amount")
    return from_salesforce(value, currency) or Decimal(0)


def _payment_of(trace: Trace, subject: str) -> tuple[OpsEvidence, Record]:
    """The evidence and Payment a refund of ``subject`` acts on: the Payment itself when the subject is one, else the
    only payment of the order with money left to refund."""
    candidates = [(ev, p) for ev in trace.evidence for p in ev.payments if p.get("Status") == "Processed"]
    exact = [(ev, p) for ev, p in candidates if _same(p.get("Id"), subject)]
    if exact:
        return exact[0]
    if subject.startswith(("pi_", "ch_", "re_", "txn_")):
        candidates = [(ev, p) for ev, p in candidates if any(pe.id in trace.payment_intents for pe in ev.stripe)]
    open_ones = [(ev, p) for ev, p in candidates if _left(p, ev.currency) > 0]
    chosen = open_ones or candidates
    if not chosen:
        raise InputError(f"{subject} has no processed Payment in Order Management to refund: nothing was captured "
                         "(release the authorization instead), or the order is not in Order Management.")
    if len(chosen) > 1:
        ids = ", ".join(str(p.get("Id")) for _, p in chosen)
        raise InputError(f"{subject} has several payments with money left to refund ({ids}): give the Payment id.")
    return chosen[0]


def _executed(session: Session, trace: Trace) -> list[Any]:
    done = session.journal.executed()
    for pe in trace.stripe:
        done += executed_from_metadata(pe.refunds, pe.currency or "usd")
    return done


def guided_refund(session: Session, subject: str, amount: object = None, *, reason: str, case_reference: str,
                  via: Literal["oms", "stripe"] = "oms", acknowledge: Iterable[str] = (), currency: str | None = None,
                  analyst: str | None = None, checkpoint: Callable[[str], None] | None = None) -> GuidedAction:
    """Plan a refund of ``subject`` (an order number, a Payment id, a ``pi_``/``ch_``...): a dry run until executed."""
    who = analyst or analyst_name()
    acks = tuple(acknowledge)

    def build() -> tuple[ActionPlan, Trace]:
        trace = session.trace(subject)
        evidence, payment = _payment_of(trace, subject)
        plan = plan_refund(evidence, payment=payment, amount=amount, currency=currency, reason=reason,
                           case_reference=case_reference, via=via, executed=_executed(session, trace),
                           acknowledge=acks, incomplete=[i.sentence() for i in trace.incomplete], analyst=who)
        return plan, trace

    plan, trace = build()
    return GuidedAction(session, plan, trace, build, analyst=who, checkpoint=checkpoint)


def _authorization_of(trace: Trace, subject: str) -> tuple[OpsEvidence, Record, str | None]:
    """The evidence, the authorization and the cause of its latest failed capture (None when none failed)."""
    found = [(ev, a) for ev in trace.evidence for a in ev.authorizations]
    exact = [(ev, a) for ev, a in found if _same(a.get("Id"), subject)
             or any(_same(log.get("Id"), subject) and _same(log.get("ReferencedEntityId"), a.get("Id"))
                    for log in ev.gateway_logs)]  # a failed capture's gateway log names its authorization
    chosen = exact or found
    if not chosen:
        raise InputError(f"{subject} has no payment authorization in Order Management to capture.")
    if len(chosen) > 1:
        ids = ", ".join(str(a.get("Id")) for _, a in chosen)
        raise InputError(f"{subject} has several authorizations ({ids}): give the PaymentAuthorization id.")
    evidence, authorization = chosen[0]
    failures = sorted((log for log in evidence.gateway_logs if is_failed_capture(log)),
                      key=lambda log: (str(log.get("CreatedDate")), str(log.get("Id"))))
    cause = str(diagnose_capture_failure(failures[-1], evidence).cause) if failures else None
    return evidence, authorization, cause


def guided_recapture(session: Session, subject: str, amount: object = None, *, case_reference: str,
                     acknowledge: Iterable[str] = (), analyst: str | None = None,
                     checkpoint: Callable[[str], None] | None = None) -> GuidedAction:
    """Plan a new capture, through Order Management, of what a failed capture with a retryable cause left."""
    who = analyst or analyst_name()
    acks = tuple(acknowledge)

    def build() -> tuple[ActionPlan, Trace]:
        trace = session.trace(subject)
        evidence, authorization, cause = _authorization_of(trace, subject)
        plan = plan_recapture(evidence, authorization=authorization, cause=cause, amount=amount,
                              case_reference=case_reference, executed=session.journal.executed(), acknowledge=acks,
                              incomplete=[i.sentence() for i in trace.incomplete])
        return plan, trace

    plan, trace = build()
    return GuidedAction(session, plan, trace, build, analyst=who, checkpoint=checkpoint)
