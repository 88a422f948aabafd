"""The command line, through subprocess and through toolkit.cli.main."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from toolkit.cli import main

CASE = str(Path(__file__).parent / "data" / "cases" / "expired-authorization.json")
PI = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=120)


def test_trace_json_through_subprocess():
    done = run("trace", PI, "--case", CASE, "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [f["code"] for f in data["findings"]] == ["AUTH_EXPIRED_UNCAPTURED", "GATEWAY_FAILURES"]


def test_bad_subject_exits_2_with_one_line():
    done = run("trace", "not a subject!", "--case", CASE)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr and done.stdout == ""


def test_main_trace_text_and_errors(capsys):
    assert main(["trace", "00001042", "--case", CASE]) == 0
    out = capsys.readouterr().out
    assert "AUTH_EXPIRED_UNCAPTURED" in out and "0x" not in out
    for argv in (["trace", "pi_3QdoesNotExist000000", "--case", CASE], ["trace", PI, "--case", "/nonexistent.json"],
                 ["trace", "0XcHxM130000001KBB", "--case", CASE], ["diagnose", "--since", "yesterday", "--case", CASE],
                 ["frobnicate"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1


def test_main_diagnose_json(capsys):
    assert main(["diagnose", "--case", CASE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["since", "until", "rows", "summary"]
    assert [r["cause"] for r in data["rows"]] == ["AUTH_EXPIRED"]
    assert data["summary"][0]["cause"] == "AUTH_EXPIRED" and data["summary"][0]["amount_at_risk"] == "129.00"


def test_bad_subjects_exit_2_with_one_line_and_no_traceback(tmp_path, capsys):
    unreadable = tmp_path / "broken.json"
    unreadable.write_text("{not json", encoding="utf-8")
    for argv in (["trace", "pi_!!", "--case", CASE], ["trace", "00009999", "--case", CASE],
                 ["trace", "pi_3QdoesNotExist000000", "--case", CASE], ["trace", "00001042", "--case", str(unreadable)],
                 ["trace", "0XcHxM130000001KBB", "--case", CASE], ["trace", "cus_ABC123456", "--case", CASE]):
        assert main(argv) == 2, argv
        captured = capsys.readouterr()
        assert captured.err.startswith("error: ") and captured.err.count("\n") == 1, argv
        assert "Traceback" not in captured.err and captured.out == ""
