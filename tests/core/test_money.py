"""Money: exponents, minor/major conversions, Salesforce values, formatting."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.core.money import (
    CURRENCY_EXPONENTS,
    ISO_4217,
    THREE_DECIMAL_CURRENCIES,
    ZERO_DECIMAL_CURRENCIES,
    exponent,
    format_amount,
    format_money,
    from_salesforce,
    is_zero_decimal,
    normalize_currency,
    parse_amount,
    quantum,
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


# --- exact boundaries of the currency table and of rounding ---------------------------------------------------


@pytest.mark.parametrize(("currency", "unit"), [("USD", "0.01"), ("jpy", "1"), ("BHD", "0.001"), ("KWD", "0.001")])
def test_quantum_is_one_minor_unit(currency: str, unit: str) -> None:
    assert quantum(currency) == Decimal(unit)
    assert quantum(currency).as_tuple() == Decimal(unit).as_tuple()


def test_is_zero_decimal() -> None:
    assert is_zero_decimal("JPY") and is_zero_decimal("krw")
    assert not is_zero_decimal("USD") and not is_zero_decimal("BHD")


def test_the_currency_table_lists_only_the_exceptions() -> None:
    assert CURRENCY_EXPONENTS["JPY"] == 0 and CURRENCY_EXPONENTS["BHD"] == 3
    assert "USD" not in CURRENCY_EXPONENTS
    assert len(CURRENCY_EXPONENTS) == len(ZERO_DECIMAL_CURRENCIES) + len(THREE_DECIMAL_CURRENCIES)


def test_normalize_currency() -> None:
    assert normalize_currency(" usd ") == "USD"
    for bad in ("", "US D", "U5D", None, 840):
        with pytest.raises(InputError, match="three-letter currency code"):
            normalize_currency(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "currency", "expected"), [
    ("0.005", "USD", "0.01"), ("0.0049", "USD", "0.00"), ("-0.005", "USD", "-0.01"), ("0.5", "JPY", "1"),
    ("0.4", "JPY", "0"), ("1.0005", "BHD", "1.001"), (" 12.5 ", "USD", "12.50"), (12, "USD", "12.00"),
])
def test_from_salesforce_rounds_half_up_at_the_currencys_scale(value: object, currency: str, expected: str) -> None:
    result = from_salesforce(value, currency)  # type: ignore[arg-type]
    assert result is not None and str(result) == expected


@pytest.mark.parametrize("bad", [True, [1], Decimal("NaN"), Decimal("Infinity"), "1e999999999"])
def test_from_salesforce_refuses_what_is_not_an_amount(bad: object) -> None:
    with pytest.raises(InputError):
        from_salesforce(bad, "USD")  # type: ignore[arg-type]


def test_to_minor_reads_any_exponent_notation_exactly() -> None:
    assert to_minor(Decimal("1E+2"), "USD") == 10000
    assert to_minor(Decimal("-0.01"), "usd") == -1
    assert to_minor(" 1.5 ", "BHD") == 1500


def test_to_major_scale_by_exponent() -> None:
    assert to_major(1, "USD").as_tuple() == Decimal("0.01").as_tuple()
    assert to_major(1, "JPY").as_tuple() == Decimal("1").as_tuple()
    assert to_major(1, "BHD").as_tuple() == Decimal("0.001").as_tuple()


def test_format_amount_rounds_half_up_and_refuses_non_numbers() -> None:
    assert format_amount(Decimal("0.005"), "USD") == "0.01"
    assert format_amount(Decimal("-0.5"), "JPY") == "-1"
    with pytest.raises(InputError):
        format_amount("abc", "USD")  # type: ignore[arg-type]


def test_the_zero_decimal_list_is_stripes() -> None:
    assert sorted(ZERO_DECIMAL_CURRENCIES) == ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
                                               "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]


def test_every_listed_currency_is_accepted_in_any_case() -> None:
    for code in sorted(ISO_4217):
        assert re.fullmatch("[A-Z]{3}", code), code
        assert normalize_currency(code.lower()) == code
    assert ZERO_DECIMAL_CURRENCIES | THREE_DECIMAL_CURRENCIES <= ISO_4217


@pytest.mark.parametrize(("text", "currency"), [("99999999.99", "USD"), ("99999999.999", "BHD"), ("99999999", "JPY")])
def test_parse_amount_accepts_up_to_the_largest_amount(text: str, currency: str) -> None:
    assert parse_amount(text, currency) == Decimal(text)


@pytest.mark.parametrize(("text", "currency"), [("100000000", "USD"), ("99999999.9991", "BHD")])
def test_parse_amount_refuses_more_than_the_largest_amount(text: str, currency: str) -> None:
    with pytest.raises(InputError, match="larger than any amount"):
        parse_amount(text, currency)


def test_parse_amount_takes_text_numbers_only() -> None:
    assert parse_amount(45, "USD") == Decimal("45.00")
    for other in (Fraction(45), [45]):
        with pytest.raises(InputError, match="is not an amount"):
            parse_amount(other, "USD")
