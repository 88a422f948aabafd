"""Currency fields in a multi-currency org: converted values, currency literals and ``convertCurrency()``.

Salesforce's rules ("Querying Currency Fields in Multi-Currency Orgs" and "convertCurrency()", SOQL and SOSL
Reference), followed when the org has currencies (a case file's ``salesforce.currency_types``):

- ORDER BY a currency field orders by the amount converted to the corporate currency ("ordering is always based on
  the converted currency value, just like in reports");
- SUM, AVG, MIN and MAX of a currency field report in the corporate currency;
- ``Amount > USD5000`` compares the record's amount with 5000 USD, both converted (an ISO code the org has not
  activated, a currency literal in HAVING, or ISO and plain values mixed in one IN list is refused);
- ``convertCurrency(Amount)`` in the SELECT list returns the amount in the user's currency (aliasing allowed); it is
  refused in WHERE and ORDER BY, and around or inside an aggregate function.

A record of an object without ``CurrencyIsoCode`` counts as in the corporate currency. In a single-currency org
(no rates) currency fields compare, sort and add as plain numbers, and ``convertCurrency()`` and currency literals
are refused (Salesforce offers them only in multi-currency orgs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from toolkit.sandbox.org.settings import Currencies
from toolkit.sandbox.org.soql import nodes as n
from toolkit.sandbox.org.soql.fields import Context, Path, Step

__all__ = ["CurrencyAmount", "code_getter", "converted_getter", "currencies_or_error", "currency_literal",
           "precise", "user_currency_getter"]

Row = dict[str, Any]
_PLACES = Decimal(1).scaleb(-10)


def precise(value: Decimal) -> Decimal:
    """A converted amount at the precision comparisons use (10 decimal places: rates have 6)."""
    return value.quantize(_PLACES)


@dataclass(frozen=True)
class CurrencyAmount:
    """A currency literal (``USD100``): its code, its amount and the amount in the corporate currency."""

    code: str
    amount: Decimal
    corporate: Decimal


def currencies_or_error(ctx: Context, at: Any, what: str) -> Currencies:
    """The org's currencies, or the error a single-currency org answers for ``what``."""
    if ctx.currencies is None:
        raise ctx.error("MALFORMED_QUERY", at, f"{what} can only be used in an org with multiple currencies enabled; "
                        "this org has one currency (a case file enables more with salesforce.currency_types)")
    return ctx.currencies


def currency_literal(ctx: Context, value: n.Value) -> CurrencyAmount:
    """``USD100`` / ``EUR99.50`` / ``JPY-300`` as an amount of an active currency of the org."""
    currencies = currencies_or_error(ctx, value, f"The currency value {value.raw}")
    code, number = value.raw[:3].upper(), value.raw[3:]
    if code not in currencies.rates:
        raise ctx.error("MALFORMED_QUERY", value, f"Invalid currency code: {value.raw[:3]}; use an ISO code the org "
                        f"has activated ({', '.join(sorted(currencies.rates))})")
    amount = Decimal(number)
    return CurrencyAmount(code, amount, precise(currencies.to_corporate(amount, code)))


def code_getter(ctx: Context, steps: tuple[Step, ...], object_name: str | None) -> Callable[[Row], str | None]:
    """The currency of the record holding a field reached through ``steps`` (the corporate currency for an object
    without CurrencyIsoCode)."""
    obj = ctx.get_object(object_name) if object_name else None
    currencies = ctx.currencies
    corporate = currencies.corporate if currencies is not None else None
    field = obj.field_ci("CurrencyIsoCode") if obj is not None else None
    if field is None:
        return lambda _row: corporate
    get = Path(steps, field, object_name).getter(ctx)
    return lambda row: get(row) or corporate


def converted_getter(ctx: Context, path: Path) -> Callable[[Row], Decimal | None]:
    """A currency field's value in the corporate currency (None stays None)."""
    currencies = ctx.currencies
    assert currencies is not None
    value_of = path.getter(ctx)
    code_of = code_getter(ctx, path.steps, path.object_name)

    def get(row: Row) -> Decimal | None:
        value = value_of(row)
        if value is None:
            return None
        return precise(currencies.to_corporate(value, code_of(row)))
    return get


def user_currency_getter(ctx: Context, path: Path) -> Callable[[Row], float | None]:
    """``convertCurrency(field)``: the value in the user's currency, rounded to its decimal places."""
    currencies = ctx.currencies
    target = ctx.settings.currency
    assert currencies is not None and target is not None
    value_of = path.getter(ctx)
    code_of = code_getter(ctx, path.steps, path.object_name)

    def get(row: Row) -> float | None:
        value = value_of(row)
        if value is None:
            return None
        return float(currencies.convert(value, code_of(row), target))
    return get
