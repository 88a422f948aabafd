"""Expiring authorizations: money Order Management still expects to capture on an authorization Stripe is about to
release, or already released without Order Management knowing. Pure rules over the rules' evidence.

Stripe releases an uncaptured card authorization at its deadline (``payment_method_details.card.capture_before``
of the charge; without one, the PaymentIntent's ``created`` + 7 days: :func:`authorization_deadline`). A payment
summary with AvailableToCaptureAmount > 0 gives a row for each of its PaymentIntents that:

- still requires capture, with a deadline less than ``within`` after now (strictly, as AUTH_EXPIRING), or
  already past: the action is to capture now from Order Management while the deadline is ahead, else to contact
  the customer; the amount is the PaymentIntent's ``amount_capturable`` in its own currency (what a capture can
  still collect);
- was released by Stripe (canceled with ``cancellation_reason`` automatic or expired) while Order Management
  still expects to capture: the deadline has passed without Order Management knowing; the action is to contact
  the customer, and the amount is the summary's AvailableToCaptureAmount in its currency (what will not come).

A PaymentIntent shared by several summaries is listed once (with the first summary by id). Rows are sorted
soonest deadline first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.payment_state import (
    EXPIRY_REASONS,
    authorization_deadline,
    from_unix,
    minor,
    ops_amount,
    stripe_currency_code,
)
from toolkit.core.clock import to_utc
from toolkit.core.money import format_amount, format_money, normalize_currency, to_major
from toolkit.core.text import format_instant

__all__ = ["ACTION_TEXT", "Action", "ExpiringAuthorization", "expiring_rows", "hours_between", "upcoming_rows"]


class Action(StrEnum):
    CAPTURE_NOW = "capture now from OMS"
    CONTACT_CUSTOMER = "contact the customer"


#: What the analyst does, for each action (texts as data).
ACTION_TEXT = {
    Action.CAPTURE_NOW: ("Capture it now from Order Management (fulfil and run Ensure Funds, or capture the "
                         "authorization) before the deadline; after it Stripe releases the authorization and the "
                         "capture fails. Do not capture in the Stripe Dashboard: Order Management would not record "
                         "it."),
    Action.CONTACT_CUSTOMER: ("Stripe has released, or is releasing, this authorization: no capture can collect "
                              "the money any more. Contact the customer for a new payment, or cancel the remaining "
                              "amount in Order Management. Do not retry the capture."),
}


@dataclass(frozen=True)
class ExpiringAuthorization:
    """One authorization Order Management still expects to capture, with Stripe's deadline.

    ``hours_left``: hours from now to the deadline, one decimal, negative once it has passed. ``status``: the
    PaymentIntent's status. ``amount``/``currency``: see the module docstring.
    """

    order_number: str | None
    ops_id: str
    payment_intent: str
    amount: Decimal
    currency: str
    deadline: datetime
    hours_left: float
    action: Action
    status: str

    @property
    def remediation(self) -> str:
        return ACTION_TEXT[self.action]

    def to_json(self) -> dict[str, Any]:
        """A row of the ``expiring`` command's JSON (``docs/cli.md``)."""
        return {"order_number": self.order_number, "ops_id": self.ops_id, "payment_intent": self.payment_intent,
                "amount": format_amount(self.amount, self.currency), "currency": self.currency,
                "deadline": self.deadline.strftime("%Y-%m-%dT%H:%M:%SZ"), "hours_left": self.hours_left,
                "action": str(self.action)}

    def sentence(self) -> str:
        """One line: when, what and how much."""
        when = (f"deadline {format_instant(self.deadline)}, in {self.hours_left:g} h" if self.hours_left > 0 else
                f"deadline {format_instant(self.deadline)}, passed {-self.hours_left:g} h ago")
        return (f"order {self.order_number or '?'} {self.payment_intent} ({self.status}): "
                f"{format_money(self.amount, self.currency)}, {when}: {self.action}")


def hours_between(now: datetime, deadline: datetime) -> float:
    """Hours from ``now`` to ``deadline``, one decimal (negative when it has passed)."""
    return round((to_utc(deadline) - to_utc(now)).total_seconds() / 3600, 1)


def _row(evidence: OpsEvidence, pe: StripePaymentEvidence, now: datetime, within: timedelta | None
         ) -> ExpiringAuthorization | None:
    pi = pe.payment_intent
    status = str(pi.get("status") or "")
    deadline = authorization_deadline(pe)
    if status == "requires_capture":
        if deadline is None or (within is not None and deadline - now >= within):
            return None
        code = stripe_currency_code(pe, evidence.currency)
        amount = to_major(minor(pi, "amount_capturable"), code)
        action = Action.CAPTURE_NOW if deadline > now else Action.CONTACT_CUSTOMER
    elif status == "canceled" and pi.get("cancellation_reason") in EXPIRY_REASONS:
        deadline = deadline or from_unix(pi.get("canceled_at"))
        if deadline is None:
            return None
        code = evidence.currency
        amount = ops_amount(evidence, "AvailableToCaptureAmount")
        action = Action.CONTACT_CUSTOMER
    else:
        return None
    return ExpiringAuthorization(order_number=evidence.order_number, ops_id=evidence.ops_id, payment_intent=pe.id,
                                 amount=amount, currency=normalize_currency(code), deadline=deadline,
                                 hours_left=hours_between(now, deadline), action=action, status=status)


def _rows(evidence: Iterable[OpsEvidence], now: datetime, within: timedelta | None) -> list[ExpiringAuthorization]:
    now = to_utc(now)
    seen: set[str] = set()
    out = []
    for item in sorted(evidence, key=lambda e: e.ops_id):
        if ops_amount(item, "AvailableToCaptureAmount") <= 0:
            continue
        for pe in item.stripe:
            row = _row(item, pe, now, within)
            if row is not None and row.payment_intent not in seen:
                seen.add(row.payment_intent)
                out.append(row)
    return sorted(out, key=lambda r: (r.deadline, r.order_number or "", r.payment_intent))


def expiring_rows(evidence: Iterable[OpsEvidence], now: datetime, within: timedelta) -> list[ExpiringAuthorization]:
    """The authorizations whose deadline falls less than ``within`` after ``now`` or has passed (see the module
    docstring), soonest first."""
    return _rows(evidence, now, within)


def upcoming_rows(evidence: Iterable[OpsEvidence], now: datetime) -> list[ExpiringAuthorization]:
    """Every authorization Order Management still expects to capture with a known deadline, whatever the horizon
    (the expiring rows and those due later), soonest first: the data of the per-day chart."""
    return _rows(evidence, now, None)
