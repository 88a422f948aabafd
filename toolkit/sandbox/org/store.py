"""The org's storage: one SQLite table per object, typed Python values in and out.

Values crossing this API are Python-typed by the field's describe type: ``str`` (id, reference,
string, textarea, picklist, email), ``float`` (currency, double), ``int``, ``bool``, aware UTC
``datetime`` (datetime), ``datetime.date`` (date), or ``None``. Decoded rows are cached per object and
dropped on every write to that object, so repeated queries over large tables stay fast.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from toolkit.sandbox.org.schema import SCHEMA, Field, SObject

__all__ = ["OrgStore", "from_db", "to_db"]

_SQL_TYPES = {"currency": "REAL", "double": "REAL", "int": "INTEGER", "boolean": "INTEGER"}


def to_db(fld: Field, value: Any) -> Any:
    if value is None:
        return None
    if fld.type == "datetime":
        if not isinstance(value, datetime):
            raise TypeError(f"{fld.name} needs a datetime")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    if fld.type == "date":
        return value.isoformat()
    if fld.type == "boolean":
        return 1 if value else 0
    return value


def from_db(fld: Field, value: Any) -> Any:
    if value is None:
        return None
    if fld.type == "datetime":
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if fld.type == "date":
        return date.fromisoformat(value)
    if fld.type == "boolean":
        return bool(value)
    if fld.type in ("currency", "double"):
        return float(value)
    return value


class OrgStore:
    """SQLite-backed records of every object in :data:`SCHEMA`. Thread-safe."""

    def __init__(self, schema: dict[str, SObject] | None = None) -> None:
        self.schema = schema if schema is not None else SCHEMA
        self._lock = threading.RLock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._cache: dict[str, list[dict[str, Any]]] = {}
        self._index: dict[str, dict[str, dict[str, Any]]] = {}
        self._prefixes = {obj.key_prefix: obj.name for obj in self.schema.values()}
        with self._lock:
            for obj in self.schema.values():
                columns = ", ".join(
                    f'"{f.name}" {_SQL_TYPES.get(f.type, "TEXT")}' + (" PRIMARY KEY" if f.name == "Id" else "")
                    for f in obj.fields.values()
                )
                self._db.execute(f'CREATE TABLE "{obj.name}" ({columns})')

    # --- reads -----------------------------------------------------------------------------------
    def object_of_id(self, record_id: str) -> str | None:
        """The object whose key prefix starts ``record_id``."""
        return self._prefixes.get(record_id[:3]) if record_id else None

    def rows(self, object_name: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every record of ``object_name`` (deleted ones only when asked), as typed dicts. Do not mutate."""
        rows = self._load(object_name)
        return rows if include_deleted else [r for r in rows if not r["IsDeleted"]]

    def get(self, object_name: str, record_id: str, include_deleted: bool = False) -> dict[str, Any] | None:
        self._load(object_name)
        row = self._index[object_name].get(record_id)
        if row is None or (row["IsDeleted"] and not include_deleted):
            return None
        return row

    def get_many(
        self, object_name: str, ids: Iterable[str], include_deleted: bool = False
    ) -> dict[str, dict[str, Any]]:
        self._load(object_name)
        index = self._index[object_name]
        found = {}
        for record_id in ids:
            row = index.get(record_id)
            if row is not None and (include_deleted or not row["IsDeleted"]):
                found[record_id] = row
        return found

    def find(self, record_id: str, include_deleted: bool = False) -> tuple[str, dict[str, Any]] | None:
        """Find a record by id alone (object from its prefix)."""
        object_name = self.object_of_id(record_id)
        if object_name is None:
            return None
        row = self.get(object_name, record_id, include_deleted)
        return (object_name, row) if row is not None else None

    def count(self, object_name: str) -> int:
        return len(self.rows(object_name))

    def _load(self, object_name: str) -> list[dict[str, Any]]:
        cached = self._cache.get(object_name)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._cache.get(object_name)
            if cached is not None:
                return cached
            obj = self.schema[object_name]
            fields = list(obj.fields.values())
            cursor = self._db.execute(f'SELECT * FROM "{object_name}" ORDER BY rowid')
            rows = [{f.name: from_db(f, v) for f, v in zip(fields, raw, strict=True)} for raw in cursor]
            self._cache[object_name] = rows
            self._index[object_name] = {r["Id"]: r for r in rows}
            return rows

    # --- writes ----------------------------------------------------------------------------------
    def insert(self, object_name: str, values: dict[str, Any]) -> None:
        """Insert one complete, validated record (every field of the object may be given)."""
        self.insert_many(object_name, [values])

    def insert_many(self, object_name: str, records: Iterable[dict[str, Any]]) -> None:
        obj = self.schema[object_name]
        fields = list(obj.fields.values())
        names = ", ".join(f'"{f.name}"' for f in fields)
        marks = ", ".join("?" for _ in fields)
        data = []
        for record in records:
            row = {"IsDeleted": False, **record}
            data.append([to_db(f, row.get(f.name)) for f in fields])
        with self._lock:
            self._db.executemany(f'INSERT INTO "{object_name}" ({names}) VALUES ({marks})', data)
            self._invalidate(object_name)

    def update(self, object_name: str, record_id: str, values: dict[str, Any]) -> None:
        if not values:
            return
        obj = self.schema[object_name]
        assignments = ", ".join(f'"{name}" = ?' for name in values)
        params = [to_db(obj.fields[name], value) for name, value in values.items()]
        with self._lock:
            self._db.execute(f'UPDATE "{object_name}" SET {assignments} WHERE "Id" = ?', [*params, record_id])
            self._invalidate(object_name)

    def delete(self, object_name: str, record_id: str) -> None:
        """Soft delete, as Salesforce's recycle bin does (``queryAll`` still sees the row)."""
        self.update(object_name, record_id, {"IsDeleted": True})

    def clear(self) -> None:
        with self._lock:
            for name in self.schema:
                self._db.execute(f'DELETE FROM "{name}"')
            self._cache.clear()
            self._index.clear()

    def _invalidate(self, object_name: str) -> None:
        self._cache.pop(object_name, None)
        self._index.pop(object_name, None)
