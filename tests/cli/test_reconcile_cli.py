"""``python -m toolkit reconcile``: JSON with the fields every command carries, files, bad options, exit codes."""

from __future__ import annotations

import json

import pandas as pd
from banner import without_banner

from toolkit.cli import main


def test_json_carries_source_and_incomplete_last(capsys, tmp_path) -> None:
    out = tmp_path / "rows.csv"
    assert main(["reconcile", "--since", "2026-10-21", "--until", "2026-11-20T15:00:00Z", "--format", "json",
                 "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["since", "until", "rows", "summary", "requests", "out", "source", "incomplete"]
    assert data["since"] == "2026-10-21T00:00:00Z" and data["out"] == str(out) and data["incomplete"] == []
    assert data["source"]["kind"] == "demo" and data["requests"]["salesforce"] == 3
    assert len(data["rows"]) == 49 and len(pd.read_csv(out)) == 49
    row = data["rows"][0]
    assert set(row) == {"order_number", "ops_id", "order_created", "currency", "payment_intents", "authorized",
                        "captured", "refunded", "available", "codes", "findings", "complete"}


def test_text_names_the_file(capsys, tmp_path) -> None:
    out = tmp_path / "rows.xlsx"
    assert main(["reconcile", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Data: the demo sandbox") and text.endswith(f"Wrote {out}.\n") and out.exists()


def test_bad_options_are_one_sentence_and_exit_2(capsys, tmp_path) -> None:
    for argv in (["reconcile", "--since", "last week"], ["reconcile", "--since", "2026-11-20", "--until", "2026-11-01"],
                 ["reconcile", "--out", str(tmp_path / "rows.txt")],
                 ["reconcile", "--out", str(tmp_path / "nowhere" / "rows.csv")],
                 ["reconcile", "--since", "1999-01-01"], ["reconcile", "--case", ""], ["reconcile", "--bogus"]):
        assert main(argv) == 2, argv
        err = without_banner(capsys.readouterr().err, required=False)
        assert err.startswith("error: ") and err.count("\n") == 1


def test_an_incomplete_read_exits_3(capsys, monkeypatch) -> None:
    from toolkit.sandbox.transport import FaultPlan

    original = FaultPlan.__init__

    def failing(self: FaultPlan) -> None:  # every plan of this command's sandbox: Stripe's lists fail for good
        original(self)
        self.fail("/v1/refunds", "unavailable", count=10_000)

    monkeypatch.setattr(FaultPlan, "__init__", failing)
    assert main(["reconcile", "--format", "json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["incomplete"] and data["incomplete"][0]["system"] == "Stripe"
