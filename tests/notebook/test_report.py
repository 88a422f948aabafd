"""The report's runner: the packaged notebook is notebook 02, the cells it leaves out exist, and what a notebook run
reports (a failed read, a toolkit error, a bug) becomes the command's result or error. The full report of notebook 02
on the demo sandbox is tested through the command line (``tests/cli/test_report_cli.py``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from repo_paths import REPO

from toolkit.cli.exit_codes import ExitCode
from toolkit.cli.main import exit_code_of
from toolkit.errors import ServiceUnavailableError
from toolkit.notebook.report import (
    DEMONSTRATION_CELLS,
    NOTEBOOK,
    Report,
    ReportError,
    packaged_notebook,
    run_report,
)
from toolkit.notebook.report_html import external_references

UNTIL = datetime(2026, 11, 20, 15, tzinfo=UTC)
WINDOW = {"since": UNTIL - timedelta(days=30), "until": UNTIL, "within": timedelta(hours=48)}
FAST = "RetryPolicy(base_delay=0)"
FAULTS = {
    "none": "",
    "salesforce": 'session.sandbox.org.faults.fail_requests(1, "unavailable", count=10_000)',
    "stripe": 'session.sandbox.stripe.faults.fail("/v1/payment_intents*", "unavailable", count=10_000)',
    "bug": "undefined_name",
}


def test_the_packaged_notebook_is_notebook_02() -> None:
    """The package ships notebook 02 (a link in the checkout, a copy in a wheel): byte for byte the same."""
    assert packaged_notebook().read_bytes() == (REPO / "notebooks" / NOTEBOOK).read_bytes()


def test_the_parameters_and_the_cells_left_out_are_notebook_02s() -> None:
    notebook = json.loads((REPO / "notebooks" / NOTEBOOK).read_text(encoding="utf-8"))
    parameters = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(parameters) == 1
    assert all(f"{name} = " in "".join(parameters[0]["source"]) for name in ("SINCE", "UNTIL", "WITHIN_HOURS", "CASE"))
    ids = {cell.get("id") for cell in notebook["cells"]}
    assert set(DEMONSTRATION_CELLS) <= ids, "a cell the report leaves out is no longer in notebook 02: update the list"
    sources = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert all(f"{name} =" in sources for name in ("session", "diagnosis", "expiring"))  # what the status reads


def triage_notebook(folder: Path, fault: str) -> Path:
    """A small notebook with notebook 02's parameters and variables, whose sandbox fails as ``fault`` says."""
    path = folder / f"triage-{fault}.ipynb"
    cells = [
        nbformat.v4.new_code_cell("SINCE = None\nUNTIL = None\nWITHIN_HOURS = 48\nCASE = None",
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from datetime import timedelta\nfrom toolkit import RetryPolicy, connect\n"
                                  f"session = connect(case=CASE, retry={FAST}) if CASE else connect(retry={FAST})"),
        nbformat.v4.new_code_cell(FAULTS[fault]),
        nbformat.v4.new_code_cell("diagnosis = session.diagnose(SINCE, UNTIL)\n"
                                  "expiring = session.expiring_authorizations(timedelta(hours=WITHIN_HOURS))\n"
                                  "diagnosis"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, path)
    return path


def test_a_failed_read_makes_the_report_incomplete(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    report = run_report(out, notebook=triage_notebook(tmp_path, "stripe"), **WINDOW)
    assert report.incomplete and {item.system for item in report.incomplete} == {"Stripe"}
    assert exit_code_of(report) == ExitCode.UNAVAILABLE
    data = report.to_json()
    assert data["incomplete"] and list(data)[-2:] == ["source", "incomplete"]
    assert data["notebook"] == "triage-stripe.ipynb" and data["out"] == str(out)
    html = out.read_text(encoding="utf-8")
    assert html.index("INCOMPLETE:") < html.index("<main>") and external_references(html) == []
    assert "INCOMPLETE: Stripe:" in report.to_text()


def test_a_toolkit_error_in_a_cell_is_the_commands_error(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with pytest.raises(ServiceUnavailableError, match="the report's notebook stopped; nothing was written") as raised:
        run_report(out, notebook=triage_notebook(tmp_path, "salesforce"), **WINDOW)
    assert raised.value.message.startswith("Salesforce") and "\n" not in raised.value.message
    assert not out.exists()


def test_any_other_failure_is_a_bug(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="NameError: name 'undefined_name' is not defined"):
        run_report(tmp_path / "report.html", notebook=triage_notebook(tmp_path, "bug"), **WINDOW)


def test_a_case_file_and_a_horizon_reach_the_notebook(tmp_path: Path) -> None:
    case = REPO / "tests" / "data" / "cases" / "expired-authorization.json"
    report = run_report(tmp_path / "r.html", notebook=triage_notebook(tmp_path, "none"), case=case,
                        since=UNTIL - timedelta(days=3), until=UNTIL, within=timedelta(hours=1.5))
    status = report.to_json()
    assert status["source"]["kind"] == "case" and status["source"]["name"] == case.name
    assert (status["since"], status["until"], status["within_hours"]) == ("2026-11-17T15:00:00Z",
                                                                         "2026-11-20T15:00:00Z", 1.5)
    assert exit_code_of(report) == ExitCode.OK


def test_refused_credentials_are_exit_4() -> None:
    report = Report.of(Path("r.html"), {"incomplete": [
        {"system": "Stripe", "what": "the PaymentIntents", "error": "Stripe refused the key.", "request_id": "req_1",
         "kind": "access_denied"}]})
    assert exit_code_of(report) == ExitCode.ACCESS_DENIED
    assert report.to_json()["incomplete"] == [{"system": "Stripe", "what": "the PaymentIntents",
                                               "error": "Stripe refused the key.", "request_id": "req_1"}]
