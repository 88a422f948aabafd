"""Bulk API 2.0 rows (CSV text) as the REST API's plain records, so the same code reads either.

A Bulk API 2.0 query answers CSV: every value is text, a null is an empty value, a parent's field is a column named
by its path (``OrderSummary.OrderNumber``), a datetime reads ``2026-11-20T15:00:00.000Z``. :func:`typed_records`
turns each row into the plain record the REST API would have given (``toolkit.salesforce.frames.plain_record``):
numbers for currency and double fields, ``True``/``False`` for booleans, datetimes as ``...+0000``, ``None`` for an
empty value, parents nested as dicts (``None`` when every field read through them is empty). Field types and the
objects behind relationship names come from describe (the session's :class:`~toolkit.salesforce.schema.SchemaCache`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from toolkit.salesforce.schema import SchemaCache

__all__ = ["typed_records"]

Record = dict[str, Any]
_NUMBER_TYPES = frozenset({"currency", "double", "percent"})
_INT_TYPES = frozenset({"int", "long"})


def _converter(kind: str) -> Callable[[str], Any]:
    if kind == "boolean":
        return lambda text: text.lower() == "true"
    if kind in _NUMBER_TYPES:
        return float
    if kind in _INT_TYPES:
        return lambda text: int(float(text))
    if kind == "datetime":
        return lambda text: text[:-1] + "+0000" if text.endswith("Z") else text
    return str


def _object_at(schema: SchemaCache, object_name: str, relationship: str) -> str | None:
    for fld in schema.describe(object_name).get("fields", []):
        if (fld.get("relationshipName") or "").lower() == relationship.lower() and fld.get("referenceTo"):
            return str(fld["referenceTo"][0])
    return None


def _column_plan(schema: SchemaCache, object_name: str, column: str) -> tuple[tuple[str, ...], Callable[[str], Any]]:
    """(path as nested keys, converter) of one column, e.g. ``OrderSummary.OrderNumber``."""
    *relationships, name = column.split(".")
    current: str | None = object_name
    for relationship in relationships:
        current = _object_at(schema, current, relationship) if current else None
    kind = schema.field_types(current).get(name, "string") if current else "string"
    return (*relationships, name), _converter(kind)


def typed_records(rows: Iterable[Mapping[str, str]], object_name: str, schema: SchemaCache) -> list[Record]:
    """The rows of a Bulk API 2.0 query on ``object_name`` as the REST API's plain records (module docstring)."""
    out: list[Record] = []
    plans: dict[str, tuple[tuple[str, ...], Callable[[str], Any]]] = {}
    for row in rows:
        record: Record = {}
        parents: dict[tuple[str, ...], bool] = {}  # parent path -> whether any of its values was given
        for column, text in row.items():
            if column not in plans:
                plans[column] = _column_plan(schema, object_name, column)
            path, convert = plans[column]
            target = record
            for depth, key in enumerate(path[:-1]):
                parents.setdefault(path[:depth + 1], False)
                target = target.setdefault(key, {})
                if text != "":
                    parents[path[:depth + 1]] = True
            target[path[-1]] = convert(text) if text != "" else None
        for path, given in sorted(parents.items(), key=lambda item: -len(item[0])):
            if not given:  # a null parent: every field read through it was empty
                holder = record
                for key in path[:-1]:
                    holder = holder[key]
                holder[path[-1]] = None
        out.append(record)
    return out
