"""A trace's results as typed DataFrames, in the trace's own order."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from repo_paths import EXAMPLE_CASE

from toolkit.session import connect
from toolkit.views.tables import FINDING_COLUMNS, RECONCILIATION_COLUMNS, TIMELINE_COLUMNS


def test_trace_frames_hold_the_same_rows_as_its_json() -> None:
    trace = connect(case=EXAMPLE_CASE).trace("00001042")
    data = trace.to_json()
    timeline = trace.timeline_frame()
    assert list(timeline.columns) == TIMELINE_COLUMNS and len(timeline) == len(data["timeline"])
    assert isinstance(timeline["time"].dtype, pd.DatetimeTZDtype) and str(timeline["time"].dt.tz) == "UTC"
    assert list(timeline["id"]) == [row["id"] for row in data["timeline"]]
    amounts = [a for a in timeline["amount"] if a is not None]
    assert amounts and all(isinstance(a, Decimal) for a in amounts)
    reconciliation = trace.reconciliation_frame()
    assert list(reconciliation.columns) == RECONCILIATION_COLUMNS
    assert [str(v) if v is not None else None for v in reconciliation["oms"]] == [
        row["oms"] for row in data["reconciliation"]]
    findings = trace.findings_frame()
    assert list(findings.columns) == FINDING_COLUMNS and list(findings["code"]) == [
        f["code"] for f in data["findings"]]


def test_findings_text_is_the_text_views_section() -> None:
    trace = connect(case=EXAMPLE_CASE).trace("00001042")
    assert trace.findings_text() in trace.to_text()
    assert trace.findings_text().startswith("Findings (")
