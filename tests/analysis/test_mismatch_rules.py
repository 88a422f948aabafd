"""The OMS/Stripe mismatch rules: the 'Stripe side complete' guard, several PaymentIntents, null rollups, and
differences of exactly one minor unit."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.findings import (
    findings_for_ops,
    rule_amount_scale_mismatch,
    rule_capture_missing_in_oms,
    rule_capture_missing_in_stripe,
    rule_currency_mismatch,
    rule_refund_missing_in_oms,
    rule_refund_missing_in_stripe,
)
from toolkit.analysis.mismatch_rules import stripe_side_complete

NOW = b.NOW
MISMATCH_RULES = (rule_capture_missing_in_oms, rule_capture_missing_in_stripe, rule_refund_missing_in_oms,
                  rule_refund_missing_in_stripe, rule_amount_scale_mismatch)


def captured(pi_id: str = b.PI_ID, amount: int = 12900, currency: str = "usd", refunded: int = 0,
             charge_id: str = b.CH_ID) -> StripePaymentEvidence:
    return StripePaymentEvidence(
        payment_intent=b.payment_intent(pi_id=pi_id, amount=amount, status="succeeded", currency=currency,
                                        charge_id=charge_id),
        charge=b.charge(pi_id=pi_id, amount=amount, captured=True, currency=currency, amount_refunded=refunded,
                        charge_id=charge_id),
    )


def two_payment_intents(**ops: float) -> OpsEvidence:
    """An OPS with two authorizations, each with its own PaymentIntent, both captured: 50.00 + 79.00 USD, 9.00 of it
    refunded."""
    return OpsEvidence(
        ops=b.ops(**ops), order_number="00001042", currency="USD",
        references=[b.pi_reference(value="pi_A"), b.pi_reference(value="pi_B", record_id="0XcHxM130000002KBA")],
        stripe=[captured("pi_A", 5000, charge_id="ch_A"), captured("pi_B", 7900, refunded=900, charge_id="ch_B")],
    )


def no_mismatch(evidence: OpsEvidence) -> bool:
    return all(rule(evidence, NOW) == [] for rule in MISMATCH_RULES)


# --- the guard: only a complete Stripe side is compared ------------------------------------------------------


def test_stripe_side_complete_with_every_reference_fetched() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True), ops_record=b.ops(captured=0.0))
    assert stripe_side_complete(ev)
    assert [f.code for f in rule_capture_missing_in_oms(ev, NOW)] == ["CAPTURE_MISSING_IN_OMS"]


def test_stripe_side_incomplete_when_a_reference_leads_to_a_payment_intent_not_fetched() -> None:
    """Neither missing nor fetched (say its request failed): comparing would report money missing in Stripe."""
    ev = b.evidence(b.payment_intent(), b.charge(), ops_record=b.ops(captured=129.0, refunded=10.0))
    ev = replace(ev, references=[*ev.references, b.pi_reference(value="pi_notfetched", record_id="0XcHxM130000002KBA")])
    assert not stripe_side_complete(ev)
    assert no_mismatch(ev)


def test_stripe_side_incomplete_when_a_reference_is_unresolved() -> None:
    ev = b.evidence(b.payment_intent(), b.charge(), ops_record=b.ops(captured=129.0))
    unresolved = replace(b.pi_reference(value="txn_1", record_id=b.PAY_ID), kind="balance_transaction",
                         record_object="Payment", resolved_payment_intent=None)
    ev = replace(ev, references=[*ev.references, unresolved])
    assert not stripe_side_complete(ev)
    assert no_mismatch(ev)


def test_stripe_side_incomplete_when_a_reference_is_missing_even_if_its_id_was_fetched() -> None:
    ev = b.evidence(b.payment_intent(), b.charge(), ops_record=b.ops(captured=129.0))
    missing = replace(b.pi_reference(), missing=True)  # resolved_payment_intent still set
    ev = replace(ev, references=[missing])
    assert not stripe_side_complete(ev)
    assert no_mismatch(ev)


def test_stripe_side_incomplete_without_references_or_without_payment_intents() -> None:
    ev = b.evidence(b.payment_intent(), b.charge(), ops_record=b.ops(captured=129.0))
    assert not stripe_side_complete(replace(ev, references=[]))
    assert not stripe_side_complete(replace(ev, stripe=[]))
    assert no_mismatch(replace(ev, references=[])) and no_mismatch(replace(ev, stripe=[]))


def test_stripe_side_incomplete_when_one_payment_intent_is_in_another_currency() -> None:
    ev = two_payment_intents(captured=0.0)
    eur = replace(ev.stripe[1], payment_intent={**ev.stripe[1].payment_intent, "currency": "eur"})
    ev = replace(ev, stripe=[ev.stripe[0], eur])
    assert not stripe_side_complete(ev)
    assert no_mismatch(ev)
    (finding,) = rule_currency_mismatch(ev, NOW)
    assert (finding.subject, finding.currency, finding.amount) == ("pi_B", "USD", None)
    assert "is in USD but PaymentIntent pi_B is in EUR" in finding.message


def test_a_payment_intent_without_a_currency_is_compared_in_the_summarys() -> None:
    pi = {**b.payment_intent(status="succeeded"), "currency": None}
    ch = {**b.charge(captured=True), "currency": None}
    ev = b.evidence(pi, ch, ops_record=b.ops(captured=100.0))
    assert stripe_side_complete(ev) and rule_currency_mismatch(ev, NOW) == []
    (finding,) = rule_capture_missing_in_oms(ev, NOW)
    assert (finding.amount, finding.currency) == (Decimal("29.00"), "USD")


def test_currency_codes_compare_in_any_case() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded", currency="USD"), b.charge(captured=True),
                    currency="usd", ops_record=b.ops(captured=129.0, currency="usd"))
    assert stripe_side_complete(ev) and rule_currency_mismatch(ev, NOW) == []


# --- several PaymentIntents -------------------------------------------------------------------------------


def test_several_payment_intents_are_summed_and_the_subject_is_the_summary() -> None:
    ev = two_payment_intents(captured=100.0, refunded=10.0)
    assert stripe_side_complete(ev)
    (capture,) = rule_capture_missing_in_oms(ev, NOW)
    assert (capture.subject, capture.amount) == (b.OPS_ID, Decimal("29.00"))
    assert "Stripe captured 129.00 USD on pi_A, pi_B" in capture.message
    (refund,) = rule_refund_missing_in_stripe(ev, NOW)
    assert (refund.subject, refund.amount) == (b.OPS_ID, Decimal("1.00"))
    assert rule_capture_missing_in_stripe(ev, NOW) == rule_refund_missing_in_oms(ev, NOW) == []


def test_several_payment_intents_that_add_up_give_no_finding() -> None:
    assert findings_for_ops(two_payment_intents(captured=129.0, refunded=9.0), NOW) == []


def test_a_payment_intent_reached_by_two_references_counts_once() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True), ops_record=b.ops(captured=129.0))
    txn = replace(b.pi_reference(value="txn_1", record_id=b.PAY_ID), kind="balance_transaction",
                  record_object="Payment", resolved_payment_intent=b.PI_ID)
    ev = replace(ev, references=[*ev.references, txn], stripe=[*ev.stripe, ev.stripe[0]])
    assert findings_for_ops(ev, NOW) == []
    (finding,) = rule_capture_missing_in_stripe(replace(ev, ops=b.ops(captured=129.01)), NOW)
    assert (finding.subject, finding.amount) == (b.PI_ID, Decimal("0.01"))


# --- null rollups and one minor unit -----------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["USD", "JPY"])
def test_a_null_oms_rollup_reads_as_zero(currency: str) -> None:
    record = {**b.ops(currency=currency), "CapturedAmount": None, "RefundedAmount": None,
              "PendingCaptureAmount": None, "AvailableToCaptureAmount": None}
    ev = b.evidence(b.payment_intent(currency=currency.lower()), b.charge(currency=currency.lower()),
                    currency=currency, ops_record=record)
    assert findings_for_ops(ev, b.after_checkout(days=1)) == []
    captured_pi = b.payment_intent(status="succeeded", currency=currency.lower(), amount=100)
    ev = replace(ev, stripe=[StripePaymentEvidence(payment_intent=captured_pi, charge=b.charge(
        captured=True, amount=100, currency=currency.lower()))])
    (finding,) = rule_capture_missing_in_oms(ev, NOW)
    assert finding.amount == (Decimal("1.00") if currency == "USD" else Decimal("100"))
    assert "of capture pending" not in finding.message


@pytest.mark.parametrize(("currency", "unit"), [("USD", "0.01"), ("JPY", "1"), ("BHD", "0.001")])
def test_a_difference_of_one_minor_unit_is_reported_both_ways(currency: str, unit: str) -> None:
    stripe = captured(currency=currency.lower(), amount=1500, refunded=500)
    major = Decimal(1500).scaleb(-{"USD": 2, "JPY": 0, "BHD": 3}[currency])
    refunded = Decimal(500).scaleb(-{"USD": 2, "JPY": 0, "BHD": 3}[currency])

    def ev(captured_amount: Decimal, refunded_amount: Decimal) -> OpsEvidence:
        return replace(b.evidence(None, currency=currency, references=[b.pi_reference()]), stripe=[stripe],
                       ops=b.ops(currency=currency, captured=float(captured_amount), refunded=float(refunded_amount)))

    assert all(rule(ev(major, refunded), NOW) == [] for rule in MISMATCH_RULES)
    one = Decimal(unit)
    assert [f.amount for f in rule_capture_missing_in_oms(ev(major - one, refunded), NOW)] == [one]
    assert [f.amount for f in rule_capture_missing_in_stripe(ev(major + one, refunded), NOW)] == [one]
    assert [f.amount for f in rule_refund_missing_in_oms(ev(major, refunded - one), NOW)] == [one]
    assert [f.amount for f in rule_refund_missing_in_stripe(ev(major, refunded + one), NOW)] == [one]
    assert rule_capture_missing_in_stripe(ev(major - one, refunded), NOW) == []
    assert rule_refund_missing_in_stripe(ev(major, refunded - one), NOW) == []


def test_pending_amounts_are_mentioned_from_one_minor_unit() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True, amount_refunded=1000),
                    ops_record=b.ops(captured=0.0, pending_capture=0.01))
    assert "0.01 USD of capture pending" in rule_capture_missing_in_oms(ev, NOW)[0].message
    none_pending = replace(ev, ops={**ev.ops, "PendingCaptureAmount": 0.0})
    assert "pending" not in rule_capture_missing_in_oms(none_pending, NOW)[0].message
    refund_pending = replace(ev, ops={**ev.ops, "PendingRefundAmount": 0.01})
    assert "0.01 USD of refund pending" in rule_refund_missing_in_oms(refund_pending, NOW)[0].message
    assert "pending" not in rule_refund_missing_in_oms(none_pending, NOW)[0].message


def test_mismatch_messages_name_both_amounts() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True, amount_refunded=1000),
                    ops_record=b.ops(captured=130.0, refunded=12.0))
    (capture,) = rule_capture_missing_in_stripe(ev, NOW)
    assert capture.message == (f"Order Management recorded 130.00 USD captured but Stripe captured 129.00 USD on "
                               f"{b.PI_ID}.")
    (refund,) = rule_refund_missing_in_stripe(ev, NOW)
    assert refund.message == f"Order Management recorded 12.00 USD refunded but Stripe refunded 10.00 USD on {b.PI_ID}."


# --- AMOUNT_SCALE_MISMATCH ----------------------------------------------------------------------------------


def test_no_scale_mismatch_when_both_sides_are_zero() -> None:
    ev = b.evidence(b.payment_intent(currency="jpy"), b.charge(currency="jpy"), currency="JPY",
                    ops_record=b.ops(authorized=12900.0, captured=0.0, currency="JPY"))
    assert rule_amount_scale_mismatch(ev, NOW) == []


def test_no_scale_mismatch_against_a_stripe_zero() -> None:
    """OMS 100 JPY captured, Stripe 0: a plain capture missing in Stripe (0 x 100 is 0, not 100)."""
    ev = b.evidence(b.payment_intent(currency="jpy"), b.charge(currency="jpy"), currency="JPY",
                    ops_record=b.ops(authorized=12900.0, captured=100.0, currency="JPY"))
    assert rule_amount_scale_mismatch(ev, NOW) == []
    assert [f.amount for f in rule_capture_missing_in_stripe(ev, NOW)] == [Decimal("100")]


@pytest.mark.parametrize(("oms", "factor"), [(1290000.0, "is 100 times Stripe's"), (129.0, "is a hundredth of")])
def test_scale_mismatch_message_says_which_way(oms: float, factor: str) -> None:
    ev = b.evidence(b.payment_intent(status="succeeded", currency="jpy"), b.charge(captured=True, currency="jpy"),
                    currency="JPY", ops_record=b.ops(authorized=oms, captured=oms, currency="JPY"))
    (finding,) = rule_amount_scale_mismatch(ev, NOW)
    assert factor in finding.message and "captured amount" in finding.message
    assert (finding.subject, finding.severity) == (b.PI_ID, "error")


def test_almost_a_hundred_times_is_a_plain_mismatch() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded", currency="jpy"), b.charge(captured=True, currency="jpy"),
                    currency="JPY", ops_record=b.ops(authorized=1290001.0, captured=1290001.0, currency="JPY"))
    assert rule_amount_scale_mismatch(ev, NOW) == []
    assert [f.code for f in rule_capture_missing_in_stripe(ev, NOW)] == ["CAPTURE_MISSING_IN_STRIPE"]
