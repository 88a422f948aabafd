"""Exports of results to files: CSV, Excel and Parquet, chosen by the file's suffix.

:func:`export_frames` writes named DataFrames: a CSV file or a Parquet file holds the first (the main table, one row
per item); an Excel workbook holds each on its own sheet. Decimal amounts stay exact in CSV (their text) and Parquet
(``decimal128``; a column holding several currencies takes the largest scale among them); Excel stores numbers as
doubles. Datetimes are written in UTC. Nothing else is written, and nothing the toolkit writes holds a secret (the
frames' free text is redacted already).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pandas as pd

from toolkit.errors import InputError

__all__ = ["EXPORT_SUFFIXES", "export_frames"]

EXPORT_SUFFIXES = (".csv", ".xlsx", ".parquet")


def _checked(path: str | Path) -> Path:
    target = Path(path).expanduser()
    if target.suffix.lower() not in EXPORT_SUFFIXES:
        raise InputError(f"{target.name} has no export format: name a .csv, .xlsx or .parquet file.")
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


def export_frames(frames: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write ``frames`` (sheet name -> frame, the main one first) to ``path`` by its suffix; returns the path.

    InputError (one sentence) for an unknown suffix, a missing folder or a file that cannot be written.
    """
    target = _checked(path)
    suffix = target.suffix.lower()
    main = next(iter(frames.values()))
    try:
        if suffix == ".csv":
            main.to_csv(target, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
        elif suffix == ".parquet":
            main.to_parquet(target, index=False, engine="pyarrow")
        else:
            with pd.ExcelWriter(target, engine="openpyxl") as writer:
                for name, frame in frames.items():
                    _excel_ready(frame).to_excel(writer, sheet_name=name[:31], index=False)
    except OSError as exc:
        raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    return target
