"""A disputed charge in the trace: the dispute's money in the reconciliation, its deadline in the timeline, and a
refund of it refused the way Stripe refuses it (the demo world's lost, won and open disputes)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import stripe

from toolkit import connect


@pytest.fixture(scope="module")
def session():
    return connect()


def _rows(trace, quantity):
    return [r for r in trace.reconciliation if r.quantity == quantity]


@pytest.mark.parametrize(("order", "withdrawn", "fees", "currency", "status"), [
    ("00001048", Decimal("184.00"), Decimal("15.00"), "USD", "lost"),
    ("00001049", Decimal("0.00"), Decimal("20.00"), "EUR", "won"),
    ("00001040", Decimal("260.00"), Decimal("15.00"), "USD", "needs_response"),
])
def test_the_trace_shows_the_dispute_its_deadline_and_its_money(session, order, withdrawn, fees, currency, status):
    trace = session.trace(order)
    assert "CHARGE_DISPUTED" in {f.code for f in trace.findings}
    (w,), (f,) = _rows(trace, "withdrawn by dispute"), _rows(trace, "dispute fees")
    assert (w.stripe, f.stripe, w.currency, w.oms, w.difference) == (withdrawn, fees, currency, None, None)
    deadline = [e for e in trace.timeline if e.object == "Dispute"]
    assert len(deadline) == 1 and deadline[0].what.startswith("Deadline to answer dispute du_")
    assert deadline[0].status == status and deadline[0].time.strftime("%H:%M:%S") == "23:59:59"
    moved = [e for e in trace.timeline if e.object == "BalanceTransaction" and e.what.startswith("Dispute du_")]
    assert moved and "withdrew" in moved[0].what
    assert any("reinstated" in e.what for e in moved) == (status == "won")
    data = trace.to_json()
    assert {"withdrawn by dispute", "dispute fees"} <= {r["quantity"] for r in data["reconciliation"]}


def test_an_undisputed_trace_has_no_dispute_rows(session):
    trace = session.trace("00001005")
    assert not _rows(trace, "withdrawn by dispute") and not [e for e in trace.timeline if e.object == "Dispute"]


def test_a_refund_of_the_disputed_charge_is_refused_as_stripe_refuses_it():
    session = connect()
    client = session.sandbox.stripe_client()
    pi = client.v1.payment_intents.search(params={"query": "metadata['order_id']:'00001040'"}).data[0]
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1000})
    assert info.value.code == "charge_disputed" and info.value.http_status == 400
