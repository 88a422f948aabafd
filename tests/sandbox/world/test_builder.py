"""The world builder: recorded scripts on one timeline, the actors, and large generated worlds."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from toolkit.core.clock import parse_instant
from toolkit.sandbox.world import SCENARIOS, OrderPlan, World, build_orders, scenario
from toolkit.sandbox.world.generate import generate, generate_plans

NOW = parse_instant("2026-11-20T15:00:00Z")


def test_scripts_interleave_on_one_timeline() -> None:
    world = World()
    plans = [OrderPlan(f"0000500{i}", "healthy_oms_capture", {"amount": "20.00"}) for i in range(6)]
    manifest = build_orders(world, plans, now=NOW, seed=3)
    assert world.now() == NOW and len(manifest) == 6
    sf = world.sandbox.salesforce()
    rows = sf.query("SELECT OrderedDate FROM OrderSummary")["records"]
    dates = sorted(parse_instant(r["OrderedDate"]) for r in rows)
    assert dates[0] >= NOW - timedelta(days=30) and dates[-1] < NOW - timedelta(days=1)
    assert sf.query("SELECT COUNT() FROM Payment WHERE Status = 'Processed'")["totalSize"] == 6


def test_actors_drive_stripe_and_the_org_directly() -> None:
    world = World()
    world.sandbox.clock.set("2026-11-01T00:00:00Z")
    world.storefront.place_order("00006001", Decimal("100.00"), "USD", capture="automatic")
    world.dashboard.refund("00006001", Decimal("10.00"))
    world.dashboard.refund_status("00006001", "failed", failure_reason="declined")
    world.dashboard.dispute("00006001")
    charge = world.sandbox.stripe.get(world.order("00006001").charge)
    assert charge["disputed"] and charge["amount_refunded"] == 0
    world.admin.scale_amounts("00006001", 100)
    ops = world.sandbox.salesforce().query("SELECT CapturedAmount FROM OrderPaymentSummary")["records"][0]
    assert ops["CapturedAmount"] == 10000.0


def test_duplicate_scenario_names_are_refused() -> None:
    with pytest.raises(ValueError):
        scenario("healthy_oms_capture")(lambda w, order: None)
    assert SCENARIOS["auth_expiring"].within_days is not None


def test_generated_world_has_the_asked_share_of_anomalies() -> None:
    plans = generate_plans(400, 0.1, seed=5)
    anomalies = [p for p in plans if SCENARIOS[p.scenario].anomaly]
    assert len(anomalies) == 40
    assert len({p.scenario for p in anomalies}) == len([s for s in SCENARIOS.values() if s.anomaly])


def test_generated_world_builds_and_reloads(tmp_path) -> None:
    out = tmp_path / "world.json"
    box, manifest = generate(300, 0.2, seed=2, out=out)
    assert len(manifest) == 300 and out.with_suffix(".manifest.json").exists()
    sf = box.salesforce()
    assert sf.query("SELECT COUNT() FROM OrderSummary")["totalSize"] == 300
    counts = Counter(r["InteractionStatus"] for r in sf.query_all("SELECT InteractionStatus FROM PaymentGatewayLog")[
        "records"])
    assert counts["Failed"] > 0 and counts["Success"] > 0
    from toolkit.sandbox import Sandbox

    again = Sandbox.from_case(out)
    assert again.org.dump_records() == box.org.dump_records()


def test_generated_worlds_are_deterministic() -> None:
    first, _ = generate(60, 0.3, seed=9)
    second, _ = generate(60, 0.3, seed=9)
    assert first.to_case(title="t") == second.to_case(title="t")
