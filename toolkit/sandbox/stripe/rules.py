"""The rules of the embedded Stripe account: PaymentIntents, charges, refunds, balance transactions and events.

The same rules serve the HTTP API (``app.py``) and the direct operations scenario scripts call. Every
change emits its events with the causing request's id and idempotency key (nulls for automatic changes
such as an authorization expiring when the clock passes ``capture_before``).

Documented choices where Stripe's behaviour is not pinned down by the reference:

- Refunding a PaymentIntent whose charge is still uncaptured (``requires_capture``) is refused with
  ``payment_intent_unexpected_state`` (cancel the PaymentIntent to release an authorization); a charge
  whose authorization was already released answers ``charge_already_refunded``.
- Releases (partial-capture remainder, cancel, expiry) are refunds with ``balance_transaction: null``
  and emit no ``refund.created``; what remains refundable on a captured charge is
  ``amount - amount_refunded`` (= ``amount_captured`` minus money refunded).
- A disputed charge is refunded only while every dispute of it says ``is_charge_refundable`` (an inquiry);
  otherwise Stripe's ``charge_disputed`` (disputes: ``disputes.py``).
- Customers and payment methods are not objects here: a ``cus_`` id is accepted as is.
- Test and live: objects created by a request take the mode of its key (every sandbox key is a test key);
  objects derived from another (charges, refunds, balance transactions) take their parent's mode.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from toolkit.core.clock import Clock
from toolkit.sandbox.stripe.disputes import DisputeRules
from toolkit.sandbox.stripe.errors import StripeError
from toolkit.sandbox.stripe.idempotency import IdempotencyStore
from toolkit.sandbox.stripe.keys import KeyRing
from toolkit.sandbox.stripe.objects import (
    THREE_DECIMAL,
    ZERO_DECIMAL,
    capture_deadline,
    compute_fee,
    currency_exponent,
    format_amount,
    minimum_amount,
    new_balance_transaction,
    new_charge,
    new_payment_intent,
    new_refund,
)
from toolkit.sandbox.stripe.store import ObjectStore, RequestInfo

__all__ = ["CURRENCIES", "TEST_PAYMENT_METHODS", "AccountRules"]

CURRENCIES = frozenset({"usd", "eur", "gbp", "cad", "aud", "chf", "sek", "nok", "dkk", "nzd", "sgd", "hkd", "mxn",
                        "brl", "pln", "czk", "huf", "ron", "bgn", "inr", "zar", "ils", "aed", "sar", "thb", "myr",
                        "php", "idr", "try", "cny"}) | ZERO_DECIMAL | THREE_DECIMAL
CAPTURE_METHODS = ("automatic", "automatic_async", "manual")
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation", "requires_action")
CANCELLATION_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
REFUND_STATUSES = ("pending", "requires_action", "succeeded", "failed", "canceled")
COUNTED_REFUND_STATUSES = ("succeeded", "pending", "requires_action")
FAILURE_REASONS = ("lost_or_stolen_card", "expired_or_canceled_card", "charge_for_pending_refund_disputed",
                   "insufficient_funds", "declined", "merchant_request", "unknown")
PENDING_REASONS = ("processing", "insufficient_funds", "charge_pending")
MAX_AMOUNT = 99_999_999
#: Stripe's test payment methods: card details, or None for a card that is declined.
TEST_PAYMENT_METHODS: dict[str, dict[str, Any] | None] = {
    "pm_card_visa": {"brand": "visa", "last4": "4242", "network": "visa"},
    "pm_card_mastercard": {"brand": "mastercard", "last4": "4444", "network": "mastercard"},
    "pm_card_amex": {"brand": "amex", "last4": "8431", "network": "amex"},
    "pm_card_chargeDeclined": None,
}


class AccountRules(DisputeRules):
    """State and rules; ``StripeAccount`` adds the HTTP app, case files and keys on top (disputes:
    :class:`~toolkit.sandbox.stripe.disputes.DisputeRules`)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.store = ObjectStore(clock.timestamp)
        self.keys = KeyRing()
        self.idempotency = IdempotencyStore()
        self.livemode = False
        #: Stripe search is eventually consistent: objects younger than this are not yet searchable.
        self.search_lag_seconds = 0
        clock.on_change(self._on_clock)

    # --- helpers -------------------------------------------------------------------------------
    def _now(self) -> int:
        return self.clock.timestamp()

    def _pi_error(self, status: int, message: str, pi: dict[str, Any], *, code: str,
                  param: str | None = None) -> StripeError:
        return StripeError(status, message, code=code, param=param, extra={"payment_intent": self.store.render(pi)})

    def _txn(self, *, amount: int, currency: str, source: str, kind: str, fee: int = 0,
             description: str | None = None, live: bool) -> dict[str, Any]:
        now = self._now()
        txn = new_balance_transaction(object_id=self.store.new_id("txn"), amount=amount, currency=currency,
                                      created=now, source=source, kind=kind, fee=fee, description=description)
        return self.store.add(txn, live=live)

    def get(self, object_id: str) -> dict[str, Any] | None:
        """Any object by id as a plain dict, unexpanded (``charge.refunds`` derived)."""
        with self.lock:
            obj = self.store.get(object_id)
            return None if obj is None else self.store.render(obj)

    # --- PaymentIntents ------------------------------------------------------------------------
    def create_payment_intent(self, *, amount: int, currency: str, capture_method: str = "automatic",
                              metadata: dict[str, str] | None = None, confirm: bool = True,
                              card: dict[str, Any] | None = None, capture_window_days: int = 7,
                              request: RequestInfo = None, payment_method: str | None = None,
                              description: str | None = None, customer: str | None = None,
                              billing_details: dict[str, Any] | None = None) -> dict[str, Any]:
        """Create (and by default confirm) a PaymentIntent; a storefront's checkout."""
        with self.lock:
            currency = _check_currency(currency)
            amount = _check_amount(amount, currency)
            if capture_method not in CAPTURE_METHODS:
                raise StripeError(400, f"Invalid capture_method: must be one of {', '.join(CAPTURE_METHODS)}",
                                  param="capture_method")
            if confirm and payment_method is None:
                payment_method = "pm_card_visa"
            if payment_method is not None:
                self._check_payment_method(payment_method)
            pi = new_payment_intent(object_id=self.store.new_id("pi"), amount=amount, currency=currency,
                                    capture_method=capture_method, created=self._now(), livemode=self.store.viewer_live,
                                    metadata=dict(metadata or {}), description=description, customer=customer,
                                    payment_method=None)
            if payment_method is not None:
                pi["status"] = "requires_confirmation"
            self.store.add(pi)
            self.store.emit("payment_intent.created", pi, request)
            if confirm:
                return self._confirm(pi, payment_method or "pm_card_visa", card, capture_window_days, request,
                                     billing_details)
            if payment_method is not None:
                pi["payment_method"] = self._attach_payment_method(payment_method)
            return self.store.render(pi)

    def confirm_payment_intent(self, pi_id: str, *, payment_method: str | None = None,
                               card: dict[str, Any] | None = None, capture_window_days: int = 7,
                               request: RequestInfo = None, api: bool = False) -> dict[str, Any]:
        with self.lock:
            pi = self.store.fetch("payment_intent", pi_id, api=api)
            if pi["status"] not in ("requires_payment_method", "requires_confirmation", "requires_action"):
                raise self._pi_error(400, "You cannot confirm this PaymentIntent because it has a status of "
                                          f"{pi['status']}.", pi, code="payment_intent_unexpected_state")
            method = payment_method or pi["payment_method"]
            if method is None:
                raise self._pi_error(400, "You cannot confirm this PaymentIntent because it's missing a payment "
                                          "method. Update the PaymentIntent with a payment method and then confirm "
                                          "it again.", pi, code="payment_intent_unexpected_state",
                                     param="payment_method")
            self._check_payment_method(method)
            return self._confirm(pi, method, card, capture_window_days, request, None)

    def _check_payment_method(self, method: Any) -> None:
        if not isinstance(method, str) or (method not in TEST_PAYMENT_METHODS
                                           and method not in self.store.payment_methods):
            raise StripeError(404, f"No such PaymentMethod: '{method}'", code="resource_missing",
                              param="payment_method")

    def _attach_payment_method(self, method: str) -> str:
        if method in TEST_PAYMENT_METHODS:
            pm_id = self.store.new_id("pm")
            self.store.payment_methods.add(pm_id)
            return pm_id
        return method

    def _confirm(self, pi: dict[str, Any], method: str, card: dict[str, Any] | None, window_days: int,
                 request: RequestInfo, billing: dict[str, Any] | None) -> dict[str, Any]:
        now = self._now()
        declined = method in TEST_PAYMENT_METHODS and TEST_PAYMENT_METHODS[method] is None
        card_details = {**(TEST_PAYMENT_METHODS.get(method) or {}), **(card or {})}
        pm_id = self._attach_payment_method(method) if pi["payment_method"] is None or method != pi["payment_method"] \
            else method
        manual = pi["capture_method"] == "manual"
        capture_before = now + int(window_days) * 86400 if manual else None
        charge = new_charge(object_id=self.store.new_id("ch"), payment_intent=pi, payment_method=pm_id,
                            card=card_details, created=now, capture_before=capture_before, billing=billing)
        pi["payment_method"] = pm_id
        pi["latest_charge"] = charge["id"]
        if declined:
            charge.update({"status": "failed", "paid": False, "failure_code": "card_declined",
                           "failure_message": "Your card was declined."})
            charge["outcome"].update({"network_status": "declined_by_network", "reason": "generic_decline",
                                      "seller_message": "The bank did not return any further details with this "
                                                        "decline.", "type": "issuer_declined"})
            self.store.add(charge, live=pi["id"] in self.store.live)
            pi["status"] = "requires_payment_method"
            pi["payment_method"] = None
            pi["last_payment_error"] = {"type": "card_error", "code": "card_declined",
                                        "decline_code": "generic_decline", "charge": charge["id"],
                                        "message": "Your card was declined."}
            self.store.emit("charge.failed", charge, request)
            self.store.emit("payment_intent.payment_failed", pi, request)
            raise StripeError(402, "Your card was declined.", type="card_error", code="card_declined",
                              extra={"decline_code": "generic_decline", "charge": charge["id"],
                                     "payment_intent": self.store.render(pi)})
        self.store.add(charge, live=pi["id"] in self.store.live)
        if manual:
            pi["status"] = "requires_capture"
            pi["amount_capturable"] = pi["amount"]
            self.store.uncaptured[charge["id"]] = capture_before or now
            self.store.emit("charge.succeeded", charge, request)
            self.store.emit("payment_intent.amount_capturable_updated", pi, request)
        else:
            self._capture_money(charge, pi["amount"])
            pi["status"] = "succeeded"
            pi["amount_received"] = pi["amount"]
            self.store.emit("charge.succeeded", charge, request)
            self.store.emit("payment_intent.succeeded", pi, request)
        return self.store.render(pi)

    def _capture_money(self, charge: dict[str, Any], amount: int) -> None:
        fee = compute_fee(amount, charge["currency"])
        txn = self._txn(amount=amount, currency=charge["currency"], source=charge["id"], kind="charge", fee=fee,
                        description=charge.get("description"), live=charge["id"] in self.store.live)
        charge.update({"captured": True, "amount_captured": amount, "balance_transaction": txn["id"]})

    def _release(self, charge: dict[str, Any], amount: int, *, reason: str | None, created: int) -> None:
        """Release authorized money: a refund with no balance transaction, no refund.created event."""
        refund = new_refund(object_id=self.store.new_id("re"), charge=charge, amount=amount, created=created,
                            reason=reason, status="succeeded", metadata={}, balance_transaction=None)
        self.store.add(refund, live=charge["id"] in self.store.live)
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]

    def capture_payment_intent(self, pi_id: str, *, amount_to_capture: int | None = None,
                               request: RequestInfo = None, api: bool = False) -> dict[str, Any]:
        with self.lock:
            pi = self.store.fetch("payment_intent", pi_id, api=api)
            if pi["status"] != "requires_capture":
                raise self._pi_error(400, "This PaymentIntent could not be captured because it has a status of "
                                          f"{pi['status']}.", pi, code="payment_intent_unexpected_state")
            charge = self.store.objects[pi["latest_charge"]]
            capture_before = capture_deadline(charge)
            if self._now() > capture_before:
                raise self._pi_error(400, f"The charge {charge['id']} has expired for capture: its authorization "
                                          "was released.", pi, code="charge_expired_for_capture")
            amount = pi["amount_capturable"] if amount_to_capture is None else amount_to_capture
            if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
                raise self._pi_error(400, "This value must be greater than or equal to 1.", pi,
                                     code="parameter_invalid_integer", param="amount_to_capture")
            if amount > pi["amount_capturable"]:
                raise self._pi_error(400, f"The amount to capture ({amount}) is greater than the amount capturable "
                                          f"({pi['amount_capturable']}).", pi, code="amount_too_large",
                                     param="amount_to_capture")
            self._capture_money(charge, amount)
            remainder = charge["amount"] - amount
            if remainder:
                self._release(charge, remainder, reason=None, created=self._now())
            self.store.uncaptured.pop(charge["id"], None)
            pi.update({"status": "succeeded", "amount_received": amount, "amount_capturable": 0})
            self.store.emit("charge.captured", charge, request)
            self.store.emit("payment_intent.succeeded", pi, request)
            return self.store.render(pi)

    def cancel_payment_intent(self, pi_id: str, *, cancellation_reason: str | None = None,
                              request: RequestInfo = None, api: bool = False) -> dict[str, Any]:
        with self.lock:
            pi = self.store.fetch("payment_intent", pi_id, api=api)
            if cancellation_reason is not None and cancellation_reason not in CANCELLATION_REASONS:
                raise StripeError(400, f"Invalid cancellation_reason: must be one of "
                                       f"{', '.join(CANCELLATION_REASONS)}", param="cancellation_reason")
            if pi["status"] not in CANCELABLE:
                raise self._pi_error(400, "You cannot cancel this PaymentIntent because it has a status of "
                                          f"{pi['status']}. Only a PaymentIntent with one of the following statuses "
                                          f"may be canceled: {', '.join(CANCELABLE)}, processing.", pi,
                                     code="payment_intent_unexpected_state")
            now = self._now()
            charge = self.store.objects.get(pi["latest_charge"]) if pi["latest_charge"] else None
            if pi["status"] == "requires_capture" and charge is not None:
                self._release(charge, pi["amount_capturable"], reason=None, created=now)
                self.store.uncaptured.pop(charge["id"], None)
                self.store.emit("charge.refunded", charge, request)
            pi.update({"status": "canceled", "canceled_at": now, "cancellation_reason": cancellation_reason,
                       "amount_capturable": 0})
            self.store.emit("payment_intent.canceled", pi, request)
            return self.store.render(pi)

    def update_payment_intent(self, pi_id: str, *, metadata: dict[str, str] | None = None,
                              description: str | None = None, request: RequestInfo = None,
                              api: bool = False) -> dict[str, Any]:
        with self.lock:
            pi = self.store.fetch("payment_intent", pi_id, api=api)
            previous: dict[str, Any] = {}
            if metadata is not None:
                previous["metadata"] = dict(pi["metadata"])
                merged = dict(pi["metadata"])
                for key, value in metadata.items():
                    if value in ("", None):
                        merged.pop(key, None)
                    else:
                        merged[key] = value
                pi["metadata"] = merged
            if description is not None:
                previous["description"] = pi["description"]
                pi["description"] = description or None
            if previous:
                self.store.emit("payment_intent.updated", pi, request, previous_attributes=previous)
            return self.store.render(pi)

    # --- expiry --------------------------------------------------------------------------------
    def _on_clock(self, now: datetime) -> None:
        with self.lock:
            self._expire_due(int(now.timestamp()))
            self._settle_balance(int(now.timestamp()))

    def _expire_due(self, ts: int) -> None:
        due = sorted((before, self.store.seq[cid], cid) for cid, before in self.store.uncaptured.items()
                     if ts > before)
        for capture_before, _seq, charge_id in due:
            self.store.uncaptured.pop(charge_id, None)
            charge = self.store.objects[charge_id]
            pi = self.store.objects.get(charge.get("payment_intent") or "")
            if pi is None or pi["status"] != "requires_capture" or charge["captured"]:
                continue
            moment = capture_before + 1
            self._release(charge, charge["amount"] - charge["amount_refunded"], reason="expired_uncaptured_charge",
                          created=moment)
            pi.update({"status": "canceled", "cancellation_reason": "automatic", "canceled_at": moment,
                       "amount_capturable": 0})
            self.store.emit("charge.expired", charge, None, created=moment)
            self.store.emit("payment_intent.canceled", pi, None, created=moment)

    def _settle_balance(self, ts: int) -> None:
        ready = [tid for tid in self.store.pending_txns if self.store.objects[tid]["available_on"] <= ts]
        for tid in ready:
            self.store.objects[tid]["status"] = "available"
            self.store.pending_txns.discard(tid)

    # --- refunds -------------------------------------------------------------------------------
    def create_refund(self, *, payment_intent: str | None = None, charge: str | None = None,
                      amount: int | None = None, reason: str | None = None, metadata: dict[str, str] | None = None,
                      request: RequestInfo = None, api: bool = False) -> dict[str, Any]:
        with self.lock:
            if payment_intent is None and charge is None:
                raise StripeError(400, "One of the following params should be provided for this request: "
                                       "payment_intent or charge.", code="parameter_missing", param="charge")
            if reason is not None and reason not in REFUND_REASONS:
                raise StripeError(400, f"Invalid reason: must be one of {', '.join(REFUND_REASONS)}",
                                  param="reason")
            if payment_intent is not None:
                pi = self.store.fetch("payment_intent", payment_intent, param="payment_intent", api=api)
                if pi["latest_charge"] is None or pi["status"] in ("requires_payment_method",
                                                                   "requires_confirmation", "requires_action"):
                    raise self._pi_error(400, f"This PaymentIntent ({pi['id']}) does not have a successful charge "
                                              "to refund.", pi, code="payment_intent_unexpected_state",
                                         param="payment_intent")
                charge_obj = self.store.objects[pi["latest_charge"]]
                if charge is not None and charge != charge_obj["id"]:
                    raise StripeError(400, f"The charge {charge} does not belong to PaymentIntent {pi['id']}.",
                                      param="charge")
            else:
                charge_obj = self.store.fetch("charge", charge, param="charge", api=api)
                pi = self.store.objects.get(charge_obj.get("payment_intent") or "")
            disputes = self.store.disputes_of(charge_obj["id"])
            if charge_obj["disputed"] and not (disputes and all(d["is_charge_refundable"] for d in disputes)):
                raise StripeError(400, f"Charge {charge_obj['id']} has been charged back; cannot issue a refund.",
                                  code="charge_disputed", param="charge")
            if charge_obj["refunded"] or charge_obj["amount_refunded"] >= charge_obj["amount"]:
                raise StripeError(400, f"Charge {charge_obj['id']} has already been refunded.",
                                  code="charge_already_refunded", param="charge")
            if not charge_obj["captured"]:
                message = (f"This uncaptured Charge was created by a PaymentIntent ({pi['id']}). You must cancel the "
                           "PaymentIntent to reverse the authorization instead of refunding the Charge directly. For "
                           "more information, see https://stripe.com/docs/payments/payment-intents/"
                           "creating-payment-intents#separate-auth-capture") if pi else \
                    f"Charge {charge_obj['id']} has not been captured."
                if pi is not None:
                    raise self._pi_error(400, message, pi, code="payment_intent_unexpected_state",
                                         param="payment_intent")
                raise StripeError(400, message, code="charge_not_captured", param="charge")
            remaining = charge_obj["amount"] - charge_obj["amount_refunded"]
            value = remaining if amount is None else amount
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise StripeError(400, "This value must be greater than or equal to 1.", param="amount")
            if value > remaining:
                raise StripeError(400, f"Refund amount ({format_amount(value, charge_obj['currency'])}) is greater "
                                       f"than unrefunded amount on charge "
                                       f"({format_amount(remaining, charge_obj['currency'])})",
                                  code="amount_too_large", param="amount")
            refund_id = self.store.new_id("re")
            txn = self._txn(amount=-value, currency=charge_obj["currency"], source=refund_id, kind="refund",
                            description="REFUND FOR CHARGE", live=charge_obj["id"] in self.store.live)
            txn["status"] = "available"
            self.store.pending_txns.discard(txn["id"])
            refund = new_refund(object_id=refund_id, charge=charge_obj, amount=value, created=self._now(),
                                reason=reason, status="succeeded", metadata=dict(metadata or {}),
                                balance_transaction=txn["id"])
            self.store.add(refund, live=charge_obj["id"] in self.store.live)
            charge_obj["amount_refunded"] += value
            charge_obj["refunded"] = charge_obj["amount_refunded"] >= charge_obj["amount"]
            self.store.emit("refund.created", refund, request)
            self.store.emit("charge.refunded", charge_obj, request)
            return self.store.render(refund)

    def cancel_refund(self, refund_id: str, *, request: RequestInfo = None, api: bool = False) -> dict[str, Any]:
        with self.lock:
            refund = self.store.fetch("refund", refund_id, api=api)
            if refund["status"] not in ("pending", "requires_action"):
                raise StripeError(400, f"Refund {refund_id} cannot be canceled because it has a status of "
                                       f"{refund['status']}. Only refunds with a status of pending or "
                                       "requires_action can be canceled.", param="refund")
            return self._change_refund_status(refund, "canceled", None, None, request)

    def set_refund_status(self, refund_id: str, status: str, *, failure_reason: str | None = None,
                          pending_reason: str | None = None, request: RequestInfo = None) -> dict[str, Any]:
        """Move a refund to ``status`` as Stripe would later (the bank answering); emits the events."""
        with self.lock:
            refund = self.store.fetch("refund", refund_id, api=False)
            if status not in REFUND_STATUSES:
                raise StripeError(400, f"Invalid status {status!r}: must be one of {', '.join(REFUND_STATUSES)}",
                                  param="status")
            if refund["status"] in ("failed", "canceled"):
                raise StripeError(400, f"Refund {refund_id} is {refund['status']}; its status can no longer change.",
                                  param="status")
            if failure_reason is not None and failure_reason not in FAILURE_REASONS:
                raise StripeError(400, f"Invalid failure_reason: must be one of {', '.join(FAILURE_REASONS)}",
                                  param="failure_reason")
            if pending_reason is not None and pending_reason not in PENDING_REASONS:
                raise StripeError(400, f"Invalid pending_reason: must be one of {', '.join(PENDING_REASONS)}",
                                  param="pending_reason")
            return self._change_refund_status(refund, status, failure_reason, pending_reason, request)

    def _change_refund_status(self, refund: dict[str, Any], status: str, failure_reason: str | None,
                              pending_reason: str | None, request: RequestInfo) -> dict[str, Any]:
        previous = {"status": refund["status"]}
        charge = self.store.objects[refund["charge"]]
        was_counted = refund["status"] in COUNTED_REFUND_STATUSES
        refund["status"] = status
        if status in ("pending", "requires_action"):
            refund["pending_reason"] = pending_reason or "processing"
        elif "pending_reason" in refund:
            refund["pending_reason"] = None
        if status == "failed":
            refund["failure_reason"] = failure_reason or "unknown"
        if status in ("failed", "canceled") and was_counted:
            charge["amount_refunded"] -= refund["amount"]
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
            if refund["balance_transaction"] is not None:
                kind = "refund_failure"
                txn = self._txn(amount=refund["amount"], currency=refund["currency"], source=refund["id"],
                                kind=kind, description="REFUND FAILURE" if status == "failed" else "REFUND CANCELED",
                                live=refund["id"] in self.store.live)
                txn["status"] = "available"
                self.store.pending_txns.discard(txn["id"])
                refund["failure_balance_transaction"] = txn["id"]
        elif status in COUNTED_REFUND_STATUSES and not was_counted:
            charge["amount_refunded"] += refund["amount"]
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self.store.emit("refund.updated", refund, request, previous_attributes=previous)
        if status == "failed":
            self.store.emit("refund.failed", refund, request)
        self.store.emit("charge.refund.updated", refund, request, previous_attributes=previous)
        return self.store.render(refund)


def _check_currency(currency: Any) -> str:
    code = str(currency or "").lower()
    if code not in CURRENCIES:
        raise StripeError(400, f"Invalid currency: {currency}. Stripe currently supports these currencies: "
                               f"{', '.join(sorted(CURRENCIES))}", param="currency")
    return code


def _check_amount(amount: Any, currency: str) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise StripeError(400, f"Invalid integer: {amount}", param="amount")
    minimum = minimum_amount(currency)
    if amount < minimum:
        raise StripeError(400, f"Amount must be at least {format_amount(minimum, currency)}",
                          code="amount_too_small", param="amount")
    if amount > MAX_AMOUNT:
        raise StripeError(400, f"Amount must be no more than {format_amount(MAX_AMOUNT, currency)}",
                          code="amount_too_large", param="amount")
    if currency_exponent(currency) == 3 and amount % 10:
        raise StripeError(400, "Invalid amount: amounts in three-decimal currencies must end in 0 (a multiple of "
                               "10 minor units).", code="invalid_charge_amount", param="amount")
    return amount
