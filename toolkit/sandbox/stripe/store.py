"""The Stripe account's objects: storage, indexes, mode, rendering, events and lists.

Objects are stored as plain dicts in their case-file shape (expandable fields hold ids; ``charge.refunds`` and
``dispute.balance_transactions`` are derived when rendered). Callers hold the account lock; this class does no
locking of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from toolkit.sandbox.stripe.errors import StripeError, resource_missing
from toolkit.sandbox.stripe.events import RETENTION_SECONDS
from toolkit.sandbox.stripe.objects import ID_PREFIXES, IdFactory, clone, new_event

__all__ = ["ObjectStore", "RequestInfo"]

#: ``{"id": "req_...", "idempotency_key": "..."}`` of the API call causing a change; None for automatic ones.
RequestInfo = dict[str, Any] | None
MAX_LIMIT = 100


class ObjectStore:
    def __init__(self, now: Callable[[], int]) -> None:
        self.now = now
        self.ids = IdFactory()
        self.clear()

    def clear(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.seq: dict[str, int] = {}
        self.by_type: dict[str, list[str]] = {kind: [] for kind in ID_PREFIXES}
        self.refunds_by_charge: dict[str, list[str]] = {}
        self.charges_by_pi: dict[str, list[str]] = {}
        self.disputes_by_charge: dict[str, list[str]] = {}
        self.txns_by_source: dict[str, list[str]] = {}
        self.live: set[str] = set()
        self.uncaptured: dict[str, int] = {}  # charge id -> capture_before, while its PI awaits capture
        self.pending_txns: set[str] = set()
        self.payment_methods: set[str] = set()
        #: The mode of the key making the current API request (set by the app under the account lock).
        self.viewer_live = False
        self.ids.reset()

    # --- ids and insertion ---------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        while True:
            candidate = self.ids.new(prefix)
            if candidate not in self.objects:
                return candidate

    def add(self, obj: dict[str, Any], *, live: bool | None = None) -> dict[str, Any]:
        """Store ``obj``; ``live`` defaults to the mode of the key making the current request."""
        if live is None:
            live = self.viewer_live
        object_id = obj["id"]
        kind = obj["object"]
        self.objects[object_id] = obj
        self.seq[object_id] = len(self.seq)
        self.by_type[kind].append(object_id)
        if live:
            self.live.add(object_id)
        if kind == "refund" and obj.get("charge"):
            self.refunds_by_charge.setdefault(obj["charge"], []).append(object_id)
        elif kind == "charge" and obj.get("payment_intent"):
            self.charges_by_pi.setdefault(obj["payment_intent"], []).append(object_id)
        elif kind == "dispute" and obj.get("charge"):
            self.disputes_by_charge.setdefault(obj["charge"], []).append(object_id)
        elif kind == "balance_transaction":
            if obj.get("status") == "pending":
                self.pending_txns.add(object_id)
            if isinstance(obj.get("source"), str):
                self.txns_by_source.setdefault(obj["source"], []).append(object_id)
        return obj

    # --- lookups -------------------------------------------------------------------------------
    def get(self, object_id: str) -> dict[str, Any] | None:
        return self.objects.get(object_id)

    def fetch(self, kind: str, object_id: Any, *, param: str | None = None, api: bool = True) -> dict[str, Any]:
        """The stored object, or Stripe's 404 (test keys never see live objects).

        ``param`` defaults to the path parameter Stripe names in its 404s: ``intent`` for PaymentIntents
        (``/v1/payment_intents/{intent}``), ``id`` otherwise.
        """
        if param is None:
            param = "intent" if kind == "payment_intent" else "id"
        obj = self.objects.get(object_id) if isinstance(object_id, str) else None
        if obj is None or obj["object"] != kind:
            raise resource_missing(kind, str(object_id), param=param)
        if api and self.hidden(object_id):
            raise resource_missing(kind, object_id, param=param,
                                   other_mode="live" if object_id in self.live else "test")
        if kind == "event" and api and obj["created"] <= self.now() - RETENTION_SECONDS:
            raise resource_missing(kind, object_id, param=param)
        return obj

    def hidden(self, object_id: str) -> bool:
        """Whether the current key's mode differs from the object's (test and live never see each other)."""
        return (object_id in self.live) != self.viewer_live

    def refunds_of(self, charge_id: str) -> list[dict[str, Any]]:
        return [self.objects[rid] for rid in self.refunds_by_charge.get(charge_id, [])]

    def disputes_of(self, charge_id: str) -> list[dict[str, Any]]:
        return [self.objects[did] for did in self.disputes_by_charge.get(charge_id, [])]

    def balance_transactions_of(self, source_id: str) -> list[dict[str, Any]]:
        """The balance transactions whose source is ``source_id``, oldest first."""
        return [self.objects[tid] for tid in self.txns_by_source.get(source_id, [])]

    # --- rendering -----------------------------------------------------------------------------
    def render(self, obj: dict[str, Any]) -> dict[str, Any]:
        """A deep copy in API shape: ``charge.refunds`` derived as a list object, newest first; a dispute's
        ``balance_transactions`` (withdrawal, then reinstatement) embedded after ``amount``."""
        out = clone(obj)
        if obj["object"] == "dispute":
            txns = [clone(txn) for txn in self.balance_transactions_of(obj["id"])]
            ordered_dispute: dict[str, Any] = {}
            for key, value in out.items():
                ordered_dispute[key] = value
                if key == "amount":
                    ordered_dispute["balance_transactions"] = txns
            ordered_dispute.setdefault("balance_transactions", txns)
            return ordered_dispute
        if obj["object"] == "charge":
            refunds = self.newest_first(self.refunds_of(obj["id"]))
            listing = {"object": "list", "data": [clone(r) for r in refunds[:10]],
                       "has_more": len(refunds) > 10,
                       "url": f"/v1/charges/{obj['id']}/refunds"}
            ordered: dict[str, Any] = {}
            for key, value in out.items():
                ordered[key] = value
                if key == "refunded":
                    ordered["refunds"] = listing
            ordered.setdefault("refunds", listing)
            out = ordered
        return out

    def resolve(self, object_id: str) -> dict[str, Any] | None:
        """Rendered object for expansion (test-mode visibility applies)."""
        obj = self.objects.get(object_id)
        if obj is None or self.hidden(object_id):
            return None
        return self.render(obj)

    def newest_first(self, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(items, key=lambda o: (o.get("created") or 0, self.seq.get(o["id"], 0)), reverse=True)

    # --- events --------------------------------------------------------------------------------
    def emit(self, kind: str, obj: dict[str, Any], request: RequestInfo, *, created: int | None = None,
             previous_attributes: dict[str, Any] | None = None, snapshot: dict[str, Any] | None = None) -> None:
        """Record an event whose ``data.object`` is a snapshot of ``obj`` now (stored shape; a dispute's with its
        balance transactions, as Stripe sends it)."""
        request = request or {}
        if snapshot is None:
            snapshot = self.render(obj) if obj.get("object") == "dispute" else clone(obj)
        event = new_event(
            object_id=self.new_id("evt"), kind=kind,
            snapshot=snapshot,
            created=created if created is not None else self.now(),
            livemode=obj["id"] in self.live if "id" in obj else False,
            request_id=request.get("id"), idempotency_key=request.get("idempotency_key"),
            previous_attributes=previous_attributes,
        )
        self.add(event)

    # --- lists ---------------------------------------------------------------------------------
    def page(self, items: list[dict[str, Any]], params: dict[str, Any], url: str) -> dict[str, Any]:
        """Cursor pagination over ``items`` (already filtered), newest first, as Stripe's list object."""
        limit = parse_limit(params.get("limit"))
        ordered = self.newest_first(items)
        starting_after = params.get("starting_after")
        ending_before = params.get("ending_before")
        if starting_after is not None and ending_before is not None:
            raise StripeError(400, "You may only specify one of these parameters: ending_before, starting_after.",
                              param="starting_after")
        if starting_after is not None:
            index = self._cursor_index(ordered, starting_after, "starting_after")
            window = ordered[index + 1:]
            data, has_more = window[:limit], len(window) > limit
        elif ending_before is not None:
            index = self._cursor_index(ordered, ending_before, "ending_before")
            window = ordered[:index]
            data, has_more = window[-limit:] if window else [], len(window) > limit
        else:
            data, has_more = ordered[:limit], len(ordered) > limit
        return {"object": "list", "data": [self.render(o) for o in data], "has_more": has_more, "url": url}

    def _cursor_index(self, ordered: list[dict[str, Any]], cursor: Any, param: str) -> int:
        if not isinstance(cursor, str) or cursor not in self.objects or self.hidden(cursor):
            raise resource_missing(self._kind_of(cursor), str(cursor), param=param)
        for index, obj in enumerate(ordered):
            if obj["id"] == cursor:
                return index
        # The cursor exists but falls outside the filter: place it by its sort key, as Stripe does.
        anchor = self.objects[cursor]
        key = (anchor.get("created") or 0, self.seq[cursor])
        for index, obj in enumerate(ordered):
            if (obj.get("created") or 0, self.seq[obj["id"]]) < key:
                return index - 1 if param == "starting_after" else index
        return len(ordered) - 1 if param == "starting_after" else len(ordered)

    @staticmethod
    def _kind_of(object_id: Any) -> str:
        prefix = str(object_id).split("_", 1)[0]
        for kind, known in ID_PREFIXES.items():
            if known == prefix:
                return kind
        return "object"

    def visible(self, kind: str) -> Iterable[dict[str, Any]]:
        for object_id in self.by_type[kind]:
            if not self.hidden(object_id):
                yield self.objects[object_id]


def parse_limit(value: Any, default: int = 10) -> int:
    if value is None:
        return default
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {value}", param="limit") from None
    if limit < 1:
        raise StripeError(400, "This value must be greater than or equal to 1.", param="limit")
    if limit > MAX_LIMIT:
        raise StripeError(400, f"This value must be less than or equal to {MAX_LIMIT}.", param="limit")
    return limit


def created_filter(value: Any, param: str = "created") -> Callable[[int], bool]:
    """``created=123`` or ``created[gte]=..&created[lt]=..`` as a predicate."""
    if value is None:
        return lambda _ts: True
    if isinstance(value, str):
        exact = _int(value, param)
        return lambda ts: ts == exact
    if not isinstance(value, dict):
        raise StripeError(400, f"Invalid {param}: expected an integer or a hash of gt, gte, lt, lte.", param=param)
    bounds: list[tuple[str, int]] = []
    for op, raw in value.items():
        if op not in ("gt", "gte", "lt", "lte"):
            raise StripeError(400, f"Received unknown parameter: {param}[{op}]", param=f"{param}[{op}]")
        bounds.append((op, _int(raw, f"{param}[{op}]")))

    def check(ts: int) -> bool:
        for op, bound in bounds:
            if (op == "gt" and not ts > bound) or (op == "gte" and not ts >= bound) or \
                    (op == "lt" and not ts < bound) or (op == "lte" and not ts <= bound):
                return False
        return True
    return check


def _int(raw: Any, param: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {raw}", param=param) from None
