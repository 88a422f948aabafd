"""A window's listing: spans of whole seconds, pages per span, concurrency under the pacer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

from toolkit.core.budget import RequestBudget
from toolkit.session import connect
from toolkit.stripe.window import PI_LIST_EXPAND, list_window, spans


def test_spans_cover_the_window_without_overlap() -> None:
    for since, until, count in ((0, 99, 3), (10, 10, 4), (5, 1_000_000, 7), (0, 1, 5)):
        parts = spans(since, until, count)
        assert parts[0][0] == since and parts[-1][1] == until and len(parts) == min(count, until - since + 1)
        assert all(b[0] == a[1] + 1 for a, b in pairwise(parts))


def test_a_listing_reads_every_object_once() -> None:
    session = connect(use_dotenv=False, env={})
    box = session.sandbox
    assert box is not None
    gateway = session.stripe_gateway(RequestBudget("Stripe"))
    everything = {pi["id"] for pi in box.stripe.store.visible("payment_intent")}
    with ThreadPoolExecutor(4) as pool:
        box.clear_logs()
        listing = list_window(gateway, "payment_intents", 0, 2_000_000_000, slices=3, executor=pool,
                              expand=PI_LIST_EXPAND)
    assert listing.complete and {pi["id"] for pi in listing.objects} == everything
    assert len(listing.objects) == len(everything) and listing.pages == box.stripe.log.count == 3
    assert all(isinstance(pi["latest_charge"], dict | None) for pi in listing.objects)


def test_a_raw_list_page_is_the_typed_lists_plain_dicts() -> None:
    from toolkit.core.privacy import mask_stripe
    from toolkit.stripe.gateway import plain

    session = connect(use_dotenv=False, env={})
    params = {"limit": 5, "expand": PI_LIST_EXPAND}
    gateway = session.stripe_gateway(RequestBudget("Stripe"))
    raw = gateway.list_page("payment_intents", params, "a page")
    typed = plain(session.stripe.v1.payment_intents.list(params=params))
    assert raw == mask_stripe(typed) and type(raw) is dict and gateway.budget.by_kind == {"list payment_intents": 1}
