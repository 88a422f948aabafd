"""The notebook magics, through IPython's own shell: ``%load_ext toolkit`` in a fresh shell, then ``%trace``,
``%%soql`` (placeholders, ``-o``), ``%diagnose``, ``%expiring`` and ``%connect`` on the sandbox; errors as one line."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pandas as pd
import pytest
from IPython.core.interactiveshell import ExecutionResult, InteractiveShell
from repo_paths import EXAMPLE_CASE

from toolkit.investigate.diagnose import Diagnosis
from toolkit.investigate.expiring import ExpiringAuthorizations
from toolkit.investigate.trace import Trace
from toolkit.notebook.magics import SOQL_MAX_REQUESTS, ToolkitMagics
from toolkit.session import Session

LOGS = """%%soql -o logs
SELECT Id, PaymentGatewayLogNumber, InteractionStatus, OrderPaymentSummary.OrderSummary.OrderNumber
FROM PaymentGatewayLog
WHERE OrderPaymentSummary.OrderSummary.OrderNumber = {order} AND InteractionType = 'Capture'
"""


def fresh_shell() -> InteractiveShell:
    """A new IPython shell with the extension loaded, as ``%load_ext toolkit`` in a fresh kernel."""
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance()
    assert shell.run_cell("%load_ext toolkit", store_history=False).success
    return shell


@pytest.fixture(scope="module")
def shell() -> Iterator[InteractiveShell]:
    yield fresh_shell()
    InteractiveShell.clear_instance()


def run(shell: InteractiveShell, source: str) -> ExecutionResult:
    result = shell.run_cell(source, store_history=False)
    assert result.error_before_exec is None and result.error_in_exec is None, result  # never a traceback
    return result


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def sandbox(shell: InteractiveShell) -> Session:
    session = shell.user_ns["session"]
    assert isinstance(session, Session) and session.sandbox is not None
    return session


def test_trace_opens_a_session_and_shows_the_rich_view(shell: InteractiveShell) -> None:
    assert "session" not in shell.user_ns
    trace = run(shell, "%trace 00001017").result
    assert isinstance(trace, Trace) and trace.order_numbers == ["00001017"] and not trace.incomplete
    session = sandbox(shell)  # the magic opened connect() and kept it as `session`
    assert session.data_source is not None and session.data_source.kind == "demo"
    formatted, _ = shell.display_formatter.format(trace)
    assert "<table" in formatted["text/html"] and "00001017" in formatted["text/html"]
    assert run(shell, "t = %trace 00001017\nt.order_numbers").result == ["00001017"]
    assert shell.user_ns["session"] is session  # reused, not reopened


def test_soql_fills_placeholders_and_keeps_the_frame(shell: InteractiveShell) -> None:
    run(shell, 'order = "00001017"')
    frame = run(shell, LOGS).result
    assert isinstance(frame, pd.DataFrame) and frame is shell.user_ns["logs"]
    assert list(frame.columns) == ["Id", "PaymentGatewayLogNumber", "InteractionStatus",
                                   "OrderPaymentSummary.OrderSummary.OrderNumber"]  # parent paths flattened
    assert set(frame["OrderPaymentSummary.OrderSummary.OrderNumber"]) == {"00001017"} and len(frame) >= 1
    magics = shell.magics_manager.registry["ToolkitMagics"]
    assert isinstance(magics, ToolkitMagics)
    assert "OrderNumber = '00001017' AND InteractionType = 'Capture'" in magics.last_statement


def test_soql_request_count_and_a_quote_in_a_variable(shell: InteractiveShell) -> None:
    run(shell, "%trace 00001017")  # a session exists
    session = sandbox(shell)
    session.sandbox.org.log.clear()
    run(shell, "order = \"00001017' OR InteractionType != '\"")
    frame = run(shell, LOGS).result
    assert frame.empty and shell.user_ns["logs"] is frame  # the quote stayed inside one string
    assert session.sandbox.org.log.count == 1  # one statement, one page
    statement = shell.magics_manager.registry["ToolkitMagics"].last_statement
    assert r"OrderNumber = '00001017\' OR InteractionType != \'' AND InteractionType = 'Capture'" in statement


def test_soql_show_sends_nothing(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    run(shell, "%trace 00001017")
    session = sandbox(shell)
    session.sandbox.org.log.clear()
    run(shell, "amount = __import__('decimal').Decimal('74.00')")
    capsys.readouterr()
    assert run(shell, "%%soql --show\nSELECT Id FROM Payment WHERE Amount >= {amount}").result is None
    assert capsys.readouterr().out == "SELECT Id FROM Payment WHERE Amount >= 74.0\n"
    assert session.sandbox.org.log.count == 0
    frame = run(shell, "%%soql\nSELECT Id, Amount FROM Payment WHERE Amount >= {amount} ORDER BY Amount").result
    assert len(frame) > 0 and all(isinstance(v, Decimal) and v >= Decimal("74") for v in frame["Amount"])


def test_diagnose_and_expiring(shell: InteractiveShell) -> None:
    diagnosis = run(shell, "%diagnose").result
    assert isinstance(diagnosis, Diagnosis) and len(diagnosis.rows) == 14 and not diagnosis.incomplete
    narrow = run(shell, "%diagnose --since 2026-11-18T00:00:00Z --until 2026-11-20T15:00:00Z").result
    assert 0 < len(narrow.rows) < 14 and narrow.since.isoformat() == "2026-11-18T00:00:00+00:00"
    expiring = run(shell, "%expiring").result
    assert isinstance(expiring, ExpiringAuthorizations) and expiring.within_hours == 48 and len(expiring.rows) == 1
    assert run(shell, "%expiring --within 150.5").result.within_hours == 150.5
    formatted, _ = shell.display_formatter.format(diagnosis)
    assert "text/html" in formatted


@pytest.mark.parametrize(("cell", "words"), [
    ("%trace nonsense", "No order nonsense"),
    ("%trace", "%trace needs a subject"),
    ("%diagnose --since yesterday", "--since 'yesterday' is not an ISO 8601 date-time"),
    ("%diagnose --since 2026-11-20 --until 2026-11-01", "--since 2026-11-20T00:00:00Z is after --until"),
    ("%diagnose --bogus", "%diagnose: unrecognized arguments: --bogus"),
    ("%expiring --within abc", "--within 'abc' is not a number of hours"),
    ("%expiring --within 721", "at most 720"),
    ("%connect --case ''", "--case needs the path of a case file"),
    ("%connect --case nope.json", "nope.json"),
    ("%%soql\nSELECT Id FROM OrderSummary WHERE OrderNumber = {missing_variable}", "no variable missing_variable"),
    ("%%soql\nSELECT Idd FROM PaymentGatewayLog", "Salesforce refused your SOQL (INVALID_FIELD"),
    ("%%soql -o 1x\nSELECT Id FROM PaymentGatewayLog", "-o '1x' is not a Python variable name"),
    ("%%soql --max-requests 0\nSELECT Id FROM PaymentGatewayLog", "--max-requests '0'"),
    ("%%soql\n   ", "There is no SOQL to run"),
    ("%trace 'unbalanced", "%trace: No closing quotation"),
])
def test_errors_are_one_sentence(shell: InteractiveShell, capsys: pytest.CaptureFixture[str], cell: str,
                                 words: str) -> None:
    capsys.readouterr()
    assert run(shell, cell).result is None
    assert words in one_error_line(capsys)


def test_soql_budget(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    run(shell, "%trace 00001017")
    session = sandbox(shell)
    session.sandbox.org.log.clear()
    capsys.readouterr()
    rows = run(shell, "%%soql --max-requests 1\nSELECT Id FROM PaymentGatewayLog").result
    assert len(rows) > 0 and session.sandbox.org.log.count == 1
    assert SOQL_MAX_REQUESTS == 50


def test_connect_replaces_the_session_and_refuses_a_foreign_variable(capsys: pytest.CaptureFixture[str]) -> None:
    shell = fresh_shell()
    try:
        session = run(shell, f"%connect --case {EXAMPLE_CASE}").result
        assert isinstance(session, Session) and shell.user_ns["session"] is session
        assert session.data_source is not None and session.data_source.kind == "case"
        assert run(shell, "%trace 00001042").result.order_numbers == ["00001042"]
        assert shell.user_ns["session"] is session  # the magics use the session %connect made
        shell.user_ns["session"] = "a requests session, say"
        capsys.readouterr()
        assert run(shell, "%trace 00001042").result is None
        assert "The notebook's variable session holds a str" in one_error_line(capsys)
        assert run(shell, "%connect").result is None and shell.user_ns["session"] == "a requests session, say"
        one_error_line(capsys)
    finally:
        InteractiveShell.clear_instance()


def test_a_session_of_the_notebook_is_used() -> None:
    shell = fresh_shell()
    try:
        run(shell, f"from toolkit import connect\nsession = connect(case={str(EXAMPLE_CASE)!r})")
        mine = shell.user_ns["session"]
        expiring = run(shell, "%expiring").result
        assert expiring.rows[0].order_number == "00001042" and shell.user_ns["session"] is mine
    finally:
        InteractiveShell.clear_instance()
