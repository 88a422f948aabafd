"""Every finding code on a world built with the world builder, and every order of the demo world.

Each scenario of the catalogue carries the finding codes its order shows at the world's clock (and the
failed-capture causes of its failed captures): a small world with just that scenario is built, loaded
through a case file into a fresh sandbox, traced through the real clients and diagnosed.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest

from toolkit.analysis.findings import FindingCode
from toolkit.core.clock import parse_instant
from toolkit.investigate.diagnose import diagnose
from toolkit.investigate.fetch import SALESFORCE_BUDGET, STRIPE_BUDGET
from toolkit.sandbox.world import SCENARIOS, OrderPlan, World, build_orders
from toolkit.session import Session, connect

NOW = parse_instant("2026-11-20T15:00:00Z")
ORDER = "00007001"
MANIFEST = resources.files("toolkit.sandbox").joinpath("data", "demo-world.manifest.json")


def world_session(plans: list[OrderPlan], seed: int = 5) -> Session:
    """The plans built on one timeline ending at NOW, saved as a case and loaded into a fresh sandbox."""
    world = World()
    build_orders(world, plans, now=NOW, window_days=30, seed=seed)
    return connect(case=world.sandbox.to_case(title="test world"))


def codes(session: Session, subject: str) -> list[str]:
    return sorted(f.code.value for f in session.trace(subject).findings)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_scenario_shows_exactly_its_findings_and_causes(name):
    session = world_session([OrderPlan(ORDER, name)])
    box = session.sandbox
    session.schema.prefixes()
    box.clear_logs()
    t = session.trace(ORDER)
    assert sorted(f.code.value for f in t.findings) == sorted(SCENARIOS[name].expects)
    assert box.org.log.count <= SALESFORCE_BUDGET and box.stripe.log.count <= STRIPE_BUDGET
    assert t.order_numbers == [ORDER]
    assert sorted(row.cause.value for row in diagnose(session).rows) == sorted(SCENARIOS[name].causes)


def test_the_catalogue_covers_every_trace_finding_code():
    shown = {code for spec in SCENARIOS.values() for code in spec.expects}
    batch_only = {FindingCode.ORPHAN_PAYMENT_INTENT.value}
    assert {code.value for code in FindingCode} - batch_only <= shown


def test_scenarios_side_by_side_keep_to_their_own_orders():
    names = ["healthy_partial_refund", "duplicate_refund", "auth_expired_then_capture_failed", "charge_disputed",
             "timeout_but_captured", "healthy_checkout_capture"]
    plans = [OrderPlan(f"0000710{i}", name) for i, name in enumerate(names)]
    session = world_session(plans, seed=11)
    for plan in plans:
        assert codes(session, plan.order_number) == sorted(SCENARIOS[plan.scenario].expects), plan.scenario


def test_every_demo_world_order_matches_its_manifest():
    session = connect()
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    causes: dict[str, list[str]] = {}
    for row in diagnose(session, parse_instant("2026-10-01T00:00:00Z"), session.clock.now()).rows:
        causes.setdefault(str(row.order_number), []).append(row.cause.value)
    for order in manifest["orders"]:
        number = order["order_number"]
        t = session.trace(number)
        assert sorted(f.code.value for f in t.findings) == sorted(order["expected_findings"]), number
        assert t.payment_intents == sorted(order["payment_intents"]) or order["scenario"] == "payment_intent_typo"
        assert sorted(causes.get(number, [])) == sorted(order["expected_causes"]), number
        assert not any("may miss" in note for note in t.notes), number  # each PI's events fit in one page
