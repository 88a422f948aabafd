"""How a batch investigation reads many PaymentIntents from Stripe, and what it may cost: pure planning.

Two ways to get N PaymentIntents whose references Order Management holds:

- **retrieve** each one (``GET /v1/payment_intents/{id}`` with its charge expanded): N requests, run
  concurrently under Stripe's rate limit; a ``resource_missing`` answer says the object does not exist.
- **list** the PaymentIntents created in a window (``GET /v1/payment_intents?created[...]`` with
  ``data.latest_charge...`` expanded, 100 a page): ceil(M / 100) requests for the M PaymentIntents of the
  window, whatever N is. Stripe's lists carry no count, so M is estimated before from Order Management: the
  payment summaries it created in the window (one per PaymentIntent; a PaymentIntent Order Management never
  heard of is the estimate's blind spot).

:func:`plan_reads` picks the cheaper from what is known first: the references, when Order Management recorded
each (a PaymentIntent is created before the authorization or payment that records it, so a reference recorded
before the window's start is retrieved on its own), and the estimate. A reference the listing does not show is
not taken as missing: it is retrieved on its own afterwards (one request each), since a PaymentIntent created
outside the window, or in another mode, is listed by no page of it. :func:`listing_slices` splits the window
into spans of about equal size (from Order Management's count per day) so the pages of several spans are read
concurrently. :func:`diagnosis_budget` and :func:`expiring_budget` are the request budgets the issue set.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

__all__ = ["LIST_PAGE", "SOQL_PAGE", "Budget", "Need", "ReadPlan", "diagnosis_budget", "expiring_budget",
           "listing_slices", "plan_reads"]

#: PaymentIntents per page of Stripe's list (its maximum ``limit``).
LIST_PAGE = 100
#: Records per page of a Salesforce query (fewer with two long-text fields).
SOQL_PAGE = 2000
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Need:
    """A reference to read (``pi_``/``txn_``) and when Order Management recorded it (its record's CreatedDate;
    the PaymentIntent was created before), None when unknown."""

    value: str
    recorded: datetime | None = None


@dataclass(frozen=True)
class ReadPlan:
    """What to send to Stripe: ``strategy`` ``"retrieve"`` (every reference on its own) or ``"list"`` (the window's
    listing, in ``slices`` read concurrently, then ``retrieved`` on their own); ``skipped``: references not read
    at all (recorded before the window, when the caller reads only the window). ``estimate``: the PaymentIntents
    expected in the window (None: unknown); ``pages``: the listing's expected pages; ``reason``: one sentence."""

    strategy: Literal["retrieve", "list"]
    window: tuple[datetime, datetime]
    listed: tuple[str, ...] = ()
    retrieved: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    estimate: int | None = None
    pages: int = 0
    slices: tuple[tuple[datetime, datetime], ...] = ()
    reason: str = ""

    @property
    def expected_requests(self) -> int:
        """The Stripe requests the plan expects (before any reference the listing turns out not to show)."""
        return (self.pages + len(self.slices) - 1 if self.strategy == "list" and self.slices else self.pages) + len(
            self.retrieved)


def _pages(count: int, per_page: int) -> int:
    return max(1, math.ceil(count / per_page))


def plan_reads(needs: Sequence[Need], window: tuple[datetime, datetime], estimate: int | None, *,
               day_counts: Mapping[date, int] | None = None, concurrency: int = 4,
               before_window: Literal["retrieve", "skip"] = "retrieve",
               strategy: Literal["auto", "retrieve", "list"] = "auto") -> ReadPlan:
    """The cheaper way to read ``needs`` (see the module docstring); ties go to retrieving, which also tells a
    missing object from one in the other mode. ``before_window``: what to do with references recorded before the
    window starts (retrieve them on their own, or skip them: the expiring list reads only the window).
    ``strategy`` forces one way (benchmarks compare them)."""
    unique = list({need.value: need for need in needs}.values())
    start = window[0]
    early = [n.value for n in unique if n.recorded is not None and n.recorded < start]
    inside = [n.value for n in unique if n.value not in set(early)]
    alone = early if before_window == "retrieve" else []
    skipped = tuple(early) if before_window == "skip" else ()
    wanted = len(inside) + len(alone)
    if strategy == "retrieve" or (strategy == "auto" and estimate is None):
        why = ("Retrieval was asked for." if strategy == "retrieve" else "Order Management's count of the window "
               "could not be read, so each PaymentIntent is retrieved on its own.")
        return ReadPlan("retrieve", window, retrieved=tuple(inside + alone), skipped=skipped, estimate=estimate,
                        reason=why)
    pages = _pages(estimate or 0, LIST_PAGE)
    slices = listing_slices(day_counts or {}, window, min(concurrency, pages))
    list_cost = pages + len(slices) - 1 + len(alone)
    if strategy == "auto" and (not inside or list_cost >= wanted):
        return ReadPlan("retrieve", window, retrieved=tuple(inside + alone), skipped=skipped, estimate=estimate,
                        pages=0, reason=f"{wanted} PaymentIntent(s) to read: retrieving each ({wanted} request(s)) "
                                        f"costs no more than listing the window's about {estimate} "
                                        f"({list_cost} request(s)).")
    why = ("Listing was asked for." if strategy == "list" else
           f"{wanted} PaymentIntent(s) to read: listing the window's about {estimate} ({list_cost} request(s), "
           f"{len(slices)} span(s) read concurrently) costs less than retrieving each ({wanted}).")
    return ReadPlan("list", window, listed=tuple(inside), retrieved=tuple(alone), skipped=skipped,
                    estimate=estimate, pages=pages, slices=tuple(slices), reason=why)


def listing_slices(day_counts: Mapping[date, int], window: tuple[datetime, datetime],
                   parts: int) -> list[tuple[datetime, datetime]]:
    """``window`` split into at most ``parts`` consecutive spans holding about the same number of PaymentIntents,
    from a count per UTC day (assumed even within a day); equal lengths of time when the counts are empty. Spans
    are whole seconds, both ends included, and cover the window exactly: the next starts one second after the
    previous ends (Stripe's ``created`` filter is in whole seconds)."""
    start, end = (moment.replace(microsecond=0) for moment in window)
    if parts <= 1 or end - start < parts * _SECOND:
        return [(start, end)]
    weights = _day_weights(day_counts, start, end)
    total = sum(count for _, _, count in weights)
    bounds: list[datetime] = []
    for index in range(1, parts):
        bound = _quantile(weights, total * index / parts) if total > 0 else start + (end - start) * index / parts
        bound = bound.replace(microsecond=0)
        if start < bound <= end and (not bounds or bound > bounds[-1]):
            bounds.append(bound)
    edges = [start, *bounds]
    spans = [(edges[i], edges[i + 1] - _SECOND) for i in range(len(edges) - 1)]
    spans.append((edges[-1], end))
    return [(a, b) for a, b in spans if b >= a]


def _day_weights(day_counts: Mapping[date, int], start: datetime, end: datetime
                 ) -> list[tuple[datetime, datetime, float]]:
    """(from, to, count) per day clipped to [start, end], the count scaled to the clipped part."""
    out = []
    for day, count in sorted(day_counts.items()):
        day_start = datetime.combine(day, time(0), tzinfo=UTC)
        day_end = day_start + timedelta(days=1)
        lo, hi = max(day_start, start), min(day_end, end)
        if hi <= lo or count <= 0:
            continue
        out.append((lo, hi, count * (hi - lo) / (day_end - day_start)))
    return out


def _quantile(weights: Iterable[tuple[datetime, datetime, float]], target: float) -> datetime:
    seen = 0.0
    last = None
    for lo, hi, count in weights:
        last = hi
        if seen + count >= target:
            return lo + (hi - lo) * ((target - seen) / count)
        seen += count
    assert last is not None
    return last


@dataclass(frozen=True)
class Budget:
    """Requests an operation may send: ``salesforce`` and ``stripe``, and how each was worked out."""

    salesforce: int
    stripe: int
    how: dict[str, str] = field(default_factory=dict)


def diagnosis_budget(failed_logs: int, payment_intents: int) -> Budget:
    """The diagnosis's budget for k failed logs and M PaymentIntents created from 7 days before the window's start
    to its end: ceil(k / 2000) + 5 Salesforce requests, min(k, ceil(M / 100)) + 10 Stripe requests."""
    k, m = failed_logs, payment_intents
    return Budget(math.ceil(k / SOQL_PAGE) + 5, min(k, math.ceil(m / LIST_PAGE)) + 10,
                  {"salesforce": "ceil(k/2000) + 5", "stripe": "min(k, ceil(M/100)) + 10"})


def expiring_budget(open_summaries: int, payment_intents: int) -> Budget:
    """The expiring list's budget for N payment summaries with an amount still to capture and M PaymentIntents
    created in the 7 days before now: ceil(N / 2000) + 5 Salesforce, ceil(M / 100) + 10 Stripe requests."""
    return Budget(math.ceil(open_summaries / SOQL_PAGE) + 5, math.ceil(payment_intents / LIST_PAGE) + 10,
                  {"salesforce": "ceil(N/2000) + 5", "stripe": "ceil(M/100) + 10"})
