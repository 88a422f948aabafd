"""Disputes: a cardholder's bank disputes a captured charge, the merchant answers, the bank decides.

The rules the embedded account follows (Stripe's dispute object and its documented life cycle):

- ``dispute_charge``: a dispute of ``amount`` (default: what was captured and not refunded) with ``status``
  ``needs_response`` (a chargeback) or ``warning_needs_response`` (an inquiry), ``evidence_details.due_by`` at the end
  of the day (UTC) :data:`RESPONSE_DAYS` days later, the charge ``disputed: true``. A chargeback withdraws the money at
  once: a balance transaction of type ``adjustment`` (reporting category ``dispute``) of minus the amount with the
  dispute fee (:data:`DISPUTE_FEES`) in ``fee`` and ``fee_details``; events ``charge.dispute.created`` and
  ``charge.dispute.funds_withdrawn``. An inquiry withdraws nothing and leaves the charge refundable
  (``is_charge_refundable: true``); a chargeback does not.
- ``submit_dispute_evidence``: the evidence is staged and submitted (``has_evidence``, ``submission_count`` + 1,
  ``past_due`` when submitted after ``due_by``); status ``under_review`` (``warning_under_review``);
  ``charge.dispute.updated``.
- ``close_dispute``: ``won`` or ``lost`` (an inquiry closes ``warning_closed``); ``charge.dispute.closed``. A won
  chargeback reinstates the amount (reporting category ``dispute_reversal``) with ``charge.dispute.funds_reinstated``;
  the dispute fee comes back only when the account returns it (``dispute_fee_returned_when_won``, default False:
  since 2025 Stripe keeps the fee for a dispute received even when it is won).

Not modelled (documented in ``docs/sandbox-conformance.md``): disputes closing by themselves when the deadline passes,
an inquiry escalating into a chargeback, the Update and Close endpoints over HTTP, enhanced evidence.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.sandbox.stripe.errors import StripeError
from toolkit.sandbox.stripe.objects import clone, currency_exponent, fill_keys

if TYPE_CHECKING:
    from toolkit.sandbox.stripe.store import ObjectStore

__all__ = ["DISPUTE_FEES", "DISPUTE_REASONS", "RESPONSE_DAYS", "DisputeRules"]

#: The reasons a cardholder's bank gives (Stripe's ``dispute.reason`` values).
DISPUTE_REASONS = ("bank_cannot_process", "check_returned", "credit_not_processed", "customer_initiated",
                   "debit_not_authorized", "duplicate", "fraudulent", "general", "incorrect_account_details",
                   "insufficient_funds", "noncompliant", "product_not_received", "product_unacceptable",
                   "subscription_canceled", "unrecognized")
#: The dispute fee in minor units by currency (a documented choice: 15.00 USD, 20.00 EUR/GBP, 2,000 JPY); other
#: currencies pay 15 major units.
DISPUTE_FEES = {"usd": 1500, "eur": 2000, "gbp": 2000, "jpy": 2000, "cad": 1500, "aud": 2500}
#: Days the merchant has to answer: ``due_by`` is the end of that day (UTC).
RESPONSE_DAYS = 7
#: Network reason codes of the commonest reasons, by card network (``payment_method_details.card``).
_NETWORK_CODES = {
    "visa": {"fraudulent": "10.4", "product_not_received": "13.1", "duplicate": "12.6.1",
             "credit_not_processed": "13.6", "product_unacceptable": "13.3", "subscription_canceled": "13.2",
             "general": "13.7"},
    "mastercard": {"fraudulent": "4837", "product_not_received": "4855", "duplicate": "4834",
                   "credit_not_processed": "4860", "product_unacceptable": "4853", "general": "4853"},
}
_OPEN = ("needs_response", "under_review", "warning_needs_response", "warning_under_review")


def dispute_fee(currency: str) -> int:
    """The dispute fee in minor units of ``currency`` (see :data:`DISPUTE_FEES`)."""
    return DISPUTE_FEES.get(currency.lower(), 15 * 10 ** currency_exponent(currency))


def _end_of_day(ts: int, days: int) -> int:
    day = datetime.fromtimestamp(ts, tz=UTC).date() + timedelta(days=days)
    return int(datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC).timestamp())


class DisputeRules:
    """The dispute half of :class:`~toolkit.sandbox.stripe.rules.AccountRules` (a mixin: it uses the account's
    store, lock, clock and balance transactions)."""

    store: ObjectStore
    lock: threading.RLock
    #: Whether a won dispute returns the dispute fee (Stripe's rule for the account's country and date).
    dispute_fee_returned_when_won = False

    def _now(self) -> int:  # pragma: no cover - provided by AccountRules
        raise NotImplementedError

    def _txn(self, **kwargs: Any) -> dict[str, Any]:  # pragma: no cover - provided by AccountRules
        raise NotImplementedError

    def dispute_charge(self, charge_id: str, *, reason: str = "fraudulent", amount: int | None = None,
                       inquiry: bool = False) -> dict[str, Any]:
        """A cardholder's bank disputes the charge; returns the dispute (rendered)."""
        with self.lock:
            charge = self.store.fetch("charge", charge_id, api=False)
            if reason not in DISPUTE_REASONS:
                raise StripeError(400, f"Invalid reason: must be one of {', '.join(DISPUTE_REASONS)}", param="reason")
            if not charge["captured"]:
                raise StripeError(400, f"Charge {charge_id} has not been captured and cannot be disputed.",
                                  param="charge")
            if any(d["status"] in _OPEN for d in self.store.disputes_of(charge_id)):
                raise StripeError(400, f"Charge {charge_id} already has an open dispute.", param="charge")
            disputable = charge["amount_captured"] - _money_refunded(charge)
            value = disputable if amount is None else amount
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= disputable:
                raise StripeError(400, f"A dispute of charge {charge_id} must be between 1 and {disputable}.",
                                  param="amount")
            now = self._now()
            live = charge["id"] in self.store.live
            card = ((charge.get("payment_method_details") or {}).get("card")) or {}
            network = str(card.get("network") or card.get("brand") or "visa")
            dispute = fill_keys({
                "id": self.store.new_id("du"), "object": "dispute", "amount": value, "charge": charge["id"],
                "created": now, "currency": charge["currency"],
                "evidence_details": {"due_by": _end_of_day(now, RESPONSE_DAYS), "enhanced_eligibility": {},
                                     "has_evidence": False, "past_due": False, "submission_count": 0},
                "is_charge_refundable": inquiry, "livemode": live, "metadata": {},
                "payment_intent": charge.get("payment_intent"),
                "payment_method_details": {"type": "card", "card": {
                    "brand": str(card.get("brand") or network), "case_type": "inquiry" if inquiry else "chargeback",
                    "network": network, "network_reason_code": _NETWORK_CODES.get(network, {}).get(reason)}},
                "reason": reason, "status": "warning_needs_response" if inquiry else "needs_response",
            })
            dispute.pop("balance_transactions", None)  # derived from the balance transactions
            self.store.add(dispute, live=live)
            charge["disputed"] = True
            if not inquiry:
                fee = dispute_fee(charge["currency"])
                self._dispute_txn(dispute, charge, -value, fee, "dispute", "Chargeback withdrawal")
            self.store.emit("charge.dispute.created", dispute, None)
            if not inquiry:
                self.store.emit("charge.dispute.funds_withdrawn", dispute, None)
            return self.store.render(dispute)

    def _dispute_txn(self, dispute: dict[str, Any], charge: dict[str, Any], amount: int, fee: int, category: str,
                     label: str) -> dict[str, Any]:
        txn = self._txn(amount=amount, currency=charge["currency"], source=dispute["id"], kind="adjustment", fee=fee,
                        description=f"{label} for {charge['id']}", live=charge["id"] in self.store.live)
        txn["reporting_category"] = category
        for detail in txn["fee_details"]:
            detail["description"] = "Dispute fee"
        return txn

    def submit_dispute_evidence(self, dispute_id: str, evidence: dict[str, Any] | None = None) -> dict[str, Any]:
        """The merchant submits evidence (text fields of ``dispute.evidence``); returns the dispute."""
        with self.lock:
            dispute = self.store.fetch("dispute", dispute_id, api=False)
            if dispute["status"] not in ("needs_response", "warning_needs_response"):
                raise StripeError(400, f"This dispute is {dispute['status']}: evidence can no longer be submitted.",
                                  param="evidence")
            unknown = sorted(set(evidence or {}) - set(dispute["evidence"]))
            if unknown:
                raise StripeError(400, f"Received unknown parameter: evidence[{unknown[0]}]",
                                  param=f"evidence[{unknown[0]}]")
            previous = {"evidence_details": clone(dispute["evidence_details"]), "status": dispute["status"]}
            now = self._now()
            dispute["evidence"].update(evidence or {})
            details = dispute["evidence_details"]
            details.update({"has_evidence": True, "submission_count": details["submission_count"] + 1,
                            "past_due": bool(details["due_by"]) and now > details["due_by"]})
            dispute["status"] = "warning_under_review" if dispute["status"].startswith("warning") else "under_review"
            self.store.emit("charge.dispute.updated", dispute, None, previous_attributes=previous)
            return self.store.render(dispute)

    def close_dispute(self, dispute_id: str, outcome: str, *, return_fee: bool | None = None) -> dict[str, Any]:
        """The bank decides: ``won`` or ``lost`` (an inquiry closes ``warning_closed`` either way)."""
        with self.lock:
            dispute = self.store.fetch("dispute", dispute_id, api=False)
            if outcome not in ("won", "lost"):
                raise StripeError(400, "Invalid outcome: must be won or lost", param="outcome")
            if dispute["status"] not in _OPEN:
                raise StripeError(400, f"This dispute is already closed ({dispute['status']}).", param="dispute")
            previous = {"status": dispute["status"]}
            inquiry = dispute["status"].startswith("warning")
            dispute["status"] = "warning_closed" if inquiry else outcome
            reinstated = not inquiry and outcome == "won"
            if reinstated:
                charge = self.store.objects[dispute["charge"]]
                withdrawn = self.store.balance_transactions_of(dispute["id"])
                fee = sum(txn["fee"] for txn in withdrawn)
                returned = self.dispute_fee_returned_when_won if return_fee is None else return_fee
                self._dispute_txn(dispute, charge, dispute["amount"], -fee if returned else 0, "dispute_reversal",
                                  "Chargeback reversal")
            self.store.emit("charge.dispute.closed", dispute, None, previous_attributes=previous)
            if reinstated:
                self.store.emit("charge.dispute.funds_reinstated", dispute, None)
            return self.store.render(dispute)


def _money_refunded(charge: dict[str, Any]) -> int:
    """What was refunded of the captured amount (the release of an uncaptured remainder is not a refund)."""
    released = charge["amount"] - charge["amount_captured"] if charge["captured"] else 0
    return charge["amount_refunded"] - released
