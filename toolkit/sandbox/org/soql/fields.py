"""Field paths resolved against the org schema: canonical names, types, and fast row getters.

A path is ``Relationship.Relationship.Field`` from some object (up to five relationships). Each step follows
a lookup through the store; the polymorphic ``ReferencedEntity`` resolves to whatever object the id's key
prefix names and offers only ``Id`` and ``Type``, as Salesforce's ``Name`` entity does for our purposes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from toolkit.sandbox.org.schema import Field, SObject
from toolkit.sandbox.org.settings import OrgSettings
from toolkit.sandbox.org.soql.errors import SoqlError, located
from toolkit.sandbox.org.soql.nodes import FieldRef
from toolkit.sandbox.org.store import OrgStore

__all__ = [
    "BOOL_TYPES", "DATE_TYPES", "ID_TYPES", "NAME_FIELDS", "NUMBER_TYPES", "TEXT_TYPES", "Context", "Path", "Step",
    "name_entity_value", "resolve_path",
]

TEXT_TYPES = frozenset({"string", "textarea", "picklist", "email", "phone", "url", "combobox", "multipicklist"})
ID_TYPES = frozenset({"id", "reference"})
NUMBER_TYPES = frozenset({"currency", "double", "int", "percent", "long"})
BOOL_TYPES = frozenset({"boolean"})
DATE_TYPES = frozenset({"date", "datetime"})

MAX_RELATIONSHIP_DEPTH = 5

_NO_COLUMN = ("No such column '{name}' on entity '{entity}'. If you are attempting to use a custom field, be sure to "
              "append the '__c' after the custom field name. Please reference your WSDL or the describe call for "
              "the appropriate names.")
_NO_RELATIONSHIP = ("Didn't understand relationship '{name}' in field path. If you are attempting to use a custom "
                    "relationship, be sure to append the '__r' after the custom relationship name. Please reference "
                    "your WSDL or the describe call for the appropriate names.")

#: The fields the polymorphic ``Name`` entity offers here (``Name`` is the target object's name field).
_NAME_ID = Field(name="Id", type="id")
_NAME_NAME = Field(name="Name", type="string")
_NAME_TYPE = Field(name="Type", type="string")
NAME_FIELDS = {"id": _NAME_ID, "name": _NAME_NAME, "type": _NAME_TYPE}


class Context:
    """What one execution needs: the query text (for error carets), the store, ``now``, the org's settings (the
    user's time zone, the currencies) and options."""

    def __init__(self, soql: str, store: OrgStore, now: datetime, api_version: str, include_deleted: bool,
                 settings: OrgSettings | None = None) -> None:
        self.soql = soql
        self.store = store
        self.now = now
        self.api_version = api_version
        self.include_deleted = include_deleted
        self.settings = settings if settings is not None else OrgSettings()
        self.tz = self.settings.tz
        self.currencies = self.settings.currencies
        self.url_prefix = f"/services/data/v{api_version}/sobjects/"
        self._objects = {name.lower(): obj for name, obj in store.schema.items()}

    def get_object(self, name: str) -> SObject | None:
        return self._objects.get(name.lower())

    def error(self, code: str, at: Any, message: str) -> SoqlError:
        line = getattr(at, "line", None)
        column = getattr(at, "column", None)
        return SoqlError(code, located(self.soql, line, column, message))

    def follow(self, step: Step) -> Callable[[dict[str, Any]], tuple[str, dict[str, Any]] | None]:
        """A function from a row to ``(object name, parent row)`` across ``step``, or None."""
        store = self.store
        include_deleted = self.include_deleted
        fk = step.fk
        target = step.target
        if target is None:
            def follow_any(row: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
                parent_id = row[fk]
                return store.find(parent_id, include_deleted) if parent_id else None
            return follow_any

        def follow_one(row: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
            parent_id = row[fk]
            if not parent_id:
                return None
            parent = store.get(target, parent_id, include_deleted)
            return (target, parent) if parent is not None else None
        return follow_one


@dataclass(frozen=True)
class Step:
    fk: str  # lookup field on the current object (canonical)
    relationship: str  # its relationship name (canonical)
    target: str | None  # parent object, None when polymorphic


@dataclass(frozen=True)
class Path:
    steps: tuple[Step, ...]
    field: Field
    object_name: str | None  # object holding ``field`` (None: the polymorphic Name entity)

    @property
    def names(self) -> tuple[str, ...]:
        return (*(s.relationship for s in self.steps), self.field.name)

    @property
    def key(self) -> str:
        """Case-insensitive identity, for duplicates and GROUP BY matching."""
        return ".".join(self.names).lower()

    @property
    def type(self) -> str:
        return self.field.type

    def getter(self, ctx: Context) -> Callable[[dict[str, Any]], Any]:
        name = self.field.name
        if not self.steps:
            return lambda row: row[name]
        follows = [ctx.follow(step) for step in self.steps]
        polymorphic = self.object_name is None

        def get(row: dict[str, Any]) -> Any:
            found: tuple[str, dict[str, Any]] | None = None
            for follow in follows:
                found = follow(row)
                if found is None:
                    return None
                row = found[1]
            if polymorphic and found is not None:
                return name_entity_value(ctx, found[0], row, name)
            return row[name]
        return get


def name_entity_value(ctx: Context, object_name: str, row: dict[str, Any], field_name: str) -> Any:
    """A field of the polymorphic ``Name`` entity for a record of ``object_name``."""
    if field_name == "Type":
        return object_name
    if field_name == "Name":
        obj = ctx.get_object(object_name)
        return row.get(obj.name_field) if obj is not None else None
    return row[field_name]


def resolve_path(ctx: Context, obj: SObject, ref: FieldRef) -> Path:
    """Resolve ``ref`` from ``obj``; raise INVALID_FIELD as Salesforce does for unknown names."""
    parts = list(ref.path)
    if len(parts) > 1 and parts[0].lower() == obj.name.lower() and obj.relationship_ci(parts[0]) is None:
        parts = parts[1:]  # ``SELECT Payment.Id FROM Payment`` names the queried object first
    if len(parts) - 1 > MAX_RELATIONSHIP_DEPTH:
        raise ctx.error("MALFORMED_QUERY", ref,
                        f"SOQL statements cannot query more than {MAX_RELATIONSHIP_DEPTH} levels of relationships")
    steps: list[Step] = []
    current: SObject | None = obj
    for name in parts[:-1]:
        if current is None:  # past a polymorphic relationship: only Id and Type exist
            raise ctx.error("INVALID_FIELD", ref, _NO_RELATIONSHIP.format(name=name))
        lookup = current.relationship_ci(name)
        if lookup is None or lookup.relationship_name is None:
            raise ctx.error("INVALID_FIELD", ref, _NO_RELATIONSHIP.format(name=name))
        if lookup.polymorphic:
            steps.append(Step(lookup.name, lookup.relationship_name, None))
            current = None
            continue
        target = ctx.get_object(lookup.reference_to[0])
        if target is None:
            raise ctx.error("INVALID_FIELD", ref, _NO_RELATIONSHIP.format(name=name))
        steps.append(Step(lookup.name, lookup.relationship_name, target.name))
        current = target
    last = parts[-1]
    if current is None:
        chosen = NAME_FIELDS.get(last.lower())
        if chosen is None:
            raise ctx.error("INVALID_FIELD", ref, _NO_COLUMN.format(name=last, entity="Name"))
        return Path(tuple(steps), chosen, None)
    found = current.field_ci(last)
    if found is None:
        raise ctx.error("INVALID_FIELD", ref, _NO_COLUMN.format(name=last, entity=current.name))
    return Path(tuple(steps), found, current.name)
