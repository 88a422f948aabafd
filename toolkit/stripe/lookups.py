"""Stripe lookups over the gateway: an order number to its PaymentIntents, and the events of PaymentIntents.

- An order number: search ``metadata['order_id']:'00001042'``; when search is not offered, fails, or
  returns nothing (it is eventually consistent), list PaymentIntents by a created window and keep those
  whose ``metadata.order_id`` matches.
- Events: ``GET /v1/events`` by a list of types and a created window (Stripe cannot filter by object),
  kept when ``data.object.id`` or ``data.object.payment_intent`` is one of the PaymentIntents.

Every request goes through :class:`~toolkit.stripe.gateway.StripeGateway` (budget, plain dicts, errors).
Any Stripe id to its PaymentIntent is :meth:`StripeGateway.resolve <toolkit.stripe.gateway.StripeGateway.resolve>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from toolkit.errors import AccessDeniedError, InputError, ServiceError
from toolkit.stripe.gateway import StripeGateway

__all__ = [
    "EVENT_RETENTION",
    "EVENT_TYPES",
    "TRACE_EVENT_TYPES",
    "events_for",
    "find_payment_intents_by_order",
]

Record = dict[str, Any]

#: Event types about a PaymentIntent, its charge and its refunds (Stripe accepts at most 20 in ``types``).
EVENT_TYPES: tuple[str, ...] = (
    "payment_intent.created",
    "payment_intent.amount_capturable_updated",
    "payment_intent.succeeded",
    "payment_intent.canceled",
    "payment_intent.payment_failed",
    "payment_intent.requires_action",
    "payment_intent.processing",
    "charge.succeeded",
    "charge.captured",
    "charge.expired",
    "charge.failed",
    "charge.refunded",
    "charge.updated",
    "charge.dispute.created",
    "charge.dispute.closed",
    "charge.refund.updated",
    "refund.created",
    "refund.updated",
    "refund.failed",
)
#: The events a trace lists: those that say *when* something happened that the objects do not date (a capture,
#: a succeeded payment, an expiry, a refund's later status, a dispute). Creation events are left out: the
#: objects' own ``created`` dates them, and they would fill the page with other orders' checkouts.
TRACE_EVENT_TYPES: tuple[str, ...] = (
    "payment_intent.succeeded",
    "payment_intent.canceled",
    "payment_intent.payment_failed",
    "charge.captured",
    "charge.expired",
    "charge.failed",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.closed",
    "charge.refund.updated",
    "refund.updated",
    "refund.failed",
)
EVENT_RETENTION = timedelta(days=30)
_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$")


def _event_about(event: Record, pi_ids: set[str] | None) -> bool:
    if pi_ids is None:
        return True
    obj = (event.get("data") or {}).get("object") or {}
    return obj.get("id") in pi_ids or obj.get("payment_intent") in pi_ids


def events_for(gateway: StripeGateway, pi_ids: Iterable[str] | None, *, since: datetime, until: datetime,
               max_pages: int | None = None, types: Iterable[str] = EVENT_TYPES) -> tuple[list[Record], bool]:
    """Events of ``types`` about the PaymentIntents (or their charges and refunds) created in [since, until];
    every event of those types when ``pi_ids`` is None (the caller filters once it knows them all).

    Returns (events oldest first, complete): ``complete`` is False when the budget or ``max_pages`` stopped the
    paging before Stripe's last page (Stripe lists newest first, so what is missing is older than the oldest
    event returned). Stripe keeps events 30 days: the window starts no earlier than that.
    """
    wanted = None if pi_ids is None else set(pi_ids)
    found, complete = gateway.list_events(types, max(since, until - EVENT_RETENTION), until, max_pages=max_pages)
    kept = [event for event in found if _event_about(event, wanted)]
    return sorted(kept, key=lambda e: (e.get("created") or 0, str(e.get("id")))), complete


def _search_literal(order_number: str) -> str:
    if not _ORDER_NUMBER.match(order_number):
        raise InputError(f"{order_number!r} is not an order number (letters, digits, '-' or '_').")
    return order_number


def find_payment_intents_by_order(gateway: StripeGateway, order_number: str, *,
                                  window: tuple[datetime, datetime] | None = None,
                                  use_search: bool = True) -> tuple[list[Record], str]:
    """PaymentIntents whose ``metadata.order_id`` is ``order_number``, expanded like
    :meth:`~toolkit.stripe.gateway.StripeGateway.retrieve_payment_intent`, newest first.

    Returns (PaymentIntents, how): ``how`` is ``"search"`` or ``"list"`` (the created-window fallback, used
    when search is not offered or fails, and when it finds nothing since search lags behind writes). The
    fallback needs ``window``; without one only the search runs, and its failure is raised.
    """
    literal = _search_literal(order_number)
    what = f"PaymentIntents of order {order_number}"
    if use_search:
        try:
            found = gateway.search_payment_intents(f"metadata['order_id']:'{literal}'", what)
            if found or window is None:
                return found, "search"
        except AccessDeniedError:
            raise
        except ServiceError:
            if window is None:
                raise
    if window is None:
        return [], "search"
    start, end = window
    found, _complete = gateway.list_payment_intents(
        start, end, f"PaymentIntents created around order {order_number}",
        keep=lambda pi: (pi.get("metadata") or {}).get("order_id") == order_number)
    return found, "list"
