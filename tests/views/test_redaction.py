"""Secrets and personal data that arrive in free text (a gateway log's message, request, response) show in no
output: text, JSON, HTML, DataFrames, the command line, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from repo_paths import EXAMPLE_CASE, REPO

from toolkit.core.text import redact
from toolkit.session import connect

KEY = "sk_live_51Hx" + "AbCdEfGhIjKlMnOpQrStUvWx"
RESTRICTED = "rk_test_51Hx" + "ZyXwVuTsRqPoNmLkJiHg"
SESSION_ID = "00D5e000000AbCdE!AQ4AQFzj3s.0kQ9x1nSRc_JvYk2Ow"
EMAIL = "jane.doe+orders@example.com"
TOKEN = "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"
SECRETS = (KEY, RESTRICTED, SESSION_ID, EMAIL, TOKEN.split()[1], "51HxAbCd", "AQ4AQFzj3s")


@pytest.fixture(scope="module")
def leaky_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = json.loads(EXAMPLE_CASE.read_text(encoding="utf-8"))
    log = case["salesforce"]["records"]["PaymentGatewayLog"][0]
    log["GatewayMessage"] = (f"Auth with {KEY}x and restricted{RESTRICTED} failed; session {SESSION_ID}; "
                             f"customer {EMAIL}; header {TOKEN}")
    log["Response"] = json.dumps({"error": {"message": f"Invalid API Key provided: {KEY}", "code": "api_key_expired"}})
    path = tmp_path_factory.mktemp("leaky") / "leaky.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_redact_covers_every_shape_wherever_it_stands() -> None:
    text = f"x{KEY} y={RESTRICTED}. {SESSION_ID} {EMAIL} {TOKEN} whsec_abcdef123"
    _clean(redact(text))
    assert "whsec_abcdef123" not in redact(text)
    assert redact("pi_3Q0SM8zJpqHmSKkAdDeUpQyU 0bMHxQNM0000001MHA 129.00 USD") == (
        "pi_3Q0SM8zJpqHmSKkAdDeUpQyU 0bMHxQNM0000001MHA 129.00 USD")


def test_no_output_of_the_library_shows_them(leaky_case: Path) -> None:
    session = connect(case=leaky_case)
    trace = session.trace("00001042")
    assert any("redacted" in row.what for row in trace.timeline)
    for out in (trace.to_text(), json.dumps(trace.to_json()), trace._repr_html_(), repr(trace),
                trace.timeline_frame().to_csv(), trace.findings_frame().to_csv(), repr(session)):
        _clean(out)
    diagnosis = session.diagnose()
    assert diagnosis.rows
    for out in (diagnosis.to_text(), json.dumps(diagnosis.to_json())):
        _clean(out)


def test_no_output_of_the_command_line_shows_them(leaky_case: Path) -> None:
    for args in (["trace", "00001042"], ["trace", "00001042", "--format", "json"], ["diagnose"],
                 ["diagnose", "--format", "json"]):
        done = subprocess.run([sys.executable, "-m", "toolkit", *args, "--case", str(leaky_case)],
                              capture_output=True, text=True, cwd=REPO, timeout=120)
        assert done.returncode == 0, done.stderr
        _clean(done.stdout + done.stderr)
