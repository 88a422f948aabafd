"""Plain (non-aggregate) queries: select lists, parent paths, child subqueries, ordering and rendering.

Rows come from the store as typed dicts; the output is Salesforce's record JSON: ``attributes`` first, then
the selected fields in select order, parent paths nested (``null`` for an empty lookup), child subqueries as
nested query results (``null`` when empty), TYPEOF relationships by the type they point to (``typeof.py``),
``convertCurrency()`` values in the user's currency (``currency.py``). In a multi-currency org ORDER BY a currency
field orders by the converted amount.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from toolkit.sandbox.org.schema import Field, SObject
from toolkit.sandbox.org.soql import nodes as n
from toolkit.sandbox.org.soql.conditions import Predicate, check_semijoins, compile_condition, row_operands
from toolkit.sandbox.org.soql.currency import converted_getter, currencies_or_error, user_currency_getter
from toolkit.sandbox.org.soql.errors import SoqlError
from toolkit.sandbox.org.soql.fields import TEXT_TYPES, Context, Path, Step, name_entity_value, resolve_path
from toolkit.sandbox.org.soql.functions import CONVERT_CURRENCY, fields_selection, misplaced_function
from toolkit.sandbox.org.soql.literals import format_value
from toolkit.sandbox.org.soql.typeof import TypeofPlan, plan_typeof, typeof_renderer

__all__ = ["MAX_CHILD_SUBQUERIES", "MAX_OFFSET", "RecordPlan", "check_paging", "order_rows", "plan_records",
           "sort_key"]

Row = dict[str, Any]
MAX_CHILD_SUBQUERIES = 20
MAX_OFFSET = 2000


def sort_key(fld: Field) -> Callable[[Any], Any]:
    """How SOQL orders a field's non-null values: text case-insensitively, picklists in definition order."""
    if fld.type == "picklist" and fld.picklist:
        rank = {value.lower(): i for i, value in enumerate(fld.picklist)}
        last = len(rank)
        return lambda v: (rank.get(v.lower(), last), v.lower())
    if fld.type in TEXT_TYPES:
        return str.lower
    return lambda v: v


OrderSpec = tuple[Callable[[Row], Any], Callable[[Any], Any], bool, bool]


def order_rows(rows: list[Row], specs: list[OrderSpec]) -> list[Row]:
    """Sort by several keys (stable, last key first); nulls first ascending and last descending by default."""
    for get, key, descending, nulls_first in reversed(specs):
        present = [r for r in rows if get(r) is not None]
        missing = [r for r in rows if get(r) is None]
        present.sort(key=lambda r, get=get, key=key: key(get(r)), reverse=descending)
        rows = missing + present if nulls_first else present + missing
    return rows


def check_paging(ctx: Context, query: n.Query) -> None:
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise ctx.error("NUMBER_OUTSIDE_VALID_RANGE", query, f"Maximum SOQL offset allowed is {MAX_OFFSET}")


def page(rows: list[Row], query: n.Query) -> list[Row]:
    start = query.offset or 0
    end = start + query.limit if query.limit is not None else None
    return rows[start:end] if start or end is not None else rows


@dataclass
class _Shape:
    """The output tree of one record: ordered entries, parent paths merged by relationship."""

    entries: list[tuple[str, str, Any]] = field(default_factory=list)  # (key, kind, payload)
    parents: dict[str, _Shape] = field(default_factory=dict)

    def add(self, steps: tuple[Step, ...], fld: Field) -> None:
        self.add_entry(steps, fld.name, "field", fld)

    def add_entry(self, steps: tuple[Step, ...], key: str, kind: str, payload: Any) -> None:
        """An entry at the level ``steps`` lead to: a field, a TYPEOF relationship, a converted currency."""
        if not steps:
            self.entries.append((key, kind, payload))
            return
        step = steps[0]
        name = step.relationship.lower()
        child = self.parents.get(name)
        if child is None:
            child = self.parents[name] = _Shape()
            self.entries.append((step.relationship, "parent", (step, child)))
        child.add_entry(steps[1:], key, kind, payload)


@dataclass
class RecordPlan:
    obj: SObject
    query: n.Query
    where: Predicate | None
    order: list[OrderSpec]
    shape: _Shape
    long_text_fields: int
    children: list[tuple[str, RecordPlan, str]]  # (relationship name, plan, foreign key on the child)

    def run(self, ctx: Context, rows: list[Row] | None = None) -> list[Row]:
        """Filtered, ordered, paged rows (``rows`` given: a child subquery's rows for one parent)."""
        if rows is None:
            rows = ctx.store.rows(self.obj.name, ctx.include_deleted)
        if self.where is not None:
            rows = [r for r in rows if self.where(r)]
        if self.order:
            rows = order_rows(rows, self.order)
        return page(rows, self.query)

    def renderer(self, ctx: Context) -> Callable[[Row], dict[str, Any]]:
        child_fns = []
        for name, plan, fk in self.children:
            child_fns.append((name, plan.child_lookup(ctx, fk)))
        return _compile_shape(ctx, self.obj.name, self.shape, child_fns)

    def child_lookup(self, ctx: Context, fk: str) -> Callable[[str], dict[str, Any] | None]:
        """For a child subquery: parent id -> nested query result (or None when no child rows)."""
        groups: dict[str, list[Row]] = {}
        for row in ctx.store.rows(self.obj.name, ctx.include_deleted):
            parent_id = row[fk]
            if parent_id is not None:
                groups.setdefault(parent_id, []).append(row)
        render = self.renderer(ctx)

        def lookup(parent_id: str) -> dict[str, Any] | None:
            rows = groups.get(parent_id)
            if not rows:
                return None
            rows = self.run(ctx, rows)
            if not rows:
                return None
            return {"totalSize": len(rows), "done": True, "records": [render(r) for r in rows]}
        return lookup


def _field_getter(fld: Field) -> Callable[[Row], Any]:
    name = fld.name
    if fld.type in ("datetime", "date"):
        def formatted(row: Row) -> Any:
            value = row[name]
            return None if value is None else format_value(value)
        return formatted
    return operator.itemgetter(name)


def _compile_shape(ctx: Context, obj_name: str, shape: _Shape,
                   child_fns: list[tuple[str, Callable[[str], Any]]] | None = None,
                   polymorphic: bool = False) -> Callable[..., dict[str, Any]]:
    prefix = ctx.url_prefix
    items: list[tuple[str, Callable[..., Any]]] = []
    for key, kind, payload in shape.entries:
        if kind in ("typeof", "converted"):
            fn = typeof_renderer(ctx, payload, lambda name, sub: _compile_shape(ctx, name, sub)) \
                if kind == "typeof" else payload
            items.append((key, fn) if not polymorphic else (key, lambda row, actual, fn=fn: fn(row)))
        elif kind == "field":
            if polymorphic and payload.name in ("Type", "Name"):
                items.append((key, lambda row, actual, name=payload.name: name_entity_value(ctx, actual, row, name)))
            elif polymorphic:
                getter = _field_getter(payload)
                items.append((key, lambda row, actual, getter=getter: getter(row)))
            else:
                items.append((key, _field_getter(payload)))
        else:
            step, sub = payload
            follow = ctx.follow(step)
            if step.target is None:
                sub_render = _compile_shape(ctx, "Name", sub, polymorphic=True)
            else:
                sub_render = _compile_shape(ctx, step.target, sub)

            def parent(row: Row, *_: Any, follow: Callable[[Row], Any] = follow,
                       sub_render: Callable[..., dict[str, Any]] = sub_render) -> Any:
                found = follow(row)
                return None if found is None else sub_render(found[1], found[0])
            items.append((key, parent) if not polymorphic else (key, lambda row, actual, p=parent: p(row)))
    for name, lookup in child_fns or ():
        items.append((name, lambda row, lookup=lookup: lookup(row["Id"])))

    if polymorphic:
        def render_name(row: Row, actual: str) -> dict[str, Any]:
            out: dict[str, Any] = {"attributes": {"type": "Name", "url": f"{prefix}{actual}/{row['Id']}"}}
            for key, fn in items:
                out[key] = fn(row, actual)
            return out
        return render_name

    url = f"{prefix}{obj_name}/"

    def render(row: Row, *_: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": {"type": obj_name, "url": url + row["Id"]}}
        for key, fn in items:
            out[key] = fn(row)
        return out
    return render


def plan_records(ctx: Context, obj: SObject, query: n.Query, *, child: bool = False,
                 parent_limit: int | None = None) -> RecordPlan:
    """Resolve a non-aggregate query (or child subquery) over ``obj``."""
    check_paging(ctx, query)
    if child and query.offset is not None and parent_limit != 1:
        raise ctx.error("MALFORMED_QUERY", query, "OFFSET is only allowed in a subquery when the outer query has "
                        "LIMIT 1")
    shape = _Shape()
    seen: set[str] = set()
    long_text = 0
    children: list[tuple[str, RecordPlan, str]] = []
    child_names: set[str] = set()
    if sum(isinstance(item, n.SelectSubquery) for item in query.select) > MAX_CHILD_SUBQUERIES:
        raise ctx.error("MALFORMED_QUERY", query, f"No more than {MAX_CHILD_SUBQUERIES} parent-to-child "
                        "relationships can be specified in a query")

    def select(path: Path, written: str) -> None:
        nonlocal long_text
        if path.key in seen:
            raise SoqlError("INVALID_FIELD", f"duplicate field selected: {written}")
        seen.add(path.key)
        if path.type == "textarea":
            long_text += 1
        shape.add(path.steps, path.field)

    typeofs: list[TypeofPlan] = []
    for item in query.select:
        if isinstance(item, n.SelectTypeof):
            plan = plan_typeof(ctx, obj.name, item, _Shape)
            if plan.key in {tp.key for tp in typeofs}:
                raise ctx.error("MALFORMED_QUERY", item, f"duplicate field selected: TYPEOF {item.ref.text}")
            typeofs.append(plan)
            shape.add_entry(plan.parent_steps, plan.step.relationship, "typeof", plan)
            continue
        if isinstance(item, n.SelectFunction) and item.call.upper == CONVERT_CURRENCY:
            select_converted(ctx, obj, item, shape, seen)
            continue
        if isinstance(item, n.SelectFunction):
            if item.call.upper != "FIELDS":
                raise misplaced_function(ctx, item.call, "this place")
            for fld in fields_selection(ctx, obj, query, item):
                select(Path((), fld, obj.name), fld.name)
            continue
        if isinstance(item, n.SelectSubquery):
            sub_plan, rel_name, fk = _plan_child(ctx, obj, item.query, query.limit)
            if rel_name.lower() in child_names:
                raise SoqlError("INVALID_FIELD", f"duplicate field selected: {rel_name}")
            child_names.add(rel_name.lower())
            children.append((rel_name, sub_plan, fk))
            long_text += sub_plan.long_text_fields
            continue
        if item.alias is not None:
            raise ctx.error("MALFORMED_QUERY", item.ref, f"unexpected token: '{item.alias}'")
        select(resolve_path(ctx, obj, item.ref), item.ref.text)
    for plan in typeofs:  # the TYPEOF relationship may not be selected another way too
        prefix = plan.key + "."
        clash = next((key for key in seen if key.startswith(prefix)), None)
        if clash is not None:
            raise ctx.error("MALFORMED_QUERY", query, f"TYPEOF {plan.step.relationship}: the relationship is also "
                            f"selected as {clash}; select its fields inside TYPEOF only")
    where = None
    if query.where is not None:
        check_semijoins(ctx, query.where)
        where = compile_condition(ctx, query.where, row_operands(ctx, obj))
    order = [_order_spec(ctx, obj, item) for item in query.order_by]
    return RecordPlan(obj, query, where, order, shape, long_text, children)


def select_converted(ctx: Context, obj: SObject, item: n.SelectFunction, shape: _Shape, seen: set[str]) -> None:
    """``convertCurrency(field) [alias]``: the field in the user's currency, under the alias or the field's name
    (nested under its parent when it has one and no alias)."""
    call = item.call
    currencies_or_error(ctx, call, "convertCurrency()")
    if not isinstance(call.arg, n.FieldRef):
        raise ctx.error("MALFORMED_QUERY", call.arg or call, "convertCurrency() takes one currency field")
    path = resolve_path(ctx, obj, call.arg)
    if path.type != "currency":
        raise ctx.error("INVALID_FIELD", call.arg, f"convertCurrency() takes a currency field; {path.field.name} is "
                        f"{path.type}")
    key = item.alias.lower() if item.alias else path.key
    if key in seen:
        raise SoqlError("INVALID_FIELD", f"duplicate field selected: {item.alias or call.arg.text}; give "
                        "convertCurrency() an alias")
    seen.add(key)
    if item.alias:
        shape.add_entry((), item.alias, "converted", user_currency_getter(ctx, path))
        return
    holder = Path((), path.field, path.object_name)
    shape.add_entry(path.steps, path.field.name, "converted", user_currency_getter(ctx, holder))


def _order_spec(ctx: Context, obj: SObject, item: n.OrderItem) -> OrderSpec:
    if isinstance(item.operand, n.FunctionCall):
        raise misplaced_function(ctx, item.operand, "ORDER BY")
    path: Path = resolve_path(ctx, obj, item.operand)
    if path.type == "textarea":
        raise ctx.error("INVALID_FIELD", item.operand, f"field '{path.field.name}' can not be sorted in a query call")
    nulls_first = item.nulls_first if item.nulls_first is not None else not item.descending
    if path.type == "currency" and ctx.currencies is not None:  # by the amount in the corporate currency
        return converted_getter(ctx, path), lambda v: v, item.descending, nulls_first
    return path.getter(ctx), sort_key(path.field), item.descending, nulls_first


def _plan_child(ctx: Context, parent: SObject, query: n.Query, parent_limit: int | None) -> tuple[RecordPlan, str, str]:
    rel = parent.child_relationship_ci(query.object_name)
    if rel is None:
        raise ctx.error("INVALID_TYPE", n.FieldRef((), query.object_line, query.object_column),
                        f"Didn't understand relationship '{query.object_name}' in FROM part of query call. If you are "
                        "attempting to use a custom relationship, be sure to append the '__r' after the custom "
                        "relationship name. Please reference your WSDL or the describe call for the appropriate names.")
    child_obj = ctx.get_object(rel.child_object)
    assert child_obj is not None
    if query.group_by or query.having or any(
            isinstance(i, n.SelectFunction) and i.call.upper not in ("FIELDS", CONVERT_CURRENCY) for i in query.select):
        raise ctx.error("MALFORMED_QUERY", query, "Aggregate functions and GROUP BY are not supported in "
                        "parent-to-child relationship subqueries")
    plan = plan_records(ctx, child_obj, query, child=True, parent_limit=parent_limit)
    return plan, rel.relationship_name, rel.field
