"""The trace's rare fallbacks, on QA's hand-written case files (``tests/data/cases/handwritten/``):

- ``metadata.order_id`` that is not Order Management's order number: the reference OMS holds finds the order;
- a Refund without OrderPaymentSummaryId: its RefundLinePayment's Payment finds the order, and the chain holds it;
- a PaymentGatewayLog without OrderPaymentSummaryId: its ReferencedEntityId finds the order (trace and diagnose);
- the timeline calls the release of an uncaptured authorization a release, not a refund;
- ``python -m toolkit trace ... | head`` ends quietly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
from banner import without_banner
from repo_paths import CASES as ALL_CASES
from repo_paths import REPO

from toolkit.cli import main
from toolkit.core.clock import parse_instant
from toolkit.investigate.diagnose import diagnose
from toolkit.salesforce.record_chain import chain_for
from toolkit.session import Session, connect

CASES = ALL_CASES / "handwritten"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CASES / "expected.json").read_text(encoding="utf-8"))
METADATA = "metadata-order-id-differs.json"
RLP_ONLY = "refund-linked-through-payment-only.json"
RETRY_LOG = "capture-retry-log-without-summary.json"


def _session(name: str) -> Session:
    session = connect(case=str(CASES / name))
    session.schema.prefixes()  # describe once, before counting
    session.sandbox.clear_logs()
    return session


def _counts(session: Session) -> tuple[int, int]:
    return session.sandbox.org.log.count, session.sandbox.stripe.log.count


# --- metadata.order_id is a hint, the reference is the bridge -----------------------------------------


@pytest.mark.parametrize("kind", ["payment_intent", "charge", "refund"])
def test_metadata_order_number_unknown_to_oms_falls_back_to_the_reference(kind: str) -> None:
    entry = EXPECTED[METADATA]
    session = _session(METADATA)
    result = session.trace(entry["subjects"][kind])
    assert result.order_numbers == [entry["subjects"]["order_number"]]
    assert [f.code.value for f in result.findings] == ["REFUND_MISSING_IN_OMS"]
    assert not any("order number comes from Stripe's metadata" in note for note in result.notes)
    # the metadata's order was looked for first (and not found), then the summaries holding the txn_
    assert any("'RA-70911'" in soql for soql in result.chain.soql)
    assert any("GatewayRefNumber IN ('txn_3zIehLiw9EjzqAZFqRpQjGZw')" in soql for soql in result.chain.soql)
    sf_count, stripe_count = _counts(session)
    assert sf_count == 5 and stripe_count <= 4  # the fallback's one extra round: 2 statements


def test_metadata_matching_oms_needs_no_fallback() -> None:
    entry = EXPECTED[RLP_ONLY]  # metadata.order_id is the OMS order number there
    session = _session(RLP_ONLY)
    result = session.trace(entry["subjects"]["charge"])
    assert result.order_numbers == [entry["subjects"]["order_number"]]
    assert _counts(session)[0] <= 3


# --- a Refund linked only through its RefundLinePayment -----------------------------------------------


def test_chain_holds_a_refund_linked_only_through_its_refund_line_payment() -> None:
    entry = EXPECTED[RLP_ONLY]
    session = _session(RLP_ONLY)
    chain = chain_for(session.sf, order_numbers=[entry["subjects"]["order_number"]], schema=session.schema)
    assert session.sandbox.org.log.count == 3  # no extra request: the Refund comes through the lines' parent path
    (refund,) = chain.refunds
    assert refund["Id"] == entry["subjects"]["Refund"] and refund["OrderPaymentSummaryId"] is None
    assert refund["Amount"] == 16.0 and "Refund" not in chain.refund_line_payments[0]
    assert chain.refund_line_payments[0]["RefundId"] == refund["Id"]


def test_refund_subject_without_summary_is_traced_through_its_payment() -> None:
    entry = EXPECTED[RLP_ONLY]
    session = _session(RLP_ONLY)
    result = session.trace(entry["subjects"]["Refund"])
    assert result.order_numbers == [entry["subjects"]["order_number"]] and result.findings == []
    (evidence,) = result.evidence
    assert [r["Id"] for r in evidence.refunds] == [entry["subjects"]["Refund"]]
    assert [r["RefundId"] for r in evidence.refund_line_payments] == [entry["subjects"]["Refund"]]
    assert any(row.id == entry["subjects"]["Refund"] for row in result.timeline)
    assert _counts(session)[0] == 4  # locate (nothing), the lines with their order, the chain (2)


def test_refund_without_any_link_is_still_not_found(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    case = json.loads((CASES / RLP_ONLY).read_text(encoding="utf-8"))
    case["salesforce"]["records"].pop("RefundLinePayment")
    path = tmp_path / "unlinked-refund.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert main(["trace", EXPECTED[RLP_ONLY]["subjects"]["Refund"], "--case", str(path)]) == 2
    err = without_banner(capsys.readouterr().err)
    assert err.startswith("error: No Refund ") and err.count("\n") == 1


# --- a gateway log linked only through ReferencedEntityId ---------------------------------------------


def test_log_subject_without_summary_is_traced_through_its_referenced_entity() -> None:
    entry = EXPECTED[RETRY_LOG]
    session = _session(RETRY_LOG)
    first, retry = entry["subjects"]["PaymentGatewayLog"]
    result = session.trace(retry)
    assert result.order_numbers == [entry["subjects"]["order_number"]]
    assert sorted(f.code.value for f in result.findings) == ["AUTH_EXPIRED_UNCAPTURED", "GATEWAY_FAILURES"]
    (evidence,) = result.evidence
    assert [log["Id"] for log in evidence.gateway_logs] == [first, retry]  # the retry joins its summary
    failures = next(f for f in result.findings if f.code.value == "GATEWAY_FAILURES")
    assert failures.message.startswith("2 payment gateway log")
    assert _counts(session)[0] == 5  # locate (nothing), the log, locate by its PaymentAuthorization, the chain (2)


def test_diagnose_ties_a_row_without_summary_to_its_authorization() -> None:
    entry = EXPECTED[RETRY_LOG]
    session = _session(RETRY_LOG)
    result = diagnose(session, since=parse_instant(entry["since"]))
    assert [row.log_id for row in result.rows] == entry["subjects"]["PaymentGatewayLog"]
    for row in result.rows:
        assert row.cause.value == "AUTH_EXPIRED" and row.order_number == entry["subjects"]["order_number"]
        assert row.payment_intent == entry["subjects"]["payment_intent"]
        assert row.to_json()["amount_at_risk"] == "119.00"


def test_diagnose_batches_the_rows_without_summary_and_reports_the_untraceable_one(tmp_path: Path) -> None:
    entry = EXPECTED[RETRY_LOG]
    case = json.loads((CASES / RETRY_LOG).read_text(encoding="utf-8"))
    logs = case["salesforce"]["records"]["PaymentGatewayLog"]
    retry = logs[1]
    more = dict(retry, Id="0Xt2Mr000004146SAA", PaymentGatewayLogNumber="PGL-000414142",
                CreatedDate="2026-10-31T09:00:00.000+0000")
    orphan = dict(retry, Id="0Xt2Mr000004147SAA", PaymentGatewayLogNumber="PGL-000414143", ReferencedEntityId=None,
                  CreatedDate="2026-10-31T10:00:00.000+0000")
    logs.extend([more, orphan])
    path = tmp_path / "more-retries.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    session = connect(case=str(path))
    session.schema.prefixes()
    session.sandbox.clear_logs()
    result = diagnose(session, since=parse_instant(entry["since"]))
    queries = [unquote_plus(e.query) for e in session.sandbox.org.log.entries]
    causes = {row.log_id: row.cause.value for row in result.rows}
    assert causes == {logs[0]["Id"]: "AUTH_EXPIRED", retry["Id"]: "AUTH_EXPIRED", more["Id"]: "AUTH_EXPIRED",
                      orphan["Id"]: "PAYMENT_INTENT_NOT_FOUND"}
    lone = next(row for row in result.rows if row.log_id == orphan["Id"])
    assert lone.order_number is None and lone.payment_intent is None
    # the summaries with their failed captures, the rows without a summary and the count per day together; then
    # both unlinked rows' authorization in one batched query (its summary with its references)
    assert sum("FROM PaymentAuthorization WHERE Id IN" in q for q in queries) == 1
    assert len(queries) == 4


# --- the timeline's words for a release --------------------------------------------------------------


def test_release_of_an_expired_authorization_is_not_called_a_refund() -> None:
    result = _session(RETRY_LOG).trace(EXPECTED[RETRY_LOG]["subjects"]["order_number"])
    refund_id = EXPECTED[RETRY_LOG]["subjects"]["refund"]
    (row,) = [row for row in result.timeline if row.id == refund_id]
    assert row.what.startswith("Authorization released (expired)") and "no money was refunded" in row.what
    assert not any(r.what.startswith("Refund created") for r in result.timeline if r.system == "Stripe")


def test_a_real_refund_stays_a_refund() -> None:
    result = _session(RLP_ONLY).trace(EXPECTED[RLP_ONLY]["subjects"]["order_number"])
    (row,) = [row for row in result.timeline if row.id == EXPECTED[RLP_ONLY]["subjects"]["refund"]]
    assert row.what.startswith("Refund created")


# --- the command line behind a pipe ---------------------------------------------------------------------


def test_closed_pipe_ends_quietly() -> None:
    subject = EXPECTED[METADATA]["subjects"]["order_number"]
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "trace", subject, "--case", str(CASES / METADATA),
                             "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the trace prints
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipeError" not in err and without_banner(err) == ""

