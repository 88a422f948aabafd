"""A randomized stress test of guided refunds: hundreds of attempts with injected faults (lost connector answers,
timeouts before Stripe, lost Stripe answers, 500s, row locks) and restarts between intent and result (the session
and its objects discarded, a new one opened over the same sandbox and journal). However it goes, no more money
moves than intended, and journal and both systems end in agreement."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from toolkit.core.retry import RetryPolicy
from toolkit.errors import ActionRefusedError
from toolkit.sandbox.world import OrderPlan, World, build_orders
from toolkit.session import Session, connect

ORDERS = [f"0000900{n}" for n in range(1, 9)]
ATTEMPTS = int(os.environ.get("OMS_TOOLKIT_STRESS_ATTEMPTS", "200"))
FAST = RetryPolicy(sleep=lambda seconds: None)


class _Crash(Exception):
    pass


def _money_moved(session: Session, pis: list[str]) -> int:
    total = 0
    for pi in pis:
        refunds = session.stripe.v1.refunds.list(params={"payment_intent": pi, "limit": 100})
        total += sum(r["amount"] for r in refunds.auto_paging_iter() if r["status"] in ("succeeded", "pending"))
    return total


def _world() -> World:
    """Orders captured by Order Management, large enough that dozens of small refunds fit in each."""
    world = World()
    plans = [OrderPlan(order, "healthy_oms_capture", {"amount": "300.00", "currency": "USD"}) for order in ORDERS]
    build_orders(world, plans, now=datetime(2026, 11, 20, 15, tzinfo=UTC), window_days=5, seed=1)
    return world


def test_money_moves_once_whatever_fails(tmp_path: Path) -> None:
    rnd = random.Random(20261128)
    box = _world().sandbox
    session = connect(sandbox=box, allow_writes=True, data_dir=tmp_path, retry=FAST)
    pis = [session.trace(order).payment_intents[0] for order in ORDERS]
    start = _money_moved(session, pis)
    attempts = refused = crashes = 0
    for _ in range(ATTEMPTS):
        order = rnd.choice(ORDERS)
        via = rnd.choice(["oms", "oms", "stripe"])
        amount = Decimal(rnd.choice(["0.50", "1.00", "1.25", "2.00"]))
        case = f"CS-{rnd.randrange(40)}"
        fault = rnd.choice(["none", "none", "timeout_after_stripe", "timeout_before_stripe", "response_lost",
                            "server_error", "lock_timeout", "crash_after_intent", "crash_after_request"])
        if fault in ("timeout_after_stripe", "timeout_before_stripe"):
            box.connector.fault(fault)
        elif fault in ("response_lost", "server_error"):
            box.stripe.faults.fail("/v1/refunds", fault, count=rnd.choice([1, 3]), method="POST")
        elif fault == "lock_timeout":
            box.org.faults.fail("*/commerce/*", fault, count=1)
        try:
            action = session.plan_refund(order, amount, reason="requested_by_customer", case_reference=case,
                                         via=via)  # type: ignore[arg-type]
        except Exception:  # a plan is only a read; a failure here moves nothing
            action = None
        if action is not None and not action.blocked:
            if fault.startswith("crash"):
                point = "intent written" if fault == "crash_after_intent" else "request sent"

                def crash(at: str, point: str = point) -> None:
                    if at == point:
                        raise _Crash(at)

                action.checkpoint = crash
            attempts += 1
            try:
                action.execute()
                if rnd.random() < 0.2:
                    action.execute()  # a double click
            except _Crash:
                crashes += 1
                del session, action
                box.connector._faults.clear()
                session = connect(sandbox=box, data_dir=tmp_path, allow_writes=True, retry=FAST)
                session.journal  # noqa: B018 - resolves the intent the crash left open
            except ActionRefusedError:
                refused += 1
        box.org.faults.clear()
        box.stripe.faults.clear()
        box.connector._faults.clear()  # an unused connector fault must not leak into the next attempt's checks
    final = connect(sandbox=box, data_dir=tmp_path, allow_writes=True, retry=FAST)
    journal = final.journal
    assert not journal.open_intents()
    done = [e for e in journal.entries() if e.status == "done"]
    intended = sum(int(e.intent["amount_minor"]) for e in done)
    assert _money_moved(final, pis) - start == intended  # never more money than intended, nothing unrecorded
    for order in ORDERS:
        codes = {str(f.code) for f in final.trace(order).findings}
        assert not codes & {"REFUND_MISSING_IN_OMS", "REFUND_MISSING_IN_STRIPE"}, (order, codes)
    assert attempts >= ATTEMPTS // 3 and crashes and done, (attempts, crashes, refused)
