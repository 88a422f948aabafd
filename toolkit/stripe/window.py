"""Everything Stripe created in a window, listed page by page: PaymentIntents (their charge and its balance
transaction expanded) or refunds, the window cut into slices read concurrently.

Stripe's lists take a ``created`` range and 100 objects a page, newest first. A window cut into ``slices`` equal
spans costs at most ``ceil(M / 100) + slices`` requests for M objects (each span's last page may be partly
filled, and an empty span still costs its one page), and its spans are read at once, each by its own thread, under
the gateway's pacer (Stripe's rate limit). A span whose read fails after the gateway's retries is reported, never
taken as empty: the caller knows exactly which part of the window it has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from toolkit.core.incomplete import Incomplete
from toolkit.errors import BudgetExceededError, ServiceError
from toolkit.stripe.gateway import StripeGateway

__all__ = ["LIST_LIMIT", "PI_LIST_EXPAND", "Listing", "list_window", "spans"]

Record = dict[str, Any]
#: Objects per page of a Stripe list (its largest ``limit``).
LIST_LIMIT = 100
#: A listed PaymentIntent's latest charge and the charge's balance transaction (the ``txn_`` a checkout Payment
#: holds); its refunds come from the refunds list.
PI_LIST_EXPAND = ["data.latest_charge.balance_transaction"]
_NAMES = {"payment_intents": "PaymentIntents", "refunds": "refunds"}


@dataclass
class Listing:
    """What a window's listing read: the objects (newest first within each span), the spans that could not be read,
    and the pages it took."""

    objects: list[Record] = field(default_factory=list)
    failed: list[Incomplete] = field(default_factory=list)
    pages: int = 0

    @property
    def complete(self) -> bool:
        return not self.failed


def spans(since: int, until: int, count: int) -> list[tuple[int, int]]:
    """``[since, until]`` (Unix seconds, both included) cut into at most ``count`` consecutive spans of whole seconds,
    as equal as they can be."""
    count = max(1, min(count, until - since + 1))
    edges = [since + (until - since + 1) * i // count for i in range(count + 1)]
    return [(edges[i], edges[i + 1] - 1) for i in range(count)]


def _text(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def list_window(gateway: StripeGateway, resource: str, since: int, until: int, *, slices: int, executor: Executor,
                expand: list[str] | None = None, on_page: Callable[[int], None] | None = None) -> Listing:
    """Every ``resource`` (``payment_intents`` or ``refunds``) created in ``[since, until]`` (Unix seconds, both
    included), the window cut into ``slices`` spans read concurrently on ``executor``."""
    name = _NAMES.get(resource, resource)

    def read(span: tuple[int, int]) -> tuple[list[Record], int]:
        params: dict[str, Any] = {"created": {"gte": span[0], "lte": span[1]}, "limit": LIST_LIMIT}
        if expand:
            params["expand"] = list(expand)
        found: list[Record] = []
        pages = 0
        what = f"the {name} created from {_text(span[0])} to {_text(span[1])}"
        while True:
            page = gateway.list_page(resource, params, what)
            pages += 1
            data = page.get("data") or []
            found.extend(data)
            if on_page is not None:
                on_page(len(data))
            if not page.get("has_more") or not data:
                return found, pages
            params = {**params, "starting_after": data[-1]["id"]}

    listing = Listing()
    windows = spans(since, until, slices)
    futures = [executor.submit(read, span) for span in windows]
    for span, future in zip(windows, futures, strict=True):
        try:
            found, pages = future.result()
        except (ServiceError, BudgetExceededError) as exc:
            listing.failed.append(Incomplete.from_error(
                exc, f"the {name} created from {_text(span[0])} to {_text(span[1])}", "Stripe"))
            continue
        listing.objects.extend(found)
        listing.pages += pages
    return listing
