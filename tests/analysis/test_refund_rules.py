"""Refund rules: which refunds moved money (a released remainder is not a refund), duplicate groups, failed and
pending refunds, disputes."""

from __future__ import annotations

from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.evidence import StripePaymentEvidence
from toolkit.analysis.findings import (
    rule_charge_disputed,
    rule_possible_duplicate_refund,
    rule_refund_failed,
    rule_refund_pending,
)
from toolkit.analysis.payment_state import is_money_moving_refund, refunds_of

CREATED, DAY, HOUR, NOW = b.CREATED, b.DAY, b.HOUR, b.NOW


def partial_capture() -> StripePaymentEvidence:
    """64.50 of 129.00 USD captured: Stripe released the other 64.50."""
    return StripePaymentEvidence(
        payment_intent=b.payment_intent(status="succeeded", amount_received=6450),
        charge=b.charge(captured=True, amount_captured=6450, amount_refunded=6450),
    )


def full_capture() -> StripePaymentEvidence:
    return StripePaymentEvidence(payment_intent=b.payment_intent(status="succeeded"), charge=b.charge(captured=True))


def duplicates(pe: StripePaymentEvidence, *refunds: dict, currency: str = "USD") -> list:
    ev = b.evidence(pe.payment_intent, pe.charge, refunds=list(refunds), currency=currency,
                    ops_record=b.ops(currency=currency))
    return rule_possible_duplicate_refund(ev, NOW)


# --- which refunds moved money -----------------------------------------------------------------------------


def test_a_real_refund_of_exactly_the_released_amount_moved_money() -> None:
    """It has a balance transaction: only a refund without one can be the release of the remainder."""
    real = b.refund("re_real", 6450)
    release = b.refund("re_release", 6450, balance_transaction=None, reason=None)
    assert is_money_moving_refund(real, partial_capture())
    assert not is_money_moving_refund(release, partial_capture())


def test_two_real_refunds_of_the_released_amount_are_possible_duplicates() -> None:
    first = b.refund("re_1", 6450, created=CREATED + HOUR)
    second = b.refund("re_2", 6450, created=CREATED + 2 * HOUR)
    (finding,) = duplicates(partial_capture(), first, second)
    assert (finding.subject, finding.amount) == ("re_2", Decimal("64.50"))


def test_a_release_and_a_real_refund_of_the_same_amount_are_not_duplicates() -> None:
    release = b.refund("re_release", 6450, balance_transaction=None, reason=None, created=CREATED + HOUR)
    real = b.refund("re_real", 6450, created=CREATED + 2 * HOUR)
    assert duplicates(partial_capture(), release, real) == []


def test_a_refund_without_balance_transaction_of_another_amount_moved_money() -> None:
    pending = b.refund("re_pending", 1000, balance_transaction=None, status="pending")
    assert is_money_moving_refund(pending, partial_capture())


def test_pending_refunds_without_a_balance_transaction_yet_are_possible_duplicates() -> None:
    """On a fully captured charge nothing was released: two pending refunds of one amount are suspect."""
    first = b.refund("re_1", 2500, balance_transaction=None, status="pending", created=CREATED)
    second = b.refund("re_2", 2500, balance_transaction=None, status="pending", created=CREATED + HOUR)
    assert is_money_moving_refund(first, full_capture())
    (finding,) = duplicates(full_capture(), first, second)
    assert finding.amount == Decimal("25.00")


def test_refunds_on_a_canceled_payment_intent_moved_no_money() -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason="abandoned")
    canceled = StripePaymentEvidence(payment_intent=pi, charge=b.charge(amount_refunded=12900))
    release = b.refund("re_release", 12900, balance_transaction=None, reason=None)
    assert not is_money_moving_refund(release, canceled)
    assert is_money_moving_refund({**release, "balance_transaction": "txn_x"}, canceled)


@pytest.mark.parametrize(("field", "value", "moved"), [
    ("status", "failed", False), ("status", "canceled", False), ("status", "pending", True),
    ("status", "requires_action", True), ("reason", "expired_uncaptured_charge", False),
    ("reason", "duplicate", True), ("reason", None, True),
])
def test_money_moving_refund_by_status_and_reason(field: str, value: str | None, moved: bool) -> None:
    refund = {**b.refund("re_1", 5000), field: value}
    assert is_money_moving_refund(refund, full_capture()) is moved


def test_without_a_charge_a_refund_without_balance_transaction_moved_money() -> None:
    pe = StripePaymentEvidence(payment_intent=b.payment_intent(status="succeeded", amount_received=6450))
    assert is_money_moving_refund(b.refund("re_1", 6450, balance_transaction=None), pe)


# --- duplicate groups ----------------------------------------------------------------------------------------


def test_duplicate_refunds_chain_within_24_hours_of_each_other() -> None:
    refunds = [b.refund(f"re_{i}", 3000, created=CREATED + i * 20 * HOUR) for i in range(3)]  # 0 h, 20 h, 40 h
    (finding,) = duplicates(full_capture(), *refunds)
    assert (finding.subject, finding.amount) == ("re_1", Decimal("60.00"))
    assert finding.message.startswith("3 refunds of 30.00 USD each were made on")
    assert "within 40 hours" in finding.message and "(re_0, re_1, re_2)" in finding.message


def test_a_gap_of_more_than_24_hours_starts_a_new_group() -> None:
    times = [CREATED, CREATED + HOUR, CREATED + HOUR + DAY + 1, CREATED + 2 * HOUR + DAY + 1]
    refunds = [b.refund(f"re_{i}", 3000, created=t) for i, t in enumerate(times)]
    found = duplicates(full_capture(), *refunds)
    assert [(f.subject, f.amount) for f in found] == [("re_1", Decimal("30.00")), ("re_3", Decimal("30.00"))]


def test_a_lone_refund_after_a_gap_is_no_duplicate() -> None:
    refunds = [b.refund("re_a", 3000, created=CREATED), b.refund("re_b", 3000, created=CREATED + HOUR),
               b.refund("re_c", 3000, created=CREATED + 3 * DAY)]
    (finding,) = duplicates(full_capture(), *refunds)
    assert "(re_a, re_b)" in finding.message


def test_duplicates_are_grouped_by_charge_and_amount() -> None:
    other_charge = b.refund("re_b", 3000, charge_id="ch_other", created=CREATED + HOUR)
    assert duplicates(full_capture(), b.refund("re_a", 3000), other_charge) == []
    assert duplicates(full_capture(), b.refund("re_a", 3000), b.refund("re_b", 3001)) == []


def test_duplicates_in_the_payment_intents_currency() -> None:
    pe = StripePaymentEvidence(payment_intent=b.payment_intent(status="succeeded", currency="jpy"),
                               charge=b.charge(captured=True, currency="jpy"))
    refunds = [{**b.refund(f"re_{i}", 5000, created=CREATED + i), "currency": None} for i in range(2)]
    (finding,) = duplicates(pe, *refunds, currency="JPY")
    assert (finding.amount, finding.currency) == (Decimal("5000"), "JPY")


def test_refunds_created_at_the_same_second_are_ordered_by_id() -> None:
    refunds = [b.refund("re_b", 3000, created=CREATED), b.refund("re_a", 3000, created=CREATED)]
    (finding,) = duplicates(full_capture(), *refunds)
    assert finding.subject == "re_b" and "(re_a, re_b)" in finding.message


def test_refunds_without_a_creation_time_are_not_grouped() -> None:
    refunds = [b.refund("re_a", 3000), {**b.refund("re_b", 3000), "created": None}]
    assert duplicates(full_capture(), *refunds) == []


def test_embedded_refunds_are_read_when_the_evidence_lists_none() -> None:
    embedded = [b.refund("re_a", 3000, created=CREATED), b.refund("re_b", 3000, created=CREATED + HOUR)]
    charge = {**b.charge(captured=True), "refunds": {"object": "list", "data": embedded}}
    pe = StripePaymentEvidence(payment_intent=b.payment_intent(status="succeeded"), charge=charge)
    assert [r["id"] for r in refunds_of(pe)] == ["re_a", "re_b"]
    assert len(duplicates(pe)) == 1
    listed = StripePaymentEvidence(payment_intent=pe.payment_intent, charge=charge, refunds=[embedded[0]])
    assert [r["id"] for r in refunds_of(listed)] == ["re_a"]
    assert refunds_of(StripePaymentEvidence(payment_intent=pe.payment_intent, charge={"refunds": None})) == []


# --- failed and pending refunds, disputes ---------------------------------------------------------------------


def test_refund_failed_without_a_failure_reason() -> None:
    failed = b.refund("re_failed", 5000, status="failed", currency="jpy")
    ev = b.evidence(b.payment_intent(status="succeeded", currency="jpy"), b.charge(captured=True, currency="jpy"),
                    refunds=[failed], currency="JPY", ops_record=b.ops(currency="JPY"))
    (finding,) = rule_refund_failed(ev, NOW)
    assert (finding.amount, finding.currency) == (Decimal("5000"), "JPY")
    assert "(failure_reason not given)" in finding.message


def test_only_failed_refunds_are_refund_failed() -> None:
    refunds = [b.refund(f"re_{s}", 100, status=s) for s in ("succeeded", "pending", "canceled", "requires_action")]
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True), refunds=refunds)
    assert rule_refund_failed(ev, NOW) == []


def test_only_pending_or_requires_action_refunds_are_refund_pending() -> None:
    refunds = [b.refund(f"re_{s}", 100, status=s) for s in ("succeeded", "failed", "canceled", "pending")]
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True), refunds=refunds)
    assert [f.subject for f in rule_refund_pending(ev, NOW)] == ["re_pending"]


def test_refund_pending_without_a_creation_time_or_reason() -> None:
    pending = {**b.refund("re_wait", 2500, status="pending"), "created": None}
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True), refunds=[pending])
    (finding,) = rule_refund_pending(ev, NOW)
    assert finding.message.endswith("is pending (pending_reason not given).")


def test_charge_disputed_amount_is_the_captured_amount() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded", amount_received=6000),
                    b.charge(captured=True, amount_captured=6000, disputed=True, currency="usd"))
    (finding,) = rule_charge_disputed(ev, NOW)
    assert (finding.amount, finding.currency) == (Decimal("60.00"), "USD")
    assert f"disputed charge {b.CH_ID} of {b.PI_ID} (60.00 USD captured)" in finding.message


def test_no_dispute_finding_without_a_disputed_charge() -> None:
    assert rule_charge_disputed(b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True)), NOW) == []
    assert rule_charge_disputed(b.evidence(b.payment_intent(), None), NOW) == []


def test_a_refunds_amount_is_in_its_own_currency() -> None:
    pi = {**b.payment_intent(status="succeeded"), "currency": None}
    ch = {**b.charge(captured=True), "currency": None}
    failed = b.refund("re_failed", 5000, status="failed", currency="jpy")
    (finding,) = rule_refund_failed(b.evidence(pi, ch, refunds=[failed]), NOW)
    assert (finding.amount, finding.currency) == (Decimal("5000"), "JPY")
    (fallback,) = rule_refund_failed(b.evidence(pi, ch, refunds=[{**failed, "currency": None}]), NOW)
    assert (fallback.amount, fallback.currency) == (Decimal("50.00"), "USD")


def test_only_the_two_kinds_of_release_moved_no_money() -> None:
    """A refund without balance transaction of the whole amount on an uncaptured charge of a PaymentIntent that is
    not canceled is neither kind of release (docs/findings.md): it counts as moving money."""
    pe = StripePaymentEvidence(payment_intent=b.payment_intent(status="processing"), charge=b.charge(captured=False))
    assert is_money_moving_refund(b.refund("re_1", 12900, balance_transaction=None), pe)
