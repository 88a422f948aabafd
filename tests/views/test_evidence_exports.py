"""Evidence exports of a trace, a diagnosis and a reconciliation: one self-contained HTML page (no external asset)
and tables (CSV, Excel, Parquet), each naming its data source; from the library and from ``--out`` on the command
line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from banner import without_banner
from demo_people import leaks

from toolkit import connect
from toolkit.cli.main import main
from toolkit.investigate.diagnose import Diagnosis
from toolkit.investigate.reconcile import Reconciliation
from toolkit.investigate.trace import Trace
from toolkit.views.exports import ABOUT_SHEET, PARQUET_METADATA_KEY

DEMO = "the demo sandbox (demo world, fake data)"
#: Anything an HTML page could fetch: a src or href that is not a data: URI or an in-page anchor, CSS imports/urls.
_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?!data:|#)|@import|url\(\s*["']?(?!data:)""", re.I)


@pytest.fixture(scope="module")
def results() -> dict[str, Trace | Diagnosis | Reconciliation]:
    session = connect()
    return {"trace": session.trace("00001017"), "diagnosis": session.diagnose(),
            "reconciliation": session.reconcile(progress=False)}


@pytest.mark.parametrize("kind", ["trace", "diagnosis", "reconciliation"])
def test_html_is_one_self_contained_page_naming_its_source(kind: str, results: dict, tmp_path: Path) -> None:
    page = results[kind].export(tmp_path / f"{kind}.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<html") == 1
    assert _EXTERNAL.search(page) is None and "<script" not in page and "<link" not in page
    header = page[page.index("<header>"):page.index("</header>")]
    assert f"Source: {DEMO}" in header and "As of: " in header
    assert "<details>" not in page  # every section open
    assert leaks(page) == []
    if kind == "diagnosis":
        assert page.count('src="data:image/png;base64,') == 2  # both charts embedded


@pytest.mark.parametrize("kind", ["trace", "diagnosis", "reconciliation"])
def test_tables_name_their_source(kind: str, results: dict, tmp_path: Path) -> None:
    result = results[kind]
    csv = pd.read_csv(result.export(tmp_path / f"{kind}.csv"), dtype=str, keep_default_na=False)
    assert list(csv.columns)[-1] == "source" and set(csv["source"]) <= {DEMO}
    sheets = pd.read_excel(result.export(tmp_path / f"{kind}.xlsx"), sheet_name=None)
    assert list(sheets)[-1] == ABOUT_SHEET
    about = dict(zip(sheets[ABOUT_SHEET]["item"], sheets[ABOUT_SHEET]["value"], strict=True))
    assert about["source"] == DEMO and about["exported by"] == "the OMS + Stripe investigation toolkit"
    path = result.export(tmp_path / f"{kind}.parquet")
    metadata = json.loads(pq.read_schema(path).metadata[PARQUET_METADATA_KEY.encode()])
    assert metadata["source"] == DEMO and "as of" in metadata
    assert "source" not in pd.read_parquet(path).columns  # Parquet keeps it in its metadata, the rows unchanged
    for file in tmp_path.iterdir():
        if file.suffix in (".csv", ".html"):
            assert leaks(file.read_text(encoding="utf-8")) == []


def test_a_case_file_names_itself(tmp_path: Path) -> None:
    from toolkit.sandbox import Sandbox
    from toolkit.sandbox.demo import load_demo_world

    box = Sandbox()
    load_demo_world(box)
    case = tmp_path / "escalation-4711.json"
    box.save_case(case)
    page = connect(case=case).trace("00001017").export(tmp_path / "t.html").read_text(encoding="utf-8")
    assert "Source: case file escalation-4711.json in the sandbox" in page


@pytest.mark.parametrize(("command", "suffix"), [(["trace", "00001017"], ".html"), (["diagnose"], ".xlsx"),
                                                 (["trace", "00001017"], ".csv"), (["reconcile"], ".html")])
def test_out_on_the_command_line(command: list[str], suffix: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"evidence{suffix}"
    assert main([*command, "--out", str(out), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert without_banner(captured.err) == ""
    result = json.loads(captured.out)
    assert result["out"] == str(out) and out.is_file() and list(result)[-2:] == ["source", "incomplete"]
    assert main([*command, "--out", str(out)]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"Wrote {out}.")


@pytest.mark.parametrize("out", ["evidence.pdf", "/nonexistent-folder/evidence.html"])
def test_a_bad_out_is_refused_before_anything_is_read(out: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "00001017", "--out", out]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ") and captured.err.count("\n") == 1
