"""The command line, through subprocess and through toolkit.cli.main."""

from __future__ import annotations

import json
import subprocess
import sys

from banner import without_banner
from repo_paths import EXAMPLE_CASE, REPO

from toolkit.cli import main

CASE = str(EXAMPLE_CASE)
PI = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_trace_json_through_subprocess():
    done = run("trace", PI, "--case", CASE, "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [f["code"] for f in data["findings"]] == ["AUTH_EXPIRED_UNCAPTURED", "GATEWAY_FAILURES"]


def test_bad_subject_exits_2_with_one_line():
    done = run("trace", "not a subject!", "--case", CASE)
    assert done.returncode == 2
    err = without_banner(done.stderr, required=False)
    assert err.count("\n") == 1 and "Traceback" not in done.stderr and done.stdout == ""


def test_main_trace_text_and_errors(capsys):
    assert main(["trace", "00001042", "--case", CASE]) == 0
    out = capsys.readouterr().out
    assert "AUTH_EXPIRED_UNCAPTURED" in out and "0x" not in out
    for argv in (["trace", "pi_3QdoesNotExist000000", "--case", CASE], ["trace", PI, "--case", "/nonexistent.json"],
                 ["trace", "0XcHxM130000001KBB", "--case", CASE], ["diagnose", "--since", "yesterday", "--case", CASE],
                 ["frobnicate"]):
        assert main(argv) == 2
        err = without_banner(capsys.readouterr().err, required=False)
        assert err.startswith("error: ") and err.count("\n") == 1


def test_main_diagnose_json(capsys):
    assert main(["diagnose", "--case", CASE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["since", "until", "rows", "summary", "source", "incomplete"]
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
        err = without_banner(captured.err, required=False)
        assert err.startswith("error: ") and err.count("\n") == 1, argv
        assert "Traceback" not in captured.err and captured.out == ""


def _live_env(tmp_path, **overrides: str) -> dict[str, str]:
    """An environment configuring live systems that cannot be reached (nothing listens on port 9 of loopback),
    run from an empty directory so no developer's .env is read."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SF_", "STRIPE_"))}
    env.update({"SF_INSTANCE_URL": "https://127.0.0.1:9", "SF_SESSION_ID": "00Dfake!session",
                "STRIPE_API_KEY": "sk_test_sandbox_unreachable000000000"}, **overrides)
    return env


def test_unreachable_salesforce_is_an_outage_not_bad_input(tmp_path):
    done = subprocess.run([sys.executable, "-m", "toolkit", "trace", "00001042"], capture_output=True, text=True,
                          cwd=tmp_path, env=_live_env(tmp_path), timeout=120)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("error: Salesforce could not be reached") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr and "00Dfake!session" not in done.stderr


def test_exit_codes_are_one_per_kind_of_error():
    from toolkit.cli import ExitCode, exit_code_for
    from toolkit.errors import (
        AccessDeniedError,
        BudgetExceededError,
        CaseFileError,
        InputError,
        NotFoundError,
        ServiceUnavailableError,
    )

    assert exit_code_for(InputError("x")) == exit_code_for(CaseFileError("x")) == ExitCode.BAD_INPUT == 2
    assert exit_code_for(NotFoundError("x")) == 2
    assert exit_code_for(ServiceUnavailableError("x", system="Stripe")) == exit_code_for(BudgetExceededError("x")) == 3
    assert exit_code_for(AccessDeniedError("x", system="Salesforce", status=401)) == ExitCode.ACCESS_DENIED == 4
    assert exit_code_for(KeyboardInterrupt()) == 130 and exit_code_for(RuntimeError("bug")) == 1


def test_an_empty_case_is_bad_input_not_the_demo_world():
    done = run("trace", "00001042", "--case", "")
    assert done.returncode == 2 and done.stderr.startswith("error: --case needs the path of a case file")
    assert done.stdout == ""


def test_windows_out_of_range_or_reversed_are_one_sentence():
    for args, words in ((["--until", "9999-12-31T23:59:59Z"], "--until 9999-12-31T23:59:59Z is out of range"),
                        (["--since", "1970-01-01T00:00:00Z"], "--since 1970-01-01T00:00:00Z is out of range"),
                        (["--since", "2026-11-20T00:00:00Z", "--until", "2026-11-01T00:00:00Z"], "swap them")):
        done = run("diagnose", "--case", CASE, *args)
        err = without_banner(done.stderr, required=False)
        assert done.returncode == 2 and words in err and err.count("\n") == 1, done.stderr
        assert "Traceback" not in done.stderr


def test_text_and_json_name_their_data_source():
    done = run("trace", PI, "--case", CASE)
    assert done.stdout.splitlines()[0] == "Data: case file expired-authorization.json in the sandbox (replayed, no " \
                                          "live system)."
    data = json.loads(run("diagnose", "--case", CASE, "--format", "json").stdout)
    assert data["source"] == {"kind": "case", "name": "expired-authorization.json", "salesforce": "sandbox",
                              "stripe_mode": "test",
                              "label": "case file expired-authorization.json in the sandbox (replayed, no live system)"}
    assert data["incomplete"] == []


def test_an_incomplete_result_exits_with_the_outage_code_after_printing_it():
    from toolkit.cli.main import exit_code_of
    from toolkit.core.retry import RetryPolicy
    from toolkit.session import connect

    session = connect(case=EXAMPLE_CASE, retry=RetryPolicy(sleep=lambda seconds: None))
    session.schema.prefixes()
    session.sandbox.stripe.faults.fail("/v1/events", "unavailable", count=100)
    result = session.trace(PI)
    assert result.incomplete and exit_code_of(result) == 3
    assert result.to_json()["incomplete"][0]["what"].startswith("the events of the PaymentIntents")
    key = session.sandbox.stripe.restricted_key({"charges": "read"})
    session.stripe = session.sandbox.stripe_client(key)
    denied = session.trace("00001042")
    assert exit_code_of(denied) == 4 and all(item.kind == "access_denied" for item in denied.incomplete)
