"""``python -m toolkit report``: notebook 02 run on the demo sandbox and written as one self-contained HTML page
(diagnosis table, charts, expiring list, data source and session clock in the header), and bad input refused in one
sentence before any notebook starts."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from toolkit.cli import main
from toolkit.cli.report import window_days
from toolkit.notebook.report_html import external_references


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str]:
    """The report of the demo sandbox with the default window and horizon, run in this process as cron would run
    the command (its JSON on standard output, only the session banner on standard error)."""
    out = tmp_path_factory.mktemp("report") / "triage.html"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["report", "--out", str(out), "--format", "json"])
    assert stderr.getvalue().startswith("Data: the demo sandbox") and stderr.getvalue().count("\n") == 1  # the banner
    return code, json.loads(stdout.getvalue()), out.read_text(encoding="utf-8")


def test_the_json_and_the_exit_code(demo_report: tuple[int, dict[str, Any], str]) -> None:
    code, data, _ = demo_report
    assert code == 0
    assert list(data) == ["out", "notebook", "as_of", "since", "until", "within_hours", "failed_captures", "expiring",
                          "source", "incomplete"]
    assert data["notebook"] == "02_diagnose_failed_captures.ipynb" and data["incomplete"] == []
    assert (data["as_of"], data["since"], data["until"]) == ("2026-11-20T15:00:00Z", "2026-10-21T15:00:00Z",
                                                             "2026-11-20T15:00:00Z")
    assert (data["within_hours"], data["failed_captures"], data["expiring"]) == (48, 14, 1)
    assert data["source"]["kind"] == "demo"


def test_the_page_is_self_contained(demo_report: tuple[int, dict[str, Any], str]) -> None:
    html = demo_report[2]
    assert html.startswith("<!DOCTYPE html>") and external_references(html) == []
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "application/vnd.jupyter.widget" not in html and "report-status" not in html


def test_the_header_names_the_data_and_the_session_clock(demo_report: tuple[int, dict[str, Any], str]) -> None:
    header = demo_report[2].split("<main>")[0]
    assert "<dt>Data</dt><dd>the demo sandbox (demo world, fake data)</dd>" in header
    assert "<dt>As of</dt><dd>2026-11-20T15:00:00Z (the session clock)</dd>" in header
    assert "<dt>Salesforce</dt><dd>OMS Toolkit Sandbox, sandbox org" in header  # the org and the account, as the
    assert "<dt>Stripe</dt><dd>account acct_" in header and "test mode" in header  # session's banner names them
    assert "14 from 2026-10-21T15:00:00Z to 2026-11-20T15:00:00Z" in header and "INCOMPLETE" not in header


def test_the_diagnosis_the_charts_and_the_expiring_list_without_code(
        demo_report: tuple[int, dict[str, Any], str]) -> None:
    body = demo_report[2].split("<main>")[1]
    for text in ("The failed captures of the window", "TIMEOUT_NOT_CAPTURED", "AMOUNT_EXCEEDS_CAPTURABLE",
                 "Authorizations about to expire", "capture now from OMS", "One failure of each retryable kind"):
        assert text in body, text
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', body)) == 3  # causes, money, deadlines
    assert "widget-static" in body and "PGL-000000037" in body  # the triage widget's table, as stored
    for code in ("session.diagnose(SINCE, UNTIL)", "import pandas", "WITHIN_HOURS = ", "show_status"):
        assert code not in body, code
    assert "CS-DEMO-02" not in body  # the demonstration cells are left out


@pytest.mark.parametrize(("args", "words"), [
    (["report"], "report needs --out FILE.html"),
    (["report", "--out", "report.txt"], "--out report.txt: name a .html or .htm file."),
    (["report", "--out", "no/such/folder/r.html"], "the folder no/such/folder does not exist"),
    (["report", "--out", "r.html", "--window", "0"], "--window '0' is not a number of days"),
    (["report", "--out", "r.html", "--window", "367"], "at most 366"),
    (["report", "--out", "r.html", "--within", "-1"], "--within '-1' is not a number of hours"),
    (["report", "--out", "r.html", "--case", "nope.json"], "nope.json"),
    (["report", "--out", "r.html", "--case", " "], "--case needs the path of a case file"),
    (["report", "--out", "r.html", "--show-personal-data"], "report always masks personal data"),
])
def test_bad_input_is_one_sentence_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ") and captured.err.count("\n") == 1
    assert words in captured.err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_window_days() -> None:
    assert window_days(None).days == 30 and window_days("1.5").total_seconds() == 1.5 * 86400
