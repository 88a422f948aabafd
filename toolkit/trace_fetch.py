"""The trace's fetch step: every request a trace makes, planned against a budget, run concurrently.

Budget per trace (counted by the sandbox): at most 3 Salesforce and 4 Stripe requests, the org's
``describe`` (key prefixes, child relationship names) fetched once per session and cached. Salesforce
and Stripe run side by side in a thread pool wherever nothing orders them:

- ``pi_``: Stripe {PaymentIntent} and Salesforce {the authorization with that GatewayRefNumber} at once,
  then the chain of the order (OPS with its children, and RefundLinePayments, in parallel) while
  Stripe lists the events.
- ``ch_``/``re_``/``txn_``: one Stripe retrieve leading to the PaymentIntent (a ``txn_`` also looks up the
  Payment in Salesforce at the same time), then as for ``pi_``.
- an order number: the chain by OrderNumber and Stripe's metadata search at once.
- a Salesforce id: the record's OrderSummary, then its chain.

References on the chain that the first round did not fetch (a second PaymentIntent, a ``txn_`` on a
Payment) are retrieved afterwards; resource_missing is recorded with Stripe's other-mode hint.
Nothing here draws a conclusion: :mod:`toolkit.trace` analyses what this returns.
"""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import stripe

from toolkit.clock import parse_instant
from toolkit.errors import NotFoundError
from toolkit.queries.schema_cache import SchemaCache
from toolkit.record_chain import RecordChain, chain_for, chain_schema, child_relationships
from toolkit.stripe_lookups import (
    MissingObject,
    StripeBudget,
    StripeLookupError,
    events_for,
    find_payment_intents_by_order,
    missing_from_error,
    not_found,
    resolve_payment_intent,
    split_expanded,
)
from toolkit.subjects import Subject, SubjectKind

__all__ = ["SALESFORCE_BUDGET", "STRIPE_BUDGET", "Fetched", "fetch", "key_prefixes", "references_of", "session_schema"]

Record = dict[str, Any]
SALESFORCE_BUDGET = 3
STRIPE_BUDGET = 4


@dataclass
class Fetched:
    """What one trace fetched: the record chain, the expanded PaymentIntents by id, which ``txn_`` led to
    which PaymentIntent, what Stripe answered resource_missing for (by the id asked), and the events."""

    chain: RecordChain
    payment_intents: dict[str, Record] = field(default_factory=dict)
    txn_to_pi: dict[str, str] = field(default_factory=dict)
    missing: dict[str, MissingObject] = field(default_factory=dict)
    events: list[Record] = field(default_factory=list)
    events_complete: bool = True
    search_how: str | None = None


# --- describe, once per session -------------------------------------------------------------------------

_SCHEMAS: weakref.WeakKeyDictionary[Any, SchemaCache] = weakref.WeakKeyDictionary()
_SCHEMA_LOCK = threading.Lock()


def session_schema(sf: Any) -> SchemaCache:
    """The chain's describes (global key prefixes, child and parent relationships), fetched once per client."""
    with _SCHEMA_LOCK:
        cached = _SCHEMAS.get(sf)
        if cached is None:
            cached = chain_schema(sf)
            _SCHEMAS[sf] = cached
        return cached


def key_prefixes(sf: Any) -> dict[str, str]:
    """Key prefix -> object name, from the cached global describe."""
    return session_schema(sf).prefixes()


class _Salesforce:
    """The Salesforce side: :func:`toolkit.record_chain.chain_for` with the session's cached describes."""

    def __init__(self, sf: Any, pool: ThreadPoolExecutor) -> None:
        self.sf = sf
        self.pool = pool
        self.schema = session_schema(sf)
        self.relationships = child_relationships(sf, self.schema)

    def chain(self, **start: Any) -> RecordChain:
        return chain_for(self.sf, **start, relationships=self.relationships, executor=self.pool, schema=self.schema)


# --- Stripe ---------------------------------------------------------------------------------------------


class _Stripe:
    """Counted Stripe lookups that record resource_missing instead of raising."""

    def __init__(self, client: stripe.StripeClient) -> None:
        self.client = client
        self.budget = StripeBudget(STRIPE_BUDGET)
        self.payment_intents: dict[str, Record] = {}
        self.txn_to_pi: dict[str, str] = {}
        self.missing: dict[str, MissingObject] = {}
        self._lock = threading.Lock()

    def keep(self, pi: Record | None) -> None:
        if not pi or not pi.get("id"):
            return
        _, charge, _, _ = split_expanded(pi)
        with self._lock:
            self.payment_intents[str(pi["id"])] = pi
            if charge and isinstance(charge.get("balance_transaction"), str):
                self.txn_to_pi[charge["balance_transaction"]] = str(pi["id"])

    def resolve(self, stripe_id: str) -> Record | None:
        """The expanded PaymentIntent ``stripe_id`` leads to; None (recorded) when Stripe lacks it."""
        try:
            pi, _obj = resolve_payment_intent(self.client, stripe_id, budget=self.budget)
        except stripe.InvalidRequestError as exc:
            missing = missing_from_error(exc, stripe_id, self.client)
            if missing is None:
                raise
            with self._lock:
                self.missing[stripe_id] = missing
            return None
        self.keep(pi)
        if pi and stripe_id.startswith("txn_"):
            with self._lock:
                self.txn_to_pi[stripe_id] = str(pi["id"])
        return pi

    def by_order(self, order_number: str, window: tuple[datetime, datetime] | None, *,
                 use_search: bool = True) -> tuple[list[Record], str]:
        try:
            found, how = find_payment_intents_by_order(self.client, order_number, window=window, budget=self.budget,
                                                       use_search=use_search)
        except (stripe.InvalidRequestError, StripeLookupError):
            return [], "search failed"
        for pi in found:
            self.keep(pi)
        return found, how


def _pi_time(pi: Record) -> datetime | None:
    created = pi.get("created")
    return parse_instant(created) if isinstance(created, int) else None


def _order_window(chain: RecordChain) -> tuple[datetime, datetime] | None:
    times = [parse_instant(o[f]) for o in chain.order_summaries for f in ("OrderedDate", "CreatedDate") if o.get(f)]
    if not times:
        return None
    return min(times) - timedelta(days=2), max(times) + timedelta(days=1)


def references_of(chain: RecordChain) -> list[str]:
    """Every ``pi_``/``txn_`` written in GatewayRefNumber on the chain's authorizations and payments."""
    refs = {str(r.get("GatewayRefNumber") or "").strip() for r in [*chain.authorizations, *chain.payments]}
    return sorted(ref for ref in refs if ref.startswith(("pi_", "txn_")))


def fetch(sf: Any, client: stripe.StripeClient, subject: Subject, now: datetime,
          pool: ThreadPoolExecutor | None = None) -> Fetched:
    """Fetch everything a trace of ``subject`` needs; NotFoundError when neither system knows it."""
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=8, thread_name_prefix="trace")
    try:
        return _fetch(_Salesforce(sf, pool), _Stripe(client), subject, now, pool)
    finally:
        if own_pool:
            pool.shutdown(wait=True)


def _fetch(sfx: _Salesforce, st: _Stripe, subject: Subject, now: datetime, pool: ThreadPoolExecutor) -> Fetched:
    events_future: Future[tuple[list[Record], bool]] | None = None

    def start_events(pis: list[Record]) -> None:
        nonlocal events_future
        times = [t for t in (_pi_time(pi) for pi in pis) if t is not None]
        if times and events_future is None and st.budget.remaining:
            events_future = pool.submit(events_for, st.client, None, since=min(times) - timedelta(minutes=1),
                                        until=now, budget=st.budget, max_pages=1)

    kind, value = subject.kind, subject.value
    how: str | None = None
    if kind is SubjectKind.ORDER_NUMBER:
        search = pool.submit(st.by_order, value, None)
        chain = sfx.chain(order_numbers=[value])
        found, how = search.result()
        if not found and not references_of(chain):
            found, how = st.by_order(value, _order_window(chain) or (now - timedelta(days=30), now), use_search=False)
        start_events(found)
        if chain.is_empty and not found:
            raise NotFoundError(f"No order {value} in Salesforce and no PaymentIntent with metadata order_id {value} "
                                "in Stripe.")
    elif subject.system == "Stripe":
        pi = st.resolve(value)
        if pi is None:
            if value in st.missing:
                raise not_found(value, st.missing[value])
            raise NotFoundError(f"{value} belongs to no PaymentIntent in Stripe, so it cannot be traced.")
        start_events([pi])
        chain = sfx.chain(**_chain_start(pi))
    else:
        chain = sfx.chain(record_id=value)
        if chain.is_empty:
            raise NotFoundError(f"No {kind} {value} in Salesforce, or no order behind it.")

    if events_future is None and st.budget.remaining:
        window = _order_window(chain)
        if window is not None:  # start the events now, alongside the references below
            events_future = pool.submit(events_for, st.client, None, since=window[0], until=now, budget=st.budget,
                                        max_pages=1)
    todo = [ref for ref in references_of(chain)
            if ref not in st.payment_intents and ref not in st.txn_to_pi and ref not in st.missing]
    resolved = list(pool.map(st.resolve, todo)) if todo else []
    start_events([pi for pi in resolved if pi] or list(st.payment_intents.values()))
    events: list[Record] = []
    complete = True
    if events_future is not None:
        events, complete = events_future.result()
    wanted = set(st.payment_intents)
    return Fetched(chain=chain, payment_intents=dict(sorted(st.payment_intents.items())), txn_to_pi=dict(st.txn_to_pi),
                   missing=dict(st.missing), events=[e for e in events if _about(e, wanted)], events_complete=complete,
                   search_how=how)


def _about(event: Record, pis: set[str]) -> bool:
    obj = (event.get("data") or {}).get("object") or {}
    return obj.get("id") in pis or obj.get("payment_intent") in pis


def _chain_start(pi: Record) -> dict[str, Any]:
    """Where the chain of a PaymentIntent starts: its order number when the storefront wrote one in
    metadata (one round trip), else the reference Order Management holds: the ``pi_`` on the authorization
    (manual capture) or the charge's ``txn_`` on the payment (captured at checkout)."""
    order_number = (pi.get("metadata") or {}).get("order_id")
    if order_number:
        return {"order_numbers": [str(order_number)]}
    _, charge, _, _ = split_expanded(pi)
    txn = (charge or {}).get("balance_transaction")
    if pi.get("capture_method") != "manual" and isinstance(txn, str):
        return {"gateway_refs": [txn]}
    return {"gateway_refs": [str(pi["id"])]}
