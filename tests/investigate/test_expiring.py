"""Expiring authorizations on a freshly generated, seeded world and on the demo world: every authorization Order
Management still expects to capture with a Stripe deadline within the horizon (or passed) is listed exactly once,
with Stripe's deadline; nothing is concluded from a read that failed; the request budget holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from generated_worlds import capture_before, created_between, open_authorizations, session_over, stripe_objects, world

from toolkit.analysis.read_plan import expiring_budget
from toolkit.core.retry import RetryPolicy
from toolkit.errors import InputError
from toolkit.investigate.expiring import expiring_authorizations
from toolkit.sandbox.world.generate import generate
from toolkit.session import connect

WITHIN = timedelta(hours=48)


def expected(box, within: timedelta) -> dict[str, object]:
    """pi_ -> deadline, from the stores: an authorization OMS still expects to capture, recorded in the 7 days before
    the window (deadlines from ``within`` ago on), whose PaymentIntent requires capture with a deadline less than
    ``within`` away, or was released by Stripe."""
    now = box.clock.now()
    still = open_authorizations(box)
    out = {}
    for pi in stripe_objects(box, "payment_intent"):
        auth = still.get(pi["id"])
        if auth is None or auth["created"] < now - within - timedelta(days=7):
            continue
        deadline = capture_before(box, pi)
        if (pi["status"] == "requires_capture" and deadline - now < within) or (
                pi["status"] == "canceled" and pi["cancellation_reason"] in ("automatic", "expired")):
            out[pi["id"]] = deadline
    return out


@pytest.fixture(scope="module")
def fresh():
    box, _manifest = generate(500, 0.12, 77)
    return box


def test_every_expiring_authorization_is_listed_once_with_stripes_deadline(fresh) -> None:
    session = session_over(fresh)
    result = session.expiring_authorizations(WITHIN)
    truth = expected(fresh, WITHIN)
    assert truth, "the world should hold authorizations about to expire"
    assert {row.payment_intent: row.deadline for row in result.rows} == truth
    assert len({row.payment_intent for row in result.rows}) == len(result.rows)
    assert [r.deadline for r in result.rows] == sorted(r.deadline for r in result.rows)  # soonest first
    # still capturable: capture now; already released by Stripe (the seeded world may hold one): contact the customer
    assert all((r.status == "requires_capture" and r.action.value == "capture now from OMS" and 0 < r.hours_left < 48)
               or (r.status == "canceled" and r.action.value == "contact the customer" and r.hours_left < 0)
               for r in result.rows)
    assert any(r.status == "requires_capture" for r in result.rows)
    assert result.incomplete == []
    n = result.stats["open_summaries"]
    m = created_between(fresh, session.now() - WITHIN - timedelta(days=7), session.now())
    budget = expiring_budget(n, m)
    assert fresh.org.log.count <= budget.salesforce and fresh.stripe.log.count <= budget.stripe
    # two days on: Stripe released them while Order Management still expects to capture: contact the customer
    fresh.clock.advance(days=2)
    later = session_over(fresh).expiring_authorizations(WITHIN)
    released = {r.payment_intent: r for r in later.rows if r.status == "canceled"}
    pending = {r.payment_intent for r in result.rows if r.status == "requires_capture"}
    assert pending <= set(released)
    assert all(r.action.value == "contact the customer" and r.hours_left < 0 and r.deadline == truth[pi]
               for pi, r in released.items() if pi in truth)
    assert {r.payment_intent: r.deadline for r in later.rows} == expected(fresh, WITHIN)


def test_the_listing_and_the_retrievals_agree() -> None:
    box, _manifest = world(600, 0.1, 20261, 150)
    session = session_over(box)
    listed = expiring_authorizations(session, timedelta(hours=150), strategy="list")
    retrieved = expiring_authorizations(session, timedelta(hours=150), strategy="retrieve")
    assert listed.to_json() == retrieved.to_json() and listed.rows
    assert listed.notes == retrieved.notes


def test_the_demo_world_agrees_with_the_traces_auth_expiring_finding() -> None:
    session = connect()
    result = session.expiring_authorizations()
    (row,) = result.rows
    (finding,) = [f for f in session.trace(row.payment_intent).findings if f.code.value == "AUTH_EXPIRING"]
    assert finding.subject == row.payment_intent and finding.amount == row.amount
    assert row.to_json() == {"order_number": "00001020", "ops_id": row.ops_id, "payment_intent": row.payment_intent,
                             "amount": "210.00", "currency": "USD", "deadline": "2026-11-22T02:02:00Z",
                             "hours_left": 35.0, "action": "capture now from OMS"}
    assert any("no open authorization with a pi_ reference" in note for note in result.notes)
    assert result.frame()["payment_intent"].tolist() == [row.payment_intent]
    assert "capture now from OMS" in result.to_text() and "capture now from OMS" in result._repr_html_()


def test_a_listing_that_fails_leaves_the_deadlines_unknown_never_absent() -> None:
    session = connect(retry=RetryPolicy(sleep=lambda seconds: None), use_dotenv=False, env={})
    session.schema.prefixes()
    session.sandbox.stripe.faults.fail("/v1/payment_intents", "unavailable", count=100)
    result = session.expiring_authorizations()
    assert result.rows == [] and result.incomplete
    whats = [item.what for item in result.incomplete]
    assert whats[0].startswith("the PaymentIntents created from")
    assert any(w.startswith("the deadline of pi_ATuuMUfbFzAvMtdabWmLErcP (order 00001020)") for w in whats)
    text = result.to_text()
    assert "INCOMPLETE" in text.splitlines()[1]


@pytest.mark.parametrize("within", [timedelta(0), timedelta(hours=-1), timedelta(days=31)])
def test_a_horizon_out_of_range_is_refused(within: timedelta) -> None:
    with pytest.raises(InputError, match="--within"):
        connect().expiring_authorizations(within)
