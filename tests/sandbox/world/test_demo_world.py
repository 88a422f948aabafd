"""The demo world: rebuilt byte-identically, covering every finding and cause, served by connect()."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources
from typing import Any

import pytest

from toolkit.analysis.capture_causes import Cause, diagnose_capture_failure, is_failed_capture
from toolkit.analysis.findings import FindingCode, findings_for_ops
from toolkit.core.clock import parse_instant
from toolkit.sandbox import Sandbox
from toolkit.sandbox.world.demo import DEMO_NOW, demo_files
from toolkit.session import connect


def _shipped(name: str) -> str:
    return resources.files("toolkit.sandbox").joinpath("data", name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rebuilt() -> tuple[str, str]:
    return demo_files()


@pytest.fixture(scope="module")
def case() -> dict[str, Any]:
    return json.loads(_shipped("demo-world.json"))


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads(_shipped("demo-world.manifest.json"))


def test_rebuild_is_byte_identical(rebuilt: tuple[str, str]) -> None:
    case_text, manifest_text = rebuilt
    assert case_text == _shipped("demo-world.json"), "run `python -m toolkit.sandbox.world demo` and review the diff"
    assert manifest_text == _shipped("demo-world.manifest.json")


def test_orders_spread_over_thirty_days(case: dict[str, Any], manifest: dict[str, Any]) -> None:
    assert case["now"] == DEMO_NOW
    orders = case["salesforce"]["records"]["OrderSummary"]
    assert len(orders) == len(manifest["orders"]) >= 40
    now = parse_instant(DEMO_NOW)
    ordered = sorted(parse_instant(o["OrderedDate"]) for o in orders)
    assert ordered[0] >= now - timedelta(days=30) and ordered[-1] <= now
    assert ordered[-1] - ordered[0] > timedelta(days=20)
    healthy = [o for o in manifest["orders"] if not o["expected_findings"] and not o["expected_causes"]]
    assert {o["currency"] for o in healthy} >= {"USD", "EUR", "JPY"}
    scenarios = {o["scenario"] for o in healthy}
    assert {"healthy_checkout_capture", "healthy_oms_capture", "healthy_partial_refund",
            "healthy_split_shipment_refunds", "healthy_split_shipment_full_capture"} <= scenarios


def test_manifest_covers_every_finding_and_cause(manifest: dict[str, Any]) -> None:
    found = {code for o in manifest["orders"] for code in o["expected_findings"]}
    causes = {cause for o in manifest["orders"] for cause in o["expected_causes"]}
    assert found == {str(code) for code in FindingCode} - {"ORPHAN_PAYMENT_INTENT"}
    assert causes == {str(cause) for cause in Cause}
    pis = {o["order_number"]: o["payment_intents"] for o in manifest["orders"]}
    assert all(len(v) == 1 and v[0].startswith("pi_") for v in pis.values())


def test_rules_confirm_the_manifest(case: dict[str, Any], manifest: dict[str, Any], case_evidence: Any) -> None:
    evidence = case_evidence(case)
    now = parse_instant(case["now"])
    for order in manifest["orders"]:
        ev = evidence[order["order_number"]]
        codes = sorted({str(f.code) for f in findings_for_ops(ev, now)})
        logs = sorted((log for log in ev.gateway_logs if is_failed_capture(log)), key=lambda log: log["CreatedDate"])
        causes = [str(diagnose_capture_failure(log, ev).cause) for log in logs]
        assert (codes, causes) == (order["expected_findings"], order["expected_causes"]), order["scenario"]


def test_connect_serves_the_demo_world_and_it_round_trips(tmp_path: Any) -> None:
    session = connect(env={}, use_dotenv=False)
    box: Sandbox = session.sandbox
    assert session.source == "demo world"
    assert session.sf.query("SELECT COUNT() FROM OrderSummary")["totalSize"] >= 40
    path = box.save_case(tmp_path / "saved.json")
    again = Sandbox.from_case(path)
    assert again.org.dump_records() == box.org.dump_records()
    assert again.stripe.dump_objects() == box.stripe.dump_objects()
    assert again.clock.now() == box.clock.now() == parse_instant(DEMO_NOW)
    assert json.loads(path.read_text())["stripe"]["objects"] == json.loads(_shipped("demo-world.json"))["stripe"][
        "objects"]
