"""Expiring authorizations: which authorizations Order Management still expects to capture will Stripe release
soon, or has released already without Order Management knowing?

Its window is the deadlines from ``within`` ago to ``within`` ahead (a deadline that passed recently is the most
urgent row); their PaymentIntents were created at most 7 days (an authorization's lifetime) before the window's
start. :func:`expiring_authorizations` reads, with N payment summaries still to capture and M PaymentIntents created
from 7 days before the window's start to now, within ceil(N / 2000) + 5 Salesforce and ceil(M / 100) + 10 Stripe
requests (:func:`toolkit.analysis.read_plan.expiring_budget`), and no request per order:

1. Salesforce, concurrently: the payment summaries with AvailableToCaptureAmount > 0, each with its order number
   and its authorizations' references (one statement, ceil(N / 2000) pages); Order Management's count of payment
   summaries per day of that lookback (the stand-in for M).
2. Stripe: the PaymentIntents of those authorizations, by the created-window listing with expand or by retrieving
   each, whichever the counts make cheaper (:func:`toolkit.analysis.read_plan.plan_reads`).

The rules are :mod:`toolkit.analysis.expiring`. An authorization Order Management recorded before the lookback is
outside the listing's reach: its lifetime ended before the window (unless extended), it is not looked up, and a
note names its order (trace it: Stripe captured or released it). A reference whose PaymentIntent could not be read
is listed in ``incomplete``, never taken as "not expiring".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from toolkit.analysis.expiring import ExpiringAuthorization, expiring_rows, upcoming_rows
from toolkit.analysis.failed_captures import evidence_per_summary
from toolkit.analysis.payment_state import AUTHORIZATION_WINDOW
from toolkit.analysis.read_plan import Need, plan_reads
from toolkit.analysis.trace_analysis import Fetched
from toolkit.core.clock import parse_instant
from toolkit.core.incomplete import Incomplete
from toolkit.core.pacing import Pacer, stripe_rate
from toolkit.core.progress import SILENT, Progress
from toolkit.core.text import redact_json
from toolkit.errors import BudgetExceededError, InputError, ServiceError
from toolkit.investigate.diagnose import CONCURRENCY, LISTING_SPANS
from toolkit.investigate.payment_intent_reads import read_payment_intents
from toolkit.salesforce import capture_reads
from toolkit.views import failed_captures as views

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from toolkit.session import DataSource, Session

__all__ = ["DEFAULT_WITHIN", "MAX_WITHIN", "ExpiringAuthorizations", "expiring_authorizations"]

DEFAULT_WITHIN = timedelta(hours=48)
#: The longest horizon accepted: Stripe's longest (extended) card authorization.
MAX_WITHIN = timedelta(days=30)
_CLOSED = frozenset({"Canceled", "Failed"})


@dataclass(frozen=True)
class ExpiringAuthorizations:
    """The authorizations Order Management still expects to capture whose Stripe deadline falls within ``within``
    of ``as_of`` or has passed (``rows``, soonest first); ``upcoming``: every such authorization with a known
    deadline, whatever the horizon (the per-day chart); ``notes``: what was deliberately not looked up."""

    as_of: datetime
    within: timedelta
    rows: list[ExpiringAuthorization]
    upcoming: list[ExpiringAuthorization] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)
    source: DataSource | None = None
    stats: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def within_hours(self) -> float:
        """The horizon in hours (a whole number when it is one: ``48``, not ``48.0``)."""
        hours = self.within.total_seconds() / 3600
        return int(hours) if hours.is_integer() else hours

    def to_json(self) -> dict[str, Any]:
        """The ``expiring`` command's JSON (``docs/cli.md``), with the fields every command carries."""
        return redact_json({
            "as_of": self.as_of.strftime("%Y-%m-%dT%H:%M:%SZ"), "within_hours": self.within_hours,
            "rows": [row.to_json() for row in self.rows],
            "source": self.source.to_json() if self.source is not None else None,
            "incomplete": [item.to_json() for item in self.incomplete]})

    def to_text(self) -> str:
        return views.expiring_text(self)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"ExpiringAuthorizations(as_of={self.as_of:%Y-%m-%d %H:%M} UTC, within={self.within_hours:g} h, " \
               f"{len(self.rows)} rows)"

    def _repr_html_(self) -> str:
        return views.expiring_html(self)

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame: deadline (UTC), hours left, order, summary, PaymentIntent, status, amount
        (Decimal), currency, action."""
        return views.expiring_frame(self.rows)

    def chart(self) -> Figure:
        """Authorizations expiring per day, the horizon shaded (matplotlib)."""
        from toolkit.views.capture_charts import expiring_chart

        return expiring_chart(self.upcoming, self.as_of, self.within)


def checked_within(within: timedelta) -> timedelta:
    """``within`` when it is a usable horizon (more than 0, at most 30 days), else InputError in one sentence."""
    if not isinstance(within, timedelta) or within <= timedelta(0) or within > MAX_WITHIN:
        raise InputError(f"--within must be a number of hours above 0 and at most {MAX_WITHIN.days * 24} "
                         f"(Stripe's longest authorization), not {within}.")
    return within


def expiring_authorizations(session: Session, within: timedelta = DEFAULT_WITHIN, *, progress: Progress = SILENT,
                            strategy: Literal["auto", "retrieve", "list"] = "auto") -> ExpiringAuthorizations:
    """The authorizations Order Management still expects to capture whose Stripe deadline is less than ``within``
    away or has passed, soonest first (see the module docstring)."""
    within = checked_within(within)
    now = session.clock.now()
    # deadlines from ``within`` ago to ``within`` ahead: their PaymentIntents were created at most 7 days before
    lookback = (now - within - AUTHORIZATION_WINDOW, now)
    schema = session.schema
    with ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="expiring") as pool:
        salesforce = session.salesforce_gateway(executor=pool)
        progress.phase("Salesforce: payment summaries still to capture", None)
        per_day = pool.submit(capture_reads.summaries_per_day, salesforce, *lookback)
        records = capture_reads.summaries(salesforce, schema, capture_reads.open_summaries_scope())
        try:
            day_counts: dict[Any, int] | None = per_day.result()
        except (ServiceError, BudgetExceededError):
            day_counts = None  # only a planning aid: the reads fall back to retrieving each PaymentIntent
        open_auths = [a for a in records.authorizations if a.get("Status") not in _CLOSED
                      and str(a.get("GatewayRefNumber") or "").startswith("pi_")]
        needs = sorted({str(a["GatewayRefNumber"]): Need(str(a["GatewayRefNumber"]),
                                                         parse_instant(a["CreatedDate"]) if a.get("CreatedDate")
                                                         else None) for a in open_auths}.values(),
                       key=lambda n: n.value)
        estimate = sum(day_counts.values()) if day_counts is not None else None
        plan = plan_reads(needs, lookback, estimate, day_counts=day_counts, concurrency=LISTING_SPANS,
                          before_window="skip", strategy=strategy)
        stripe = session.stripe_gateway(pacer=Pacer(stripe_rate(session.stripe_livemode)))
        reads = read_payment_intents(stripe, needs, plan, pool, progress)
    side = reads.side
    skipped = set(plan.skipped)
    fetched = Fetched(chain=records, payment_intents=side.payment_intents, txn_to_pi=side.txn_to_pi,
                      missing=side.missing)
    evidence = list(evidence_per_summary(fetched, session.stripe_livemode).values())
    numbers = {ev.ops_id: ev.order_number for ev in evidence}
    incomplete = list(reads.failures) + [
        Incomplete(why.system, f"the deadline of {need.value} (order {_order_of(need.value, open_auths, numbers)})",
                   why.error, why.request_id, why.kind)
        for need in needs if (why := reads.unread(need.value)) is not None]
    notes = _notes(open_auths, skipped, set(side.missing), numbers, records.payment_summaries, lookback[0])
    stats = {"strategy": plan.strategy, "estimate": estimate, "listed": reads.listed, "references": len(needs),
             "open_summaries": len(records.payment_summaries), "reason": plan.reason,
             "salesforce_requests": salesforce.budget.used, "stripe_requests": stripe.budget.used}
    return ExpiringAuthorizations(now, within, expiring_rows(evidence, now, within), upcoming_rows(evidence, now),
                                  notes, incomplete, session.data_source, stats)


def _order_of(reference: str, authorizations: list[dict[str, Any]], numbers: dict[str, str | None]) -> str:
    ops = next((a.get("OrderPaymentSummaryId") for a in authorizations if a.get("GatewayRefNumber") == reference), None)
    return str(numbers.get(str(ops)) or "unknown")


def _notes(authorizations: list[dict[str, Any]], skipped: set[str], missing: set[str], numbers: dict[str, str | None],
           summaries: list[dict[str, Any]], start: datetime) -> list[str]:
    notes = []
    older = sorted({str(numbers.get(str(a.get("OrderPaymentSummaryId"))) or a.get("OrderPaymentSummaryId"))
                    for a in authorizations if a.get("GatewayRefNumber") in skipped})
    if older:
        shown = ", ".join(older[:10]) + (", ..." if len(older) > 10 else "")
        notes.append(f"{len(older)} order(s) with an amount still to capture have an authorization Order Management "
                     f"recorded before {start:%Y-%m-%d %H:%M} UTC: its 7 days (unless extended) ended before this "
                     f"list's window, so it is not looked up here. Trace them to see whether Stripe captured or "
                     f"released it: {shown}.")
    gone = sorted({str(numbers.get(str(a.get("OrderPaymentSummaryId"))) or "?") for a in authorizations
                   if a.get("GatewayRefNumber") in missing})
    if gone:
        notes.append(f"Stripe has no PaymentIntent for the reference of {len(gone)} order(s) "
                     f"(PAYMENT_INTENT_NOT_FOUND): trace them: {', '.join(gone)}.")
    with_refs = {a.get("OrderPaymentSummaryId") for a in authorizations}
    bare = sorted({str(numbers.get(str(s.get("Id"))) or s.get("Id")) for s in summaries
                   if s.get("Id") not in with_refs})
    if bare:
        notes.append(f"{len(bare)} order(s) with an amount still to capture have no open authorization with a pi_ "
                     f"reference, so Stripe cannot be asked about a deadline: {', '.join(bare[:10])}"
                     f"{', ...' if len(bare) > 10 else ''}.")
    return notes
