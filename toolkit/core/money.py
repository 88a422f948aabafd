"""Money: currency exponents, Stripe minor units <-> major units, Salesforce currency values.

Every amount in toolkit logic is a :class:`~decimal.Decimal` in major units (129.99 USD, 12900 JPY,
1.500 BHD). Stripe speaks integers in minor units whose exponent depends on the currency (Stripe's
zero-decimal and three-decimal lists); Salesforce speaks decimals in major units that arrive as JSON
numbers (Python floats). Conversions go through ``str()`` and :class:`Decimal`, never float arithmetic.

Spec notes
----------
- ``from_salesforce`` quantizes to the currency's exponent with ROUND_HALF_UP, the default tie-breaking
  rule of Salesforce currency fields; a value that already has the currency's scale is unchanged.
- ``to_minor`` also accepts a float (Salesforce's JSON numbers), read through ``str()`` (its shortest
  repr, which is what the JSON held), so ``129.99`` is exactly 12999 cents. Booleans, NaN and infinities
  are refused.
- A currency is a three-letter ISO 4217 code in any case; anything else is an :class:`InputError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType

from toolkit.errors import InputError

__all__ = [
    "CURRENCY_EXPONENTS",
    "ISO_4217",
    "THREE_DECIMAL_CURRENCIES",
    "ZERO_DECIMAL_CURRENCIES",
    "exponent",
    "format_amount",
    "format_money",
    "from_salesforce",
    "is_zero_decimal",
    "normalize_currency",
    "parse_amount",
    "quantum",
    "to_major",
    "to_minor",
]

#: Stripe's zero-decimal currencies: the amount is in whole units.
ZERO_DECIMAL_CURRENCIES: frozenset[str] = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
#: Stripe's three-decimal currencies: the amount is in thousandths.
THREE_DECIMAL_CURRENCIES: frozenset[str] = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
#: Decimal places per ISO code where they differ from 2: the one currency table of the project (the sandbox
#: reads it too).
CURRENCY_EXPONENTS: Mapping[str, int] = MappingProxyType(
    {**dict.fromkeys(ZERO_DECIMAL_CURRENCIES, 0), **dict.fromkeys(THREE_DECIMAL_CURRENCIES, 3)})

_CODE = re.compile(r"^[A-Za-z]{3}$")
#: ISO 4217's currency codes (2025 list, with the codes still circulating after a redenomination), without XXX
#: ("no currency") and XTS ("testing").
ISO_4217: frozenset[str] = frozenset({
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
    "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
    "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD",
    "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP",
    "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
    "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF",
    "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XUA", "YER",
    "ZAR", "ZMW", "ZWG", "ZWL",
})


_NORMALIZED: dict[str, str] = {}  # spellings already checked (the analysis asks for the same few thousands of times)


def normalize_currency(currency: str) -> str:
    """The upper-case ISO 4217 code (``"usd"`` -> ``"USD"``); InputError for anything else."""
    if isinstance(currency, str):
        known = _NORMALIZED.get(currency)
        if known is not None:
            return known
    if not isinstance(currency, str) or not _CODE.match(currency.strip()):
        raise InputError(f"{currency!r} is not a three-letter currency code such as USD.")
    code = currency.strip().upper()
    if code not in ISO_4217:
        raise InputError(f"{code} is not an ISO 4217 currency code; check the spelling (USD, EUR, JPY...).")
    if len(_NORMALIZED) < 4096:
        _NORMALIZED[currency] = code
    return code


def exponent(currency: str) -> int:
    """Digits after the decimal point in ``currency``'s minor unit: 0, 2 or 3 (case-insensitive)."""
    return CURRENCY_EXPONENTS.get(normalize_currency(currency), 2)


def is_zero_decimal(currency: str) -> bool:
    return exponent(currency) == 0


def quantum(currency: str) -> Decimal:
    """The smallest unit of ``currency`` in major units: ``Decimal("0.01")`` for USD, ``Decimal("1")`` for JPY."""
    return Decimal(1).scaleb(-exponent(currency))


def _decimal(value: object, what: str) -> Decimal:
    """Read ``value`` exactly as a Decimal (floats through ``str()``); InputError when it is no number."""
    if isinstance(value, bool) or value is None:
        raise InputError(f"{value!r} is not an amount")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise InputError(f"{value!r} is not {what}") from None
    else:
        raise InputError(f"{value!r} is not {what}")
    if not number.is_finite():
        raise InputError(f"{value!r} is not {what}")
    return number


def _quantize(number: Decimal, currency: str) -> Decimal:
    try:
        return number.quantize(quantum(currency), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise InputError(f"{number} is too large an amount") from None


def to_major(minor: int, currency: str) -> Decimal:
    """Stripe minor units -> Decimal major units with the currency's scale (12999 USD -> 129.99)."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise InputError(f"{minor!r} is not an amount in minor units (an integer)")
    return _quantize(Decimal(minor).scaleb(-exponent(currency)), currency)


def to_minor(major: Decimal | str | int | float, currency: str) -> int:
    """Major units -> Stripe minor units, exactly; InputError when ``major`` has a sub-unit remainder."""
    number = _decimal(major, "an amount")
    scaled = number.scaleb(exponent(currency))
    integral = scaled.to_integral_value()
    if scaled != integral:
        raise InputError(
            f"{major} {normalize_currency(currency)} has more than {exponent(currency)} decimal places "
            "and cannot be expressed in Stripe's minor units"
        )
    return int(integral)


def from_salesforce(value: float | int | str | Decimal | None, currency: str) -> Decimal | None:
    """A Salesforce currency value (major units) as a Decimal at the currency's scale; None stays None."""
    if value is None:
        return None
    number = _decimal(value, "a Salesforce currency value")
    return _quantize(number, currency)


def format_amount(amount: Decimal, currency: str) -> str:
    """Plain text at the currency's scale: ``"129.99"``, ``"12900"`` for JPY, ``"1.500"`` for BHD."""
    number = _decimal(amount, "an amount")
    return f"{_quantize(number, currency):f}"


def format_money(amount: Decimal, currency: str) -> str:
    """Amount and currency for messages: ``"129.00 USD"``."""
    return f"{format_amount(amount, currency)} {normalize_currency(currency)}"


#: The largest amount a person may type (major units): beyond any real order, well inside Stripe's integer range.
MAX_AMOUNT = Decimal("99999999.999")


def parse_amount(text: object, currency: str, *, allow_zero: bool = False) -> Decimal:
    """An amount a person typed (major units: ``"45.50"``, ``"4800"`` for JPY), at the currency's scale.

    One-sentence InputError when it is not a plain number, negative (or zero unless ``allow_zero``), has more
    decimals than the currency, or is absurdly large.
    """
    code = normalize_currency(currency)
    if isinstance(text, float):
        raise InputError(f"Give the amount as text or a Decimal, not the float {text!r} (floats round money).")
    raw = str(text).strip() if isinstance(text, str | int | Decimal) and not isinstance(text, bool) else None
    if not raw or not re.fullmatch(r"\d{1,12}(\.\d{1,12})?", raw.replace(",", "")):
        raise InputError(f"{text!r} is not an amount: give a positive number such as 45.50, without currency "
                         "symbol or sign.")
    number = Decimal(raw.replace(",", ""))
    if number > MAX_AMOUNT:
        raise InputError(f"{raw} {code} is larger than any amount this toolkit accepts ({MAX_AMOUNT:,}).")
    if number == 0 and not allow_zero:
        raise InputError(f"The amount must be more than 0 {code}.")
    places = exponent(code)
    if -number.as_tuple().exponent > places:  # type: ignore[operator]
        raise InputError(f"{raw} has more decimals than {code} allows ({places}); {code} amounts are like "
                         f"{format_amount(Decimal(1234), code)}.")
    return _quantize(number, code)
