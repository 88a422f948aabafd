"""An executed notebook as one self-contained HTML page: the triage report's file.

- **No code**: nbconvert's ``basic`` template with the inputs and prompts left out; the outputs (tables, the
  toolkit's HTML views, matplotlib charts as embedded PNG ``data:`` images, printed text) are kept.
- **Widgets as their static view**: a widget output becomes the HTML of its stored state (the notebook's
  ``metadata.widgets``, as nbclient records it): boxes lay out their children, HTML widgets give their stored HTML,
  controls their description and value; buttons are left out (nothing can be clicked in a file). The widget state
  itself is dropped.
- **Nothing loaded from elsewhere**: the page is this module's own shell and stylesheet around the converted cells;
  every ``<script>`` left in them is removed, and :func:`external_references` must find nothing (no ``<script>``, no
  ``<link>``, no ``@import``, no ``src`` or CSS ``url()`` outside the file), else the page is refused.
- **A header**: the data source, the session clock's moment of the run, the window and horizon, the counts, and what
  could not be read (first, when anything could not).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from html import escape
from typing import Any

__all__ = ["external_references", "page", "static_widget", "without_widgets"]

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_EXTERNAL = (
    re.compile(r"<script\b[^>]*>", re.IGNORECASE),
    re.compile(r"<link\b[^>]*>", re.IGNORECASE),
    re.compile(r"@import\b[^;]*", re.IGNORECASE),
    re.compile(r"""\b(?:src|srcset|data|poster)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", re.IGNORECASE),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//[^)]*\)""", re.IGNORECASE),
    re.compile(r"<(?:iframe|embed|object)\b[^>]*>", re.IGNORECASE),
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_BOXES = {"VBoxModel": "column", "HBoxModel": "row", "BoxModel": "row", "GridBoxModel": "row",
          "AccordionModel": "column", "TabModel": "column", "StackModel": "column"}
_SKIPPED = {"ButtonModel", "ToggleButtonModel", "FileUploadModel", "PlayModel"}

STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; font-size: 14px; color: #1f2328;
       margin: 0 auto; max-width: 1180px; padding: 16px 24px 48px; line-height: 1.45; }
header.report { border-bottom: 2px solid #d0d7de; margin-bottom: 16px; padding-bottom: 8px; }
header.report h1 { font-size: 22px; margin: 0 0 6px; }
header.report dl { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 0; }
header.report dt { color: #57606a; } header.report dd { margin: 0; }
.incomplete { background: #fff4e5; border: 1px solid #f0b429; padding: 8px 12px; margin: 10px 0; }
table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 7px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; } tbody tr:nth-child(even) { background: #fafbfc; }
pre { background: #f6f8fa; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; font-size: 12.5px; }
code { background: #f6f8fa; padding: 0 3px; } pre code { padding: 0; }
img { max-width: 100%; height: auto; }
.output_area, .output_subarea { margin: 4px 0; } .prompt, .anchor-link { display: none; }
.w-box { display: flex; gap: 10px; margin: 6px 0; } .w-row { flex-direction: row; flex-wrap: wrap; }
.w-column { flex-direction: column; } .w-control { color: #57606a; } .w-control b { color: #1f2328; }
.widget-static { border-left: 3px solid #d0d7de; padding-left: 10px; margin: 8px 0; }
details summary { cursor: pointer; }
"""


def _model_id(reference: Any) -> str:
    return str(reference).removeprefix("IPY_MODEL_")


def _selected(state: Mapping[str, Any]) -> str:
    labels = list(state.get("_options_labels") or [])
    index = state.get("index")
    if isinstance(index, int) and 0 <= index < len(labels):
        return str(labels[index])
    if isinstance(index, list):
        return ", ".join(str(labels[i]) for i in index if isinstance(i, int) and 0 <= i < len(labels))
    return ""


def _control(description: Any, value: str) -> str:
    name = f"<b>{escape(str(description))}</b> " if description else ""
    return f'<div class="w-control">{name}{escape(value)}</div>'


def _output_html(output: Mapping[str, Any]) -> str:
    data = output.get("data") or {}
    if "text/html" in data:
        return _text(data["text/html"])
    if "image/png" in data:
        return f'<img src="data:image/png;base64,{_text(data["image/png"]).strip()}" alt="chart">'
    if output.get("output_type") == "stream":
        return f"<pre>{escape(_text(output.get('text', '')))}</pre>"
    if "text/plain" in data:
        return f"<pre>{escape(_text(data['text/plain']))}</pre>"
    return ""


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def static_widget(model_id: str, state: Mapping[str, Any], depth: int = 0) -> str:
    """The static HTML of widget ``model_id`` from the notebook's stored widget ``state`` (see the module
    docstring); empty for a widget with nothing to show."""
    model = state.get(model_id)
    if not isinstance(model, Mapping) or depth > 32:
        return ""
    name, values = model.get("model_name", ""), model.get("state") or {}
    if name in _SKIPPED:
        return ""
    if name in _BOXES:
        titles = values.get("_titles") or values.get("titles") or []
        parts = []
        for position, child in enumerate(values.get("children") or []):
            inner = static_widget(_model_id(child), state, depth + 1)
            title = titles.get(str(position)) if isinstance(titles, dict) else (
                titles[position] if position < len(titles) else None)
            if inner:
                parts.append(f"<div><b>{escape(str(title))}</b>{inner}</div>" if title else inner)
        return f'<div class="w-box w-{_BOXES[name]}">{"".join(parts)}</div>' if parts else ""
    if name in ("HTMLModel", "HTMLMathModel"):
        return f'<div class="w-html">{values.get("value") or ""}</div>'
    if name == "LabelModel":
        return f'<div class="w-label">{escape(str(values.get("value") or ""))}</div>'
    if name == "OutputModel":
        return "".join(_output_html(output) for output in values.get("outputs") or [])
    if "_options_labels" in values:
        return _control(values.get("description"), _selected(values))
    value = values.get("value")
    if isinstance(value, str | int | float | bool) and value != "":
        return _control(values.get("description"), str(value))
    return ""


def without_widgets(notebook: Any) -> Any:
    """A copy of ``notebook`` whose widget outputs are their static HTML (with their text kept), without the stored
    widget state."""
    result = copy.deepcopy(notebook)
    widgets = (result.get("metadata") or {}).pop("widgets", None) or {}
    state = (widgets.get(WIDGET_STATE) or {}).get("state") or {}
    for cell in result.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            view = data.get(WIDGET_VIEW)
            if view is None:
                continue
            html = static_widget(str(view.get("model_id", "")), state)
            text = _text(data.get("text/plain", ""))
            if not html:
                html = f"<pre>{escape(text)}</pre>"
            output["data"] = {"text/html": f'<div class="widget-static">{html}</div>', "text/plain": text}
    return result


def external_references(html: str) -> list[str]:
    """Everything in ``html`` a browser would load from elsewhere (or run): empty for a self-contained page."""
    found: list[str] = []
    for pattern in _EXTERNAL:
        found.extend(match.group(0)[:120] for match in pattern.finditer(html))
    return found


def page(body: str, *, title: str, facts: list[tuple[str, str]], incomplete: list[str]) -> str:
    """The report page: header (``facts`` as label and value, then what could not be read), then ``body`` (the
    converted cells, their scripts removed). Raises ValueError when anything would be loaded from elsewhere."""
    cells = _SCRIPT.sub("", body)
    rows = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in facts)
    warning = ""
    if incomplete:
        items = "".join(f"<li>{escape(sentence)}</li>" for sentence in incomplete)
        warning = (f'<div class="incomplete"><b>INCOMPLETE: {len(incomplete)} read(s) failed; nothing below depends '
                   f"on them.</b><ul>{items}</ul></div>")
    html = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n"
            f'<header class="report"><h1>{escape(title)}</h1><dl>{rows}</dl>{warning}</header>\n'
            f"<main>\n{cells}\n</main>\n</body>\n</html>\n")
    leaks = external_references(html)
    if leaks:
        raise ValueError(f"The report would load {len(leaks)} thing(s) from elsewhere, such as {leaks[0]!r}.")
    return html
