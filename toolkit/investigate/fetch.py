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

The events are listed by :data:`~toolkit.stripe.lookups.TRACE_EVENT_TYPES` in the PaymentIntents' own window
(:func:`~toolkit.analysis.stripe_shapes.event_window`) once the PaymentIntents are known, so one page usually
holds them all. References on the chain that no earlier round fetched (a second summary's PaymentIntent)
are retrieved afterwards; resource_missing is recorded with Stripe's other-mode hint. Nothing here draws
a conclusion: :mod:`toolkit.investigate.trace` analyses what this returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, NoReturn

from toolkit.analysis.evidence import MissingObject
from toolkit.analysis.stripe_shapes import charge_id, event_is_about, event_window, reference_in_oms, split_expanded
from toolkit.analysis.trace_analysis import Fetched
from toolkit.core.budget import RequestBudget
from toolkit.core.clock import parse_instant
from toolkit.core.incomplete import Incomplete
from toolkit.errors import AccessDeniedError, BudgetExceededError, NotFoundError, ServiceError, ServiceUnavailableError
from toolkit.investigate.subjects import Subject, SubjectKind
from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.locate import Located
from toolkit.salesforce.record_chain import ChainReader, RecordChain, Scope, references_of
from toolkit.salesforce.schema import SchemaCache
from toolkit.stripe.gateway import StripeGateway, StripeObjectMissing
from toolkit.stripe.lookups import TRACE_EVENT_TYPES, events_for, find_payment_intents_by_order

__all__ = ["SALESFORCE_BUDGET", "STRIPE_BUDGET", "Fetched", "StripeSide", "fetch", "references_of"]

Record = dict[str, Any]
#: The trace's request budget per system (see the module docstring); the fallbacks may spend a little more
#: on Salesforce, which is counted, not capped.
SALESFORCE_BUDGET = 3
STRIPE_BUDGET = 4


class StripeSide:
    """What an investigation learns from Stripe, request by request through one gateway: the expanded
    PaymentIntents, which ``txn_`` leads to which, and what Stripe answered resource_missing for."""

    def __init__(self, gateway: StripeGateway) -> None:
        self.gateway = gateway
        self.payment_intents: dict[str, Record] = {}
        self.txn_to_pi: dict[str, str] = {}
        self.missing: dict[str, MissingObject] = {}
        self.missing_errors: dict[str, StripeObjectMissing] = {}
        self.unread: dict[str, Incomplete] = {}  # ids whose read failed after retries (never "missing")
        self.search_failures: dict[str, Incomplete] = {}  # order number -> the search that failed
        self.incomplete: list[Incomplete] = []  # other failed reads (events)
        self._lock = threading.Lock()

    @property
    def budget(self) -> RequestBudget:
        return self.gateway.budget

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
            pi, _obj = self.gateway.resolve(stripe_id)
        except StripeObjectMissing as exc:
            with self._lock:
                self.missing[stripe_id] = exc.missing
                self.missing_errors[stripe_id] = exc
            return None
        except (ServiceError, BudgetExceededError) as exc:
            with self._lock:
                self.unread[stripe_id] = Incomplete.from_error(exc, f"{stripe_id} and its PaymentIntent", "Stripe")
            return None
        self.keep(pi)
        if pi and stripe_id.startswith("txn_"):
            with self._lock:
                self.txn_to_pi[stripe_id] = str(pi["id"])
        return pi

    def by_order(self, order_number: str, window: tuple[datetime, datetime] | None = None, *,
                 use_search: bool = True) -> tuple[list[Record], str]:
        try:
            found, how = find_payment_intents_by_order(self.gateway, order_number, window=window,
                                                       use_search=use_search)
        except (ServiceError, BudgetExceededError) as exc:
            with self._lock:
                self.search_failures[order_number] = Incomplete.from_error(
                    exc, f"the PaymentIntents tagged with order {order_number}", "Stripe")
            return [], "search failed"
        with self._lock:
            self.search_failures.pop(order_number, None)  # a later list of the window found them after all
        for pi in found:
            self.keep(pi)
        return found, how

    def failures(self) -> list[Incomplete]:
        """Every read that failed, in a stable order."""
        with self._lock:
            return [*(self.unread[k] for k in sorted(self.unread)),
                    *(self.search_failures[k] for k in sorted(self.search_failures)), *self.incomplete]


def _order_window(chain: RecordChain) -> tuple[datetime, datetime] | None:
    times = [parse_instant(o[f]) for o in chain.order_summaries for f in ("OrderedDate", "CreatedDate") if o.get(f)]
    if not times:
        return None
    return min(times) - timedelta(days=2), max(times) + timedelta(days=1)


def fetch(salesforce: SalesforceGateway, stripe_gateway: StripeGateway, subject: Subject, now: datetime, *,
          schema: SchemaCache, pool: ThreadPoolExecutor | None = None) -> Fetched:
    """Fetch everything a trace of ``subject`` needs through the two gateways; NotFoundError when neither
    system knows it. ``schema`` is the session's describes (fetched once per session)."""
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=8, thread_name_prefix="trace")
    if salesforce.executor is None:
        salesforce.executor = pool
    try:
        return _Plan(ChainReader(salesforce, schema), StripeSide(stripe_gateway), subject, now, pool).run()
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

    def __init__(self, sfx: ChainReader, st: StripeSide, subject: Subject, now: datetime,
                 pool: ThreadPoolExecutor) -> None:
        self.sfx, self.st, self.subject, self.now, self.pool = sfx, st, subject, now, pool
        self.events: Future[tuple[list[Record], bool]] | None = None
        self.window: tuple[datetime, datetime] | None = None
        self.how: str | None = None
        self.salesforce_failures: list[Incomplete] = []

    def _chain(self, what: str, read: Callable[..., RecordChain], *args: Any) -> RecordChain:
        """A Salesforce read of the chain; a failure (after retries) is recorded and reads as an empty chain that
        nothing may be concluded from (``Fetched.salesforce_complete``)."""
        try:
            return read(*args)
        except (ServiceError, BudgetExceededError) as exc:
            self.salesforce_failures.append(Incomplete.from_error(exc, what, "Salesforce"))
            return RecordChain()

    def _locate(self, what: str, read: Callable[..., Located], *args: Any) -> Located:
        try:
            return read(*args)
        except (ServiceError, BudgetExceededError) as exc:
            self.salesforce_failures.append(Incomplete.from_error(exc, what, "Salesforce"))
            return Located([], [], "")

    def _nothing_found(self, message: str) -> NoReturn:
        """Neither system gave the subject: NotFoundError when every read answered, else the failure (a read
        that failed is never evidence of absence)."""
        failures = [*self.salesforce_failures, *self.st.failures()]
        if not failures:
            raise NotFoundError(message)
        first = failures[0]
        error = AccessDeniedError if any(f.kind == "access_denied" for f in failures) else ServiceUnavailableError
        raise error(f"{first.system} could not be read, so the toolkit cannot tell whether {self.subject.value} "
                    f"exists: {first.error}", system=first.system, subject=self.subject.value,
                    request_id=first.request_id)

    def _events(self, since: datetime, until: datetime) -> tuple[list[Record], bool]:
        """One page of the trace's event types created in [since, until]."""
        return events_for(self.st.gateway, None, since=since, until=until, max_pages=1, types=TRACE_EVENT_TYPES)

    def start_events(self) -> None:
        """List the events of the PaymentIntents known so far in their window (one page), in the background."""
        window = event_window(self.st.payment_intents.values(), self.now)
        if window is None or self.events is not None or not self.st.budget.remaining:
            return
        self.window = window
        self.events = self.pool.submit(self._events, window[0], window[1])

    def start_events_for_orders(self, orders: list[Record]) -> None:
        """Before the PaymentIntents are known: list the events of the orders' likely window (from a day before
        the order to :data:`ORDER_EVENT_SPAN` after it) so they arrive in the same round as the PaymentIntents;
        :meth:`_finish` fetches what the PaymentIntents' own window adds, if anything."""
        times = [parse_instant(o[f]) for o in orders for f in ("OrderedDate", "CreatedDate") if o.get(f)]
        if not times or self.events is not None or not self.st.budget.remaining:
            return
        since = min(times) - timedelta(days=1)
        self.window = (since, max(since, min(self.now, max(times) + ORDER_EVENT_SPAN)))
        self.events = self.pool.submit(self._events, self.window[0], self.window[1])

    def run(self) -> Fetched:
        kind = self.subject.kind
        if kind is SubjectKind.ORDER_NUMBER:
            chain = self._order_number()
        elif self.subject.system == "Stripe":
            chain = self._stripe_id()
        elif kind is SubjectKind.ORDER_SUMMARY:
            chain = self._chain(f"the order {self.subject.value}", self.sfx.orders_by_id, [self.subject.value])
            if chain.is_empty:
                self._nothing_found(f"No OrderSummary {self.subject.value} in Salesforce.")
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
        chain = self._chain(f"the order {value}", self.sfx.orders_by_number, [value])
        found, self.how = search.result()
        if not found and not references_of(chain):
            window = _order_window(chain) or (self.now - timedelta(days=30), self.now)
            searched_first = self.how
            found, self.how = self.st.by_order(value, window, use_search=False)
            if searched_first == "search failed" and self.how == "list":
                self.how = "list after a failed search"
        if chain.is_empty and not found:
            self._nothing_found(f"No order {value} in Salesforce and no PaymentIntent with metadata order_id {value} "
                                "in Stripe.")
        return chain

    def _stripe_id(self) -> RecordChain:
        value = self.subject.value
        prefix = value.split("_", 1)[0] + "_"
        holder = _HOLDER.get(prefix)
        locating = self.pool.submit(self._locate, f"the order holding {value}", self.sfx.locator.locate, holder,
                                    "GatewayRefNumber", value) if holder else None
        pi = self.st.resolve(value)
        located = locating.result() if locating is not None else None
        if pi is None and not (located and located.orders):
            if value in self.st.missing:
                raise self.st.missing_errors[value]
            self._nothing_found(f"{value} belongs to no PaymentIntent in Stripe, so it cannot be traced.")
        self.start_events()
        if located is not None and located.orders:
            if pi is not None:
                return self._chain(f"the order holding {value}", self.sfx.of_located, located)
            # Stripe lacks the reference Order Management holds: look for the order's tagged PaymentIntents
            searching = [self.pool.submit(self.st.by_order, str(o["OrderNumber"]))
                         for o in located.orders[:1] if o.get("OrderNumber")]
            chain = self._chain(f"the order holding {value}", self.sfx.of_located, located)
            for future in searching:
                future.result()
            return chain
        assert pi is not None
        order_number = (pi.get("metadata") or {}).get("order_id")
        if order_number:  # the storefront wrote the order number: the whole order in one round
            what = f"the order {order_number}"
            if located is not None:  # one request already spent on the locate: 2 statements left
                chain = self._chain(what, self.sfx.summaries, Scope("order_numbers", (str(order_number),)))
            else:
                chain = self._chain(what, self.sfx.orders_by_number, [str(order_number)])
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
        held_by, reference = reference_in_oms(pi)
        if reference is None:
            return RecordChain()
        if located is not None and reference == value:  # the locate of round 1 already looked for it
            return RecordChain()
        what = f"the order holding {reference}"
        if located is not None or semi_join:
            # the summaries holding the reference, in one round (not their orders' others)
            return self._chain(what, self.sfx.summaries, Scope("referenced_by", (reference,), held_by,
                                                               "GatewayRefNumber"))
        found = self._locate(what, self.sfx.locator.locate, held_by, "GatewayRefNumber", reference)
        if not found.orders:
            return RecordChain(soql=[str(found.soql)] if found.soql else [])
        return self._chain(what, self.sfx.of_located, found)

    def _record_id(self) -> RecordChain:
        kind, value = self.subject.kind, self.subject.value
        located = self._locate(f"the order of {kind} {value}", self.sfx.locator.locate_record, str(kind), value)
        if not located.orders:
            self._nothing_found(f"No {kind} {value} in Salesforce, or no order behind it.")
        resolving: list[Future[Any]] = [self.pool.submit(self.st.resolve, ref) for ref in located.references]
        self.start_events_for_orders(located.orders)
        # as for an order number: the PaymentIntents the storefront tagged with the order, referenced or not
        resolving += [self.pool.submit(self.st.by_order, str(o["OrderNumber"]), None)
                      for o in located.orders[:1] if o.get("OrderNumber")]
        chain = self._chain(f"the order of {kind} {value}", self.sfx.of_located, located)
        for future in resolving:
            future.result()
        return chain

    def _todo(self, chain: RecordChain) -> list[str]:
        """The chain's references no request has answered yet."""
        st = self.st
        return [ref for ref in references_of(chain) if ref not in st.payment_intents and ref not in st.txn_to_pi
                and ref not in st.missing and ref not in st.unread]

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
            events, complete = self._events_result(self.events)
            if not complete and st.budget.remaining and events and self.window is not None:
                older = datetime.fromtimestamp(min(e["created"] for e in events), tz=self.now.tzinfo)
                more, complete = self._events_or_nothing(self.window[0], older)
                events = list({e["id"]: e for e in [*more, *events]}.values())
        wanted = set(st.payment_intents)
        charges = {c for pi in st.payment_intents.values() if (c := charge_id(pi))}
        if self.window is not None:
            late = event_window(st.payment_intents.values(), self.now)
            if late is not None and (late[0] < self.window[0] or late[1] > self.window[1]):
                # the PaymentIntents' own window reaches beyond what was listed: list it, or say so
                if st.budget.remaining:
                    more, more_complete = self._events_or_nothing(late[0], late[1])
                    events = list({e["id"]: e for e in [*events, *more]}.values())
                    complete = complete and more_complete
                    self.window = (min(late[0], self.window[0]), max(late[1], self.window[1]))
                else:
                    complete = False
        return Fetched(chain=chain, payment_intents=dict(sorted(st.payment_intents.items())),
                       txn_to_pi=dict(st.txn_to_pi), missing=dict(st.missing),
                       events=sorted((e for e in events if event_is_about(e, wanted, charges)),
                                     key=lambda e: (e.get("created") or 0, str(e.get("id")))),
                       events_complete=complete, search_how=self.how,
                       incomplete=[*self.salesforce_failures, *st.failures()],
                       salesforce_complete=not self.salesforce_failures)

    def _events_result(self, future: Future[tuple[list[Record], bool]]) -> tuple[list[Record], bool]:
        try:
            return future.result()
        except (ServiceError, BudgetExceededError) as exc:
            self._events_failed(exc)
            return [], True  # the failure is in ``incomplete``; the events note would repeat it

    def _events_or_nothing(self, since: datetime, until: datetime) -> tuple[list[Record], bool]:
        try:
            return self._events(since, until)
        except (ServiceError, BudgetExceededError) as exc:
            self._events_failed(exc)
            return [], True

    def _events_failed(self, exc: ServiceError | BudgetExceededError) -> None:
        entry = Incomplete.from_error(exc, "the events of the PaymentIntents (the timeline's Stripe events)", "Stripe")
        if entry not in self.st.incomplete:
            self.st.incomplete.append(entry)


