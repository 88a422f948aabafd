"""The trace's fetch step: every request a trace makes, planned against a budget, run concurrently.

Budget per trace (counted by the sandbox): at most 3 Salesforce and 4 Stripe requests, the org's
``describe`` (key prefixes, relationship names) fetched once per session (``session.schema``) and kept.
A *round* is a set of requests sent together; a trace takes two rounds, three at most:

- ``pi_``: round 1 Stripe {the PaymentIntent} beside Salesforce {the summary whose authorization holds the
  ``pi_``, with its order read through the parent path}; round 2 the chain of that order (2 statements), or
  of the order named in the PaymentIntent's ``metadata.order_id``, beside Stripe's events.
- ``txn_``: as ``pi_``, the summary located through the Payment holding the ``txn_``.
- ``ch_``/``re_``: round 1 Stripe {the PaymentIntent, through the object}; round 2 the chain of the order
  in ``metadata.order_id`` (3 statements) beside the events; without metadata, round 2 locates the summary
  by the reference Order Management holds (the ``pi_``, or the charge's ``txn_`` for a checkout capture)
  and round 3 fetches its chain.
- an order number: round 1 the chain (3 statements) beside Stripe's metadata search; round 2 the
  references the search did not find (or the created-window list when search found nothing), then the
  events.
- an OrderSummary id: round 1 the chain; round 2 the PaymentIntents of its references; round 3 the events.
- any other Salesforce id: round 1 one query on OrderPaymentSummary (``Id IN (SELECT OrderPaymentSummaryId
  FROM <object> WHERE Id = ...)``) returning the order and the summary's Stripe references; round 2 the
  chain beside those PaymentIntents; round 3 the events.

Fallbacks (rare, each costs requests beyond the budget above, and says so in the benchmark notes):

- ``metadata.order_id`` is a hint, the reference Order Management holds is the bridge: when the chain of the
  metadata's order number is empty (the storefront's number is not the OrderSummary's OrderNumber), the
  summaries holding the reference (the ``pi_`` on a PaymentAuthorization, or the charge's ``txn_`` on a
  checkout Payment) are fetched in one more round (2 statements).
- a Refund without OrderPaymentSummaryId (a field the reference marks unconfirmed): its RefundLinePayments,
  read with their Payment's order and references through parent paths, locate the order (1 more statement).
- a PaymentGatewayLog without OrderPaymentSummaryId: the log's ReferencedEntityId (a PaymentAuthorization,
  Payment or Refund) locates the summary (2 more statements, sequential); the log itself joins the chain.

The events are listed by :data:`~toolkit.stripe_lookups.TRACE_EVENT_TYPES` in the PaymentIntents' own window
(:func:`~toolkit.stripe_lookups.event_window`) once the PaymentIntents are known, so one page usually
holds them all. References on the chain that no earlier round fetched (a second summary's PaymentIntent)
are retrieved afterwards; resource_missing is recorded with Stripe's other-mode hint. Nothing here draws
a conclusion: :mod:`toolkit.trace` analyses what this returns.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import stripe
from simple_salesforce import format_soql

from toolkit.clock import parse_instant
from toolkit.errors import NotFoundError, ToolkitError
from toolkit.frames import plain_record
from toolkit.queries.schema_cache import SchemaCache
from toolkit.queries.templates import field_set
from toolkit.record_chain import RecordChain, chain_for, chain_of_summaries, chain_schema, child_relationships
from toolkit.stripe_lookups import (
    TRACE_EVENT_TYPES,
    MissingObject,
    StripeBudget,
    StripeLookupError,
    event_window,
    events_for,
    find_payment_intents_by_order,
    missing_from_error,
    not_found,
    resolve_payment_intent,
    split_expanded,
)
from toolkit.subjects import Subject, SubjectKind

__all__ = ["SALESFORCE_BUDGET", "STRIPE_BUDGET", "Fetched", "Located", "fetch", "references_of"]

Record = dict[str, Any]
SALESFORCE_BUDGET = 3
STRIPE_BUDGET = 4


@dataclass
class Fetched:
    """What one trace fetched: the record chain, the expanded PaymentIntents by id, which ``txn_`` led to
    which PaymentIntent, what Stripe answered resource_missing for (by the id asked), and the events.

    ``events_complete`` is False when the events of a PaymentIntent may be missing (Stripe had more events
    in its window than the pages fetched); ``events_window`` the created window listed (None: not listed).
    """

    chain: RecordChain
    payment_intents: dict[str, Record] = field(default_factory=dict)
    txn_to_pi: dict[str, str] = field(default_factory=dict)
    missing: dict[str, MissingObject] = field(default_factory=dict)
    events: list[Record] = field(default_factory=list)
    events_complete: bool = True
    search_how: str | None = None
    events_window: tuple[datetime, datetime] | None = None


@dataclass(frozen=True)
class Located:
    """What a locate query found: the OrderSummaries (through the parent path), the ``pi_``/``txn_``
    references of the summaries it matched, and the statement run (``before``: statements run earlier to get
    there, ``logs``: gateway logs read on the way that the summaries' own logs may not include)."""

    orders: list[Record]
    references: list[str]
    soql: str
    before: tuple[str, ...] = ()
    logs: tuple[Record, ...] = ()


# --- Salesforce -----------------------------------------------------------------------------------------


class _Salesforce:
    """The Salesforce side: locate queries and :mod:`toolkit.record_chain` with the session's describes."""

    def __init__(self, sf: Any, pool: ThreadPoolExecutor, schema: SchemaCache | None = None) -> None:
        self.sf = sf
        self.pool = pool
        self.schema = schema if schema is not None else chain_schema(sf)
        self.relationships = child_relationships(sf, self.schema)

    def chain(self, **start: Any) -> RecordChain:
        """:func:`toolkit.record_chain.chain_for` (an order number or an OrderSummary id: one round, 3 statements)."""
        return chain_for(self.sf, **start, relationships=self.relationships, executor=self.pool, schema=self.schema)

    def chain_of(self, located: Located | None = None, **start: Any) -> RecordChain:
        """:func:`toolkit.record_chain.chain_of_summaries` (one round, 2 statements), after ``located``."""
        if located is not None:
            start = {"order_summaries": located.orders}
        chain = chain_of_summaries(self.sf, **start, relationships=self.relationships, executor=self.pool,
                                   schema=self.schema)
        if located is not None:
            chain.soql[:0] = [*located.before, located.soql]
            known = {log.get("Id") for log in chain.gateway_logs}
            extra = [log for log in located.logs if log.get("Id") not in known]
            if extra:
                chain.gateway_logs = sorted([*chain.gateway_logs, *extra],
                                            key=lambda r: (r.get("CreatedDate") or "", r.get("Id") or ""))
        return chain

    def locate(self, object_name: str, column: str, value: str | list[str]) -> Located:
        """The summaries a record names (``object_name.column = value``, or ``IN`` a list; OrderPaymentSummary.Id
        itself), with their OrderSummary through the parent path and their authorizations' and payments'
        references."""
        order_rel = self.schema.parent_relationship("OrderPaymentSummary", "OrderSummaryId") or "OrderSummary"
        select = ["Id", "OrderSummaryId", *(f"{order_rel}.{f}" for f in field_set("OrderSummary"))]
        children = [name for child in ("PaymentAuthorization", "Payment")
                    if (name := self.relationships.name("OrderPaymentSummary", child, "OrderPaymentSummaryId"))]
        select.extend(f"(SELECT Id, GatewayRefNumber FROM {name})" for name in children)
        op = "IN" if isinstance(value, list) else "="
        if object_name == "OrderPaymentSummary":
            where = format_soql(f"{column} {op} {{}}", value)
        else:
            where = format_soql(f"Id IN (SELECT OrderPaymentSummaryId FROM {object_name} WHERE {column} {op} {{}})",
                                value)
        soql = f"SELECT {', '.join(select)} FROM OrderPaymentSummary WHERE {where} ORDER BY CreatedDate, Id"
        rows = [plain_record(r) for r in self.sf.query_all(soql)["records"]]
        orders = list({o["Id"]: o for r in rows if isinstance(o := r.get(order_rel), dict) and o.get("Id")}.values())
        refs = {str(child.get("GatewayRefNumber") or "").strip() for r in rows for name in children
                for child in r.get(name) or []}
        return Located(sorted(orders, key=lambda o: (o.get("OrderNumber") or "", o["Id"])),
                       sorted(ref for ref in refs if ref.startswith(("pi_", "txn_"))), soql)

    def locate_record(self, object_name: str, record_id: str) -> Located:
        """:meth:`locate` by the record's Id; a Refund or a PaymentGatewayLog without OrderPaymentSummaryId is
        followed through its RefundLinePayments or its ReferencedEntityId (module docstring: fallbacks)."""
        located = self.locate(object_name, "Id", record_id)
        if located.orders:
            return located
        if object_name == "Refund":
            return self._through_refund_lines(record_id, (*located.before, located.soql))
        if object_name == "PaymentGatewayLog":
            return self._through_referenced_entity(record_id, (*located.before, located.soql))
        return located

    def _through_refund_lines(self, refund_id: str, before: tuple[str, ...]) -> Located:
        """The orders of the Payments a Refund's RefundLinePayments name, read through the parent path in one
        statement, with those payments' references (their own ``txn_``, their authorization's ``pi_``)."""
        to_payment = self.schema.parent_relationship("RefundLinePayment", "PaymentId") or "Payment"
        to_auth = self.schema.parent_relationship("Payment", "PaymentAuthorizationId") or "PaymentAuthorization"
        to_ops = self.schema.parent_relationship("Payment", "OrderPaymentSummaryId") or "OrderPaymentSummary"
        to_order = self.schema.parent_relationship("OrderPaymentSummary", "OrderSummaryId") or "OrderSummary"
        order_path = f"{to_payment}.{to_ops}.{to_order}"
        select = ["Id", "PaymentId", f"{to_payment}.GatewayRefNumber", f"{to_payment}.{to_auth}.GatewayRefNumber",
                  *(f"{order_path}.{f}" for f in field_set("OrderSummary"))]
        soql = format_soql(f"SELECT {', '.join(select)} FROM RefundLinePayment WHERE RefundId = {{}} "
                           "ORDER BY CreatedDate, Id", refund_id)
        rows = [plain_record(r) for r in self.sf.query_all(soql)["records"]]
        orders: dict[str, Record] = {}
        refs: set[str] = set()
        for row in rows:
            payment = row.get(to_payment) or {}
            order = ((payment.get(to_ops) or {}).get(to_order)) or {}
            if order.get("Id"):
                orders[order["Id"]] = order
            refs |= {str(ref or "").strip() for ref in (payment.get("GatewayRefNumber"),
                                                         (payment.get(to_auth) or {}).get("GatewayRefNumber"))}
        return Located(sorted(orders.values(), key=lambda o: (o.get("OrderNumber") or "", o["Id"])),
                       sorted(ref for ref in refs if ref.startswith(("pi_", "txn_"))), soql, before)

    def _through_referenced_entity(self, log_id: str, before: tuple[str, ...]) -> Located:
        """The summaries of the record a gateway log references (ReferencedEntityId), with the log itself."""
        soql = format_soql(f"SELECT {', '.join(field_set('PaymentGatewayLog'))} FROM PaymentGatewayLog "
                           "WHERE Id = {}", log_id)
        logs = [plain_record(r) for r in self.sf.query_all(soql)["records"]]
        referenced = str((logs[0] if logs else {}).get("ReferencedEntityId") or "")
        try:
            object_name = self.schema.object_for_id(referenced) if referenced else None
        except ToolkitError:  # a malformed id or a prefix no object has: nothing to follow
            object_name = None
        if object_name not in ("PaymentAuthorization", "Payment", "Refund"):
            return Located([], [], soql, before, tuple(logs))
        found = self.locate_record(str(object_name), referenced)
        return replace(found, before=(*before, soql, *found.before), logs=(*logs, *found.logs))


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

    def by_order(self, order_number: str, window: tuple[datetime, datetime] | None = None, *,
                 use_search: bool = True) -> tuple[list[Record], str]:
        try:
            found, how = find_payment_intents_by_order(self.client, order_number, window=window, budget=self.budget,
                                                       use_search=use_search)
        except (stripe.InvalidRequestError, StripeLookupError):
            return [], "search failed"
        for pi in found:
            self.keep(pi)
        return found, how


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
          pool: ThreadPoolExecutor | None = None, schema: SchemaCache | None = None) -> Fetched:
    """Fetch everything a trace of ``subject`` needs; NotFoundError when neither system knows it.

    Pass the session's ``schema`` (describes fetched once per session); without it describe is fetched here.
    """
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=8, thread_name_prefix="trace")
    try:
        return _Plan(_Salesforce(sf, pool, schema), _Stripe(client), subject, now, pool).run()
    finally:
        if own_pool:
            pool.shutdown(wait=True)


#: How long after an order its payment's events are first looked for (authorization validity + capture + a
#: refund soon after); later events are fetched once the PaymentIntents show they exist.
ORDER_EVENT_SPAN = timedelta(days=10)
#: The Salesforce record whose GatewayRefNumber holds a Stripe id, by its prefix (located in round 1).
_HOLDER = {"pi_": "PaymentAuthorization", "txn_": "Payment"}


class _Plan:
    """One trace's fetch, round by round (see the module docstring)."""

    def __init__(self, sfx: _Salesforce, st: _Stripe, subject: Subject, now: datetime,
                 pool: ThreadPoolExecutor) -> None:
        self.sfx, self.st, self.subject, self.now, self.pool = sfx, st, subject, now, pool
        self.events: Future[tuple[list[Record], bool]] | None = None
        self.window: tuple[datetime, datetime] | None = None
        self.how: str | None = None

    def start_events(self) -> None:
        """List the events of the PaymentIntents known so far in their window (one page), in the background."""
        window = event_window(self.st.payment_intents.values(), self.now)
        if window is None or self.events is not None or not self.st.budget.remaining:
            return
        self.window = window
        self.events = self.pool.submit(events_for, self.st.client, None, since=window[0], until=window[1],
                                       budget=self.st.budget, max_pages=1, types=TRACE_EVENT_TYPES)

    def start_events_for_orders(self, orders: list[Record]) -> None:
        """Before the PaymentIntents are known: list the events of the orders' likely window (from a day before
        the order to :data:`ORDER_EVENT_SPAN` after it) so they arrive in the same round as the PaymentIntents;
        :meth:`_finish` fetches what the PaymentIntents' own window adds, if anything."""
        times = [parse_instant(o[f]) for o in orders for f in ("OrderedDate", "CreatedDate") if o.get(f)]
        if not times or self.events is not None or not self.st.budget.remaining:
            return
        since = min(times) - timedelta(days=1)
        self.window = (since, max(since, min(self.now, max(times) + ORDER_EVENT_SPAN)))
        self.events = self.pool.submit(events_for, self.st.client, None, since=self.window[0], until=self.window[1],
                                       budget=self.st.budget, max_pages=1, types=TRACE_EVENT_TYPES)

    def run(self) -> Fetched:
        kind = self.subject.kind
        if kind is SubjectKind.ORDER_NUMBER:
            chain = self._order_number()
        elif self.subject.system == "Stripe":
            chain = self._stripe_id()
        elif kind is SubjectKind.ORDER_SUMMARY:
            chain = self.sfx.chain(order_summary_ids=[self.subject.value])
            if chain.is_empty:
                raise NotFoundError(f"No OrderSummary {self.subject.value} in Salesforce.")
            # round 2: the order's tagged PaymentIntents beside its references, and the events
            self.start_events_for_orders(chain.order_summaries)
            searching = [self.pool.submit(self.st.by_order, number) for number in chain.order_numbers[:1]]
            list(self.pool.map(self.st.resolve, self._todo(chain)))
            for future in searching:
                future.result()
        else:
            chain = self._record_id()
        return self._finish(chain)

    def _order_number(self) -> RecordChain:
        value = self.subject.value
        search = self.pool.submit(self.st.by_order, value, None)
        chain = self.sfx.chain(order_numbers=[value])
        found, self.how = search.result()
        if not found and not references_of(chain):
            window = _order_window(chain) or (self.now - timedelta(days=30), self.now)
            found, self.how = self.st.by_order(value, window, use_search=False)
        if chain.is_empty and not found:
            raise NotFoundError(f"No order {value} in Salesforce and no PaymentIntent with metadata order_id {value} "
                                "in Stripe.")
        return chain

    def _stripe_id(self) -> RecordChain:
        value = self.subject.value
        prefix = value.split("_", 1)[0] + "_"
        holder = _HOLDER.get(prefix)
        locating = self.pool.submit(self.sfx.locate, holder, "GatewayRefNumber", value) if holder else None
        pi = self.st.resolve(value)
        located = locating.result() if locating is not None else None
        if pi is None and not (located and located.orders):
            if value in self.st.missing:
                raise not_found(value, self.st.missing[value])
            raise NotFoundError(f"{value} belongs to no PaymentIntent in Stripe, so it cannot be traced.")
        self.start_events()
        if located is not None and located.orders:
            if pi is not None:
                return self.sfx.chain_of(located)
            # Stripe lacks the reference Order Management holds: look for the order's tagged PaymentIntents
            searching = [self.pool.submit(self.st.by_order, str(o["OrderNumber"]))
                         for o in located.orders[:1] if o.get("OrderNumber")]
            chain = self.sfx.chain_of(located)
            for future in searching:
                future.result()
            return chain
        assert pi is not None
        order_number = (pi.get("metadata") or {}).get("order_id")
        if order_number:  # the storefront wrote the order number: the whole order in one round
            if located is not None:  # one request already spent on the locate: 2 statements left
                chain = self.sfx.chain_of(order_numbers=[str(order_number)])
            else:
                chain = self.sfx.chain(order_numbers=[str(order_number)])
            if not chain.is_empty:
                return chain
            # the metadata is a hint (the storefront's number need not be Order Management's): the reference
            # Order Management holds is the bridge, fetched in one more round
            fallback = self._by_reference(pi, located, semi_join=True)
            fallback.soql[:0] = chain.soql
            return fallback
        return self._by_reference(pi, located)

    def _by_reference(self, pi: Record, located: Located | None, *, semi_join: bool = False) -> RecordChain:
        """The chain of the summaries holding the reference Order Management keeps for ``pi`` (none when the
        round-1 locate already looked for it). ``semi_join`` (or a locate already spent): only those summaries,
        in one round of 2 statements; otherwise locate, then the whole orders (3 statements, 2 rounds)."""
        value = self.subject.value
        held_by, reference = _reference_in_oms(pi)
        if reference is None:
            return RecordChain()
        if located is not None and reference == value:  # the locate of round 1 already looked for it
            return RecordChain()
        if located is not None or semi_join:
            # the summaries holding the reference, in one round (not their orders' others)
            return self.sfx.chain_of(referenced_by=(held_by, "GatewayRefNumber", [reference]))
        found = self.sfx.locate(held_by, "GatewayRefNumber", reference)
        return self.sfx.chain_of(found) if found.orders else RecordChain(soql=[found.soql])

    def _record_id(self) -> RecordChain:
        kind, value = self.subject.kind, self.subject.value
        located = self.sfx.locate_record(str(kind), value)
        if not located.orders:
            raise NotFoundError(f"No {kind} {value} in Salesforce, or no order behind it.")
        resolving = [self.pool.submit(self.st.resolve, ref) for ref in located.references]
        self.start_events_for_orders(located.orders)
        # as for an order number: the PaymentIntents the storefront tagged with the order, referenced or not
        resolving += [self.pool.submit(self.st.by_order, str(o["OrderNumber"]), None)
                      for o in located.orders[:1] if o.get("OrderNumber")]
        chain = self.sfx.chain_of(located)
        for future in resolving:
            future.result()
        return chain

    def _todo(self, chain: RecordChain) -> list[str]:
        """The chain's references no request has answered yet."""
        st = self.st
        return [ref for ref in references_of(chain)
                if ref not in st.payment_intents and ref not in st.txn_to_pi and ref not in st.missing]

    def _finish(self, chain: RecordChain) -> Fetched:
        st = self.st
        todo = self._todo(chain)
        if todo and self.events is None and not st.payment_intents:
            list(self.pool.map(st.resolve, todo))  # nothing known yet: the PaymentIntents first, then their events
            todo = []
        self.start_events()
        if todo:
            list(self.pool.map(st.resolve, todo))
        events: list[Record] = []
        complete = True
        if self.events is not None:
            events, complete = self.events.result()
            if not complete and st.budget.remaining and events and self.window is not None:
                older = datetime.fromtimestamp(min(e["created"] for e in events), tz=self.now.tzinfo)
                more, complete = events_for(st.client, None, since=self.window[0], until=older, budget=st.budget,
                                            max_pages=1, types=TRACE_EVENT_TYPES)
                events = list({e["id"]: e for e in [*more, *events]}.values())
        wanted = set(st.payment_intents)
        charges = {c for pi in st.payment_intents.values() if (c := _charge_id(pi))}
        if self.window is not None:
            late = event_window(st.payment_intents.values(), self.now)
            if late is not None and (late[0] < self.window[0] or late[1] > self.window[1]):
                # the PaymentIntents' own window reaches beyond what was listed: list it, or say so
                if st.budget.remaining:
                    more, more_complete = events_for(st.client, None, since=late[0], until=late[1], budget=st.budget,
                                                     max_pages=1, types=TRACE_EVENT_TYPES)
                    events = list({e["id"]: e for e in [*events, *more]}.values())
                    complete = complete and more_complete
                    self.window = (min(late[0], self.window[0]), max(late[1], self.window[1]))
                else:
                    complete = False
        return Fetched(chain=chain, payment_intents=dict(sorted(st.payment_intents.items())),
                       txn_to_pi=dict(st.txn_to_pi), missing=dict(st.missing),
                       events=sorted((e for e in events if _about(e, wanted, charges)),
                                     key=lambda e: (e.get("created") or 0, str(e.get("id")))),
                       events_complete=complete, search_how=self.how, events_window=self.window)


def _charge_id(pi: Record) -> str | None:
    charge = pi.get("latest_charge")
    return charge.get("id") if isinstance(charge, dict) else charge


def _about(event: Record, pis: set[str], charges: set[str]) -> bool:
    obj = (event.get("data") or {}).get("object") or {}
    return (obj.get("id") in pis or obj.get("payment_intent") in pis or obj.get("id") in charges
            or obj.get("charge") in charges)


def _reference_in_oms(pi: Record) -> tuple[str, str | None]:
    """Where Order Management writes a PaymentIntent, the bridge whatever its ``metadata.order_id`` says: the ``pi_``
    on the authorization (manual capture) or the charge's ``txn_`` on the payment (captured at checkout)."""
    _, charge, _, _ = split_expanded(pi)
    txn = (charge or {}).get("balance_transaction")
    if pi.get("capture_method") != "manual" and isinstance(txn, str):
        return "Payment", txn
    if pi.get("capture_method") != "manual":
        return "Payment", None
    return "PaymentAuthorization", str(pi["id"])
