"""The authorization rules' thresholds, pinned exactly: nothing available (0) against one minor unit of the
currency (0.01 USD, 1 JPY, 0.001 BHD), and the deadline exactly 48 hours away or exactly now."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.findings import (
    rule_auth_canceled_uncaptured,
    rule_auth_expired_uncaptured,
    rule_auth_expiring,
    rule_capturable_remainder_released,
)

CREATED, DAY, HOUR, NOW = b.CREATED, b.DAY, b.HOUR, b.NOW
DEADLINE = b.at(CREATED + 7 * DAY)  # the builders' charge: capture_before = checkout + 7 days

ONE_MINOR_UNIT = pytest.mark.parametrize(
    ("currency", "unit"), [("USD", "0.01"), ("JPY", "1"), ("BHD", "0.001")], ids=["USD", "JPY", "BHD"])


def _evidence(pi: dict, ch: dict | None, currency: str, available: str | None, **ops: float):
    record = b.ops(currency=currency, **ops)
    record["AvailableToCaptureAmount"] = None if available is None else float(available)
    return b.evidence(pi, ch, currency=currency, ops_record=record)


def _canceled(reason: str | None, currency: str) -> tuple[dict, dict]:
    pi = b.payment_intent(status="canceled", cancellation_reason=reason, canceled_at=CREATED + 7 * DAY,
                          currency=currency.lower())
    return pi, b.charge(amount_refunded=12900, currency=currency.lower())


def _partial(currency: str) -> tuple[dict, dict]:
    pi = b.payment_intent(status="succeeded", amount_received=6000, currency=currency.lower())
    return pi, b.charge(captured=True, amount_captured=6000, amount_refunded=6900, currency=currency.lower())


# --- AUTH_EXPIRED_UNCAPTURED --------------------------------------------------------------------------------


@ONE_MINOR_UNIT
def test_auth_expired_uncaptured_from_one_minor_unit_available(currency: str, unit: str) -> None:
    (finding,) = rule_auth_expired_uncaptured(_evidence(*_canceled("automatic", currency), currency, unit), NOW)
    assert (finding.amount, finding.currency) == (Decimal(unit), currency)


@ONE_MINOR_UNIT
def test_auth_expired_uncaptured_not_with_nothing_available(currency: str, unit: str) -> None:
    assert rule_auth_expired_uncaptured(_evidence(*_canceled("automatic", currency), currency, "0"), NOW) == []


def test_auth_expired_uncaptured_not_when_oms_has_no_available_amount_at_all() -> None:
    """A null AvailableToCaptureAmount rollup reads as 0, not as one unit."""
    assert rule_auth_expired_uncaptured(_evidence(*_canceled("expired", "JPY"), "JPY", None), NOW) == []
    assert rule_auth_expired_uncaptured(_evidence(*_canceled("expired", "USD"), "USD", None), NOW) == []


def test_auth_expired_uncaptured_only_for_a_canceled_payment_intent() -> None:
    pi = {**b.payment_intent(), "cancellation_reason": "automatic"}  # requires_capture, whatever the reason says
    assert rule_auth_expired_uncaptured(_evidence(pi, b.charge(), "USD", "129"), NOW) == []


def test_auth_expired_uncaptured_says_when_stripe_released_it() -> None:
    (finding,) = rule_auth_expired_uncaptured(_evidence(*_canceled("automatic", "USD"), "USD", "129"), NOW)
    assert " at 2026-11-18 15:00 UTC (cancellation_reason automatic)" in finding.message
    pi, ch = _canceled("automatic", "USD")
    (undated,) = rule_auth_expired_uncaptured(_evidence({**pi, "canceled_at": None}, ch, "USD", "129"), NOW)
    assert f"authorization {b.PI_ID} (cancellation_reason automatic)" in undated.message


# --- AUTH_CANCELED_UNCAPTURED -------------------------------------------------------------------------------


@ONE_MINOR_UNIT
def test_auth_canceled_uncaptured_from_one_minor_unit_available(currency: str, unit: str) -> None:
    ev = _evidence(*_canceled("requested_by_customer", currency), currency, unit)
    (finding,) = rule_auth_canceled_uncaptured(ev, NOW)
    assert (finding.amount, finding.currency, finding.subject) == (Decimal(unit), currency, b.PI_ID)


@ONE_MINOR_UNIT
def test_auth_canceled_uncaptured_not_with_nothing_left_to_capture(currency: str, unit: str) -> None:
    ev = _evidence(*_canceled("requested_by_customer", currency), currency, "0")
    assert rule_auth_canceled_uncaptured(ev, NOW) == []
    assert rule_auth_canceled_uncaptured(_evidence(*_canceled(None, currency), currency, None), NOW) == []


def test_auth_canceled_uncaptured_only_for_a_canceled_payment_intent() -> None:
    assert rule_auth_canceled_uncaptured(_evidence(b.payment_intent(), b.charge(), "USD", "129"), NOW) == []


def test_auth_canceled_uncaptured_says_when() -> None:
    (finding,) = rule_auth_canceled_uncaptured(_evidence(*_canceled("abandoned", "USD"), "USD", "129"), NOW)
    assert "was canceled at 2026-11-18 15:00 UTC (cancellation_reason abandoned)" in finding.message
    pi, ch = _canceled("abandoned", "USD")
    (undated,) = rule_auth_canceled_uncaptured(_evidence({**pi, "canceled_at": None}, ch, "USD", "129"), NOW)
    assert f"{b.PI_ID} was canceled (cancellation_reason abandoned)" in undated.message


# --- AUTH_EXPIRING ------------------------------------------------------------------------------------------


@ONE_MINOR_UNIT
def test_auth_expiring_from_one_minor_unit_available_in_oms(currency: str, unit: str) -> None:
    ev = _evidence(b.payment_intent(currency=currency.lower()), b.charge(currency=currency.lower()), currency, unit)
    (finding,) = rule_auth_expiring(ev, DEADLINE - timedelta(hours=1))
    assert finding.currency == currency
    assert rule_auth_expiring(_evidence(b.payment_intent(currency=currency.lower()),
                                        b.charge(currency=currency.lower()), currency, "0"),
                              DEADLINE - timedelta(hours=1)) == []


def test_auth_expiring_not_when_oms_has_no_available_amount_at_all() -> None:
    ev = _evidence(b.payment_intent(currency="jpy"), b.charge(currency="jpy"), "JPY", None)
    assert rule_auth_expiring(ev, DEADLINE - timedelta(hours=1)) == []


def test_auth_expiring_at_exactly_48_hours_and_one_second_less() -> None:
    ev = b.evidence(b.payment_intent(), b.charge())
    assert rule_auth_expiring(ev, DEADLINE - timedelta(hours=48)) == []
    assert len(rule_auth_expiring(ev, DEADLINE - timedelta(hours=48, seconds=-1))) == 1
    assert rule_auth_expiring(ev, DEADLINE - timedelta(hours=48, seconds=1)) == []


def test_auth_expiring_at_the_deadline_itself_says_it_has_passed() -> None:
    ev = b.evidence(b.payment_intent(), b.charge())
    (at_deadline,) = rule_auth_expiring(ev, DEADLINE)
    assert "passed its capture deadline 2026-11-18 15:00 UTC" in at_deadline.message
    (before,) = rule_auth_expiring(ev, DEADLINE - timedelta(seconds=1))
    assert "must be captured by 2026-11-18 15:00 UTC (in " in before.message


def test_auth_expiring_needs_a_deadline() -> None:
    pi = {**b.payment_intent(), "created": None}
    assert rule_auth_expiring(b.evidence(pi, b.charge(capture_before=None)), DEADLINE) == []
    assert rule_auth_expiring(b.evidence(pi, None), DEADLINE) == []


def test_auth_expiring_only_while_the_payment_intent_awaits_capture() -> None:
    for status in ("requires_payment_method", "processing", "canceled"):
        pi = b.payment_intent(status=status, amount_capturable=12900)
        assert rule_auth_expiring(b.evidence(pi, b.charge()), DEADLINE - timedelta(hours=1)) == [], status


def test_auth_expiring_amount_is_stripes_amount_capturable_by_its_exponent() -> None:
    ev = b.evidence(b.payment_intent(currency="bhd", amount=1500, amount_capturable=1250),
                    b.charge(currency="bhd", amount=1500), currency="BHD", ops_record=b.ops(currency="BHD"))
    (finding,) = rule_auth_expiring(ev, DEADLINE - timedelta(hours=1))
    assert (finding.amount, finding.currency) == (Decimal("1.250"), "BHD")
    assert "1.250 BHD is still uncaptured" in finding.message


# --- CAPTURABLE_REMAINDER_RELEASED --------------------------------------------------------------------------


@ONE_MINOR_UNIT
def test_capturable_remainder_released_from_one_minor_unit_available(currency: str, unit: str) -> None:
    (finding,) = rule_capturable_remainder_released(_evidence(*_partial(currency), currency, unit), NOW)
    assert (finding.amount, finding.currency) == (Decimal(unit), currency)
    assert rule_capturable_remainder_released(_evidence(*_partial(currency), currency, "0"), NOW) == []
    assert rule_capturable_remainder_released(_evidence(*_partial(currency), currency, None), NOW) == []


def test_capturable_remainder_released_needs_a_partial_capture() -> None:
    full = _evidence(b.payment_intent(status="succeeded"), b.charge(captured=True), "USD", "10")
    assert rule_capturable_remainder_released(full, NOW) == []
    # one minor unit short of the full amount is already a partial capture
    pi = b.payment_intent(status="succeeded", amount_received=12899)
    ch = b.charge(captured=True, amount_captured=12899, amount_refunded=1)
    (finding,) = rule_capturable_remainder_released(_evidence(pi, ch, "USD", "0.01"), NOW)
    assert "128.99 USD of 129.00 USD" in finding.message


def test_capturable_remainder_released_needs_a_succeeded_payment_intent() -> None:
    pi, ch = _partial("USD")
    assert rule_capturable_remainder_released(_evidence({**pi, "status": "processing"}, ch, "USD", "69"), NOW) == []


def test_capturable_remainder_released_without_a_charge_reads_the_payment_intent() -> None:
    pi = b.payment_intent(status="succeeded", amount_received=6000)
    (finding,) = rule_capturable_remainder_released(_evidence(pi, None, "USD", "69"), NOW)
    assert "Stripe captured 60.00 USD of 129.00 USD" in finding.message
    assert finding.amount == Decimal("69.00")


def test_partial_capture_reads_the_charge_when_there_is_one() -> None:
    """The charge decides; the PaymentIntent's amount_received is read only when there is no charge."""
    pi = b.payment_intent(status="succeeded", amount_received=12900)
    ch = b.charge(captured=True, amount_captured=6000, amount_refunded=6900)
    (finding,) = rule_capturable_remainder_released(_evidence(pi, ch, "USD", "69"), NOW)
    assert "Stripe captured 60.00 USD of 129.00 USD" in finding.message
