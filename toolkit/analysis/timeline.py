"""The unified timeline: what happened to an order's payment, in both systems, in one ordered list.

Rows come from Salesforce records (CreatedDate, or GatewayDate for the gateway's own records) and from
Stripe objects (created, canceled_at) and events. Times are aware UTC; amounts Decimal in major units.
Rows sort by time, then system, then id, so the same data always gives the same timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from toolkit.analysis.evidence import StripePaymentEvidence
from toolkit.analysis.payment_state import from_unix, is_money_moving_refund, minor
from toolkit.analysis.stripe_shapes import disputes
from toolkit.core.clock import parse_instant
from toolkit.core.money import format_amount, from_salesforce, normalize_currency, to_major
from toolkit.core.text import redact

__all__ = ["TimelineRow", "dispute_rows", "salesforce_rows", "stripe_notes", "stripe_rows", "timeline"]

Record = dict[str, Any]
_EPOCH = datetime.min.replace(tzinfo=UTC)
#: Events already shown by an object row (the object's own creation).
_DUPLICATE_EVENTS = frozenset({"payment_intent.created", "refund.created"})


@dataclass(frozen=True)
class TimelineRow:
    """One thing that happened: when, in which system, to which object, how much, and its status."""

    time: datetime
    system: str  # "Salesforce" or "Stripe"
    object: str
    id: str
    what: str
    amount: Decimal | None
    currency: str | None
    status: str | None

    def sort_key(self) -> tuple[datetime, str, str, str]:
        return (self.time, self.system, self.id, self.what)

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "system": self.system,
            "object": self.object,
            "id": self.id,
            "what": self.what,
            "amount": None if self.amount is None or not self.currency else format_amount(self.amount, self.currency),
            "currency": self.currency,
            "status": self.status,
        }


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return parse_instant(value)
    except (TypeError, ValueError):
        return None


def _currency(record: Record, fallback: str | None) -> str | None:
    code = record.get("CurrencyIsoCode") or fallback
    return normalize_currency(code) if code else None


def _sf_amount(record: Record, field: str, currency: str | None) -> Decimal | None:
    value = record.get(field)
    if value is None or currency is None:
        return None
    return from_salesforce(value, currency)


def _sf_row(record: Record, obj: str, what: str, *, amount_field: str | None, status_field: str | None,
            time_fields: tuple[str, ...], currency: str | None) -> TimelineRow:
    moment = next((t for t in (_instant(record.get(f)) for f in time_fields) if t is not None), None)
    code = _currency(record, currency)
    return TimelineRow(
        time=moment or _EPOCH,
        system="Salesforce",
        object=obj,
        id=str(record.get("Id") or ""),
        what=what,
        amount=_sf_amount(record, amount_field, code) if amount_field else None,
        currency=code if amount_field else None,
        status=str(record[status_field]) if status_field and record.get(status_field) is not None else None,
    )


def _ref(record: Record) -> str:
    ref = record.get("GatewayRefNumber")
    return f" {ref}" if ref else ""


def salesforce_rows(
    *,
    order_summaries: Iterable[Record] = (),
    payment_summaries: Iterable[Record] = (),
    authorizations: Iterable[Record] = (),
    payments: Iterable[Record] = (),
    refunds: Iterable[Record] = (),
    gateway_logs: Iterable[Record] = (),
    currency: str | None = None,
) -> list[TimelineRow]:
    """Timeline rows of the Salesforce records of a chain."""
    rows: list[TimelineRow] = []
    for r in order_summaries:
        rows.append(_sf_row(r, "OrderSummary", f"Order {r.get('OrderNumber') or ''} created".replace("  ", " "),
                            amount_field="GrandTotalAmount", status_field="Status",
                            time_fields=("CreatedDate", "OrderedDate"), currency=currency))
    for r in payment_summaries:
        method = f" ({r.get('Method')})" if r.get("Method") else ""
        rows.append(_sf_row(r, "OrderPaymentSummary", f"Payment summary created{method}",
                            amount_field=None, status_field=None, time_fields=("CreatedDate",), currency=currency))
    for r in authorizations:
        mode = f", {r.get('ProcessingMode')}" if r.get("ProcessingMode") else ""
        rows.append(_sf_row(r, "PaymentAuthorization", f"Authorization{_ref(r)}{mode}", amount_field="Amount",
                            status_field="Status", time_fields=("GatewayDate", "CreatedDate"), currency=currency))
    for r in payments:
        kind = r.get("Type") or "Payment"
        mode = f", {r.get('ProcessingMode')}" if r.get("ProcessingMode") else ""
        rows.append(_sf_row(r, "Payment", f"Payment ({kind}){_ref(r)}{mode}", amount_field="Amount",
                            status_field="Status", time_fields=("GatewayDate", "CreatedDate"), currency=currency))
    for r in refunds:
        mode = f", {r.get('ProcessingMode')}" if r.get("ProcessingMode") else ""
        rows.append(_sf_row(r, "Refund", f"Refund{_ref(r)}{mode}", amount_field="Amount", status_field="Status",
                            time_fields=("GatewayDate", "CreatedDate"), currency=currency))
    for r in gateway_logs:
        message = f": {redact(str(r.get('GatewayMessage')))}" if r.get("GatewayMessage") else ""
        note = " notification" if r.get("IsNotification") == "Yes" else ""
        rows.append(_sf_row(r, "PaymentGatewayLog", f"Gateway {r.get('InteractionType') or 'interaction'}{note}"
                                                    f"{message}",
                            amount_field=None, status_field="InteractionStatus", time_fields=("CreatedDate",),
                            currency=currency))
    return rows


def _stripe_row(when: datetime | None, obj: str, object_id: str, what: str, amount_minor: int | None,
                currency: str, status: Any) -> TimelineRow:
    code = normalize_currency(currency) if currency else None
    return TimelineRow(
        time=when or _EPOCH,
        system="Stripe",
        object=obj,
        id=object_id,
        what=what,
        amount=to_major(amount_minor, code) if amount_minor is not None and code else None,
        currency=code if amount_minor is not None else None,
        status=str(status) if status is not None else None,
    )


def _event_amount(event_type: str, obj: Record) -> int | None:
    if event_type == "charge.captured":
        return minor(obj, "amount_captured")
    if event_type == "charge.refunded":
        return minor(obj, "amount_refunded")
    if event_type == "payment_intent.amount_capturable_updated":
        return minor(obj, "amount_capturable")
    if event_type == "payment_intent.succeeded":
        return minor(obj, "amount_received")
    return minor(obj, "amount") if "amount" in obj else None


def _event_what(event_type: str, obj: Record) -> str:
    """What an event says happened, in words, with its type."""
    oid = obj.get("id") or ""
    phrases = {
        "charge.captured": f"Charge {oid} captured",
        "charge.succeeded": f"Charge {oid} succeeded",
        "charge.expired": f"Authorization expired: charge {oid} released",
        "charge.failed": f"Charge {oid} failed ({obj.get('failure_code') or 'no failure code'})",
        "charge.refunded": (f"Charge {oid} refunded (total refunded so far)" if obj.get("captured", True)
                            else f"Charge {oid} authorization released, never captured (no money refunded)"),
        "charge.dispute.created": f"Dispute {oid} opened ({obj.get('reason') or 'no reason'}){_answer_by(obj)}",
        "charge.dispute.closed": f"Dispute {oid} closed ({obj.get('status') or 'no status'})",
        "payment_intent.succeeded": f"PaymentIntent {oid} succeeded (amount received)",
        "payment_intent.canceled": f"PaymentIntent {oid} canceled ({obj.get('cancellation_reason') or 'no reason'})",
        "payment_intent.amount_capturable_updated": f"PaymentIntent {oid} authorized (amount capturable)",
        "payment_intent.payment_failed": f"PaymentIntent {oid} payment failed",
        "refund.failed": f"Refund {oid} failed ({obj.get('failure_reason') or 'no failure reason'})",
        "refund.updated": f"Refund {oid} updated: {obj.get('status')}",
        "charge.refund.updated": f"Refund {oid} updated: {obj.get('status')}",
    }
    return f"{phrases.get(event_type, f'{event_type} {oid}'.strip())} [{event_type}]"


def _answer_by(dispute: Record) -> str:
    due = from_unix((dispute.get("evidence_details") or {}).get("due_by"))
    return f", answer by {due.strftime('%Y-%m-%d %H:%M UTC')}" if due is not None else ""


def dispute_rows(evidence: StripePaymentEvidence) -> list[TimelineRow]:
    """The disputes of the charge (from the ``charge.dispute.*`` events' snapshots): the deadline to answer each,
    and the balance transactions that withdrew the disputed amount and the dispute fee, or reinstated them."""
    rows = []
    currency = evidence.currency
    for dispute in disputes(evidence):
        did = str(dispute.get("id") or "")
        details = dispute.get("evidence_details") or {}
        code = str(dispute.get("currency") or currency)
        if details.get("due_by"):
            answered = "evidence submitted" if details.get("has_evidence") else "no evidence submitted"
            late = ", past due" if details.get("past_due") else ""
            rows.append(_stripe_row(from_unix(details.get("due_by")), "Dispute", did,
                                    f"Deadline to answer dispute {did} ({dispute.get('reason') or 'no reason'}): "
                                    f"{answered}{late}; now {dispute.get('status')}", minor(dispute, "amount"), code,
                                    dispute.get("status")))
        for txn in dispute.get("balance_transactions") or []:
            if not isinstance(txn, dict):
                continue
            amount, fee = minor(txn, "amount"), minor(txn, "fee")
            tcode = str(txn.get("currency") or code)
            verb = "withdrew" if amount < 0 else "reinstated"
            fee_text = (f"; dispute fee {format_amount(to_major(abs(fee), tcode), tcode)} "
                        f"{'charged' if fee > 0 else 'returned'}" if fee else "; no fee")
            rows.append(_stripe_row(from_unix(txn.get("created")), "BalanceTransaction", str(txn.get("id")),
                                    f"Dispute {did} {verb} {format_amount(to_major(abs(amount), tcode), tcode)}"
                                    f"{fee_text}, net {format_amount(to_major(minor(txn, 'net'), tcode), tcode)}",
                                    amount, tcode, txn.get("status")))
    return rows


def _fee(bt: Record, currency: str) -> str:
    code = bt.get("currency") or currency
    return (f"fee {format_amount(to_major(minor(bt, 'fee'), code), currency)}, "
            f"net {format_amount(to_major(minor(bt, 'net'), code), currency)}")


def stripe_rows(evidence: StripePaymentEvidence) -> list[TimelineRow]:
    """Timeline rows of one PaymentIntent: its creation and cancellation, its charge (authorized or captured at
    creation), the balance transaction (created when the money was captured), refunds and events.

    Each row says what happened at its time: a manual-capture charge is *authorized* at its creation; its
    capture is dated by the balance transaction and the ``charge.captured`` / ``payment_intent.succeeded``
    events. Current states appear as "now ..." so they are not read as the state at that time.
    """
    pi = evidence.payment_intent
    currency = evidence.currency
    rows = [_stripe_row(from_unix(pi.get("created")), "PaymentIntent", evidence.id,
                        f"PaymentIntent created (capture_method {pi.get('capture_method')}; now {pi.get('status')})",
                        minor(pi, "amount"), currency, None)]
    if pi.get("canceled_at"):
        reason = pi.get("cancellation_reason") or "no reason"
        rows.append(_stripe_row(from_unix(pi.get("canceled_at")), "PaymentIntent", evidence.id,
                                f"PaymentIntent canceled ({reason})", minor(pi, "amount"), currency, "canceled"))
    charge = evidence.charge
    if charge:
        manual = pi.get("capture_method") == "manual"
        if charge.get("status") == "failed":
            what = f"Charge failed ({charge.get('failure_code') or 'no failure code'})"
        elif manual:
            now = "captured" if charge.get("captured") else "not captured"
            what = f"Charge authorized, to be captured later (now {now})"
        else:
            what = "Charge succeeded, captured at checkout" if charge.get("captured") else "Charge authorized"
        rows.append(_stripe_row(from_unix(charge.get("created")), "Charge", str(charge.get("id")), what,
                                minor(charge, "amount"), currency, charge.get("status")))
        txn = charge.get("balance_transaction")
        if isinstance(txn, str) and txn in evidence.balance_transactions:
            bt = evidence.balance_transactions[txn]
            rows.append(_stripe_row(from_unix(bt.get("created")), "BalanceTransaction", txn,
                                    f"Charge {charge.get('id')} captured: {_fee(bt, currency)}", minor(bt, "amount"),
                                    bt.get("currency") or currency, bt.get("status")))
    for refund in evidence.refunds:
        rows.append(_stripe_row(from_unix(refund.get("created")), "Refund", str(refund.get("id")),
                                _refund_what(refund, evidence), minor(refund, "amount"),
                                refund.get("currency") or currency, None))
    for event in evidence.events:
        event_type = str(event.get("type") or "")
        if event_type in _DUPLICATE_EVENTS:
            continue
        obj = (event.get("data") or {}).get("object") or {}
        rows.append(_stripe_row(from_unix(event.get("created")), "Event", str(event.get("id")),
                                _event_what(event_type, obj), _event_amount(event_type, obj),
                                obj.get("currency") or currency, obj.get("status")))
    rows.extend(dispute_rows(evidence))
    return rows


def _refund_what(refund: Record, evidence: StripePaymentEvidence) -> str:
    """What a Stripe refund object records: money returned, or the release of money never captured (an expired
    or canceled authorization, the uncaptured remainder of a partial capture), which refunds nothing."""
    status = refund.get("status")
    if status in ("failed", "canceled") or is_money_moving_refund(refund, evidence):
        reason = f" ({refund.get('reason')})" if refund.get("reason") else ""
        return f"Refund created{reason} (now {status})"
    pi = evidence.payment_intent
    if refund.get("reason") == "expired_uncaptured_charge" or pi.get("cancellation_reason") in ("automatic", "expired"):
        what = "Authorization released (expired)"
    elif pi.get("status") == "canceled":
        what = f"Authorization released (PaymentIntent canceled: {pi.get('cancellation_reason') or 'no reason'})"
    else:
        what = "Uncaptured remainder released"
    return f"{what}; no money was refunded (Stripe refund object, now {status})"


def stripe_notes(evidence: StripePaymentEvidence) -> list[str]:
    """What Stripe's objects state without a time the trace can show (instead of a row at a wrong time)."""
    notes: list[str] = []
    charge = evidence.charge or {}
    types = {str(e.get("type")) for e in evidence.events}
    txn = charge.get("balance_transaction")
    dated_capture = (isinstance(txn, str) and txn in evidence.balance_transactions) or types & {
        "charge.captured", "payment_intent.succeeded"}
    if charge.get("captured") and not dated_capture:
        notes.append(f"Charge {charge.get('id')} is captured; neither its balance transaction nor a capture event "
                     "was fetched, so the time of the capture is not shown.")
    if charge.get("disputed") and "charge.dispute.created" not in types:
        notes.append(f"Charge {charge.get('id')} is disputed; no charge.dispute.created event was fetched, so the "
                     "time of the dispute is not shown.")
    return notes


def timeline(salesforce: Iterable[TimelineRow], stripe: Iterable[StripePaymentEvidence]) -> list[TimelineRow]:
    """Both systems' rows, deduplicated and sorted by time, system, id."""
    rows = {(*row.sort_key(), row.object): row for row in salesforce}
    for evidence in stripe:
        for row in stripe_rows(evidence):
            rows[(*row.sort_key(), row.object)] = row
    return sorted(rows.values(), key=TimelineRow.sort_key)
