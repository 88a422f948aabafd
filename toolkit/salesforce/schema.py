"""Describe results, fetched once and kept: key prefixes, field types and relationship names.

A :class:`SchemaCache` reads through a :class:`~toolkit.salesforce.gateway.SalesforceGateway` (or a plain
``simple_salesforce.Salesforce``, wrapped in one). It fetches the global describe (key prefixes) and
``sobjects/{Object}/describe`` on first use and keeps them for its lifetime; a session holds one
(``session.schema``), so a trace costs no describe requests. Thread-safe: concurrent first uses fetch once.

Nothing here is hard-coded: the key prefix of a record id, the child relationship names and the parent
relationship names all come from the org's own describe.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from toolkit.core.ids import key_prefix, normalize_id
from toolkit.errors import InputError, NotFoundError
from toolkit.salesforce.gateway import SalesforceClient, SalesforceGateway, as_gateway

__all__ = ["ChildRelationships", "SchemaCache"]


@dataclass(frozen=True)
class ChildRelationships:
    """Child relationship names confirmed by describe, keyed by (parent object, child object, lookup field).

    ``name(...)`` is None when describe does not list the relationship; callers then fall back to a batched
    ``Field IN (...)`` query on the child object.
    """

    names: tuple[tuple[str, str, str, str], ...] = ()  # (parent, child, field, relationshipName)

    def name(self, parent: str, child: str, field: str) -> str | None:
        for p, c, f, rel in self.names:
            if (p, c, f) == (parent, child, field):
                return rel
        return None

    def as_dict(self) -> dict[str, str]:
        return {f"{p}.{rel}": f"{c}.{f}" for p, c, f, rel in self.names}


class SchemaCache:
    """Describe results for one org connection, fetched once each (see the module docstring)."""

    def __init__(self, source: SalesforceClient | SalesforceGateway) -> None:
        self._gateway = as_gateway(source)
        self._lock = threading.RLock()
        self._global: dict[str, Any] | None = None
        self._objects: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:
        return f"SchemaCache(objects={sorted(self._objects)!r}, global={'yes' if self._global else 'no'})"

    def global_describe(self) -> dict[str, Any]:
        with self._lock:
            if self._global is None:
                self._global = self._gateway.describe_global()
            return self._global

    def describe(self, object_name: str) -> dict[str, Any]:
        with self._lock:
            if object_name not in self._objects:
                self._objects[object_name] = self._gateway.describe_object(object_name)
            return self._objects[object_name]

    def warm(self, *object_names: str) -> None:
        """Fetch the global describe and the named objects' describes now."""
        self.global_describe()
        for name in object_names:
            self.describe(name)

    def prefixes(self) -> dict[str, str]:
        """Key prefix -> object API name, from the global describe."""
        return {o["keyPrefix"]: o["name"] for o in self.global_describe().get("sobjects", []) if o.get("keyPrefix")}

    def object_for_id(self, record_id: str) -> str:
        """The object API name of a record id, read from its key prefix; InputError for a malformed id."""
        normalized = normalize_id(record_id) if isinstance(record_id, str) else None
        if normalized is None:
            raise InputError(f"{record_id!r} is not a 15- or 18-character Salesforce record id.")
        name = self.prefixes().get(key_prefix(normalized))
        if name is None:
            raise NotFoundError(f"No object in this org has the key prefix {key_prefix(normalized)!r} "
                                f"(from the id {normalized}).")
        return name

    def field_types(self, object_name: str) -> dict[str, str]:
        """Field name -> describe type (``datetime``, ``currency``, ``reference``...)."""
        return {f["name"]: f["type"] for f in self.describe(object_name).get("fields", [])}

    def parent_relationship(self, object_name: str, field: str) -> str | None:
        """The relationship name of a lookup field (``PaymentAuthorizationId`` -> ``PaymentAuthorization``)."""
        for fld in self.describe(object_name).get("fields", []):
            if fld["name"] == field:
                return fld.get("relationshipName")
        return None

    def child_relationships(self, *parents: str) -> ChildRelationships:
        """The child relationships of ``parents`` (describe of each) as :class:`ChildRelationships`."""
        names: list[tuple[str, str, str, str]] = []
        for parent in parents:
            for rel in self.describe(parent).get("childRelationships", []):
                if rel.get("relationshipName") and not rel.get("deprecatedAndHidden"):
                    names.append((parent, rel["childSObject"], rel["field"], rel["relationshipName"]))
        return ChildRelationships(tuple(names))
