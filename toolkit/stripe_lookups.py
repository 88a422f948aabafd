"""Stripe lookups: from any Stripe id or an order number to the PaymentIntent and everything around it.

Every function takes a real ``stripe.StripeClient`` and returns plain dicts (``StripeObject.to_dict()``,
recursively), never StripeObjects. A :class:`StripeBudget` counts the requests a caller may spend, so a
fetch step (the trace) knows what it can still afford; lookups that would exceed it do not run.

- ``pi_``: retrieve with ``expand=["latest_charge.balance_transaction", "latest_charge.refunds"]``
  (the charge, its balance transaction and its refunds in one request).
- ``ch_`` / ``re_`` / ``txn_``: one retrieve expanding the way to the PaymentIntent and, through it, to
  the same objects (``payment_intent.latest_charge...``; ``source.payment_intent.latest_charge...``).
- An order number: search ``metadata['order_id']:'00001042'``; when search is not offered, errors, or
  returns nothing (it is eventually consistent), list PaymentIntents by a created window and keep those
  whose ``metadata.order_id`` matches.
- Events: ``GET /v1/events`` by a list of types and a created window (Stripe cannot filter by object),
  kept when ``data.object.id`` or ``data.object.payment_intent`` is one of the PaymentIntents.
- resource_missing: :class:`MissingObject` says whether Stripe's message reports the object in the
  other mode (a test key on a live object or the reverse).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import stripe

from toolkit.errors import InputError, NotFoundError, ToolkitError
from toolkit.evidence import StripePaymentEvidence

__all__ = [
    "EVENT_TYPES",
    "TRACE_EVENT_TYPES",
    "BudgetExceeded",
    "MissingObject",
    "StripeBudget",
    "StripeLookupError",
    "event_window",
    "events_for",
    "find_payment_intents_by_order",
    "key_livemode",
    "missing_from_error",
    "not_found",
    "payment_evidence",
    "plain",
    "refunds_for",
    "resolve_payment_intent",
    "retrieve_payment_intent",
    "split_expanded",
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
#: After a PaymentIntent's last dated activity, how long later events (a refund's status, a capture) are looked for.
EVENT_MARGIN = timedelta(days=3)
AUTHORIZATION_VALIDITY = timedelta(days=7)
_PI_EXPAND = ["latest_charge.balance_transaction", "latest_charge.refunds"]
_PREFIX_EXPAND: dict[str, tuple[str, list[str]]] = {
    "ch_": ("charge", ["payment_intent.latest_charge.balance_transaction", "payment_intent.latest_charge.refunds"]),
    "py_": ("charge", ["payment_intent.latest_charge.balance_transaction", "payment_intent.latest_charge.refunds"]),
    "re_": ("refund", ["payment_intent.latest_charge.balance_transaction", "payment_intent.latest_charge.refunds"]),
    "pyr_": ("refund", ["payment_intent.latest_charge.balance_transaction", "payment_intent.latest_charge.refunds"]),
    "txn_": ("balance_transaction", ["source.payment_intent.latest_charge.balance_transaction",
                                     "source.payment_intent.latest_charge.refunds"]),
}
_OTHER_MODE = re.compile(r"similar object exists in (live|test) mode, but a (live|test) mode key was used", re.I)
_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$")


class StripeLookupError(ToolkitError):
    """Stripe refused a lookup for a reason other than a missing object (keys, permissions, outages)."""


class BudgetExceeded(ToolkitError):
    """A lookup would spend more Stripe requests than the caller's budget allows."""


class StripeBudget:
    """A thread-safe count of the Stripe requests a fetch step may still make (``None``: unlimited)."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"StripeBudget(used={self.used}, limit={self.limit})"

    @property
    def remaining(self) -> int | None:
        with self._lock:
            return None if self.limit is None else max(0, self.limit - self.used)

    def spend(self, what: str) -> None:
        """Reserve one request, or raise :class:`BudgetExceeded` naming ``what`` would have been fetched."""
        with self._lock:
            if self.limit is not None and self.used >= self.limit:
                raise BudgetExceeded(f"the Stripe request budget ({self.limit}) is spent; {what} was not fetched")
            self.used += 1


@dataclass(frozen=True)
class MissingObject:
    """Stripe answered resource_missing for ``object_id``.

    ``other_mode``: Stripe's message says a similar object exists in the other mode; ``key_livemode``:
    whether the key used is live (from the message, else from the key's prefix; None when unknown).
    """

    object_id: str
    message: str
    other_mode: bool
    key_livemode: bool | None


def plain(value: Any) -> Any:
    """A StripeObject (or list of them) as plain dicts and lists, recursively."""
    if isinstance(value, stripe.StripeObject):
        return value.to_dict(recursive=True)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def key_livemode(client: stripe.StripeClient) -> bool | None:
    """Whether the client's key is a live key (``sk_live_``/``rk_live_``); None when it cannot be told.

    Only the key's prefix is read; the key itself is never kept or shown.
    """
    options = getattr(getattr(client, "_requestor", None), "_options", None)
    key = getattr(options, "api_key", None)
    if not isinstance(key, str):
        return None
    if key.startswith(("sk_live_", "rk_live_")):
        return True
    if key.startswith(("sk_test_", "rk_test_")):
        return False
    return None


def missing_from_error(error: stripe.InvalidRequestError, object_id: str,
                       client: stripe.StripeClient | None = None) -> MissingObject | None:
    """A :class:`MissingObject` when ``error`` is resource_missing, else None."""
    body = getattr(error, "error", None)
    code = getattr(body, "code", None) or getattr(error, "code", None)
    if code != "resource_missing":
        return None
    message = str(getattr(body, "message", None) or getattr(error, "user_message", None) or "")
    found = _OTHER_MODE.search(message)
    if found:
        return MissingObject(object_id, message, True, found.group(2).lower() == "live")
    return MissingObject(object_id, message, False, key_livemode(client) if client is not None else None)


def _call(budget: StripeBudget | None, what: str, request: Any, *args: Any, **kwargs: Any) -> Any:
    """Spend one request of ``budget`` and run it; Stripe's non-404 errors become StripeLookupError."""
    if budget is not None:
        budget.spend(what)
    try:
        return request(*args, **kwargs)
    except stripe.InvalidRequestError:
        raise
    except (stripe.AuthenticationError, stripe.PermissionError) as exc:
        raise StripeLookupError(f"Stripe refused the key while fetching {what} (HTTP {exc.http_status}): check "
                                "STRIPE_API_KEY and its permissions.") from None
    except stripe.StripeError as exc:
        raise StripeLookupError(f"Stripe failed while fetching {what} (HTTP {exc.http_status}, request "
                                f"{exc.request_id}); try again.") from None


# --- objects: expanded PaymentIntents -----------------------------------------------------------------


def split_expanded(pi: Record) -> tuple[Record, Record | None, list[Record] | None, dict[str, Record]]:
    """Split an expanded PaymentIntent into (PaymentIntent with ids, charge with ids, refunds or None when
    they were not all embedded, balance transactions by id)."""
    pi = dict(pi)
    charge = pi.get("latest_charge")
    balance: dict[str, Record] = {}
    refunds: list[Record] | None = None
    if isinstance(charge, dict):
        charge = dict(charge)
        pi["latest_charge"] = charge.get("id")
        txn = charge.get("balance_transaction")
        if isinstance(txn, dict):
            balance[str(txn.get("id"))] = txn
            charge["balance_transaction"] = txn.get("id")
        embedded = charge.pop("refunds", None)
        if isinstance(embedded, dict) and isinstance(embedded.get("data"), list) and not embedded.get("has_more"):
            refunds = [_refund_ids(item, balance) for item in embedded["data"]]
    else:
        charge = None
    return pi, charge, refunds, balance


def _refund_ids(refund: Record, balance: dict[str, Record]) -> Record:
    refund = dict(refund)
    txn = refund.get("balance_transaction")
    if isinstance(txn, dict):
        balance[str(txn.get("id"))] = txn
        refund["balance_transaction"] = txn.get("id")
    for key in ("charge", "payment_intent"):
        if isinstance(refund.get(key), dict):
            refund[key] = refund[key].get("id")
    return refund


def retrieve_payment_intent(client: stripe.StripeClient, pi_id: str, *,
                            budget: StripeBudget | None = None) -> Record:
    """The PaymentIntent with its latest charge, the charge's balance transaction and refunds expanded.

    Raises ``stripe.InvalidRequestError`` (resource_missing) when Stripe does not have it.
    """
    result = _call(budget, pi_id, client.v1.payment_intents.retrieve, pi_id, params={"expand": _PI_EXPAND})
    return plain(result)


def resolve_payment_intent(client: stripe.StripeClient, stripe_id: str, *,
                           budget: StripeBudget | None = None) -> tuple[Record | None, Record | None]:
    """Resolve a ``pi_``, ``ch_``, ``re_`` or ``txn_`` id in one request.

    Returns (the expanded PaymentIntent or None when the object has none, the object retrieved as a
    plain dict with its expansions collapsed to ids). Raises ``stripe.InvalidRequestError`` when Stripe
    does not have the object, InputError for an id of another kind.
    """
    if stripe_id.startswith("pi_"):
        pi = retrieve_payment_intent(client, stripe_id, budget=budget)
        return pi, pi
    prefix = next((p for p in _PREFIX_EXPAND if stripe_id.startswith(p)), None)
    if prefix is None:
        raise InputError(f"{stripe_id!r} is not a pi_, ch_, re_ or txn_ id.")
    kind, expand = _PREFIX_EXPAND[prefix]
    service = {"charge": client.v1.charges, "refund": client.v1.refunds,
               "balance_transaction": client.v1.balance_transactions}[kind]
    obj = plain(_call(budget, stripe_id, service.retrieve, stripe_id, params={"expand": expand}))
    holder = obj.get("source") if kind == "balance_transaction" else obj
    pi = holder.get("payment_intent") if isinstance(holder, dict) else None
    collapsed = dict(obj)
    if kind == "balance_transaction" and isinstance(holder, dict):
        source = dict(holder)
        source["payment_intent"] = pi.get("id") if isinstance(pi, dict) else pi
        collapsed["source"] = source
    else:
        collapsed["payment_intent"] = pi.get("id") if isinstance(pi, dict) else pi
    return (pi if isinstance(pi, dict) else None), collapsed


def refunds_for(client: stripe.StripeClient, pi_id: str, *, budget: StripeBudget | None = None) -> list[Record]:
    """Every refund of the PaymentIntent (any status), oldest first, balance transactions as ids."""
    refunds: list[Record] = []
    params: dict[str, Any] = {"payment_intent": pi_id, "limit": 100}
    while True:
        page = plain(_call(budget, f"the refunds of {pi_id}", client.v1.refunds.list, params=params))
        refunds.extend(page.get("data") or [])
        if not page.get("has_more") or not page.get("data"):
            break
        params = {**params, "starting_after": page["data"][-1]["id"]}
    return sorted(refunds, key=lambda r: (r.get("created") or 0, str(r.get("id"))))


def _event_about(event: Record, pi_ids: set[str] | None) -> bool:
    if pi_ids is None:
        return True
    obj = (event.get("data") or {}).get("object") or {}
    return obj.get("id") in pi_ids or obj.get("payment_intent") in pi_ids


def event_window(expanded_pis: Iterable[Record], now: datetime) -> tuple[datetime, datetime] | None:
    """The created window in which the PaymentIntents' events fall, as tight as their objects allow.

    From the earliest PaymentIntent's creation (less a minute) to the latest dated activity (creation,
    cancellation, charge, balance transaction, refunds), plus :data:`EVENT_MARGIN`; for a manual capture the
    capture deadline is activity too (the capture may happen up to then). Up to ``now`` when a later event
    has no date on the objects (a dispute, a refund that failed or is pending). None without PaymentIntents.
    """
    starts: list[int] = []
    ends: list[int] = []
    open_ended = False
    for expanded in expanded_pis:
        pi, charge, refunds, balance = split_expanded(expanded)
        if not isinstance(pi.get("created"), int):
            continue
        starts.append(pi["created"])
        dated = [pi["created"], pi.get("canceled_at"), (charge or {}).get("created"),
                 *(bt.get("created") for bt in balance.values()), *(r.get("created") for r in refunds or [])]
        ends.extend(t for t in dated if isinstance(t, int))
        if pi.get("capture_method") == "manual":
            card = ((charge or {}).get("payment_method_details") or {}).get("card") or {}
            before = card.get("capture_before")
            validity = int(AUTHORIZATION_VALIDITY.total_seconds())
            ends.append(before if isinstance(before, int) else pi["created"] + validity)
        if (charge or {}).get("disputed") or any(r.get("status") in ("failed", "pending", "requires_action", "canceled")
                                                 for r in refunds or []):
            open_ended = True
    if not starts:
        return None
    since = datetime.fromtimestamp(min(starts), tz=now.tzinfo) - timedelta(minutes=1)
    until = now if open_ended else min(now, datetime.fromtimestamp(max(ends), tz=now.tzinfo) + EVENT_MARGIN)
    return since, max(since, until)


def events_for(client: stripe.StripeClient, pi_ids: Iterable[str] | None, *, since: datetime, until: datetime,
               budget: StripeBudget | None = None, max_pages: int | None = None,
               types: Iterable[str] = EVENT_TYPES) -> tuple[list[Record], bool]:
    """Events of ``types`` about the PaymentIntents (or their charges and refunds) created in [since, until];
    every event of those types when ``pi_ids`` is None (the caller filters once it knows them all).

    Returns (events oldest first, complete): ``complete`` is False when the budget or ``max_pages``
    stopped the paging before Stripe's last page (Stripe lists newest first, so what is missing is older
    than the oldest event returned).
    """
    wanted = None if pi_ids is None else set(pi_ids)
    floor = until - EVENT_RETENTION
    params: dict[str, Any] = {
        "types": list(types),
        "created": {"gte": int(max(since, floor).timestamp()), "lte": int(until.timestamp())},
        "limit": 100,
    }
    found: list[Record] = []
    pages = 0
    while True:
        if (budget is not None and budget.remaining == 0) or (max_pages is not None and pages >= max_pages):
            return _oldest_first(found), False
        page = plain(_call(budget, "events", client.v1.events.list, params=params))
        pages += 1
        data = page.get("data") or []
        found.extend(event for event in data if _event_about(event, wanted))
        if not page.get("has_more") or not data:
            return _oldest_first(found), True
        params = {**params, "starting_after": data[-1]["id"]}


def _oldest_first(events: list[Record]) -> list[Record]:
    return sorted(events, key=lambda e: (e.get("created") or 0, str(e.get("id"))))


# --- order numbers ------------------------------------------------------------------------------------


def _search_literal(order_number: str) -> str:
    if not _ORDER_NUMBER.match(order_number):
        raise InputError(f"{order_number!r} is not an order number (letters, digits, '-' or '_').")
    return order_number


def find_payment_intents_by_order(
    client: stripe.StripeClient,
    order_number: str,
    *,
    window: tuple[datetime, datetime] | None = None,
    budget: StripeBudget | None = None,
    use_search: bool = True,
) -> tuple[list[Record], str]:
    """PaymentIntents whose ``metadata.order_id`` is ``order_number``, expanded like
    :func:`retrieve_payment_intent`, newest first.

    Returns (PaymentIntents, how): ``how`` is ``"search"`` or ``"list"`` (the created-window fallback, used
    when search is not offered or fails, and when it finds nothing since search lags behind writes). The
    fallback needs ``window``; without one only the search runs.
    """
    literal = _search_literal(order_number)
    if use_search:
        try:
            result = plain(_call(budget, f"PaymentIntents of order {order_number}", client.v1.payment_intents.search,
                                 params={"query": f"metadata['order_id']:'{literal}'", "limit": 100,
                                         "expand": [f"data.{path}" for path in _PI_EXPAND]}))
            found = result.get("data") or []
            if found or window is None:
                return found, "search"
        except (stripe.InvalidRequestError, StripeLookupError):
            if window is None:
                raise
    if window is None:
        return [], "search"
    return _list_by_order(client, order_number, window, budget), "list"


def _list_by_order(client: stripe.StripeClient, order_number: str, window: tuple[datetime, datetime],
                   budget: StripeBudget | None) -> list[Record]:
    start, end = window
    params: dict[str, Any] = {"created": {"gte": int(start.timestamp()), "lte": int(end.timestamp())}, "limit": 100,
                              "expand": [f"data.{path}" for path in _PI_EXPAND]}
    found: list[Record] = []
    while True:
        if budget is not None and budget.remaining == 0:
            return found
        page = plain(_call(budget, f"PaymentIntents created around order {order_number}",
                           client.v1.payment_intents.list, params=params))
        data = page.get("data") or []
        found.extend(pi for pi in data if (pi.get("metadata") or {}).get("order_id") == order_number)
        if not page.get("has_more") or not data:
            return found
        params = {**params, "starting_after": data[-1]["id"]}


# --- evidence -------------------------------------------------------------------------------------------


def payment_evidence(expanded_pi: Record, *, refunds: list[Record] | None = None,
                     events: list[Record] | None = None) -> StripePaymentEvidence:
    """The rules' evidence from an expanded PaymentIntent (and refunds/events fetched separately)."""
    pi, charge, embedded, balance = split_expanded(expanded_pi)
    chosen = refunds if refunds is not None else (embedded or [])
    for refund in chosen:
        txn = refund.get("balance_transaction")
        if isinstance(txn, dict):
            balance[str(txn.get("id"))] = txn
    chosen = [_refund_ids(refund, {}) for refund in chosen]
    return StripePaymentEvidence(payment_intent=pi, charge=charge,
                                 refunds=sorted(chosen, key=lambda r: (r.get("created") or 0, str(r.get("id")))),
                                 balance_transactions=balance, events=list(events or []))


def not_found(stripe_id: str, missing: MissingObject) -> NotFoundError:
    """A one-sentence NotFoundError for a Stripe id the analyst gave."""
    if missing.other_mode and missing.key_livemode is not None:
        key_mode = "live" if missing.key_livemode else "test"
        other = "test" if missing.key_livemode else "live"
        return NotFoundError(f"Stripe has no {stripe_id} for this {key_mode}-mode key; it exists in {other} mode, so "
                             f"use a {other}-mode key.")
    return NotFoundError(f"Stripe has no {stripe_id} in this account ({missing.message}).")
