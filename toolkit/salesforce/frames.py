"""Salesforce query records as pandas DataFrames, and as plain flat records.

What :func:`records_frame` does to the ``records`` of a query result:

- ``attributes`` is dropped everywhere.
- Parent paths are flattened to dotted columns: ``{"PaymentAuthorization": {"GatewayRefNumber": "pi_..."}}``
  becomes the column ``PaymentAuthorization.GatewayRefNumber``; a null parent gives None in each of its columns.
- Child subquery results (``{"totalSize", "done", "records"}`` or null) are kept as lists of flat records
  (``children="keep"``, an empty list when null) or dropped (``children="drop"``).
- Datetime columns (Salesforce's ``2026-11-08T10:12:00.000+0000``) become timezone-aware UTC pandas datetimes
  (``datetime64[ns, UTC]``); a null is ``NaT``.
- Currency and other fractional numbers become :class:`decimal.Decimal` (column dtype ``object``), built from
  the JSON number's shortest text (129.99 -> ``Decimal("129.99")``), so money never goes through binary floats
  in toolkit logic. Integers stay integers.
- ``Request`` and ``Response`` (gateway-log long text) gain companion columns ``Request.json`` and
  ``Response.json`` right after them, holding the parsed value when the text is JSON, else None.
- Text, id and picklist columns keep dtype ``object`` with None for null (never NaN); a column of non-null
  integers or booleans gets the matching numpy dtype.
- Columns follow the SELECT list when the SOQL is given (so a field whose parent is null still has its
  column), else the order of the keys in the records. Rows keep the order the query returned.

Without ``types`` a column is a datetime when every non-null value is Salesforce datetime text, and a money
column when every non-null value is a float. Pass ``types`` (field path -> describe type, e.g. from
``describe()["fields"]``) to make this exact.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

__all__ = ["JSON_TEXT_FIELDS", "flatten_record", "parse_json_text", "plain_record", "records_frame",
           "select_columns"]

JSON_TEXT_FIELDS = ("Request", "Response")
_DATETIME_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$")


def _is_child_result(value: Any) -> bool:
    return isinstance(value, dict) and "records" in value and "totalSize" in value


def plain_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record without ``attributes``, parents kept nested (also stripped), child results as lists of records."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if _is_child_result(value):
            out[key] = [plain_record(child) for child in value["records"]]
        elif isinstance(value, dict) and "attributes" in value:
            out[key] = plain_record(value)
        else:
            out[key] = value
    return out


def flatten_record(record: Mapping[str, Any], *, children: str = "keep", prefix: str = "") -> dict[str, Any]:
    """One flat dict: parent paths as dotted keys; child results as lists of flat dicts, or dropped."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        name = prefix + key
        if _is_child_result(value) or (isinstance(value, list) and not prefix):
            if children == "keep":
                rows = value["records"] if isinstance(value, dict) else value
                out[name] = [flatten_record(child, children=children) for child in rows]
        elif isinstance(value, dict):
            out.update(flatten_record(value, children=children, prefix=name + "."))
        else:
            out[name] = value
    return out


def select_columns(soql: str) -> list[str]:
    """The top-level SELECT list of ``soql``: field paths, and the relationship name of each child subquery."""
    match = re.match(r"\s*SELECT\s+", soql, re.IGNORECASE)
    if not match:
        return []
    columns: list[str] = []
    depth, start, i = 0, match.end(), match.end()
    while i < len(soql):
        char = soql[i]
        if char == "'":  # skip quoted text
            i += 1
            while i < len(soql) and soql[i] != "'":
                i += 2 if soql[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char == ",":
            columns.append(soql[start:i].strip())
            start = i + 1
        elif depth == 0 and re.match(r"\sFROM\s", soql[i:i + 6], re.IGNORECASE):
            columns.append(soql[start:i].strip())
            break
        i += 1
    return [_column_name(c) for c in columns if c]


def _column_name(item: str) -> str:
    if item.startswith("("):  # child subquery: (SELECT ... FROM Relationship ...)
        inner = re.search(r"\sFROM\s+(\w+)", item, re.IGNORECASE)
        return inner.group(1) if inner else item
    return item.split()[0]


def parse_json_text(value: Any) -> Any:
    """The parsed JSON in a long-text payload, or None when it is empty or not JSON."""
    if not isinstance(value, str) or not value.strip() or value.strip()[0] not in "{[":
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _to_decimal(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _column_kind(name: str, values: list[Any], types: Mapping[str, str] | None) -> str:
    if types is not None and name in types:
        described = types[name]
        if described in ("datetime",):
            return "datetime"
        if described in ("currency", "double", "percent"):
            return "money"
        return "plain"
    present = [v for v in values if v is not None]
    if not present:
        return "plain"
    if all(isinstance(v, str) and _DATETIME_TEXT.match(v) for v in present):
        return "datetime"
    if all(isinstance(v, float) for v in present):
        return "money"
    return "plain"


def _ordered_columns(rows: list[dict[str, Any]], soql: str | None, children: str) -> list[str]:
    seen: dict[str, None] = {}
    for name in select_columns(soql) if soql else []:
        seen.setdefault(name, None)
    for row in rows:
        for name in row:
            seen.setdefault(name, None)
    # a null parent comes back as ``"Parent": null``: its name is a prefix of its dotted columns, not a column
    columns = [c for c in seen if not any(other.startswith(c + ".") for other in seen)]
    if children == "drop":
        columns = [c for c in columns if not any(isinstance(r.get(c), list) for r in rows)]
        if soql:
            child_names = {_column_name(c) for c in _subquery_items(soql)}
            columns = [c for c in columns if c not in child_names]
    out: list[str] = []
    for name in columns:
        out.append(name)
        if name.split(".")[-1] in JSON_TEXT_FIELDS:
            out.append(name + ".json")
    return out


def _subquery_items(soql: str) -> list[str]:
    return re.findall(r"\(\s*SELECT\s[^()]*\)", soql, re.IGNORECASE)


def records_frame(
    records: Iterable[Mapping[str, Any]],
    *,
    soql: str | None = None,
    children: str = "keep",
    types: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Query records as a DataFrame (see the module docstring for every conversion)."""
    if children not in ("keep", "drop"):
        raise ValueError("children must be 'keep' or 'drop'")
    rows = [flatten_record(r, children=children) for r in records]
    columns = _ordered_columns(rows, soql, children)
    child_names = {_column_name(c) for c in _subquery_items(soql)} if soql else set()
    child_names |= {c for c in columns if any(isinstance(r.get(c), list) for r in rows)}
    data: dict[str, Any] = {}
    for name in columns:
        if name.endswith(".json") and name[:-5].split(".")[-1] in JSON_TEXT_FIELDS:
            data[name] = pd.Series([parse_json_text(r.get(name[:-5])) for r in rows], dtype=object)
            continue
        values = [r.get(name) for r in rows]
        if name in child_names:  # a null child result is an empty list
            data[name] = pd.Series([v if isinstance(v, list) else [] for v in values], dtype=object)
            continue
        kind = _column_kind(name, values, types)
        if kind == "datetime":
            data[name] = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
        elif kind == "money":
            data[name] = pd.Series([_to_decimal(v) for v in values], dtype=object)
        else:
            series = pd.Series(values, dtype=object)  # text keeps None for null (not NaN)
            numeric = values and all(isinstance(v, int | bool) for v in values)
            data[name] = series.infer_objects() if numeric else series
    return pd.DataFrame(data, columns=columns)
