"""Batch reconciliation's request plan: a window's records from both systems in a few hundred paged requests.

With N payment summaries of the orders created in the window, M PaymentIntents and R refunds:

- Salesforce (:class:`~toolkit.salesforce.window_records.WindowReader`): one count, then the summaries with their
  children and the refund lines (REST API, ceil(N / 2000) + ceil(lines / 2000) pages, two statements concurrently)
  or, above the Bulk threshold, six flat Bulk API 2.0 query jobs joined locally; then the OrderSummaries named by
  PaymentIntents that no order of the window has (``OrderNumber IN``, batches of 300): at most
  ceil(N / 2000) x 3 + 3 requests.
- Stripe (:func:`~toolkit.stripe.window.list_window`): the PaymentIntents created from :data:`LOOKBACK` before the
  window's start to its end (charge and balance transaction expanded; a PaymentIntent is created before the order
  that records it, up to an authorization's life earlier), in :data:`PI_SLICES` spans, and the refunds created from
  the window's start to now (a later refund of the window's orders counts) in :data:`REFUND_SLICES` spans, all read
  at once under Stripe's rate limit (a :class:`~toolkit.core.pacing.Pacer`: 25 requests a second in test mode, 100
  live; the gateway retries a 429 anyway): at most ceil(M / 100) + ceil(R / 100) + 5 list requests.
- Then, only for what the lists did not answer: one retrieve per reference Order Management holds that no listed
  PaymentIntent matched (it may predate the lookback, be in the other mode, or not exist: resource_missing is
  recorded as a trace records it), and one per listed PaymentIntent whose listed refunds do not add up to its
  charge's ``amount_refunded`` (a refund older than the window). Each is counted (:attr:`BatchFetch.confirmed`).

Salesforce and Stripe are read concurrently. A read that fails after the gateways' retries is listed in
``incomplete`` and never taken as "nothing there": a failed span of the PaymentIntents leaves every unmatched
reference unread (not missing), a failed span of the refunds leaves every listed PaymentIntent's refunds unknown,
and a failed Salesforce read leaves no row at all.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from toolkit.analysis.stripe_shapes import charge_id
from toolkit.analysis.trace_analysis import Fetched
from toolkit.core.incomplete import Incomplete
from toolkit.errors import BudgetExceededError, ServiceError
from toolkit.investigate.fetch import StripeSide
from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.record_chain import RecordChain, references_of
from toolkit.salesforce.schema import SchemaCache
from toolkit.salesforce.window_records import BULK_THRESHOLD, WindowReader
from toolkit.stripe.gateway import StripeGateway
from toolkit.stripe.window import PI_LIST_EXPAND, Listing, list_window

__all__ = ["LOOKBACK", "PI_SLICES", "REFUND_SLICES", "BatchFetch", "BatchSettings", "fetch_window"]

Record = dict[str, Any]
#: How long before the window's start its orders' PaymentIntents may have been created (an authorization's life).
LOOKBACK = timedelta(days=7)
#: Spans of the window read concurrently: PaymentIntents and refunds (3 + 2 partly filled pages at most).
PI_SLICES = 3
REFUND_SLICES = 2
#: Refund statuses that count in a charge's ``amount_refunded``.
_COUNTED = ("succeeded", "pending", "requires_action")


@dataclass(frozen=True)
class BatchSettings:
    """How a batch reconciliation reads: the Bulk API 2.0 threshold (payment summaries) and result set size, and the
    spans read concurrently per Stripe list."""

    bulk_threshold: int = BULK_THRESHOLD
    bulk_page_size: int = 50_000
    payment_intent_slices: int = PI_SLICES
    refund_slices: int = REFUND_SLICES
    lookback: timedelta = LOOKBACK


@dataclass
class BatchFetch:
    """What a window's reconciliation read (see the module docstring)."""

    chain: RecordChain
    fetched: Fetched
    summaries: int = 0
    path: str = ""
    listed: set[str] = field(default_factory=set)
    refunds_by_charge: dict[str, list[Record]] | None = None
    unread: set[str] = field(default_factory=set)
    orphans: list[Record] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)
    salesforce_complete: bool = True


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch_window(salesforce: SalesforceGateway, stripe: StripeGateway, schema: SchemaCache, since: datetime,
                 until: datetime, now: datetime, *, settings: BatchSettings | None = None,
                 on_records: Callable[[str, int], None] | None = None) -> BatchFetch:
    """Read the window ``[since, until]`` (both included, to the second) from both systems (module docstring)."""
    settings = settings or BatchSettings()
    report = on_records or (lambda system, count: None)
    since, until = since.replace(microsecond=0), until.replace(microsecond=0)
    before = until + timedelta(seconds=1)
    leaves = ThreadPoolExecutor(max_workers=settings.payment_intent_slices + settings.refund_slices + 8,
                                thread_name_prefix="reconcile")
    steps = ThreadPoolExecutor(max_workers=3, thread_name_prefix="reconcile-step")
    reader = WindowReader(salesforce, schema, leaves, bulk_threshold=settings.bulk_threshold,
                          bulk_page_size=settings.bulk_page_size, on_records=lambda n: report("Salesforce", n))
    try:
        pis = steps.submit(list_window, stripe, "payment_intents", _ts(since - settings.lookback), _ts(until),
                           slices=settings.payment_intent_slices, executor=leaves, expand=PI_LIST_EXPAND,
                           on_page=lambda n: report("Stripe", n))
        refunds = steps.submit(list_window, stripe, "refunds", _ts(since), max(_ts(now), _ts(until)),
                               slices=settings.refund_slices, executor=leaves, on_page=lambda n: report("Stripe", n))
        out = BatchFetch(chain=RecordChain(), fetched=Fetched(chain=RecordChain()))
        try:
            out.summaries = reader.count(since, before)
            out.chain = reader.read(since, before, out.summaries)
            out.path = reader.path
        except (ServiceError, BudgetExceededError) as exc:
            out.salesforce_complete = False
            out.incomplete.append(Incomplete.from_error(
                exc, f"the payment summaries of the orders created from {_text(since)} to {_text(until)}",
                "Salesforce"))
        _second_round(out, reader, StripeSide(stripe), pis.result(), refunds.result(), since, until, leaves)
    finally:
        steps.shutdown(wait=True)
        leaves.shutdown(wait=True)
    return out


def _second_round(out: BatchFetch, reader: WindowReader, st: StripeSide, pis: Listing, refunds: Listing,
                  since: datetime, until: datetime, pool: ThreadPoolExecutor) -> None:
    """What the lists did not answer: retrieves of unmatched references and of listed PaymentIntents whose refunds do
    not add up, and the OrderSummaries of the window's PaymentIntents' orders that the window's orders do not hold."""
    out.incomplete += [*pis.failed, *refunds.failed]
    for pi in pis.objects:
        st.keep(pi)
    out.listed = set(st.payment_intents)
    if refunds.complete:
        out.refunds_by_charge = {}
        for refund in refunds.objects:
            if refund.get("charge"):
                out.refunds_by_charge.setdefault(str(refund["charge"]), []).append(refund)
    chain = out.chain
    references = references_of(chain)
    todo = [ref for ref in references if ref not in st.payment_intents and ref not in st.txn_to_pi]
    if not pis.complete:
        out.unread |= set(todo)  # the span that failed may hold them: not read, never "missing"
        todo = []
    resolved = {st.txn_to_pi.get(ref, ref) for ref in references}
    if out.refunds_by_charge is not None:
        for pi_id in sorted(resolved & out.listed):
            charge = (st.payment_intents[pi_id].get("latest_charge") or {})
            if isinstance(charge, dict) and charge.get("amount_refunded") != sum(
                    r.get("amount") or 0 for r in out.refunds_by_charge.get(str(charge.get("id")), [])
                    if r.get("status") in _COUNTED):
                todo.append(pi_id)  # a refund older than the window: read the charge's own refunds
    numbers = {str(o.get("OrderNumber")) for o in chain.order_summaries if o.get("OrderNumber")}
    window = (_ts(since), _ts(until))
    candidates = [pi for pi in pis.objects if window[0] <= (pi.get("created") or 0) <= window[1]
                  and (pi.get("metadata") or {}).get("order_id")
                  and str(pi["metadata"]["order_id"]) not in numbers and pi.get("id") not in resolved]
    lookup = pool.submit(reader.orders_by_number, sorted({str(pi["metadata"]["order_id"]) for pi in candidates})) \
        if candidates and out.salesforce_complete else None
    list(pool.map(st.resolve, todo))
    out.confirmed = list(todo)
    out.listed -= set(todo)
    if lookup is not None:
        try:
            known = {str(o.get("OrderNumber")) for o in lookup.result()}
            out.orphans = sorted((pi for pi in candidates if str(pi["metadata"]["order_id"]) not in known),
                                 key=lambda pi: (pi.get("created") or 0, str(pi.get("id"))))
        except (ServiceError, BudgetExceededError) as exc:
            out.incomplete.append(Incomplete.from_error(
                exc, "whether Order Management has the orders of the window's PaymentIntents (orphans)", "Salesforce"))
    out.unread |= set(st.unread)
    out.incomplete += st.failures()
    out.fetched = Fetched(chain=chain, payment_intents=st.payment_intents, txn_to_pi=st.txn_to_pi,
                          missing=dict(st.missing), incomplete=list(out.incomplete),
                          salesforce_complete=out.salesforce_complete)


def listed_refunds(out: BatchFetch, pi: Record) -> list[Record] | None:
    """The listed refunds of a listed PaymentIntent's charge (None when the refunds list is incomplete)."""
    if out.refunds_by_charge is None:
        return None
    return list(out.refunds_by_charge.get(charge_id(pi) or "", []))
