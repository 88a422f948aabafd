"""Record values: coerce and validate what case files and REST writes send, and render values back.

One set of rules serves both doors into the org:

- :func:`coerce_value` turns a JSON (or Python) value into the store's typed value for one field, or
  raises :class:`FieldProblem` carrying Salesforce's error code and a short description. The REST app
  turns a problem into ``[{"message", "errorCode", "fields"}]``; the case-file loader turns it into a
  one-sentence :class:`~toolkit.errors.CaseFileError` naming the object, the record and the field.
- :func:`to_json_value` renders a stored value as Salesforce's REST API returns it (datetimes as
  ``2026-11-08T10:12:00.000+0000``, dates as ``YYYY-MM-DD``, numbers as JSON numbers).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from toolkit.core.clock import parse_instant
from toolkit.core.ids import normalize_id
from toolkit.core.money import CURRENCY_EXPONENTS
from toolkit.sandbox.org.schema import Field, SObject

__all__ = [
    "CURRENCY_EXPONENTS",
    "FieldProblem",
    "coerce_value",
    "currency_exponent",
    "format_datetime",
    "record_to_json",
    "round_money",
    "to_json_value",
]

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TEXT_TYPES = ("string", "textarea", "email", "phone", "picklist")



class FieldProblem(ValueError):
    """A value a field cannot take: Salesforce's error code plus a description of the problem."""

    def __init__(self, error_code: str, problem: str, field: str) -> None:
        super().__init__(problem)
        self.error_code = error_code
        self.problem = problem
        self.field = field


def currency_exponent(currency: str | None) -> int:
    return CURRENCY_EXPONENTS.get((currency or "USD").upper(), 2)


def round_money(value: Decimal | float | int, currency: str | None) -> float:
    """Round to the currency's decimal places in Decimal, then store as float (the store's currency type)."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    quantum = Decimal(1).scaleb(-currency_exponent(currency))
    return float(amount.quantize(quantum, rounding=ROUND_HALF_UP))


@lru_cache(maxsize=262144)
def _normalize_id(value: str) -> str | None:
    return normalize_id(value)


@lru_cache(maxsize=65536)
def _parse_datetime(value: str) -> datetime:
    return _ms(parse_instant(value))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _parse_error(fld: Field, value: Any, expected: str) -> FieldProblem:
    shown = repr(value) if not isinstance(value, dict | list) else _type_name(value)
    return FieldProblem("JSON_PARSER_ERROR", f"{shown} is not {expected}", fld.name)


def coerce_value(fld: Field, value: Any) -> Any:
    """The store's typed value for ``value`` in ``fld``; raises :class:`FieldProblem`.

    Accepts JSON shapes (strings for dates and datetimes, numbers for amounts) and the matching Python
    types (``datetime``, ``date``, ``Decimal``) for internal writes. ``None`` stays ``None`` (nillability
    is checked by the caller, which knows whether the field was given).
    """
    if value is None:
        return None
    kind = fld.type
    if kind in ("id", "reference"):
        if not isinstance(value, str):
            raise _parse_error(fld, value, "a Salesforce id")
        normalized = _normalize_id(value)
        if normalized is None:
            raise FieldProblem("MALFORMED_ID", f"{value!r} is not a 15- or 18-character Salesforce id", fld.name)
        return normalized
    if kind in _TEXT_TYPES:
        if not isinstance(value, str):
            raise _parse_error(fld, value, "a string")
        if fld.length is not None and len(value) > fld.length:
            raise FieldProblem("STRING_TOO_LONG", f"data value too large: {len(value)} characters "
                                                  f"(max length={fld.length})", fld.name)
        if kind == "picklist" and fld.restricted and value not in fld.picklist:
            raise FieldProblem("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                               f"bad value for restricted picklist field: {value}", fld.name)
        if kind == "email" and not _EMAIL.match(value):
            raise FieldProblem("INVALID_EMAIL_ADDRESS", f"invalid email address: {value}", fld.name)
        return value
    if kind in ("currency", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise _parse_error(fld, value, "a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise _parse_error(fld, value, "a number") from None
        if not number.is_finite():
            raise _parse_error(fld, value, "a finite number")
        return float(number)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise _parse_error(fld, value, "a whole number")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _parse_error(fld, value, "true or false")
        return value
    if kind == "datetime":
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise _parse_error(fld, value, "a date-time with a time zone")
            return _ms(value.astimezone(UTC))
        if not isinstance(value, str) or not _DATETIME.match(value):
            raise _parse_error(fld, value, "a date-time such as 2026-11-08T10:12:00.000+0000")
        try:
            parsed = _parse_datetime(value)
        except OverflowError:  # an offset pushed the date past year 9999
            raise _parse_error(fld, value, "a date-time within Salesforce's range, 1700-01-01 to 4000-12-31") from None
        except ValueError:
            raise _parse_error(fld, value, "a valid date-time such as 2026-11-08T10:12:00.000+0000") from None
        if not 1700 <= parsed.year <= 4000:  # Salesforce's own range of date-times
            raise _parse_error(fld, value, "a date-time within Salesforce's range, 1700-01-01 to 4000-12-31")
        return parsed
    if kind == "date":
        if isinstance(value, datetime):
            raise _parse_error(fld, value, "a date")
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or not _DATE.match(value):
            raise _parse_error(fld, value, "a date such as 2026-11-08")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _parse_error(fld, value, "a valid date such as 2026-11-08") from None
    raise FieldProblem("INVALID_TYPE_ON_FIELD_IN_RECORD", f"the sandbox cannot store fields of type {kind}", fld.name)


def _ms(value: datetime) -> datetime:
    """Salesforce keeps date-times to the millisecond."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def format_datetime(value: datetime) -> str:
    """Salesforce's REST form: ``2026-11-08T10:12:00.000+0000``."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def to_json_value(fld: Field, value: Any) -> Any:
    if value is None:
        return None
    if fld.type == "datetime":
        return format_datetime(value)
    if fld.type == "date":
        return value.isoformat()
    return value


def record_to_json(obj: SObject, row: dict[str, Any], api_version: str,
                   fields: list[Field] | None = None) -> dict[str, Any]:
    """A stored row as ``GET sobjects/{Object}/{id}`` returns it (``attributes`` first)."""
    out: dict[str, Any] = {"attributes": {"type": obj.name,
                                          "url": f"/services/data/v{api_version}/sobjects/{obj.name}/{row['Id']}"}}
    for fld in fields if fields is not None else obj.fields.values():
        out[fld.name] = to_json_value(fld, row.get(fld.name))
    return out
