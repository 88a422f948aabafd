"""Expiring authorizations: which rows, with what deadline, amount and action (pure rules, hand-built evidence)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import analysis_builders as b

from toolkit.analysis.expiring import Action, expiring_rows, hours_between, upcoming_rows

WITHIN = timedelta(hours=48)
DEADLINE = b.CREATED + 7 * b.DAY  # the builders' capture_before


def _evidence(pi=None, ch=None, **ops):
    return b.evidence(pi or b.payment_intent(), ch or b.charge(), ops_record=b.ops(**ops))


def test_a_deadline_inside_the_horizon_is_captured_now() -> None:
    now = b.at(DEADLINE) - timedelta(hours=30)
    (row,) = expiring_rows([_evidence()], now, WITHIN)
    assert row.action is Action.CAPTURE_NOW and row.deadline == b.at(DEADLINE) and row.hours_left == 30.0
    assert (row.amount, row.currency, row.status) == (Decimal("129.00"), "USD", "requires_capture")
    assert row.to_json() == {"order_number": "00001042", "ops_id": b.OPS_ID, "payment_intent": b.PI_ID,
                             "amount": "129.00", "currency": "USD", "deadline": "2026-11-18T15:00:00Z",
                             "hours_left": 30.0, "action": "capture now from OMS"}


def test_the_horizon_is_strict_as_for_auth_expiring() -> None:
    assert expiring_rows([_evidence()], b.at(DEADLINE) - WITHIN, WITHIN) == []
    assert len(expiring_rows([_evidence()], b.at(DEADLINE) - WITHIN + timedelta(seconds=1), WITHIN)) == 1
    # due later: not a row, but upcoming (the per-day chart)
    (later,) = upcoming_rows([_evidence()], b.at(b.CREATED + b.DAY))
    assert later.hours_left == 144.0 and later.action is Action.CAPTURE_NOW


def test_a_deadline_passed_while_stripe_still_shows_requires_capture_means_contacting_the_customer() -> None:
    (row,) = expiring_rows([_evidence()], b.at(DEADLINE) + timedelta(hours=2), WITHIN)
    assert row.action is Action.CONTACT_CUSTOMER and row.hours_left == -2.0


def test_released_by_stripe_without_oms_knowing() -> None:
    pi = b.payment_intent(status="canceled", canceled_at=DEADLINE, cancellation_reason="automatic")
    (row,) = expiring_rows([_evidence(pi, available_to_capture=100.0)], b.at(DEADLINE + b.DAY),
                           WITHIN)
    assert row.action is Action.CONTACT_CUSTOMER and row.status == "canceled"
    assert row.amount == Decimal("100.00") and row.deadline == b.at(DEADLINE) and row.hours_left == -24.0


def test_what_is_not_an_expiring_authorization() -> None:
    now = b.at(DEADLINE) - timedelta(hours=3)
    canceled = b.payment_intent(status="canceled", canceled_at=b.CREATED + b.DAY,
                                cancellation_reason="requested_by_customer")
    captured = b.payment_intent(status="succeeded")
    assert expiring_rows([_evidence(canceled)], now, WITHIN) == []
    assert expiring_rows([_evidence(captured, b.charge(captured=True))], now, WITHIN) == []
    # nothing left to capture in Order Management: not expected to be captured
    assert expiring_rows([_evidence(available_to_capture=0.0)], now, WITHIN) == []


def test_amounts_keep_their_own_currency() -> None:
    now = b.at(DEADLINE) - timedelta(hours=3)
    jpy = _evidence(b.payment_intent(currency="jpy", amount=4800), b.charge(currency="jpy", amount=4800),
                    currency="JPY", authorized=4800.0)
    (row,) = expiring_rows([jpy], now, WITHIN)
    assert (row.amount, row.currency, row.to_json()["amount"]) == (Decimal("4800"), "JPY", "4800")


def test_one_row_per_payment_intent_soonest_first() -> None:
    now = b.at(DEADLINE) - timedelta(hours=40)
    first = _evidence()
    twin = replace(first, ops={**first.ops, "Id": "0bMHxQNM0000002MHA"})  # the same PaymentIntent on two summaries
    sooner = b.evidence(b.payment_intent(pi_id="pi_sooner"),
                        b.charge(pi_id="pi_sooner", capture_before=DEADLINE - 3600),
                        ops_record={**b.ops(), "Id": "0bMHxQNM0000003MHA"})
    rows = expiring_rows([twin, first, sooner], now, WITHIN)
    assert [r.payment_intent for r in rows] == ["pi_sooner", b.PI_ID]
    assert rows[1].ops_id == b.OPS_ID  # the first summary by id


def test_hours_between() -> None:
    assert hours_between(b.at(0), b.at(5400)) == 1.5 and hours_between(b.at(5400), b.at(0)) == -1.5
