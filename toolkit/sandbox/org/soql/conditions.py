"""WHERE and HAVING: type-checked literals and conditions compiled to row predicates.

SOQL semantics kept here: text ``=``/``!=`` are case-insensitive; ``!=`` and ``NOT IN`` match nulls; a
relative date literal stands for a range in the user's time zone (``= TODAY`` within today, ``> TODAY`` after its
end, ``< TODAY`` before its start); ids compare in their 18-character form; long text areas cannot be filtered.
A boolean field is never null: ``= null`` means ``= false``, ``!= null`` means ``= true``, and the boolean of a parent
that does not exist counts as false (Salesforce: "Use null in WHERE" and "null Values in Lookup Relationships and
Outer Joins", SOQL and SOSL Reference). A currency literal (``Amount > USD100``) compares converted amounts
(``currency.py``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from toolkit.sandbox.org.schema import Field, SObject
from toolkit.sandbox.org.soql import nodes as n
from toolkit.sandbox.org.soql.currency import CurrencyAmount, converted_getter, currency_literal, precise
from toolkit.sandbox.org.soql.fields import (
    BOOL_TYPES,
    ID_TYPES,
    NUMBER_TYPES,
    TEXT_TYPES,
    Context,
    Path,
    resolve_path,
)
from toolkit.sandbox.org.soql.functions import is_date_function, misplaced_function, resolve_date_function
from toolkit.sandbox.org.soql.literals import (
    DateRange,
    LiteralError,
    date_literal_range,
    like_regex,
    parse_date,
    parse_datetime,
    parse_id,
    parse_number,
    unescape,
)

__all__ = ["Operand", "OperandResolver", "Predicate", "check_semijoins", "compile_condition"]

Row = dict[str, Any]
Predicate = Callable[[Row], bool]


@dataclass(frozen=True)
class Operand:
    """What a condition's left side reads: a getter, the field it stands for, the node (for error carets)."""

    get: Callable[[Row], Any]
    field: Field
    node: n.FieldRef | n.FunctionCall
    path: Path | None = None  # row scope only: for semi-joins


OperandResolver = Callable[[n.FieldRef | n.FunctionCall], Operand]

_ORDERED = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_SOAP_TYPES = {
    "string": "string", "textarea": "string", "picklist": "string", "email": "string", "phone": "string",
    "url": "string", "combobox": "string", "multipicklist": "string", "id": "id", "reference": "id",
    "currency": "double", "double": "double", "percent": "double", "int": "integer", "long": "long",
    "boolean": "boolean", "date": "date", "datetime": "dateTime",
}


def _wrong_type(ctx: Context, operand: Operand, value: n.Value) -> Exception:
    soap = _SOAP_TYPES.get(operand.field.type, "string")
    quoted = "should be enclosed in quotes" if soap in ("string", "id") else "should not be enclosed in quotes"
    return ctx.error("INVALID_FIELD", value,
                     f"value of filter criterion for field '{operand.field.name}' must be of type {soap} and {quoted}")


def _bad_operator(ctx: Context, operand: Operand, at: Any) -> Exception:
    return ctx.error("INVALID_QUERY_FILTER_OPERATOR", at, f"invalid operator on {operand.field.type} field")


def typed_literal(ctx: Context, operand: Operand, value: n.Value) -> Any:
    """The comparable Python value of ``value`` for ``operand``'s field: None for null (false for a boolean), a
    DateRange for a relative date literal, a CurrencyAmount for a currency literal, lower-cased text, an
    18-character id, float, bool, date or aware datetime."""
    kind = value.kind
    ftype = operand.field.type
    if kind == "null":
        return False if ftype in BOOL_TYPES else None
    if kind == "currency":
        if ftype != "currency":
            raise _wrong_type(ctx, operand, value)
        if operand.path is None:
            raise ctx.error("MALFORMED_QUERY", value, "A currency ISO code value can't be used with an aggregate "
                            "function; compare with a number (the aggregate is in the corporate currency)")
        return currency_literal(ctx, value)
    try:
        if ftype in TEXT_TYPES:
            if kind != "string":
                raise _wrong_type(ctx, operand, value)
            return unescape(value.raw).lower()
        if ftype in ID_TYPES:
            if kind != "string":
                raise _wrong_type(ctx, operand, value)
            text = unescape(value.raw)
            normalized = parse_id(text)
            if normalized is None:
                raise ctx.error("INVALID_QUERY_FILTER_OPERATOR", value, f"invalid ID field: {text}")
            return normalized
        if ftype in NUMBER_TYPES:
            if kind != "number":
                raise _wrong_type(ctx, operand, value)
            return float(parse_number(value.raw))
        if ftype in BOOL_TYPES:
            if kind != "boolean":
                raise _wrong_type(ctx, operand, value)
            return value.raw == "true"
        if ftype == "datetime":
            if kind == "datetime":
                return parse_datetime(value.raw)
            if kind == "date_literal":
                return date_literal_range(value.literal_name, value.literal_n, ctx.now, ctx.tz)
            raise _wrong_type(ctx, operand, value)
        if ftype == "date":
            if kind == "date":
                return parse_date(value.raw)
            if kind == "date_literal":
                return date_literal_range(value.literal_name, value.literal_n, ctx.now, ctx.tz)
            raise _wrong_type(ctx, operand, value)
    except LiteralError as exc:
        raise ctx.error("MALFORMED_QUERY", value, str(exc)) from None
    raise ctx.error("INVALID_FIELD", operand.node, f"field '{operand.field.name}' can not be filtered in a query call")


def _normalizer(ftype: str, tz: Any = UTC) -> Callable[[Any], Any]:
    """How a field's value compares: text lower-cased; a date as its midnight in the user's time zone (against a
    date literal's range)."""
    if ftype in TEXT_TYPES:
        return str.lower
    if ftype == "date":
        return lambda v: datetime.combine(v, time(), tzinfo=tz)
    return lambda v: v


def _range_predicate(get: Callable[[Row], Any], norm: Callable[[Any], Any], op: str, rng: DateRange) -> Predicate:
    start, end = rng.start, rng.end
    if op == "=":
        return lambda r: (v := get(r)) is not None and start <= norm(v) < end
    if op == "!=":
        return lambda r: (v := get(r)) is None or not (start <= norm(v) < end)
    if op == "<":
        return lambda r: (v := get(r)) is not None and norm(v) < start
    if op == "<=":
        return lambda r: (v := get(r)) is not None and norm(v) < end
    if op == ">":
        return lambda r: (v := get(r)) is not None and norm(v) >= end
    return lambda r: (v := get(r)) is not None and norm(v) >= start


def _compare(ctx: Context, node: n.Compare, operand: Operand) -> Predicate:
    get = operand.get
    ftype = operand.field.type
    literal = typed_literal(ctx, operand, node.value)
    op = node.op
    if isinstance(literal, CurrencyAmount):
        return _compare_converted(ctx, operand, op, literal)
    if literal is None:
        if op == "=":
            return lambda r: get(r) is None
        if op == "!=":
            return lambda r: get(r) is not None
        raise ctx.error("INVALID_QUERY_FILTER_OPERATOR", node.value, "invalid operator on null value")
    norm = _normalizer(ftype, ctx.tz)
    if isinstance(literal, DateRange):
        return _range_predicate(get, norm, op, literal)
    if ftype == "date":
        norm = lambda v: v  # noqa: E731 - a date literal against a date field compares dates
    if ftype in BOOL_TYPES and op not in ("=", "!="):
        raise _bad_operator(ctx, operand, node.value)
    if op == "=":
        return lambda r: (v := get(r)) is not None and norm(v) == literal
    if op == "!=":
        return lambda r: (v := get(r)) is None or norm(v) != literal
    compare = _ORDERED[op]
    return lambda r: (v := get(r)) is not None and compare(norm(v), literal)


def _compare_converted(ctx: Context, operand: Operand, op: str, literal: CurrencyAmount) -> Predicate:
    """``Amount > USD100``: the record's amount and the literal's, both in the corporate currency."""
    assert operand.path is not None
    get = converted_getter(ctx, operand.path)
    target = literal.corporate
    if op == "=":
        return lambda r: (v := get(r)) is not None and v == target
    if op == "!=":
        return lambda r: (v := get(r)) is None or v != target
    compare = _ORDERED[op]
    return lambda r: (v := get(r)) is not None and compare(v, target)


def _like(ctx: Context, node: n.Like, operand: Operand) -> Predicate:
    if operand.field.type not in TEXT_TYPES:
        raise _bad_operator(ctx, operand, node.value)
    if node.value.kind != "string":
        raise _wrong_type(ctx, operand, node.value)
    try:
        pattern = like_regex(node.value.raw)
    except LiteralError as exc:
        raise ctx.error("MALFORMED_QUERY", node.value, str(exc)) from None
    match = pattern.fullmatch
    get = operand.get
    return lambda r: (v := get(r)) is not None and match(v) is not None


def _in_list(ctx: Context, node: n.InList, operand: Operand) -> Predicate:
    get = operand.get
    literals = [typed_literal(ctx, operand, value) for value in node.values]
    norm = _normalizer(operand.field.type) if operand.field.type != "date" else (lambda v: v)
    ranges = [lit for lit in literals if isinstance(lit, DateRange)]
    amounts = [lit for lit in literals if isinstance(lit, CurrencyAmount)]
    if amounts:
        if len(amounts) != len(literals):
            raise ctx.error("MALFORMED_QUERY", node.values[0], "IN cannot mix currency ISO code values and other "
                            "values")
        assert operand.path is not None
        converted = converted_getter(ctx, operand.path)
        targets = {precise(lit.corporate) for lit in amounts}

        def inside_amounts(r: Row) -> bool:
            v = converted(r)
            return v is not None and v in targets
        return (lambda r: not inside_amounts(r)) if node.negated else inside_amounts
    if ranges:
        tests = [_range_predicate(get, _normalizer(operand.field.type, ctx.tz), "=", rng) for rng in ranges]
        plain = {lit for lit in literals if lit is not None and not isinstance(lit, DateRange)}
        with_null = any(lit is None for lit in literals)

        def inside(r: Row) -> bool:
            v = get(r)
            if v is None:
                return with_null
            return norm(v) in plain or any(test(r) for test in tests)
    else:
        values = {lit for lit in literals if lit is not None}
        with_null = any(lit is None for lit in literals)

        def inside(r: Row) -> bool:
            v = get(r)
            return with_null if v is None else norm(v) in values
    if node.negated:
        return lambda r: not inside(r)
    return inside


def _semijoin(ctx: Context, node: n.InQuery, operand: Operand) -> Predicate:
    if operand.path is None or operand.field.type not in ID_TYPES:
        raise ctx.error("INVALID_FIELD", operand.node,
                        f"Invalid semi join: the left operand field '{operand.node.text}' must be an id or a reference")
    inner = node.query
    obj = ctx.get_object(inner.object_name)
    if obj is None:
        raise ctx.error("INVALID_TYPE", n.FieldRef((), inner.object_line, inner.object_column),
                        f"sObject type '{inner.object_name}' is not supported. If you are attempting to use a custom "
                        "object, be sure to append the '__c' after the entity name. Please reference your WSDL or "
                        "the describe call for the appropriate names.")
    if len(inner.select) != 1 or not isinstance(inner.select[0], n.SelectField) or inner.select[0].alias:
        raise ctx.error("MALFORMED_QUERY", node, "Semi join sub-selects must select exactly one id or reference field")
    if inner.group_by or inner.having or inner.order_by or inner.limit is not None or inner.offset is not None:
        raise ctx.error("MALFORMED_QUERY", node, "Semi join sub-selects do not support GROUP BY, HAVING, ORDER BY, "
                        "LIMIT or OFFSET")
    ref = inner.select[0].ref
    path = resolve_path(ctx, obj, ref)
    if path.type not in ID_TYPES:
        raise ctx.error("INVALID_FIELD", ref, f"Invalid semi join: the selected field '{ref.text}' in the subquery "
                        "must be an id or a reference")
    if not (_targets(operand.path) & _targets(path)):
        raise ctx.error("INVALID_FIELD", ref,
                        f"The selected field '{ref.text}' in the subquery and the left operand field in the where "
                        f"expression in the outer query '{operand.node.text}' should point to the same object type")
    if inner.where is not None and _contains_semijoin(inner.where):
        raise ctx.error("MALFORMED_QUERY", node, "Nesting of semi join sub-selects is not supported")
    resolver = row_operands(ctx, obj)
    where = compile_condition(ctx, inner.where, resolver) if inner.where is not None else None
    inner_get = path.getter(ctx)
    rows = ctx.store.rows(obj.name, ctx.include_deleted)
    ids = {inner_get(r) for r in rows if where is None or where(r)}
    ids.discard(None)
    get = operand.get
    if node.negated:
        return lambda r: (v := get(r)) is None or v not in ids
    return lambda r: (v := get(r)) is not None and v in ids


def _targets(path: Path) -> set[str]:
    if path.field.type == "id":
        return {path.object_name} if path.object_name else {"*"}
    return set(path.field.reference_to)


def _contains_semijoin(cond: n.Condition) -> bool:
    if isinstance(cond, n.InQuery):
        return True
    if isinstance(cond, n.And | n.Or):
        return any(_contains_semijoin(c) for c in cond.items)
    if isinstance(cond, n.Not):
        return _contains_semijoin(cond.item)
    return False


def check_semijoins(ctx: Context, cond: n.Condition) -> None:
    """Salesforce's limits on semi-/anti-joins: not under OR or NOT, at most two per WHERE."""
    found: list[n.InQuery] = []

    def walk(c: n.Condition, under: str | None) -> None:
        if isinstance(c, n.InQuery):
            if under:
                raise ctx.error("MALFORMED_QUERY", c, f"Semi join sub-selects are not allowed with the '{under}' "
                                "operator")
            found.append(c)
        elif isinstance(c, n.And):
            for item in c.items:
                walk(item, under)
        elif isinstance(c, n.Or):
            for item in c.items:
                walk(item, "OR")
        elif isinstance(c, n.Not):
            walk(c.item, "NOT")

    walk(cond, None)
    if len(found) > 2:
        raise ctx.error("MALFORMED_QUERY", found[2], "Maximum of 2 semi join sub-selects are allowed")


def row_operands(ctx: Context, obj: SObject) -> OperandResolver:
    """Operands of a WHERE clause over ``obj``'s rows: field paths only, each filterable."""

    def resolve(node: n.FieldRef | n.FunctionCall) -> Operand:
        if isinstance(node, n.FunctionCall):
            if not is_date_function(node):
                raise misplaced_function(ctx, node, "WHERE")
            fn = resolve_date_function(ctx, obj, node)
            return Operand(fn.get, fn.field, node)
        path = resolve_path(ctx, obj, node)
        if not path.field.filterable:
            raise ctx.error("INVALID_FIELD", node, f"field '{path.field.name}' can not be filtered in a query call")
        return Operand(path.getter(ctx), path.field, node, path)
    return resolve


def compile_condition(ctx: Context, cond: n.Condition, resolve: OperandResolver) -> Predicate:
    """A predicate for ``cond``; every operand goes through ``resolve`` (row scope or group scope)."""
    if isinstance(cond, n.And):
        parts = [compile_condition(ctx, c, resolve) for c in cond.items]
        return lambda r: all(p(r) for p in parts)
    if isinstance(cond, n.Or):
        parts = [compile_condition(ctx, c, resolve) for c in cond.items]
        return lambda r: any(p(r) for p in parts)
    if isinstance(cond, n.Not):
        inner = compile_condition(ctx, cond.item, resolve)
        return lambda r: not inner(r)
    operand = resolve(cond.left)
    if operand.field.type in BOOL_TYPES:  # never null: a null (or a missing parent's) boolean is false
        raw = operand.get
        operand = Operand(lambda r: raw(r) is True, operand.field, operand.node, operand.path)
    if isinstance(cond, n.Compare):
        return _compare(ctx, cond, operand)
    if isinstance(cond, n.Like):
        return _like(ctx, cond, operand)
    if isinstance(cond, n.InList):
        return _in_list(ctx, cond, operand)
    return _semijoin(ctx, cond, operand)
