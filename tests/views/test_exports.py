"""Exports of a reconciliation: CSV, Excel and Parquet, one row per payment summary with its order and codes."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from toolkit.errors import InputError
from toolkit.investigate.reconcile import Reconciliation
from toolkit.session import connect
from toolkit.views.exports import export_frames


@pytest.fixture(scope="module")
def result() -> Reconciliation:
    return connect(use_dotenv=False, env={}).reconcile(progress=False)


def test_csv(result: Reconciliation, tmp_path) -> None:
    path = result.export(tmp_path / "window.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(frame) == 49 and {"order_number", "ops_id", "codes"} <= set(frame.columns)
    row = frame.set_index("order_number").loc["00001036"]
    assert (row["codes"], row["oms_refunded"], row["stripe_refunded"]) == ("REFUND_MISSING_IN_STRIPE", "30.00", "0.00")
    assert frame.set_index("order_number").loc["00001047", "oms_captured"] == "129"  # JPY: no decimals


def test_parquet_keeps_exact_decimals(result: Reconciliation, tmp_path) -> None:
    frame = pd.read_parquet(result.export(tmp_path / "window.parquet"))
    assert len(frame) == 49
    row = frame.set_index("order_number").loc["00001036"]
    assert Decimal(row["oms_refunded"]) == Decimal("30.00") and row["codes"] == "REFUND_MISSING_IN_STRIPE"
    assert str(frame["order_created"].dtype).startswith("datetime64") and frame["findings"].dtype == "int64"


def test_excel_has_three_sheets_and_about(result: Reconciliation, tmp_path) -> None:
    sheets = pd.read_excel(result.export(tmp_path / "window.xlsx"), sheet_name=None)
    assert list(sheets) == ["Payment summaries", "Findings", "Summary", "About"]
    assert len(sheets["Payment summaries"]) == 49 and len(sheets["Findings"]) == len(result.findings_frame())
    summary = sheets["Summary"]
    assert not summary.duplicated(["code", "currency"]).any()


def test_bad_targets_are_one_sentence(tmp_path) -> None:
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(InputError, match=r"\.csv, \.xlsx or \.parquet"):
        export_frames({"x": frame}, tmp_path / "out.txt")
    with pytest.raises(InputError, match="does not exist"):
        export_frames({"x": frame}, tmp_path / "missing" / "out.csv")
