"""Refund and re-capture plans: what can be moved, by which path, with which key, or why not. Pure.

A plan is computed from what both systems hold (an :class:`~toolkit.analysis.evidence.OpsEvidence` read a
moment ago), the analyst's request, and the journal of actions already taken; it sends nothing. The rules:

- **Refundable.** In Order Management: the smaller of the Payment's unrefunded balance (``Balance``) and the
  summary's ``AvailableToRefundAmount``. At Stripe: ``amount_captured`` less the refunds that moved money
  (succeeded or still pending; not the release of an uncaptured remainder, not a failed or canceled refund).
  The plan refunds at most the smaller, and says why the two differ.
- **Blocked**, with one sentence, when refunding is wrong: a read that failed; nothing captured (releasing
  the authorization is the path); a refund still pending, or failed and not acknowledged; a disputed charge;
  a refund at Stripe that Order Management lacks (until it is recorded or acknowledged); a payment summary in
  another currency than its PaymentIntent, or an amount given in another currency; more than is refundable;
  more decimals than the currency has; the same refund (payment, amount, case reference) already done, unless
  the repeat is acknowledged.
- **The idempotency key** is deterministic: the payment (or charge), the amount in minor units, the case
  reference and the refunds present when planned. The same plan made twice gives the same key, so Stripe and
  the connector act once; a refund made in between changes the key and shows in the preview.

Re-capture plans follow the same shape for a failed capture whose cause is retryable.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.payment_state import from_unix, is_money_moving_refund, minor, ops_amount, refunds_of
from toolkit.core.money import format_money, from_salesforce, normalize_currency, parse_amount, to_major, to_minor
from toolkit.errors import InputError

__all__ = ["ACKNOWLEDGEABLE", "REFUND_REASONS", "ActionPlan", "Executed", "check_case_reference",
           "executed_from_metadata", "plan_recapture", "plan_refund"]

Record = dict[str, Any]
#: The reasons Stripe accepts on a refund an analyst creates.
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
#: What an analyst may acknowledge to unblock a plan deliberately.
ACKNOWLEDGEABLE = ("repeat", "failed_refund", "refund_missing_in_oms")
_CASE_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._:/#\-]{0,79}$")


@dataclass(frozen=True)
class Executed:
    """An action already taken, as the journal (or a refund's metadata) records it."""

    kind: Literal["refund", "recapture"]
    target: str  # the Payment, charge or authorization id acted on
    amount_minor: int
    case_reference: str
    when: str  # ISO 8601 UTC
    result: str  # the refund's or payment's id, or "done"


@dataclass(frozen=True)
class ActionPlan:
    """What a guided action will do, or why it must not (``blocked``): the preview an analyst confirms."""

    kind: Literal["refund", "recapture"]
    via: Literal["oms", "stripe"]
    target: str
    order_number: str | None
    ops_id: str
    payment_intent: str | None
    currency: str
    amount: Decimal
    oms_available: Decimal
    stripe_available: Decimal
    case_reference: str
    reason: str | None
    idempotency_key: str
    request: dict[str, Any]
    checks: tuple[tuple[str, bool, str], ...]
    blocked: str | None = None
    differences: str | None = None
    snapshot: tuple[str, ...] = field(default=(), compare=False)
    oms_record: str = ""  # the Order Management record acted on: the Payment refunded, the authorization captured

    @property
    def available(self) -> Decimal:
        return min(self.oms_available, self.stripe_available)

    def to_json(self) -> dict[str, Any]:
        def money(value: Decimal) -> str:
            return f"{value:f}"

        return {"kind": self.kind, "via": self.via, "target": self.target, "order_number": self.order_number,
                "ops_id": self.ops_id, "payment_intent": self.payment_intent, "currency": self.currency,
                "amount": money(self.amount), "available": {"oms": money(self.oms_available),
                                                            "stripe": money(self.stripe_available)},
                "differences": self.differences, "case_reference": self.case_reference, "reason": self.reason,
                "idempotency_key": self.idempotency_key, "request": self.request, "blocked": self.blocked,
                "checks": [{"check": name, "ok": ok, "detail": detail} for name, ok, detail in self.checks]}


def check_case_reference(value: object) -> str:
    """The case reference an action is journaled under: required, short, plain text (it reaches Stripe's metadata)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("Give the support case reference (for example CS-12345): every refund and re-capture is "
                         "journaled under one.")
    text = value.strip()
    if not _CASE_REFERENCE.match(text):
        raise InputError(f"{text[:40]!r} is not a case reference: use up to 80 letters, digits, spaces and . _ : / # -")
    return text


def _key(*parts: object) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"toolkit-{digest[:40]}"


def _moved(pe: StripePaymentEvidence) -> list[Record]:
    return [r for r in refunds_of(pe) if is_money_moving_refund(r, pe)]


def _amount(given: object, currency: str, available: Decimal, checks: list[tuple[str, bool, str]]) -> Decimal | str:
    """The amount to move (all that is available when none is given), or the sentence blocking it."""
    if given is None:
        return available
    try:
        amount = parse_amount(given, currency)
    except InputError as exc:
        checks.append(("amount", False, str(exc)))
        return str(exc)
    checks.append(("amount", True, f"{format_money(amount, currency)} is a valid {currency} amount"))
    return amount


def _repeat(executed: Iterable[Executed], kind: str, target: str, amount_minor: int, case: str) -> Executed | None:
    return next((e for e in executed if (e.kind, e.target, e.amount_minor, e.case_reference)
                 == (kind, target, amount_minor, case)), None)


def plan_refund(
    evidence: OpsEvidence,
    *,
    payment: Record,
    amount: object = None,
    currency: str | None = None,
    reason: str,
    case_reference: str,
    via: Literal["oms", "stripe"] = "oms",
    executed: Sequence[Executed] = (),
    acknowledge: Iterable[str] = (),
    incomplete: Sequence[str] = (),
    analyst: str = "",
) -> ActionPlan:
    """The plan of a refund of ``payment`` (a Payment record of ``evidence``'s summary); see the module docstring."""
    if reason not in REFUND_REASONS:
        raise InputError(f"{reason!r} is not a refund reason Stripe accepts: use one of {', '.join(REFUND_REASONS)}.")
    if via not in ("oms", "stripe"):
        raise InputError(f"{via!r} is not a refund path: use oms (the default) or stripe.")
    unknown = sorted(set(acknowledge) - set(ACKNOWLEDGEABLE))
    if unknown:
        raise InputError(f"{unknown[0]!r} cannot be acknowledged; only {', '.join(ACKNOWLEDGEABLE)} can.")
    case = check_case_reference(case_reference)
    acks = set(acknowledge)
    code = normalize_currency(evidence.currency)
    ref = evidence.reference_for_record(payment.get("PaymentAuthorizationId")) or evidence.reference_for_record(
        payment.get("Id"))
    pe = evidence.payment_intent(ref.resolved_payment_intent) if ref else None
    if pe is None and len(evidence.stripe) == 1:
        pe = evidence.stripe[0]
    balance = from_salesforce(payment.get("Balance"), code)
    if balance is None:
        balance = from_salesforce(payment.get("Amount"), code) or to_major(0, code)
    oms_available = min(balance, ops_amount(evidence, "AvailableToRefundAmount"))
    checks: list[tuple[str, bool, str]] = []
    charge = (pe.charge if pe else None) or {}
    stripe_code = (pe.currency.upper() if pe and pe.currency else code)
    captured = minor(charge, "amount_captured") if charge.get("captured") else 0
    moved = _moved(pe) if pe else []
    stripe_minor = max(0, captured - sum(minor(r, "amount") for r in moved))
    stripe_available = to_major(stripe_minor, stripe_code) if stripe_code == code else to_major(0, code)
    available = min(oms_available, stripe_available)
    blocked: list[str] = []

    def block(name: str, sentence: str) -> None:
        checks.append((name, False, sentence))
        blocked.append(sentence)

    if incomplete:
        block("reads", f"Not everything could be read ({incomplete[0]}); refunding on a partial read could pay the "
                       "customer twice. Try again when both systems answer.")
    if pe is None:
        block("stripe", "No Stripe payment could be found for this payment, so there is nothing to refund at Stripe.")
    elif stripe_code != code:
        block("currency", f"The payment summary is in {code} but the PaymentIntent is in {stripe_code}: correct the "
                          "currency first (CURRENCY_MISMATCH).")
    elif not captured:
        status = pe.payment_intent.get("status")
        block("captured", f"Nothing was captured on {pe.id} (it is {status}), so there is nothing to refund: release "
                          "the authorization instead (cancel the remaining amount from Order Management).")
    else:
        checks.append(("captured", True, f"Stripe captured {format_money(to_major(captured, code), code)}"))
    if currency is not None and normalize_currency(currency) != code:
        block("currency", f"The amount is given in {normalize_currency(currency)} but this payment is in {code}.")
    if pe is not None:
        for refund in refunds_of(pe):
            status = refund.get("status")
            money = format_money(to_major(minor(refund, "amount"), stripe_code), stripe_code)
            if status in ("pending", "requires_action"):
                block("pending refunds", f"Refund {refund.get('id')} of {money} is still {status}: wait until it "
                                         "settles before refunding again, or the customer may be paid twice.")
            elif status == "failed" and "failed_refund" not in acks:
                block("failed refunds", f"Refund {refund.get('id')} of {money} failed "
                                        f"({refund.get('failure_reason') or 'no reason given'}): resolve it with the "
                                        "customer first, or acknowledge it (failed_refund) to refund anyway.")
        if charge.get("disputed"):
            block("dispute", f"Charge {charge.get('id')} is disputed: answer the dispute in the Stripe Dashboard; "
                             "Stripe refuses a refund of a disputed charge (charge_disputed).")
        stripe_refunded = to_major(sum(minor(r, "amount") for r in moved), code) if stripe_code == code else None
        oms_refunded = ops_amount(evidence, "RefundedAmount") + ops_amount(evidence, "PendingRefundAmount")
        if stripe_refunded is not None and stripe_refunded > oms_refunded and "refund_missing_in_oms" not in acks:
            block("refunds in both systems", f"Stripe holds {format_money(stripe_refunded - oms_refunded, code)} of "
                                             "refunds Order Management lacks (made in the Dashboard?): record them "
                                             "in Order Management first, or acknowledge it (refund_missing_in_oms).")
    chosen = _amount(amount, code, available, checks)
    if isinstance(chosen, str):
        blocked.append(chosen)
        chosen = to_major(0, code)
    elif chosen > available:
        block("amount", f"{format_money(chosen, code)} is more than the {format_money(available, code)} that can be "
                        f"refunded (Order Management {format_money(oms_available, code)}, Stripe "
                        f"{format_money(stripe_available, code)}).")
    elif chosen <= 0 and not blocked:
        block("amount", f"Nothing is left to refund on this payment ({format_money(available, code)}).")
    target = str(payment.get("Id") or "") if via == "oms" else str(charge.get("id") or "")
    amount_minor = to_minor(chosen, code)
    previous = _repeat(executed, "refund", target, amount_minor, case)
    if previous is not None and "repeat" not in acks:
        block("repeat", f"A refund of {format_money(chosen, code)} for case {case} on this payment was already made on "
                        f"{previous.when} ({previous.result}); acknowledge the repeat (repeat) if a second one is due.")
    present = sorted(str(r.get("id")) for r in (refunds_of(pe) if pe else []))
    key = _key("refund", target, amount_minor, code, case, *present,
               *(["repeat", previous.when] if previous is not None else []))
    differences = None
    if oms_available != stripe_available:
        differences = (f"Order Management can refund {format_money(oms_available, code)} and Stripe "
                       f"{format_money(stripe_available, code)}: the smaller holds. ")
        differences += ("Order Management records less than Stripe captured (a capture or refund it lacks)."
                        if oms_available < stripe_available else
                        "Stripe refunded or released money Order Management does not know about.")
    request = _refund_request(via, payment, pe, chosen, amount_minor, code, reason, case, key, evidence, analyst)
    snapshot = _snapshot(evidence, pe)
    return ActionPlan("refund", via, target, evidence.order_number, evidence.ops_id, pe.id if pe else None, code,
                      chosen, oms_available, stripe_available, case, reason, key, request, tuple(checks),
                      blocked[0] if blocked else None, differences, snapshot, str(payment.get("Id") or ""))


def _refund_request(via: str, payment: Record, pe: StripePaymentEvidence | None, amount: Decimal, amount_minor: int,
                    code: str, reason: str, case: str, key: str, evidence: OpsEvidence, analyst: str
                    ) -> dict[str, Any]:
    if via == "oms":
        return {"system": "Salesforce", "method": "POST",
                "path": f"commerce/payments/payments/{payment.get('Id')}/refunds",
                "body": {"amount": float(amount), "idempotencyKey": key,
                         "comments": f"Case {case}: refund ({reason}) through the toolkit"}}
    metadata = {"order_number": evidence.order_number or "", "ops_id": evidence.ops_id, "case_reference": case,
                "analyst": analyst, "toolkit_key": key}
    return {"system": "Stripe", "method": "POST", "path": "/v1/refunds", "idempotency_key": key,
            "params": {"payment_intent": pe.id if pe else None, "amount": amount_minor, "reason": reason,
                       "metadata": metadata}}


def _snapshot(evidence: OpsEvidence, pe: StripePaymentEvidence | None) -> tuple[str, ...]:
    """What the plan stood on, in a comparable form: if any of it changes before the action, the action stops."""
    ops = evidence.ops
    parts = [f"ops:{ops.get(f)}" for f in ("CapturedAmount", "RefundedAmount", "PendingRefundAmount",
                                           "AvailableToRefundAmount", "AvailableToCaptureAmount")]
    parts += sorted(f"oms:{r.get('Id')}:{r.get('Status')}:{r.get('Amount')}" for r in [*evidence.payments,
                                                                                      *evidence.refunds])
    if pe is not None:
        charge = pe.charge or {}
        parts.append(f"pi:{pe.payment_intent.get('status')}:{minor(pe.payment_intent, 'amount_capturable')}")
        parts.append(f"charge:{charge.get('amount_captured')}:{charge.get('amount_refunded')}:{charge.get('disputed')}")
        parts += sorted(f"re:{r.get('id')}:{r.get('status')}:{r.get('amount')}" for r in refunds_of(pe))
    return tuple(parts)


def plan_recapture(
    evidence: OpsEvidence,
    *,
    authorization: Record,
    cause: str | None,
    amount: object = None,
    case_reference: str,
    executed: Sequence[Executed] = (),
    acknowledge: Iterable[str] = (),
    incomplete: Sequence[str] = (),
) -> ActionPlan:
    """The plan of capturing again what a failed capture left uncaptured, through Order Management."""
    retryable = ("TIMEOUT_NOT_CAPTURED", "STRIPE_API_ERROR", "RATE_LIMITED", "AMOUNT_EXCEEDS_CAPTURABLE")
    case = check_case_reference(case_reference)
    acks = set(acknowledge)
    code = normalize_currency(evidence.currency)
    ref = evidence.reference_for_record(authorization.get("Id"))
    pe = evidence.payment_intent(ref.resolved_payment_intent) if ref else None
    checks: list[tuple[str, bool, str]] = []
    blocked: list[str] = []

    def block(name: str, sentence: str) -> None:
        checks.append((name, False, sentence))
        blocked.append(sentence)

    oms_available = ops_amount(evidence, "AvailableToCaptureAmount")
    stripe_code = pe.currency.upper() if pe and pe.currency else code
    capturable = minor(pe.payment_intent, "amount_capturable") if pe else 0
    stripe_available = to_major(capturable, code) if stripe_code == code else to_major(0, code)
    if incomplete:
        block("reads", f"Not everything could be read ({incomplete[0]}); capturing on a partial read could capture "
                       "twice. Try again when both systems answer.")
    if cause is None:
        block("cause", "No failed capture is recorded for this authorization: there is nothing to capture again.")
    elif cause not in retryable:
        block("cause", f"The capture failed with {cause}, which a new capture cannot fix (see the diagnosis).")
    else:
        checks.append(("cause", True, f"{cause} is worth a new capture"))
    if pe is None:
        block("stripe", "No Stripe PaymentIntent could be found for this authorization.")
    elif stripe_code != code:
        block("currency", f"The payment summary is in {code} but the PaymentIntent is in {stripe_code}.")
    elif pe.payment_intent.get("status") != "requires_capture":
        block("state", f"{pe.id} is {pe.payment_intent.get('status')}, so nothing can be captured on it.")
    available = min(oms_available, stripe_available)
    chosen = _amount(amount, code, available, checks)
    if isinstance(chosen, str):
        blocked.append(chosen)
        chosen = to_major(0, code)
    elif chosen > available and not blocked:
        block("amount", f"{format_money(chosen, code)} is more than the {format_money(available, code)} that can be "
                        f"captured (Order Management {format_money(oms_available, code)}, Stripe "
                        f"{format_money(stripe_available, code)}).")
    elif chosen <= 0 and not blocked:
        block("amount", "Nothing is left to capture on this authorization.")
    target = str(authorization.get("Id") or "")
    amount_minor = to_minor(chosen, code)
    previous = _repeat(executed, "recapture", target, amount_minor, case)
    if previous is not None and "repeat" not in acks:
        block("repeat", f"A capture of {format_money(chosen, code)} for case {case} was already made on "
                        f"{previous.when} ({previous.result}); acknowledge the repeat (repeat) if a second one is due.")
    present = sorted(str(p.get("Id")) for p in evidence.payments)
    key = _key("recapture", target, amount_minor, code, case, *present,
               *(["repeat", previous.when] if previous is not None else []))
    request = {"system": "Salesforce", "method": "POST",
               "path": f"commerce/payments/authorizations/{target}/captures",
               "body": {"amount": float(chosen), "idempotencyKey": key,
                        "comments": f"Case {case}: capture again after {cause} through the toolkit"}}
    differences = None if oms_available == stripe_available else (
        f"Order Management can capture {format_money(oms_available, code)} and Stripe "
        f"{format_money(stripe_available, code)}: the smaller holds.")
    return ActionPlan("recapture", "oms", target, evidence.order_number, evidence.ops_id, pe.id if pe else None, code,
                      chosen, oms_available, stripe_available, case, None, key, request, tuple(checks),
                      blocked[0] if blocked else None, differences, _snapshot(evidence, pe), target)


def executed_from_metadata(refunds: Iterable[Mapping[str, Any]], currency: str) -> list[Executed]:
    """Refunds the toolkit made directly at Stripe, read back from their metadata (for repeat detection)."""
    out = []
    for refund in refunds:
        meta = refund.get("metadata") or {}
        if meta.get("toolkit_key") and meta.get("case_reference") and refund.get("status") != "failed":
            created = from_unix(refund.get("created"))
            out.append(Executed("refund", str(refund.get("charge") or ""), minor(dict(refund), "amount"),
                                str(meta["case_reference"]), created.isoformat() if created else "",
                                str(refund.get("id"))))
    return out
