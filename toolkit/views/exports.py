"""Exports of results to files: CSV, Excel, Parquet and self-contained HTML evidence, chosen by the file's suffix.

The one module that owns export formats. :func:`export_frames` writes named DataFrames: a CSV file or a Parquet file
holds the first (the main table, one row per item); an Excel workbook holds each on its own sheet. Decimal amounts
stay exact in CSV (their text) and Parquet (``decimal128``; a column holding several currencies takes the largest
scale among them); Excel stores numbers as doubles. Datetimes are written in UTC.

:func:`export_evidence` writes a result (a trace, a diagnosis, a reconciliation) to attach to a ticket: ``.html`` is
one self-contained page, what the notebook shows (:func:`html_document`: the result's HTML view, collapsed sections
opened, its charts embedded as PNG ``data:`` URIs, no script, stylesheet, font or image fetched from anywhere);
``.csv``, ``.xlsx`` and ``.parquet`` are its frames, as above. Nothing else is written, and nothing the toolkit
writes holds a secret or, unless the session shows it, personal data (the frames' free text is redacted already,
and personal data was masked as it was read).

Every export names its data source (``about``: the source's one-line label, the moment the result describes, what it
is): a CSV file in a last column ``source``, an Excel workbook on a last sheet ``About``, a Parquet file in its
schema's metadata (key ``oms_toolkit``, JSON), an HTML page in its header.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import InputError

__all__ = ["ABOUT_SHEET", "EVIDENCE_SUFFIXES", "EXPORT_SUFFIXES", "PARQUET_METADATA_KEY", "TABLE_SUFFIXES",
           "export_evidence", "export_frames", "figure_data_uri", "html_document"]

#: Suffixes of the tables :func:`export_frames` writes.
TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
#: Every suffix a result's ``export`` takes (tables, and the HTML evidence page).
EXPORT_SUFFIXES = (*TABLE_SUFFIXES, ".html")
EVIDENCE_SUFFIXES = EXPORT_SUFFIXES
#: The Excel sheet naming the export's source; the Parquet schema metadata key holding the same, as JSON.
ABOUT_SHEET = "About"
PARQUET_METADATA_KEY = "oms_toolkit"
#: A chart of an evidence page: its caption and a function drawing it (a matplotlib figure).
Chart = tuple[str, Callable[[], Any]]
_STYLE = ("body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:14px;margin:24px;"
          "color:#1f1f1f}table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:2px 6px;"
          "text-align:left;vertical-align:top}th{background:#f4f4f4}code{font-size:13px}"
          "header{color:#555;border-bottom:1px solid #ddd;margin-bottom:12px;padding-bottom:6px}"
          "figure{margin:12px 0}img{max-width:100%}")


def _checked(path: str | Path, suffixes: Sequence[str] = TABLE_SUFFIXES) -> Path:
    target = Path(path).expanduser()
    if target.suffix.lower() not in suffixes:
        names = ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}"
        raise InputError(f"{target.name} has no export format: name a {names} file.")
    if not target.parent.is_dir():
        raise InputError(f"Cannot write {target}: the folder {target.parent} does not exist.")
    return target


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)  # Excel has no time zones
        elif out[column].dtype == object and any(isinstance(v, Decimal) for v in out[column]):
            out[column] = [float(v) if isinstance(v, Decimal) else v for v in out[column]]
    return out


def _parquet(frame: pd.DataFrame, target: Path, about: Mapping[str, str] | None) -> None:
    if about is None:
        frame.to_parquet(target, index=False, engine="pyarrow")
        return
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {**(table.schema.metadata or {}),
                PARQUET_METADATA_KEY.encode(): json.dumps(dict(about), ensure_ascii=False).encode("utf-8")}
    pq.write_table(table.replace_schema_metadata(metadata), target)


def export_frames(frames: Mapping[str, pd.DataFrame], path: str | Path, *,
                  about: Mapping[str, str] | None = None) -> Path:
    """Write ``frames`` (sheet name -> frame, the main one first) to ``path`` by its suffix; returns the path.

    ``about`` (``{"source": label, ...}``) names the data the frames came from: a last column ``source`` in a CSV
    file, a last sheet ``About`` (one row per item) in a workbook, the schema metadata ``oms_toolkit`` (JSON) of a
    Parquet file. InputError (one sentence) for an unknown suffix, a missing folder or a file that cannot be written.
    """
    target = _checked(path)
    suffix = target.suffix.lower()
    main = next(iter(frames.values()))
    try:
        if suffix == ".csv":
            if about is not None:
                main = main.assign(source=about.get("source", ""))
            main.to_csv(target, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
        elif suffix == ".parquet":
            _parquet(main, target, about)
        else:
            with pd.ExcelWriter(target, engine="openpyxl") as writer:
                for name, frame in frames.items():
                    _excel_ready(frame).to_excel(writer, sheet_name=name[:31], index=False)
                if about is not None:
                    pd.DataFrame({"item": list(about), "value": list(about.values())}).to_excel(
                        writer, sheet_name=ABOUT_SHEET, index=False)
    except OSError as exc:
        raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    return target


def figure_data_uri(figure: Any) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI (the figure is closed afterwards)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(figure)  # a figure built with pyplot stays registered there until closed
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def html_document(title: str, body: str, charts: Sequence[Chart] = (), *, note: str = "",
                  about: Mapping[str, str] | None = None) -> str:
    """One self-contained HTML page: ``title``, a header (each item of ``about``, e.g. ``Source: ...``, on a line, then
    ``note``), ``body`` (a result's HTML view, its collapsed sections opened) and each chart as an embedded PNG. Charts
    need matplotlib (``pip install ".[notebooks]"``); without it the page says they were left out."""
    figures: list[str] = []
    missing = ""
    for caption, draw in charts:
        try:
            uri = figure_data_uri(draw())
        except ImportError:
            missing = ("<p><i>Charts left out: matplotlib is not installed (pip install \".[notebooks]\").</i></p>")
            break
        figures.append(f'<figure><img alt="{escape(caption)}" src="{uri}"><figcaption>{escape(caption)}'
                       "</figcaption></figure>")
    opened = body.replace("<details>", "<details open>")
    lines = [f"{key[:1].upper()}{key[1:]}: {value}" for key, value in (about or {}).items() if key != "exported by"]
    header = "".join(f"<br>{escape(line)}" for line in [*lines, *([note] if note else [])])
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"<header><b>{escape(title)}</b>{header}</header>"
            f"{opened}{''.join(figures)}{missing}</body></html>\n")


def export_evidence(path: str | Path, *, title: str, html: Callable[[], str], frames: Callable[[], Mapping[str,
                    pd.DataFrame]], charts: Sequence[Chart] = (), note: str = "", source: str | None = None,
                    as_of: str | None = None) -> Path:
    """Write a result to ``path`` by its suffix: ``.html``, the self-contained evidence page (:func:`html_document`);
    ``.csv``, ``.xlsx``, ``.parquet``, its frames (:func:`export_frames`). ``html`` and ``frames`` are called only for
    the format asked. ``source`` (the data source's label) and ``as_of`` name where the data came from and when, in
    every format. InputError (one sentence) for another suffix, a missing folder or a file that cannot be written."""
    target = _checked(path, EXPORT_SUFFIXES)
    about = {"source": source or "unknown (the result does not say)", "title": title,
             **({"as of": as_of} if as_of else {}),
             "exported by": "the OMS + Stripe investigation toolkit"}
    if target.suffix.lower() != ".html":
        return export_frames(frames(), target, about=about)
    try:
        target.write_text(html_document(title, html(), charts, note=note,
                                        about={k: v for k, v in about.items() if k != "title"}), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    return target
