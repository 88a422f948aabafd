"""Many PaymentIntents read from Stripe by the plan :func:`toolkit.analysis.read_plan.plan_reads` chose.

- ``retrieve``: each reference on its own (:meth:`StripeSide.resolve`), concurrently in the operation's pool,
  every request paced under Stripe's rate limit by the gateway's :class:`~toolkit.core.pacing.Pacer`.
- ``list``: the window's spans listed concurrently (each span paged in order, 100 PaymentIntents a page with their
  latest charge expanded, read as plain JSON: :meth:`~toolkit.stripe.gateway.StripeGateway.list_page`),
  keeping only the wanted ones (a ``pi_`` by id, a ``txn_`` by the latest charge's balance transaction), beside
  the references recorded before the window, retrieved on their own. A wanted reference no page showed is then
  retrieved on its own: absence from a listing is not evidence that Stripe lacks it.

A failed read is never evidence of absence: a span whose page failed (after the gateway's retries) is reported
once in ``failures``, and every wanted reference it could have held (one Order Management recorded after the
span's start, or at an unknown time) is left undetermined (``undetermined``), neither found nor missing.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from toolkit.analysis.read_plan import LIST_PAGE, Need, ReadPlan
from toolkit.core.incomplete import Incomplete
from toolkit.core.progress import SILENT, Progress
from toolkit.core.text import format_instant
from toolkit.errors import BudgetExceededError, ServiceError
from toolkit.investigate.fetch import StripeSide
from toolkit.stripe.gateway import StripeGateway

__all__ = ["LIST_EXPAND", "StripeReads", "read_payment_intents"]

#: A listed PaymentIntent's latest charge: what the rules read (captured, amounts, ``capture_before``) and the
#: ``txn_`` id a checkout Payment holds (``balance_transaction``, not expanded). Refunds and balance transactions
#: are not read: expanding them would triple what every page carries.
LIST_EXPAND = ["data.latest_charge"]


@dataclass
class StripeReads:
    """What the reads learnt: ``side`` (PaymentIntents, ``txn_`` links, resource_missing answers, failed
    retrievals), the listing's failed spans (``failures``), the references left undetermined by them
    (reference -> the failure), how many PaymentIntents the listing's pages held (``listed``) and the plan."""

    side: StripeSide
    plan: ReadPlan
    failures: list[Incomplete] = field(default_factory=list)
    undetermined: dict[str, Incomplete] = field(default_factory=dict)
    listed: int = 0

    def unread(self, reference: str) -> Incomplete | None:
        """Why ``reference`` is neither found nor known missing, or None when it was answered."""
        return self.side.unread.get(reference) or self.undetermined.get(reference)

    def incomplete(self) -> list[Incomplete]:
        return [*self.failures, *self.side.failures()]


def _wanted(pi: dict[str, Any], ids: set[str], txns: set[str]) -> bool:
    if pi.get("id") in ids:
        return True
    charge = pi.get("latest_charge")
    txn = charge.get("balance_transaction") if isinstance(charge, dict) else None
    txn_id = txn.get("id") if isinstance(txn, dict) else txn
    return isinstance(txn_id, str) and txn_id in txns


def read_payment_intents(gateway: StripeGateway, needs: list[Need], plan: ReadPlan, pool: Executor,
                         progress: Progress = SILENT) -> StripeReads:
    """Read the PaymentIntents of ``needs`` as ``plan`` says (see the module docstring)."""
    side = StripeSide(gateway)
    reads = StripeReads(side, plan)
    recorded = {need.value: need.recorded for need in needs}

    def retrieve(value: str) -> None:
        side.resolve(value)
        progress.advance()

    if plan.strategy == "retrieve":
        progress.phase("Stripe: retrieving PaymentIntents", len(plan.retrieved))
        list(pool.map(retrieve, plan.retrieved))
        return reads
    ids = {v for v in plan.listed if not v.startswith("txn_")}
    txns = {v for v in plan.listed if v.startswith("txn_")}
    lock = threading.Lock()
    failed: list[tuple[datetime, Incomplete]] = []
    progress.phase("Stripe: listing PaymentIntents", plan.estimate)

    def on_page(count: int) -> None:
        with lock:
            reads.listed += count
        progress.advance(count)

    def span(bounds: tuple[datetime, datetime]) -> None:
        start, end = bounds
        what = f"the PaymentIntents created from {format_instant(start)} to {format_instant(end)}"
        params: dict[str, Any] = {"created": {"gte": int(start.timestamp()), "lte": int(end.timestamp())},
                                  "limit": LIST_PAGE, "expand": LIST_EXPAND}
        try:
            while True:
                page = gateway.list_page("payment_intents", params, what)
                data = page.get("data") or []
                for pi in data:
                    if _wanted(pi, ids, txns):
                        side.keep(pi)
                on_page(len(data))
                if not page.get("has_more") or not data:
                    return
                params = {**params, "starting_after": data[-1]["id"]}
        except (ServiceError, BudgetExceededError) as exc:
            with lock:
                failed.append((start, Incomplete.from_error(exc, what, "Stripe")))

    jobs: list[Future[Any]] = [pool.submit(span, bounds) for bounds in plan.slices]
    jobs += [pool.submit(side.resolve, value) for value in plan.retrieved]
    for job in jobs:
        job.result()
    failed.sort(key=lambda item: item[0])
    reads.failures = [incomplete for _, incomplete in failed]
    unseen = [v for v in plan.listed if v not in side.payment_intents and v not in side.txn_to_pi]
    alone = []
    for value in unseen:
        when = recorded.get(value)
        blocking = [item for start, item in failed if when is None or start <= when]
        if blocking:
            first = blocking[0]
            reads.undetermined[value] = Incomplete("Stripe", f"{value} and its PaymentIntent", first.error,
                                                   first.request_id, first.kind)
        else:
            alone.append(value)
    if alone:
        progress.phase("Stripe: PaymentIntents the listing did not show", len(alone))
        list(pool.map(retrieve, alone))
    return reads
