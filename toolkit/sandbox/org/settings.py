"""What the org knows besides its records: the querying user's time zone and currency, and the currencies of a
multi-currency org (``CurrencyType``: the corporate currency and each active currency's conversion rate).

A case file holds them under ``salesforce.user`` and ``salesforce.currency_types`` (``docs/case-file.md``); without
``currency_types`` the org is single-currency (no conversion anywhere, ``convertCurrency()`` and currency literals
refused), and without ``user`` the user is in ``GMT``. The SOQL engine reads them: ``convertTimezone()`` and the date
literals use the time zone; ORDER BY and aggregate functions on currency fields, currency literals (``USD100``) and
``convertCurrency()`` use the rates.

Conversion as Salesforce documents it: ``ConversionRate`` is how many units of the currency one unit of the
corporate currency buys, so an amount converts to the corporate currency by dividing by its rate and to another
currency by multiplying by that one's rate. Converted amounts are rounded half up to the target currency's
``DecimalPlaces`` (a documented choice: Salesforce does not publish its rounding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.core.money import CURRENCY_EXPONENTS
from toolkit.errors import CaseFileError

__all__ = ["DEFAULT_TIME_ZONE", "Currencies", "OrgSettings", "parse_settings"]

DEFAULT_TIME_ZONE = "GMT"
_USER_KEYS = {"TimeZoneSidKey", "DefaultCurrencyIsoCode"}
_CURRENCY_KEYS = {"IsoCode", "ConversionRate", "DecimalPlaces", "IsActive", "IsCorporate"}


@dataclass(frozen=True)
class Currencies:
    """The currencies of a multi-currency org: the corporate one and the rate of each active one against it."""

    corporate: str
    rates: dict[str, Decimal]
    decimals: dict[str, int] = field(default_factory=dict)
    inactive: dict[str, Decimal] = field(default_factory=dict)

    def places(self, code: str) -> int:
        return self.decimals.get(code, CURRENCY_EXPONENTS.get(code, 2))

    def to_corporate(self, amount: Any, code: str | None) -> Decimal:
        """``amount`` (in ``code``; the corporate currency when None) in the corporate currency, unrounded."""
        code = code or self.corporate
        rate = self.rates.get(code, self.inactive.get(code))  # a record may keep a currency deactivated since
        if rate is None:
            raise KeyError(code)
        return Decimal(str(amount)) / rate

    def codes(self) -> set[str]:
        """Every currency the org has a rate for, active or not."""
        return set(self.rates) | set(self.inactive)

    def convert(self, amount: Any, code: str | None, target: str) -> Decimal:
        """``amount`` in ``code`` converted to ``target``, rounded to ``target``'s decimal places."""
        value = self.to_corporate(amount, code) * self.rates[target]
        return value.quantize(Decimal(1).scaleb(-self.places(target)), rounding=ROUND_HALF_UP)

    def round(self, value: Decimal, code: str) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-self.places(code)), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class OrgSettings:
    """The querying user's time zone (a ``TimeZoneSidKey``) and currency, and the org's currencies (None:
    single-currency)."""

    time_zone: str = DEFAULT_TIME_ZONE
    user_currency: str | None = None
    currencies: Currencies | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def currency(self) -> str | None:
        """The user's currency: ``DefaultCurrencyIsoCode``, else the corporate currency (multi-currency orgs)."""
        if self.currencies is None:
            return None
        return self.user_currency or self.currencies.corporate

    def to_case(self) -> dict[str, Any]:
        """The ``salesforce.user`` and ``salesforce.currency_types`` parts of a case file (empty when default)."""
        out: dict[str, Any] = {}
        user: dict[str, Any] = {}
        if self.time_zone != DEFAULT_TIME_ZONE:
            user["TimeZoneSidKey"] = self.time_zone
        if self.user_currency is not None:
            user["DefaultCurrencyIsoCode"] = self.user_currency
        if user:
            out["user"] = user
        if self.currencies is not None:
            c = self.currencies
            rows = [(code, rate, True) for code, rate in c.rates.items()]
            rows += [(code, rate, False) for code, rate in c.inactive.items()]
            out["currency_types"] = [
                {"IsoCode": code, "ConversionRate": _number(rate), "DecimalPlaces": c.places(code),
                 "IsActive": active, "IsCorporate": code == c.corporate}
                for code, rate, active in sorted(rows)]
        return out


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def parse_settings(user: Any, currency_types: Any, *, codes: tuple[str, ...]) -> OrgSettings:
    """``salesforce.user`` and ``salesforce.currency_types`` of a case file, checked; ``codes`` are the ISO codes
    the org enables. CaseFileError names what is wrong."""
    currencies = None if currency_types is None else _currencies(currency_types, codes)
    if user is None:
        return OrgSettings(currencies=currencies)
    if not isinstance(user, dict):
        raise CaseFileError("salesforce.user must be an object with TimeZoneSidKey and DefaultCurrencyIsoCode.")
    unknown = sorted(set(user) - _USER_KEYS)
    if unknown:
        raise CaseFileError(f"salesforce.user has unknown key {unknown[0]!r}; only TimeZoneSidKey and "
                            "DefaultCurrencyIsoCode are allowed.")
    zone = user.get("TimeZoneSidKey", DEFAULT_TIME_ZONE)
    if not isinstance(zone, str) or not zone:
        raise CaseFileError("salesforce.user.TimeZoneSidKey must be a time zone such as America/New_York or GMT.")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CaseFileError(f"salesforce.user.TimeZoneSidKey {zone!r} is not a time zone Salesforce knows; use an "
                            "IANA name such as Europe/Paris, or GMT.") from None
    currency = user.get("DefaultCurrencyIsoCode")
    if currency is not None:
        if currencies is None:
            raise CaseFileError("salesforce.user.DefaultCurrencyIsoCode needs salesforce.currency_types: a "
                                "single-currency org has no user currency of its own.")
        if currency not in currencies.rates:
            raise CaseFileError(f"salesforce.user.DefaultCurrencyIsoCode {currency!r} is not an active currency of "
                                f"salesforce.currency_types ({', '.join(sorted(currencies.rates))}).")
    return OrgSettings(time_zone=zone, user_currency=currency, currencies=currencies)


def _currencies(rows: Any, codes: tuple[str, ...]) -> Currencies:
    if not isinstance(rows, list) or not rows:
        raise CaseFileError("salesforce.currency_types must be a non-empty list of CurrencyType rows (IsoCode, "
                            "ConversionRate, IsCorporate).")
    rates: dict[str, Decimal] = {}
    inactive: dict[str, Decimal] = {}
    decimals: dict[str, int] = {}
    corporate: list[str] = []
    for index, row in enumerate(rows):
        where = f"salesforce.currency_types[{index}]"
        if not isinstance(row, dict):
            raise CaseFileError(f"{where} must be an object with IsoCode, ConversionRate and IsCorporate.")
        unknown = sorted(set(row) - _CURRENCY_KEYS)
        if unknown:
            raise CaseFileError(f"{where} has unknown field {unknown[0]!r}; CurrencyType rows take "
                                f"{', '.join(sorted(_CURRENCY_KEYS))}.")
        code = row.get("IsoCode")
        if code not in codes:
            raise CaseFileError(f"{where}: IsoCode {code!r} is not a currency the org enables.")
        if code in rates or code in inactive:
            raise CaseFileError(f"{where}: IsoCode {code} appears twice.")
        rate = _rate(row.get("ConversionRate"), where)
        places = row.get("DecimalPlaces", CURRENCY_EXPONENTS.get(code, 2))
        if type(places) is not int or not 0 <= places <= 3:
            raise CaseFileError(f"{where}: DecimalPlaces must be a whole number from 0 to 3.")
        for flag in ("IsActive", "IsCorporate"):
            if flag in row and not isinstance(row[flag], bool):
                raise CaseFileError(f"{where}: {flag} must be true or false.")
        decimals[code] = places
        if row.get("IsCorporate", False):
            corporate.append(code)
            if rate != 1:
                raise CaseFileError(f"{where}: the corporate currency {code} has ConversionRate {rate}; it is 1 by "
                                    "definition.")
        (rates if row.get("IsActive", True) else inactive)[code] = rate
    if len(corporate) != 1:
        raise CaseFileError(f"salesforce.currency_types must mark exactly one row IsCorporate: true, not "
                            f"{len(corporate)}.")
    if corporate[0] not in rates:
        raise CaseFileError(f"salesforce.currency_types: the corporate currency {corporate[0]} must be active.")
    return Currencies(corporate[0], rates, decimals, inactive)


def _rate(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseFileError(f"{where}: ConversionRate must be a positive number.")
    try:
        rate = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - JSON numbers always convert
        raise CaseFileError(f"{where}: ConversionRate must be a positive number.") from None
    if not rate.is_finite() or rate <= 0:
        raise CaseFileError(f"{where}: ConversionRate must be a positive number, not {value}.")
    return rate
