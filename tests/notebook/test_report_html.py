"""The report page: widgets as their static view, nothing loaded from elsewhere, the header."""

from __future__ import annotations

import nbformat
import pytest

from toolkit.notebook.report_html import external_references, page, static_widget, without_widgets

STATE = {
    "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_row", "IPY_MODEL_table", "IPY_MODEL_go"]}},
    "row": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_cause", "IPY_MODEL_typed"]}},
    "cause": {"model_name": "DropdownModel", "state": {"description": "Cause", "_options_labels": ["All", "AUTH"],
                                                       "index": 1}},
    "typed": {"model_name": "TextModel", "state": {"description": "Order no.", "value": ""}},
    "table": {"model_name": "HTMLModel", "state": {"value": "<table><tr><td>PGL-1</td></tr></table>"}},
    "go": {"model_name": "ButtonModel", "state": {"description": "Confirm"}},
}


def test_a_widget_tree_becomes_its_stored_html() -> None:
    html = static_widget("box", STATE)
    assert html.startswith('<div class="w-box w-column"><div class="w-box w-row">')
    assert "<b>Cause</b> AUTH" in html and "<table><tr><td>PGL-1</td></tr></table>" in html
    assert "Confirm" not in html and "Order no." not in html  # no buttons, no empty inputs
    assert static_widget("missing", STATE) == ""


def test_widget_outputs_are_replaced_and_the_state_dropped() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": STATE}}
    cell = nbformat.v4.new_code_cell("triage")
    cell.outputs = [nbformat.v4.new_output("execute_result", {
        "application/vnd.jupyter.widget-view+json": {"model_id": "box", "version_major": 2, "version_minor": 0},
        "text/plain": "Triage of 1 failed capture(s)"}, execution_count=1),
        nbformat.v4.new_output("display_data", {
            "application/vnd.jupyter.widget-view+json": {"model_id": "gone", "version_major": 2, "version_minor": 0},
            "text/plain": "a widget whose state was not kept"})]
    notebook.cells = [cell]
    static = without_widgets(notebook)
    first, second = static.cells[0].outputs
    assert set(first.data) == {"text/html", "text/plain"} and "PGL-1" in first.data["text/html"]
    assert "<pre>a widget whose state was not kept</pre>" in second.data["text/html"]
    assert "widgets" not in static.metadata and "widgets" in notebook.metadata  # the original is untouched


@pytest.mark.parametrize("snippet", [
    '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>',
    '<script type="module">import m from "https://cdn.example/m.mjs"</script>',
    '<link rel="stylesheet" href="https://fonts.example/css">',
    "<style>@import url('https://fonts.example/css');</style>",
    '<img src="https://tracker.example/p.png">',
    '<img src="//tracker.example/p.png">',
    '<div style="background: url(https://img.example/a.png)"></div>',
    '<iframe src="report2.html"></iframe>',
])
def test_anything_loaded_from_elsewhere_is_found(snippet: str) -> None:
    assert external_references(f"<body>{snippet}</body>")


def test_embedded_images_and_links_are_not_loads() -> None:
    assert external_references('<img src="data:image/png;base64,iVBORw0KGgo="><a href="https://stripe.com">x</a>'
                               '<div data-order="1">') == []


def test_the_page_removes_scripts_and_refuses_what_it_cannot_remove() -> None:
    html = page('<p>body</p><script type="text/javascript">var element = $("#x");</script>', title="T & co",
                facts=[("Data", "the demo sandbox")], incomplete=["Stripe: the deadline of pi_1 could not be read."])
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and external_references(html) == []
    assert "<title>T &amp; co</title>" in html and "<dt>Data</dt><dd>the demo sandbox</dd>" in html
    assert html.index("INCOMPLETE: 1 read(s) failed") < html.index("<main>")
    with pytest.raises(ValueError, match="load 1 thing"):
        page('<img src="https://tracker.example/p.png">', title="T", facts=[], incomplete=[])
