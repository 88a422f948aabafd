"""Amounts and currencies a person types: one sentence for each wrong one."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.core.money import ISO_4217, normalize_currency, parse_amount
from toolkit.errors import InputError


@pytest.mark.parametrize(("text", "currency", "expected"), [
    ("45.50", "USD", Decimal("45.50")), ("45.5", "usd", Decimal("45.50")), ("4800", "JPY", Decimal("4800")),
    ("1.500", "BHD", Decimal("1.500")), ("12,000.00", "EUR", Decimal("12000.00")),
    (Decimal("3"), "USD", Decimal("3.00")),
])
def test_amounts_at_the_currencys_scale(text: object, currency: str, expected: Decimal) -> None:
    assert parse_amount(text, currency) == expected and str(parse_amount(text, currency)) == str(expected)


@pytest.mark.parametrize(("text", "currency", "words"), [
    ("-5", "USD", "positive number"), ("1.001", "USD", "more decimals than USD allows (2)"),
    ("45.5", "JPY", "more decimals than JPY allows (0)"), ("0", "USD", "more than 0"), ("1e5", "USD", "not an amount"),
    ("NaN", "USD", "not an amount"), ("", "USD", "not an amount"), (12.5, "USD", "not the float"),
    ("123456789012", "USD", "larger than any amount"), ("12", "XYZ", "not an ISO 4217 currency code"),
    ("12", "US", "not a three-letter currency code"), (True, "USD", "not an amount"),
])
def test_wrong_amounts_are_one_sentence(text: object, currency: str, words: str) -> None:
    with pytest.raises(InputError, match=re.escape(words)) as raised:
        parse_amount(text, currency)
    assert str(raised.value).count(". ") <= 1


def test_every_stripe_and_salesforce_currency_is_known() -> None:
    for code in ("usd", "EUR", "jpy", "BHD", "KRW", "CLP", "XOF", "TND"):
        assert normalize_currency(code) in ISO_4217
    assert "XXX" not in ISO_4217 and "XTS" not in ISO_4217


@given(st.text(max_size=20))
def test_no_text_is_anything_but_an_amount_or_one_sentence(text: str) -> None:
    try:
        value = parse_amount(text, "USD")
    except InputError as error:
        assert "\n" not in str(error)
    else:
        assert value > 0 and value.as_tuple().exponent == -2
