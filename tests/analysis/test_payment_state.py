"""The shared quantities of docs/findings.md, read from Stripe's plain dicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.evidence import StripePaymentEvidence
from toolkit.analysis.payment_state import (
    AUTHORIZATION_WINDOW,
    EXPIRY_REASONS,
    authorization_deadline,
    currency_differs,
    from_unix,
    is_captured,
    is_partial_capture,
    minor,
    ops_amount,
    stripe_captured,
    stripe_currency_code,
    stripe_refunded,
)

CREATED, DAY = b.CREATED, b.DAY


def pe(pi: dict | None = None, ch: dict | None = None) -> StripePaymentEvidence:
    return StripePaymentEvidence(payment_intent=pi or b.payment_intent(), charge=ch)


@pytest.mark.parametrize(("value", "expected"), [(12900, 12900), (0, 0), (-5, -5), (True, 0), (129.0, 0),
                                                 ("12900", 0), (None, 0)])
def test_minor_reads_integers_only(value: object, expected: int) -> None:
    assert minor({"amount": value}, "amount") == expected
    assert minor(None, "amount") == 0


def test_from_unix() -> None:
    assert from_unix(CREATED) == datetime(2026, 11, 11, 15, 0, tzinfo=UTC)
    assert from_unix(float(CREATED) + 0.5) == datetime(2026, 11, 11, 15, 0, 0, 500000, tzinfo=UTC)
    assert from_unix(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert from_unix(None) is None and from_unix(True) is None and from_unix("1794409200") is None


def test_ops_amount_reads_major_units_and_null_as_zero() -> None:
    ev = b.evidence(None, ops_record={**b.ops(currency="JPY"), "CapturedAmount": None, "RefundedAmount": 1.0},
                    currency="JPY")
    assert ops_amount(ev, "CapturedAmount") == Decimal("0")
    assert ops_amount(ev, "RefundedAmount") == Decimal("1")
    assert ops_amount(ev, "NoSuchField") == Decimal("0")


def test_stripe_captured_only_when_the_charge_is_captured() -> None:
    assert stripe_captured(pe(ch=b.charge(captured=True, amount_captured=6000))) == Decimal("60.00")
    assert stripe_captured(pe(ch={**b.charge(), "amount_captured": 12900})) == Decimal("0.00")
    assert stripe_captured(pe(ch=None)) == Decimal("0.00")
    assert stripe_captured(pe(ch=b.charge(captured=True, currency="jpy")), "jpy") == Decimal("12900")


def test_stripe_refunded_without_the_released_remainder_and_never_negative() -> None:
    partial = b.charge(captured=True, amount_captured=6000, amount_refunded=6900 + 1)
    assert stripe_refunded(pe(ch=partial)) == Decimal("0.01")
    assert stripe_refunded(pe(ch={**partial, "amount_refunded": 6900})) == Decimal("0.00")
    assert stripe_refunded(pe(ch={**partial, "amount_refunded": 100})) == Decimal("0.00")
    assert stripe_refunded(pe(ch=b.charge(captured=True, amount_refunded=12900))) == Decimal("129.00")
    assert stripe_refunded(pe(ch=b.charge(captured=False, amount_refunded=12900))) == Decimal("0.00")
    assert stripe_refunded(pe(ch=None)) == Decimal("0.00")


def test_authorization_deadline_from_capture_before_else_created_plus_seven_days() -> None:
    assert timedelta(days=7) == AUTHORIZATION_WINDOW
    assert authorization_deadline(pe(ch=b.charge(capture_before=CREATED + 3 * DAY))) == b.at(CREATED + 3 * DAY)
    assert authorization_deadline(pe(ch=b.charge(capture_before=None))) == b.at(CREATED + 7 * DAY)
    assert authorization_deadline(pe(ch=None)) == b.at(CREATED + 7 * DAY)
    assert authorization_deadline(pe({**b.payment_intent(), "created": None}, None)) is None


def test_expiry_reasons() -> None:
    assert frozenset({"automatic", "expired"}) == EXPIRY_REASONS


def test_partial_capture_from_the_charge() -> None:
    assert is_partial_capture(pe(ch=b.charge(captured=True, amount_captured=12899)))
    assert not is_partial_capture(pe(ch=b.charge(captured=True)))
    # an uncaptured charge says nothing: the PaymentIntent decides
    assert not is_partial_capture(pe(b.payment_intent(), b.charge(captured=False)))


@pytest.mark.parametrize(("status", "received", "partial"), [
    ("succeeded", 1, True), ("succeeded", 12899, True), ("succeeded", 0, False), ("succeeded", 12900, False),
    ("processing", 6000, False),
])
def test_partial_capture_from_the_payment_intent_without_a_charge(status: str, received: int, partial: bool) -> None:
    assert is_partial_capture(pe(b.payment_intent(status=status, amount_received=received), None)) is partial


def test_is_captured_reads_the_charge_else_the_payment_intent() -> None:
    assert is_captured(pe(b.payment_intent(), b.charge(captured=True)))
    assert not is_captured(pe(b.payment_intent(status="succeeded"), b.charge(captured=False)))
    assert is_captured(pe(b.payment_intent(status="succeeded"), None))
    assert not is_captured(pe(b.payment_intent(status="requires_capture"), None))


def test_currency_of_the_payment_intent() -> None:
    ev = b.evidence(None, currency="usd")
    assert not currency_differs(ev, pe(b.payment_intent(currency="USD")))
    assert currency_differs(ev, pe(b.payment_intent(currency="eur")))
    no_currency = pe({**b.payment_intent(), "currency": None}, None)
    assert not currency_differs(ev, no_currency)
    assert stripe_currency_code(no_currency, "jpy") == "JPY"
    assert stripe_currency_code(pe({**b.payment_intent(), "currency": None}, b.charge(currency="bhd")), "usd") == "BHD"
