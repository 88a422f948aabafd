"""Aggregate queries: COUNT(), COUNT/COUNT_DISTINCT/SUM/AVG/MIN/MAX, GROUP BY, HAVING, aliases.

Rows are ``{"attributes": {"type": "AggregateResult"}, ...}``; unnamed aggregate columns are ``expr0``,
``expr1``... in select order, grouped fields keep their field name. SUM and AVG add in Decimal. In a multi-currency
org SUM, AVG, MIN and MAX of a currency field convert every amount to the corporate currency first and report in it
(rounded to its decimal places), as Salesforce documents; TYPEOF and ``convertCurrency()`` are refused here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from toolkit.sandbox.org.schema import Field, SObject
from toolkit.sandbox.org.soql import nodes as n
from toolkit.sandbox.org.soql.conditions import Operand, check_semijoins, compile_condition, row_operands
from toolkit.sandbox.org.soql.currency import converted_getter
from toolkit.sandbox.org.soql.fields import NUMBER_TYPES, TEXT_TYPES, Context, Path, resolve_path
from toolkit.sandbox.org.soql.functions import (
    CONVERT_CURRENCY,
    is_date_function,
    misplaced_function,
    resolve_date_function,
)
from toolkit.sandbox.org.soql.literals import format_value
from toolkit.sandbox.org.soql.records import check_paging, order_rows, page, sort_key

__all__ = ["AGGREGATE_FUNCTIONS", "is_aggregate", "run_aggregate"]

Row = dict[str, Any]
AGGREGATE_FUNCTIONS = frozenset({"COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX"})
_NOT_GROUPABLE = frozenset({"textarea", "currency", "double", "percent", "datetime"})


def is_aggregate(query: n.Query) -> bool:
    """Grouped, or selecting a function other than ``FIELDS()`` and ``convertCurrency()``."""
    return bool(query.group_by) or any(isinstance(i, n.SelectFunction) and i.call.upper not in ("FIELDS",
                                                                                                CONVERT_CURRENCY)
                                       for i in query.select)


@dataclass(frozen=True)
class _Group:
    """One GROUP BY item: a field path or a date function."""

    key: str
    field: Field
    get: Callable[[Row], Any]
    path: Path | None  # None for a date function


def _group(ctx: Context, obj: SObject, item: n.FieldRef | n.FunctionCall) -> _Group:
    if isinstance(item, n.FunctionCall):
        if not is_date_function(item):
            raise misplaced_function(ctx, item, "GROUP BY")
        fn = resolve_date_function(ctx, obj, item)
        return _Group(fn.key, fn.field, fn.get, None)
    path = resolve_path(ctx, obj, item)
    if path.type in _NOT_GROUPABLE:
        raise ctx.error("INVALID_FIELD", item, f"field '{path.field.name}' can not be grouped in a query call")
    return _Group(path.key, path.field, path.getter(ctx), path)


@dataclass(frozen=True)
class _Aggregate:
    function: str
    path: Path | None
    get: Callable[[Row], Any] | None
    corporate: str | None = None  # a currency field in a multi-currency org: values converted, reported in it
    places: int = 2

    @property
    def signature(self) -> str:
        return f"{self.function}({self.path.key if self.path else ''})"

    def result_field(self) -> Field:
        if self.function in ("COUNT", "COUNT_DISTINCT"):
            return Field(name=self.signature, type="int")
        if self.function in ("SUM", "AVG"):
            return Field(name=self.signature, type="double")
        assert self.path is not None
        return self.path.field

    def compute(self, rows: list[Row]) -> Any:
        if self.get is None:
            return len(rows)
        get = self.get
        values = [v for v in (get(r) for r in rows) if v is not None]
        if self.function == "COUNT":
            return len(values)
        assert self.path is not None
        if self.function == "COUNT_DISTINCT":
            text = self.path.type in TEXT_TYPES
            return len({v.lower() if text else v for v in values})
        if not values:
            return None
        if self.function in ("SUM", "AVG"):
            total = sum((v if isinstance(v, Decimal) else Decimal(repr(v)) for v in values), Decimal(0))
            result = total if self.function == "SUM" else total / len(values)
            if self.corporate is not None:
                result = result.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)
            return int(result) if self.path.type in ("int", "long") and self.function == "SUM" else float(result)
        if self.corporate is not None:
            chosen = (min if self.function == "MIN" else max)(values)
            return float(chosen.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP))
        key = sort_key(self.path.field)
        return (min if self.function == "MIN" else max)(values, key=key)


def _has_semijoin(cond: n.Condition) -> bool:
    if isinstance(cond, n.InQuery):
        return True
    if isinstance(cond, n.And | n.Or):
        return any(_has_semijoin(c) for c in cond.items)
    return isinstance(cond, n.Not) and _has_semijoin(cond.item)


def _aggregate(ctx: Context, obj: SObject, call: n.FunctionCall) -> _Aggregate:
    name = call.upper
    if name == CONVERT_CURRENCY:
        raise ctx.error("MALFORMED_QUERY", call, "convertCurrency() cannot be used in an aggregate query: aggregate "
                        "functions report currency fields in the corporate currency")
    if name not in AGGREGATE_FUNCTIONS:
        raise misplaced_function(ctx, call, "an aggregate query")
    if call.arg is None:
        if name != "COUNT":
            raise ctx.error("MALFORMED_QUERY", call, "unexpected token: ')'")
        return _Aggregate("COUNT", None, None)
    if isinstance(call.arg, n.FunctionCall):
        raise ctx.error("MALFORMED_QUERY", call.arg, f"{call.name}() cannot take {call.arg.name}(): aggregate a field")
    path = resolve_path(ctx, obj, call.arg)
    ftype = path.type
    allowed = {
        "SUM": ftype in NUMBER_TYPES, "AVG": ftype in NUMBER_TYPES,
        "MIN": ftype not in ("boolean", "textarea"), "MAX": ftype not in ("boolean", "textarea"),
        "COUNT": ftype != "textarea", "COUNT_DISTINCT": ftype != "textarea",
    }[name]
    if not allowed:
        raise ctx.error("INVALID_FIELD", call.arg,
                        f"field {path.field.name} does not support aggregate operator {name}")
    if ftype == "currency" and ctx.currencies is not None and name in ("SUM", "AVG", "MIN", "MAX"):
        corporate = ctx.currencies.corporate
        return _Aggregate(name, path, converted_getter(ctx, path), corporate, ctx.currencies.places(corporate))
    return _Aggregate(name, path, path.getter(ctx))


def run_aggregate(ctx: Context, obj: SObject, query: n.Query) -> tuple[list[dict[str, Any]], int, bool]:
    """``(records, total size, count_only)`` for an aggregate query (COUNT() gives no records)."""
    check_paging(ctx, query)
    groups: list[_Group] = []
    for ref in query.group_by:
        group = _group(ctx, obj, ref)
        if any(g.key == group.key for g in groups):
            raise ctx.error("MALFORMED_QUERY", ref, f"duplicate field selected: {ref.text}")
        groups.append(group)
    group_index = {g.key: i for i, g in enumerate(groups)}
    aggregates: dict[str, _Aggregate] = {}

    def aggregate_of(call: n.FunctionCall) -> _Aggregate:
        agg = _aggregate(ctx, obj, call)
        return aggregates.setdefault(agg.signature, agg)

    count_only = False
    columns: list[tuple[str, str, Any]] = []  # (key, "group"|"agg", index or signature)
    unnamed = 0
    keys: set[str] = set()
    for item in query.select:
        if isinstance(item, n.SelectSubquery):
            raise ctx.error("MALFORMED_QUERY", item.query, "Aggregate queries do not support parent-to-child "
                            "relationship subqueries")
        if isinstance(item, n.SelectTypeof):
            raise ctx.error("MALFORMED_QUERY", item, "TYPEOF is not allowed in a query that does not return records, "
                            "such as an aggregate query")
        if isinstance(item, n.SelectFunction):
            if item.call.upper == "FIELDS":
                raise ctx.error("MALFORMED_QUERY", item.call, "FIELDS() cannot be used in an aggregate query")
            if item.call.upper == "COUNT" and item.call.arg is None:
                if len(query.select) > 1:
                    raise ctx.error("MALFORMED_QUERY", item.call, "COUNT() cannot be used with other fields in the "
                                    "select list")
                if item.alias:
                    raise ctx.error("MALFORMED_QUERY", item.call, f"unexpected token: '{item.alias}'")
                if query.group_by:
                    raise ctx.error("MALFORMED_QUERY", item.call, "COUNT() cannot be used with GROUP BY; use "
                                    "COUNT(fieldName) instead")
                if query.order_by:
                    raise ctx.error("MALFORMED_QUERY", item.call, "COUNT() cannot be used with ORDER BY")
                count_only = True
                continue
            if is_date_function(item.call):
                fn_key = resolve_date_function(ctx, obj, item.call).key
                if fn_key not in group_index:
                    raise ctx.error("MALFORMED_QUERY", item.call, f"Field must be grouped or aggregated: "
                                    f"{item.call.text}")
                key = item.alias or f"expr{unnamed}"
                if not item.alias:
                    unnamed += 1
                if key.lower() in keys:
                    raise ctx.error("MALFORMED_QUERY", item, f"duplicate alias: {key}")
                keys.add(key.lower())
                columns.append((key, "group", group_index[fn_key]))
                continue
            agg = aggregate_of(item.call)
            key = item.alias or f"expr{unnamed}"
            if not item.alias:
                unnamed += 1
            column = (key, "agg", agg.signature)
        else:
            path = resolve_path(ctx, obj, item.ref)
            if path.key not in group_index:
                raise ctx.error("MALFORMED_QUERY", item.ref, f"Field must be grouped or aggregated: {path.field.name}")
            key = item.alias or path.field.name
            column = (key, "group", group_index[path.key])
        if key.lower() in keys:
            raise ctx.error("MALFORMED_QUERY", item, f"duplicate alias: {key}")
        keys.add(key.lower())
        columns.append(column)

    def group_operand(node: n.FieldRef | n.FunctionCall) -> Operand:
        if isinstance(node, n.FunctionCall) and is_date_function(node):
            fn = resolve_date_function(ctx, obj, node)
            if fn.key not in group_index:
                raise ctx.error("MALFORMED_QUERY", node, f"Field must be grouped or aggregated: {node.text}")
            position = group_index[fn.key]
            return Operand(lambda g: g[0][position], fn.field, node)
        if isinstance(node, n.FunctionCall):
            agg = aggregate_of(node)
            signature = agg.signature
            return Operand(lambda g: g[1][signature], agg.result_field(), node)
        path = resolve_path(ctx, obj, node)
        if path.key not in group_index:
            raise ctx.error("MALFORMED_QUERY", node, f"Field must be grouped or aggregated: {path.field.name}")
        index = group_index[path.key]
        return Operand(lambda g: g[0][index], path.field, node, path)

    if query.having is not None and _has_semijoin(query.having):
        raise ctx.error("MALFORMED_QUERY", query, "Semi join sub-selects are only allowed in the WHERE clause")
    having = compile_condition(ctx, query.having, group_operand) if query.having is not None else None
    if query.having is not None and not groups:
        raise ctx.error("MALFORMED_QUERY", query, "HAVING requires GROUP BY")
    order = []
    for item in query.order_by:
        operand = group_operand(item.operand)
        nulls_first = item.nulls_first if item.nulls_first is not None else not item.descending
        order.append((operand.get, sort_key(operand.field), item.descending, nulls_first))

    where = None
    if query.where is not None:
        check_semijoins(ctx, query.where)
        where = compile_condition(ctx, query.where, row_operands(ctx, obj))
    rows = ctx.store.rows(obj.name, ctx.include_deleted)
    if where is not None:
        rows = [r for r in rows if where(r)]

    getters = [g.get for g in groups]
    normalizers = [str.lower if g.field.type in TEXT_TYPES else (lambda v: v) for g in groups]
    buckets: dict[tuple[Any, ...], tuple[tuple[Any, ...], list[Row]]] = {}
    if groups:
        for row in rows:
            values = tuple(get(row) for get in getters)
            bucket_key = tuple(None if v is None else norm(v) for v, norm in zip(values, normalizers, strict=True))
            bucket = buckets.get(bucket_key)
            if bucket is None:
                buckets[bucket_key] = (values, [row])
            else:
                bucket[1].append(row)
    else:
        buckets[()] = ((), rows)

    results = [(values, {sig: agg.compute(members) for sig, agg in aggregates.items()})
               for values, members in buckets.values()]
    if having is not None:
        results = [g for g in results if having(g)]
    if order:
        results = order_rows(results, order)  # type: ignore[arg-type]
    results = page(results, query)  # type: ignore[arg-type]
    if count_only:
        return [], len(results) if groups else (len(rows) if query.limit is None else min(len(rows), query.limit)), True
    records = []
    for values, computed in results:
        record: dict[str, Any] = {"attributes": {"type": "AggregateResult"}}
        for key, kind, ref in columns:
            record[key] = format_value(values[ref] if kind == "group" else computed[ref])
        records.append(record)
    return records, len(records), False
