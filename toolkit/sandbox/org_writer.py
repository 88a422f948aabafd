"""Where the connector, the storefront and the world builder write Salesforce records.

Two writers with one small interface:

- :class:`OrgWriter` writes through :meth:`Org.create` / :meth:`Org.update`: Salesforce's validation,
  rollups recomputed after every write. What the REST endpoints and the demo world use.
- :class:`BulkWriter` keeps new records in memory and hands them to :meth:`Org.load_records` in one go
  (:meth:`BulkWriter.flush`), where the same validation of picklists, lookups and types applies and the
  rollups are computed once from the children. What large generated worlds use: ``Org.create`` recomputes
  a summary's rollups by scanning its children, which is quadratic over tens of thousands of orders.

Values are given as Salesforce's JSON shapes (amounts as numbers in major units, datetimes as strings).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from toolkit.sandbox.org import Org

__all__ = ["BulkWriter", "OrgWriter", "RecordWriter", "sf_amount", "sf_datetime"]


def sf_datetime(value: datetime) -> str:
    """``2026-11-08T10:12:00.000+0000``, as Salesforce writes datetimes."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def sf_amount(value: Decimal) -> float:
    """A currency field's JSON number (major units) from a Decimal."""
    return float(value)


class RecordWriter(Protocol):
    def create(self, object_name: str, values: dict[str, Any]) -> str: ...

    def update(self, object_name: str, record_id: str, values: dict[str, Any]) -> None: ...

    def get(self, object_name: str, record_id: str) -> dict[str, Any] | None: ...

    def find(self, object_name: str, field: str, value: Any) -> list[dict[str, Any]]: ...


class OrgWriter:
    """Writes through the org's own create/update (validation and rollups on every write)."""

    def __init__(self, org: Org) -> None:
        self.org = org

    def create(self, object_name: str, values: dict[str, Any]) -> str:
        return self.org.create(object_name, values)

    def update(self, object_name: str, record_id: str, values: dict[str, Any]) -> None:
        self.org.update(object_name, record_id, values)

    def get(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        row = self.org.store.get(object_name, record_id)
        return None if row is None else dict(row)

    def find(self, object_name: str, field: str, value: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in self.org.store.rows(object_name) if r.get(field) == value]


class BulkWriter:
    """Collects records in memory (ids from ``Org.new_id``) and loads them into the org with :meth:`flush`."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.rows: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self._index: dict[tuple[str, str], dict[Any, list[str]]] = {}

    def create(self, object_name: str, values: dict[str, Any]) -> str:
        record_id = self.org.new_id(object_name)
        row = {"Id": record_id, "CreatedDate": sf_datetime(self.org.clock.now()), **values}
        self.rows[object_name][record_id] = row
        for (obj, field), index in self._index.items():
            if obj == object_name:
                index.setdefault(row.get(field), []).append(record_id)
        return record_id

    def update(self, object_name: str, record_id: str, values: dict[str, Any]) -> None:
        row = self.rows[object_name][record_id]
        for (obj, field), index in self._index.items():
            if obj == object_name and field in values and values[field] != row.get(field):
                index.get(row.get(field), []).remove(record_id)
                index.setdefault(values[field], []).append(record_id)
        row.update(values)

    def get(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        row = self.rows.get(object_name, {}).get(record_id)
        return None if row is None else dict(row)

    def find(self, object_name: str, field: str, value: Any) -> list[dict[str, Any]]:
        key = (object_name, field)
        if key not in self._index:
            index: dict[Any, list[str]] = {}
            for record_id, row in self.rows.get(object_name, {}).items():
                index.setdefault(row.get(field), []).append(record_id)
            self._index[key] = index
        table = self.rows[object_name]
        return [dict(table[i]) for i in self._index[key].get(value, [])]

    def flush(self) -> None:
        """Load everything collected into the org (replacing its records), then forget it."""
        records = {name: list(rows.values()) for name, rows in self.rows.items() if rows}
        self.org.load_records(records)
        self.rows.clear()
        self._index.clear()
