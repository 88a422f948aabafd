"""Case capture (toolkit.investigate.capture, ``python -m toolkit capture``): what a trace touched, masked, written
as a case file that replays to the same trace for every order of the demo world."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from banner import without_banner
from demo_people import demo_order_numbers, leaks

from toolkit import connect
from toolkit.cli.main import main
from toolkit.core.privacy import MASKS
from toolkit.session import Session


def _comparable(trace_json: dict) -> str:  # type: ignore[type-arg]
    """A trace's JSON without its source (the demo world vs the case file): everything else must be equal."""
    return json.dumps({key: value for key, value in trace_json.items() if key != "source"}, sort_keys=True)


@pytest.fixture(scope="module")
def demo() -> Session:
    return connect()


def test_every_demo_order_replays_to_the_same_trace(demo: Session) -> None:
    orders = demo_order_numbers()
    assert len(orders) >= 40
    for order in orders:
        captured = demo.capture(order)
        assert captured.replay_problem is None, (order, captured.replay_problem)
        assert not captured.incomplete, order
        replayed = connect(case=captured.case).trace(order)
        assert _comparable(replayed.to_json()) == _comparable(captured.trace.to_json()), order
        assert [f.code for f in replayed.findings] == [f.code for f in captured.findings]
        assert replayed.to_json()["source"]["kind"] == "case"


def test_a_capture_is_masked_even_when_the_session_shows_personal_data() -> None:
    shown = connect(mask_personal_data=False)
    order = demo_order_numbers()[0]
    assert leaks(json.dumps(shown.salesforce_gateway().query(_order_query(order)), ensure_ascii=False))
    captured = shown.capture(order)
    text = captured.text()
    assert leaks(text) == [] and MASKS["email"] in text
    assert captured.to_json()["personal_data"] == "masked"
    summary = captured.case["salesforce"]["records"]["OrderSummary"][0]
    assert summary["BillingEmailAddress"] == MASKS["email"]


def test_the_case_file_is_in_the_documented_format(demo: Session) -> None:
    captured = demo.capture(demo_order_numbers()[0])
    case = captured.case
    assert list(case) == ["case_format", "title", "description", "now", "salesforce", "stripe"]
    assert case["case_format"] == 1 and case["now"].endswith("Z")
    assert set(case["salesforce"]["records"]) >= {"OrderSummary", "OrderPaymentSummary"}
    assert all("attributes" not in row for rows in case["salesforce"]["records"].values() for row in rows)
    kinds = [obj["object"] for obj in case["stripe"]["objects"]]
    assert "payment_intent" in kinds and "charge" in kinds
    assert all(isinstance(obj.get("latest_charge"), str | None) for obj in case["stripe"]["objects"]
               if obj["object"] == "payment_intent")  # ids, never expanded objects


def test_the_command_writes_a_case_file_that_replays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order = demo_order_numbers()[5]
    out = tmp_path / "case.json"
    assert main(["capture", order, "--out", str(out), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert without_banner(captured.err) == ""
    result = json.loads(captured.out)
    assert result["out"] == str(out) and result["replayable"] is True and result["personal_data"] == "masked"
    assert result["source"]["kind"] == "demo" and result["incomplete"] == []
    assert leaks(out.read_text(encoding="utf-8")) == [] and leaks(captured.out) == []
    assert main(["trace", order, "--case", str(out), "--format", "json"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in replayed["findings"]] == result["findings"]
    assert replayed["source"] == {**replayed["source"], "kind": "case", "name": "case.json"}


@pytest.mark.parametrize("argv", [["capture", "00001001"], ["capture", "00001001", "--out", "case.txt"],
                                  ["capture", "00001001", "--out", "/nonexistent-folder/case.json"]])
def test_a_bad_out_is_refused_before_anything_is_read(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ") and captured.err.count("\n") == 1


def _order_query(order: str):  # type: ignore[no-untyped-def]
    from toolkit.salesforce.templates import Soql

    return Soql(f"SELECT Id, BillingEmailAddress, Account.Name FROM OrderSummary WHERE OrderNumber = '{order}'",
                "test.order")
