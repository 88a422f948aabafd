"""``python -m toolkit expiring``, and the progress line of the long commands."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from banner import without_banner
from repo_paths import EXAMPLE_CASE, REPO

from toolkit.cli import main
from toolkit.cli import progress as progress_module
from toolkit.cli.expiring import within_hours
from toolkit.cli.progress import TerminalProgress

CASE = str(EXAMPLE_CASE)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


def test_json_shape_of_a_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["expiring", "--case", CASE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["as_of", "within_hours", "rows", "source", "incomplete"]
    assert data["as_of"] == "2026-11-20T15:00:00Z" and data["within_hours"] == 48 and data["incomplete"] == []
    assert data["rows"] == [{"order_number": "00001042", "ops_id": data["rows"][0]["ops_id"],
                             "payment_intent": "pi_3Q0SM8zJpqHmSKkAdDeUpQyU", "amount": "129.00", "currency": "USD",
                             "deadline": "2026-11-18T15:00:00Z", "hours_left": -48.0,
                             "action": "contact the customer"}]


def test_the_horizon_widens_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["expiring", "--format", "json"]) == 0
    narrow = json.loads(capsys.readouterr().out)["rows"]
    assert main(["expiring", "--within", "150.5", "--format", "json"]) == 0
    wide = json.loads(capsys.readouterr().out)
    assert wide["within_hours"] == 150.5 and len(wide["rows"]) > len(narrow) == 1
    assert [r["deadline"] for r in wide["rows"]] == sorted(r["deadline"] for r in wide["rows"])


@pytest.mark.parametrize("value", ["abc", "0", "-5", "721", "nan", "inf", ""])
def test_a_bad_horizon_is_one_sentence_and_exit_2(value: str) -> None:
    done = run("expiring", "--within", value, "--case", CASE)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: --within ") and done.stderr.count("\n") == 1, done.stderr


def test_within_hours_defaults_to_48() -> None:
    assert within_hours(None).total_seconds() == 48 * 3600 and within_hours("1.5").total_seconds() == 5400


def test_no_progress_line_when_standard_error_is_not_a_terminal() -> None:
    for args in (["expiring"], ["diagnose"]):
        done = run(*args, "--case", CASE)
        assert done.returncode == 0 and without_banner(done.stderr) == "", done.stderr


def test_the_progress_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(progress_module, "DELAY", 0)
    with TerminalProgress(stream, enabled=True) as progress:
        progress.phase("Stripe: listing PaymentIntents", 200)
        progress.advance(100)
    assert "Stripe: listing PaymentIntents" in stream.getvalue() and "/200" in stream.getvalue()
    silent = io.StringIO()
    with TerminalProgress(silent) as progress:  # a StringIO is not a terminal
        progress.phase("anything", 3)
        progress.advance()
    assert silent.getvalue() == ""
