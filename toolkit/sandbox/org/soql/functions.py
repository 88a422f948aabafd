"""SOQL date functions (``CALENDAR_YEAR(CreatedDate)``, ``DAY_ONLY(GatewayDate)``...) and ``FIELDS()``.

Date functions work in WHERE, GROUP BY, HAVING and ORDER BY of grouped queries, and in the select list of a
grouped query when they are grouped (their column is ``exprN`` unless aliased). They read date-times in UTC, as
SOQL returns them; ``convertTimezone()`` around the field (``HOUR_IN_DAY(convertTimezone(CreatedDate))``) reads
them in the user's time zone first, and is valid only there (Salesforce: "convertTimezone()", SOQL and SOSL
Reference). The fiscal year starts in January (Salesforce's default). ``FIELDS(ALL|STANDARD|CUSTOM)`` expands to
the object's fields in describe order; ``ALL`` and ``CUSTOM`` need ``LIMIT`` of at most 200, as on Salesforce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from toolkit.sandbox.org.schema import Field, SObject
from toolkit.sandbox.org.soql import nodes as n
from toolkit.sandbox.org.soql.fields import Context, resolve_path

__all__ = ["CONVERT_TIMEZONE", "DATE_FUNCTIONS", "FIELDS_LIMIT", "DateFunction", "fields_selection",
           "is_date_function", "misplaced_function", "resolve_date_function"]

FIELDS_LIMIT = 200


def _day_in_week(v: date) -> int:
    return v.isoweekday() % 7 + 1  # Sunday 1 ... Saturday 7


def _day_in_year(v: date) -> int:
    return v.timetuple().tm_yday


#: name -> (function of a date or UTC datetime, result type, datetime fields only)
DATE_FUNCTIONS: dict[str, tuple[Callable[[Any], Any], str, bool]] = {
    "CALENDAR_MONTH": (lambda v: v.month, "int", False),
    "CALENDAR_QUARTER": (lambda v: (v.month - 1) // 3 + 1, "int", False),
    "CALENDAR_YEAR": (lambda v: v.year, "int", False),
    "DAY_IN_MONTH": (lambda v: v.day, "int", False),
    "DAY_IN_WEEK": (_day_in_week, "int", False),
    "DAY_IN_YEAR": (_day_in_year, "int", False),
    "DAY_ONLY": (lambda v: v.date(), "date", True),
    "FISCAL_MONTH": (lambda v: v.month, "int", False),
    "FISCAL_QUARTER": (lambda v: (v.month - 1) // 3 + 1, "int", False),
    "FISCAL_YEAR": (lambda v: v.year, "int", False),
    "HOUR_IN_DAY": (lambda v: v.hour, "int", True),
    "WEEK_IN_MONTH": (lambda v: (v.day - 1) // 7 + 1, "int", False),
    "WEEK_IN_YEAR": (lambda v: (_day_in_year(v) - 1) // 7 + 1, "int", False),
}


CONVERT_TIMEZONE = "CONVERTTIMEZONE"
CONVERT_CURRENCY = "CONVERTCURRENCY"


def is_date_function(call: n.FunctionCall) -> bool:
    return call.upper in DATE_FUNCTIONS


def misplaced_function(ctx: Context, call: n.FunctionCall, where: str) -> Exception:
    """The error for a function used where SOQL does not take it (``convertTimezone()`` outside a date function,
    ``convertCurrency()`` in WHERE or ORDER BY, any unknown name)."""
    if call.upper == CONVERT_TIMEZONE:
        return ctx.error("MALFORMED_QUERY", call, "convertTimezone() can only be used inside a date function, such "
                         "as HOUR_IN_DAY(convertTimezone(CreatedDate))")
    if call.upper == CONVERT_CURRENCY:
        return ctx.error("MALFORMED_QUERY", call, f"convertCurrency() can only be used in the SELECT clause, not in "
                         f"{where}")
    return ctx.error("MALFORMED_QUERY", call, f"unexpected token: '{call.name}'")


@dataclass(frozen=True)
class DateFunction:
    key: str  # case-insensitive identity, e.g. ``calendar_year(createddate)``
    field: Field  # the result: name is the call as written, type int or date
    get: Callable[[dict[str, Any]], Any]


def resolve_date_function(ctx: Context, obj: SObject, call: n.FunctionCall) -> DateFunction:
    """A date function over a date or datetime field path of ``obj``; errors as Salesforce reports them."""
    name = call.upper
    fn, result_type, datetime_only = DATE_FUNCTIONS[name]
    arg = call.arg
    if arg is None:
        raise ctx.error("MALFORMED_QUERY", call, "unexpected token: ')'")
    local = isinstance(arg, n.FunctionCall)
    if isinstance(arg, n.FunctionCall):
        if arg.upper != CONVERT_TIMEZONE:
            raise ctx.error("MALFORMED_QUERY", arg, f"unexpected token: '{arg.name}'")
        if not isinstance(arg.arg, n.FieldRef):
            raise ctx.error("MALFORMED_QUERY", arg, "convertTimezone() takes one dateTime field")
        arg = arg.arg
    path = resolve_path(ctx, obj, arg)
    allowed = ("datetime",) if datetime_only or local else ("date", "datetime")
    if path.type not in allowed:
        what = "convertTimezone()" if local else f"{name}"
        raise ctx.error("MALFORMED_QUERY", arg, f"{what}: invalid field type {path.type} for date function "
                        f"on field {path.field.name}; it takes a {' or '.join(allowed)} field")
    inner = path.getter(ctx)
    tz = ctx.tz

    def get(row: dict[str, Any]) -> Any:
        value = inner(row)
        if value is None:
            return None
        if local:
            value = value.astimezone(tz)
        if isinstance(value, datetime) or not datetime_only:
            return fn(value)
        return None  # pragma: no cover - the type check above rules it out
    key = f"{name.lower()}(converttimezone({path.key}))" if local else f"{name.lower()}({path.key})"
    return DateFunction(key, Field(name=call.text, type=result_type), get)


def fields_selection(ctx: Context, obj: SObject, query: n.Query, item: n.SelectFunction) -> list[Field]:
    """The fields ``FIELDS(ALL|STANDARD|CUSTOM)`` selects from ``obj`` in ``query``."""
    call = item.call
    arg = call.arg
    if isinstance(arg, n.FunctionCall):
        raise ctx.error("MALFORMED_QUERY", arg, f"unexpected token: '{arg.name}'")
    group = arg.path[0].upper() if arg is not None and len(arg.path) == 1 else None
    if group not in ("ALL", "STANDARD", "CUSTOM"):
        raise ctx.error("MALFORMED_QUERY", arg or call, f"unexpected token: '{arg.text if arg else ')'}'")
    if item.alias:
        raise ctx.error("MALFORMED_QUERY", call, f"unexpected token: '{item.alias}'")
    if group != "STANDARD" and (query.limit is None or query.limit > FIELDS_LIMIT):
        raise ctx.error("MALFORMED_QUERY", call,
                        f"The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}")
    custom = [f for f in obj.fields.values() if f.name.lower().endswith("__c")]
    if group == "CUSTOM":
        return custom
    if group == "STANDARD":
        return [f for f in obj.fields.values() if f not in custom]
    return list(obj.fields.values())
