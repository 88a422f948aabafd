"""Money: exponents, minor/major conversions, Salesforce values, formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.core.money import (
    THREE_DECIMAL_CURRENCIES,
    ZERO_DECIMAL_CURRENCIES,
    exponent,
    format_amount,
    format_money,
    from_salesforce,
    to_major,
    to_minor,
)
from toolkit.errors import InputError

CURRENCIES = sorted(ZERO_DECIMAL_CURRENCIES | THREE_DECIMAL_CURRENCIES | {"USD", "EUR", "GBP", "CAD"})
MINOR = st.integers(min_value=-(10**15), max_value=10**15)


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("USD", 2), ("usd", 2), ("EUR", 2), ("JPY", 0), ("jpy", 0), ("KRW", 0), ("XPF", 0), ("BHD", 3), ("kwd", 3),
     ("TND", 3), ("Omr", 3), ("JOD", 3)],
)
def test_exponent(currency: str, expected: int) -> None:
    assert exponent(currency) == expected


def test_exponent_lists_match_stripe() -> None:
    assert len(ZERO_DECIMAL_CURRENCIES) == 16
    assert sorted(THREE_DECIMAL_CURRENCIES) == ["BHD", "JOD", "KWD", "OMR", "TND"]


@pytest.mark.parametrize("bad", ["", "US", "USDX", "12$", None, 840])
def test_exponent_refuses_non_codes(bad: object) -> None:
    with pytest.raises(InputError):
        exponent(bad)  # type: ignore[arg-type]


def test_to_major_examples() -> None:
    assert to_major(12999, "usd") == Decimal("129.99")
    assert str(to_major(12900, "usd")) == "129.00"
    assert str(to_major(12900, "JPY")) == "12900"
    assert str(to_major(1500, "BHD")) == "1.500"
    assert str(to_major(0, "USD")) == "0.00"
    assert to_major(-500, "usd") == Decimal("-5")


@pytest.mark.parametrize("bad", [1.5, "100", True, None])
def test_to_major_takes_integers_only(bad: object) -> None:
    with pytest.raises(InputError):
        to_major(bad, "usd")  # type: ignore[arg-type]


def test_to_minor_examples() -> None:
    assert to_minor(Decimal("129.99"), "USD") == 12999
    assert to_minor("129.99", "usd") == 12999
    assert to_minor(129.99, "usd") == 12999  # a Salesforce JSON number, read through str()
    assert to_minor(12900, "JPY") == 12900
    assert to_minor("1.5", "BHD") == 1500
    assert to_minor("12900.0", "JPY") == 12900


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("1.005", "USD"), ("12900.5", "JPY"), ("1.0005", "BHD"), (0.1 + 0.2, "USD")],
)
def test_to_minor_refuses_sub_unit_remainders(amount: object, currency: str) -> None:
    with pytest.raises(InputError, match="decimal places"):
        to_minor(amount, currency)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", True, None, [1]])
def test_to_minor_refuses_non_numbers(bad: object) -> None:
    with pytest.raises(InputError):
        to_minor(bad, "USD")  # type: ignore[arg-type]


def test_from_salesforce() -> None:
    assert from_salesforce(None, "USD") is None
    assert str(from_salesforce(129.0, "USD")) == "129.00"
    assert str(from_salesforce(129.99, "USD")) == "129.99"
    assert str(from_salesforce(0.1 + 0.2, "USD")) == "0.30"  # the float's shortest repr, then quantized
    assert str(from_salesforce(12900.0, "JPY")) == "12900"
    assert str(from_salesforce(1.5, "BHD")) == "1.500"
    assert str(from_salesforce("129.995", "USD")) == "130.00"  # half up
    assert str(from_salesforce(Decimal("7"), "usd")) == "7.00"
    with pytest.raises(InputError):
        from_salesforce("twelve", "USD")


def test_format_amount_and_money() -> None:
    assert format_amount(Decimal("129.99"), "USD") == "129.99"
    assert format_amount(Decimal("129"), "usd") == "129.00"
    assert format_amount(Decimal("12900"), "JPY") == "12900"
    assert format_amount(Decimal("1.5"), "BHD") == "1.500"
    assert format_amount(Decimal("1E+3"), "USD") == "1000.00"  # never scientific notation
    assert format_money(Decimal("129"), "usd") == "129.00 USD"
    assert format_money(Decimal("12900"), "jpy") == "12900 JPY"


@given(minor=MINOR, currency=st.sampled_from(CURRENCIES))
def test_minor_major_round_trip(minor: int, currency: str) -> None:
    major = to_major(minor, currency)
    assert to_minor(major, currency) == minor
    assert -major.as_tuple().exponent == exponent(currency) or major == 0


@given(minor=MINOR, currency=st.sampled_from(CURRENCIES))
def test_format_then_parse_round_trip(minor: int, currency: str) -> None:
    text = format_amount(to_major(minor, currency), currency)
    assert to_minor(text, currency) == minor
    assert from_salesforce(text, currency) == to_major(minor, currency)
    assert ("." in text) == (exponent(currency) > 0)


@given(minor=st.integers(min_value=-(10**12), max_value=10**12), currency=st.sampled_from(CURRENCIES))
def test_salesforce_float_values_convert_exactly(minor: int, currency: str) -> None:
    as_float = float(format_amount(to_major(minor, currency), currency))  # what Salesforce's JSON gives
    assert from_salesforce(as_float, currency) == to_major(minor, currency)
    assert to_minor(as_float, currency) == minor
