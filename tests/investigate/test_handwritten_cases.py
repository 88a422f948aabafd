"""Hand-written case files the trace was not built against (``tests/data/cases/handwritten/``).

Each file describes one or more orders in the systems' own shapes, written the way an analyst or a capture
would write them (rollups sometimes given, sometimes left to the org; ``now`` sometimes absent; Stripe
objects full or trimmed; events sometimes present). ``expected.json`` beside them says, per file:

- ``subjects``: subject kind -> the subject (or a list of them) to trace; the kinds are
  :class:`toolkit.investigate.subjects.SubjectKind` values (``payment_intent``, ``charge``, ``balance_transaction``,
  ``refund``, ``order_number``, ``OrderSummary``, ``OrderPaymentSummary``, ``PaymentAuthorization``,
  ``Payment``, ``Refund``, ``PaymentGatewayLog``);
- ``findings``: the finding codes every one of those traces reports (a multiset: a code found twice is
  listed twice), unless ``subject_findings`` names other codes for a subject (a file with two orders);
- ``causes``: the failed-capture causes ``diagnose`` gives over the whole file (``since``: the window start).

Everything runs through the command line (``toolkit.cli.main``) on the sandbox loaded from the file, and once
per file as a real ``python -m toolkit`` subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest
from banner import without_banner
from repo_paths import CASES as ALL_CASES
from repo_paths import REPO

from toolkit.cli import main
from toolkit.investigate.subjects import SubjectKind
from toolkit.session import connect

CASES = ALL_CASES / "handwritten"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CASES / "expected.json").read_text(encoding="utf-8"))
DEFAULT_SINCE = "2026-01-01T00:00:00Z"
ALL_CODES = {
    "AUTH_EXPIRED_UNCAPTURED", "AUTH_CANCELED_UNCAPTURED", "AUTH_EXPIRING", "CAPTURABLE_REMAINDER_RELEASED",
    "CAPTURE_MISSING_IN_OMS", "CAPTURE_MISSING_IN_STRIPE", "REFUND_MISSING_IN_OMS", "REFUND_MISSING_IN_STRIPE",
    "AMOUNT_SCALE_MISMATCH", "REFUND_FAILED", "REFUND_PENDING", "POSSIBLE_DUPLICATE_REFUND", "CHARGE_DISPUTED",
    "PAYMENT_INTENT_NOT_FOUND", "NO_STRIPE_REFERENCE", "GATEWAY_FAILURES",
}


def _subjects(entry: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for kind, value in entry["subjects"].items():
        for subject in value if isinstance(value, list) else [value]:
            out.append((kind, subject))
    return out


def _expected_codes(entry: dict[str, Any], subject: str) -> list[str]:
    return sorted(entry.get("subject_findings", {}).get(subject, entry["findings"]))


def _trace_params() -> list[Any]:
    return [pytest.param(name, kind, subject, id=f"{name[:-5]}-{kind}-{subject[-6:]}")
            for name, entry in EXPECTED.items() for kind, subject in _subjects(entry)]


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert without_banner(captured.err) == ""
    return json.loads(captured.out)


# --- the index itself ---------------------------------------------------------------------------------


def test_index_lists_every_file_and_covers_every_code() -> None:
    files = {p.name for p in CASES.glob("*.json")} - {"expected.json"}
    assert files == set(EXPECTED)
    covered = {code for entry in EXPECTED.values() for code in entry["findings"]}
    assert covered == ALL_CODES
    kinds = {kind for entry in EXPECTED.values() for kind in entry["subjects"]}
    assert kinds == {str(k) for k in SubjectKind}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_description_states_the_expected_codes(name: str) -> None:
    case = json.loads((CASES / name).read_text(encoding="utf-8"))
    entry = EXPECTED[name]
    for code in set(entry["findings"]) | set(entry["causes"]):
        assert code in case["description"], f"{name}: description does not name {code}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case_loads(name: str) -> None:
    session = connect(case=str(CASES / name))
    assert session.mode == "sandbox"
    case = json.loads((CASES / name).read_text(encoding="utf-8"))
    if case.get("now"):
        assert session.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ") == case["now"].replace(".000Z", "Z")


# --- trace: every subject kind of every file ----------------------------------------------------------


@pytest.mark.parametrize(("name", "kind", "subject"), _trace_params())
def test_trace_reports_exactly_the_expected_codes(capsys: pytest.CaptureFixture[str], name: str, kind: str,
                                                  subject: str) -> None:
    entry = EXPECTED[name]
    out = _run(capsys, ["trace", subject, "--case", str(CASES / name), "--format", "json"])
    assert set(out) == {"subject", "order_numbers", "payment_intents", "findings", "timeline", "reconciliation",
                        "source", "incomplete"}
    assert out["source"]["kind"] == "case" and out["source"]["name"] == name and out["incomplete"] == []
    codes = sorted(f["code"] for f in out["findings"])
    assert codes == _expected_codes(entry, subject), f"{name} traced from {kind} {subject}"
    for finding in out["findings"]:
        assert set(finding) == {"code", "severity", "subject", "amount", "currency", "message", "remediation"}
        assert finding["amount"] is None or isinstance(finding["amount"], str)
        assert finding["remediation"]
    orders = entry.get("subject_orders", {}).get(subject)
    if orders is None and isinstance(entry["subjects"].get("order_number"), str):
        orders = [entry["subjects"]["order_number"]]
    if orders is not None:
        assert out["order_numbers"] == orders


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_trace_through_a_subprocess(name: str) -> None:
    entry = EXPECTED[name]
    subject = next(s for k, s in _subjects(entry) if k == "order_number")
    result = subprocess.run([sys.executable, "-m", "toolkit", "trace", subject, "--case", str(CASES / name),
                             "--format", "json"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    codes = sorted(f["code"] for f in json.loads(result.stdout)["findings"])
    assert codes == _expected_codes(entry, subject)


# --- diagnose: failed-capture causes over the whole file ----------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_diagnose_causes(capsys: pytest.CaptureFixture[str], name: str) -> None:
    entry = EXPECTED[name]
    out = _run(capsys, ["diagnose", "--case", str(CASES / name), "--since", entry.get("since", DEFAULT_SINCE),
                        "--format", "json"])
    assert sorted(row["cause"] for row in out["rows"]) == sorted(entry["causes"])
    assert sum(item["count"] for item in out["summary"]) == len(entry["causes"])


# --- details a support analyst relies on --------------------------------------------------------------


def _findings(capsys: pytest.CaptureFixture[str], name: str, subject: str | None = None) -> list[dict[str, Any]]:
    entry = EXPECTED[name]
    subject = subject or entry["subjects"]["order_number"]
    return _run(capsys, ["trace", subject, "--case", str(CASES / name), "--format", "json"])["findings"]


def test_live_mode_case_says_the_modes_differ(capsys: pytest.CaptureFixture[str]) -> None:
    (finding,) = _findings(capsys, "livemode-capture.json")
    assert finding["code"] == "PAYMENT_INTENT_NOT_FOUND"
    assert finding["subject"] == EXPECTED["livemode-capture.json"]["subjects"]["payment_intent"]
    assert "live mode" in finding["message"] and "differs" in finding["message"]
    assert (finding["amount"], finding["currency"]) == ("42.00", "USD")


def test_missing_reference_in_the_same_mode_is_not_blamed_on_the_mode(capsys: pytest.CaptureFixture[str]) -> None:
    not_found = [f for f in _findings(capsys, "payment-intent-not-in-account.json")
                 if f["code"] == "PAYMENT_INTENT_NOT_FOUND"]
    assert len(not_found) == 1 and "mode is not the cause" in not_found[0]["message"]


def test_missing_txn_reference_is_the_subject(capsys: pytest.CaptureFixture[str]) -> None:
    (finding,) = _findings(capsys, "checkout-txn-not-found.json")
    assert finding["subject"] == EXPECTED["checkout-txn-not-found.json"]["subjects"]["balance_transaction"]
    assert (finding["amount"], finding["currency"]) == ("15.00", "USD")


def test_gift_card_summary_is_the_untraceable_one(capsys: pytest.CaptureFixture[str]) -> None:
    (finding,) = _findings(capsys, "card-and-gift-card.json")
    assert finding["subject"] == EXPECTED["card-and-gift-card.json"]["subjects"]["OrderPaymentSummary"][1]
    assert finding["amount"] is None


@pytest.mark.parametrize(("name", "amounts"), [
    ("auth-expiring-bhd.json", {"AUTH_EXPIRING": ("45.750", "BHD")}),
    ("refund-pending-jpy.json", {"REFUND_PENDING": ("3000", "JPY")}),
    ("amount-scale-mismatch-jpy.json", {"AMOUNT_SCALE_MISMATCH": ("970200", "JPY")}),
    ("remainder-released-second-capture.json", {"CAPTURABLE_REMAINDER_RELEASED": ("50.00", "USD")}),
    ("duplicate-refund-after-timeout.json", {"POSSIBLE_DUPLICATE_REFUND": ("25.00", "USD"),
                                             "REFUND_MISSING_IN_OMS": ("25.00", "USD")}),
    ("triple-dashboard-refund-15-char-ids.json", {"POSSIBLE_DUPLICATE_REFUND": ("20.00", "USD"),
                                                  "REFUND_MISSING_IN_OMS": ("30.00", "USD")}),
    ("two-payment-summaries-dashboard-refund.json", {"REFUND_MISSING_IN_OMS": ("35.00", "USD")}),
    ("capture-timeout-but-captured.json", {"CAPTURE_MISSING_IN_OMS": ("64.90", "EUR")}),
    ("refund-failed-card-closed.json", {"REFUND_FAILED": ("58.00", "USD"),
                                        "REFUND_MISSING_IN_STRIPE": ("58.00", "USD")}),
])
def test_amounts_in_major_units_at_the_currency_scale(capsys: pytest.CaptureFixture[str], name: str,
                                                      amounts: dict[str, tuple[str, str]]) -> None:
    got = {f["code"]: (f["amount"], f["currency"]) for f in _findings(capsys, name) if f["code"] in amounts}
    assert got == amounts


def test_scale_mismatch_on_both_pairs(capsys: pytest.CaptureFixture[str]) -> None:
    findings = _findings(capsys, "amount-scale-mismatch-krw-hundredth.json")
    assert Counter(f["code"] for f in findings) == Counter({"AMOUNT_SCALE_MISMATCH": 2})
    assert sorted(f["amount"] for f in findings) == ["44550", "4950"]


def test_second_order_in_the_file_stays_out_of_the_first_orders_trace(capsys: pytest.CaptureFixture[str]) -> None:
    entry = EXPECTED["two-orders-one-file.json"]
    healthy, broken = entry["subjects"]["order_number"]
    out = _run(capsys, ["trace", healthy, "--case", str(CASES / "two-orders-one-file.json"), "--format", "json"])
    assert out["order_numbers"] == [healthy] and out["findings"] == []
    assert out["payment_intents"] == [entry["subjects"]["payment_intent"][0]]
    out = _run(capsys, ["trace", broken, "--case", str(CASES / "two-orders-one-file.json"), "--format", "json"])
    assert out["order_numbers"] == [broken]
    assert out["payment_intents"] == [entry["subjects"]["payment_intent"][1]]
