"""No personal data of the demo world and no key-shaped string in anything the toolkit shows or writes: every stored
notebook output (``notebooks/*.ipynb``), every command's output over the demo world (standard output and standard
error, text and JSON), every export (HTML, CSV, Excel, Parquet) and a captured case file.

The demo world holds varied personal data on purpose (``toolkit.sandbox.people``: names, emails, phones, billing
and shipping addresses on the order records and in Stripe's ``billing_details``); :mod:`demo_people` collects it
from the stored world, so the scan is not trivially clean."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from demo_people import demo_order_numbers, demo_personal_values, leaks
from repo_paths import REPO

from toolkit import connect
from toolkit.cli.main import main
from toolkit.sandbox.demo import demo_world_case

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_the_demo_world_holds_personal_data_to_find() -> None:
    values = demo_personal_values()
    assert len(values) >= 100
    raw = json.dumps(demo_world_case(), ensure_ascii=False)
    assert len(leaks(raw)) == len(values)  # the scanner finds every one of them in the unmasked world
    assert leaks("key sk_live_" + "a1B2" * 6 + " and session 00DSB0000000001!AQ8AQ" + "x" * 30)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_stored_notebook_outputs(notebook: Path) -> None:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    outputs = json.dumps([cell.get("outputs", []) for cell in cells], ensure_ascii=False)
    assert leaks(outputs) == [], notebook.name


def _run(argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(argv)
    return out.getvalue() + err.getvalue()


def test_every_command_output_over_the_demo_world(tmp_path: Path) -> None:
    orders = demo_order_numbers()
    commands = [["diagnose"], ["expiring"], ["reconcile"], *(["trace", order] for order in orders),
                ["refund", orders[4], "--reason", "requested_by_customer", "--case-ref", "CASE-1", "--dry-run"],
                ["recapture", orders[4], "--case-ref", "CASE-1", "--dry-run"],
                ["capture", orders[0], "--out", str(tmp_path / "case.json")]]
    for argv in commands:
        for output in ("text", "json"):
            text = _run([*argv, "--format", output])
            assert text.strip() and leaks(text) == [], (argv, output)
    assert leaks((tmp_path / "case.json").read_text(encoding="utf-8")) == []


def _file_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        return "\n".join(frame.to_csv(index=False) for frame in sheets.values())
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_csv(index=False) + str(pq.read_schema(path).metadata)
    return path.read_text(encoding="utf-8")


def test_every_export_format_of_every_result(tmp_path: Path) -> None:
    session = connect()
    results = {"diagnosis": session.diagnose(), "reconciliation": session.reconcile(progress=False),
               **{f"trace-{order}": session.trace(order) for order in demo_order_numbers()}}
    for name, result in results.items():
        suffixes = (".html", ".csv", ".xlsx", ".parquet") if not name.startswith("trace-") or name.endswith(
            "01") else (".html", ".csv")
        for suffix in suffixes:
            path = result.export(tmp_path / f"{name}{suffix}")
            assert leaks(_file_text(path)) == [], path.name
