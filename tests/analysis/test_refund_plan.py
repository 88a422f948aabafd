"""Refund and re-capture plans: what each system allows, the smaller holds, and every reason to refuse is one
sentence (pure: no request)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.evidence import OpsEvidence
from toolkit.analysis.refund_plan import Executed, plan_recapture, plan_refund
from toolkit.errors import InputError

PAY = b.PAY_ID


def captured(*, amount: int = 12900, refunded: int = 0, refunds: list | None = None, disputed: bool = False,
             currency: str = "usd", ops_currency: str = "USD", balance: float | None = None,
             oms_refunded: float = 0.0, amount_captured: int | None = None) -> OpsEvidence:
    pi = b.payment_intent(amount=amount, status="succeeded", currency=currency)
    ch = b.charge(amount=amount, captured=True, amount_refunded=refunded, currency=currency, disputed=disputed,
                  amount_captured=amount_captured)
    major = amount / (1 if ops_currency == "JPY" else 100)
    ops = {**b.ops(authorized=major, captured=major, refunded=oms_refunded, currency=ops_currency),
           "AvailableToRefundAmount": major - oms_refunded}
    ev = b.evidence(pi, ch, refunds=refunds or [], ops_record=ops, currency=ops_currency)
    payment = {"Id": PAY, "Amount": major, "Balance": major - oms_refunded if balance is None else balance,
               "Status": "Processed", "PaymentAuthorizationId": b.PA_ID, "OrderPaymentSummaryId": b.OPS_ID}
    return replace(ev, payments=[payment])


def refund(ev: OpsEvidence, amount: object = None, **kw: object):  # type: ignore[no-untyped-def]
    args = {"reason": "requested_by_customer", "case_reference": "CS-1", **kw}
    return plan_refund(ev, payment=ev.payments[0], amount=amount, **args)  # type: ignore[arg-type]


def test_a_partial_refund_through_order_management() -> None:
    plan = refund(captured(), "20.00")
    assert plan.blocked is None and plan.amount == Decimal("20.00") and plan.currency == "USD"
    assert (plan.oms_available, plan.stripe_available) == (Decimal("129.00"), Decimal("129.00"))
    assert plan.request["path"] == f"commerce/payments/payments/{PAY}/refunds"
    assert plan.request["body"]["idempotencyKey"] == plan.idempotency_key and plan.request["body"]["amount"] == 20.0


def test_no_amount_means_all_that_is_refundable_the_smaller_holds_and_says_why() -> None:
    plan = refund(captured(balance=100.0))
    assert plan.amount == Decimal("100.00") and plan.blocked is None
    assert plan.differences is not None and "the smaller holds" in plan.differences


def test_the_release_of_an_uncaptured_remainder_is_not_subtracted_twice() -> None:
    """Captured 80.00 of 129.00: Stripe released 49.00 (a refund object without balance transaction)."""
    release = b.refund("re_release", 4900, reason=None, balance_transaction=None)
    ev = captured(amount=12900, amount_captured=8000, refunded=4900, refunds=[release], balance=80.0)
    ev = replace(ev, ops={**ev.ops, "AvailableToRefundAmount": 80.0, "CapturedAmount": 80.0})
    plan = refund(ev)
    assert plan.stripe_available == Decimal("80.00") and plan.amount == Decimal("80.00") and plan.blocked is None


def test_a_real_refund_counts_a_pending_one_too() -> None:
    done = b.refund("re_1", 2000)
    ev = captured(refunded=2000, refunds=[done], oms_refunded=20.0)
    assert refund(ev).stripe_available == Decimal("109.00")


@pytest.mark.parametrize(("build", "amount", "words"), [
    (lambda: replace(captured(), stripe=[replace(captured().stripe[0], charge=b.charge(captured=False),
                                                 payment_intent=b.payment_intent())]), None, "Nothing was captured"),
    (lambda: captured(refunds=[b.refund("re_p", 1000, status="pending", balance_transaction=None)], refunded=1000,
                      oms_refunded=10.0), "5.00", "is still pending"),
    (lambda: captured(refunds=[b.refund("re_f", 1000, status="failed", failure_reason="declined")]), "5.00",
     "failed (declined)"),
    (lambda: captured(disputed=True), "5.00", "is disputed"),
    (lambda: captured(), "129.01", "more than the 129.00 USD"),
    (lambda: captured(), "10.001", "more decimals than USD allows"),
    (lambda: captured(), "-5", "positive number"),
    (lambda: captured(refunds=[b.refund("re_d", 2000)], refunded=2000), "5.00", "refunds Order Management lacks"),
    (lambda: captured(currency="usd", ops_currency="JPY"), None, "is in JPY but the PaymentIntent is in USD"),
])
def test_refusing_is_one_sentence(build, amount, words) -> None:  # type: ignore[no-untyped-def]
    plan = refund(build(), amount)
    assert plan.blocked is not None and words in plan.blocked and "\n" not in plan.blocked


def test_an_amount_in_another_currency_is_refused() -> None:
    plan = refund(captured(), "5.00", currency="EUR")
    assert plan.blocked == "The amount is given in EUR but this payment is in USD."


def test_zero_decimal_amounts_are_whole() -> None:
    plan = refund(captured(amount=4800, currency="jpy", ops_currency="JPY"), "1200")
    assert plan.blocked is None and plan.amount == Decimal("1200") and plan.request["body"]["amount"] == 1200.0
    assert "more decimals than JPY allows (0)" in (refund(captured(amount=4800, currency="jpy", ops_currency="JPY"),
                                                          "12.5").blocked or "")


def test_acknowledging_unblocks_deliberately() -> None:
    ev = captured(refunds=[b.refund("re_f", 1000, status="failed")])
    assert refund(ev, "5.00", acknowledge=["failed_refund"]).blocked is None
    with pytest.raises(InputError, match="cannot be acknowledged"):
        refund(ev, "5.00", acknowledge=["dispute"])


def test_a_repeat_is_blocked_saying_when_and_the_key_is_deterministic() -> None:
    ev = captured()
    first = refund(ev, "20.00")
    assert first.idempotency_key == refund(ev, "20.00").idempotency_key
    assert first.idempotency_key != refund(ev, "20.00", case_reference="CS-2").idempotency_key
    done = Executed("refund", PAY, 2000, "CS-1", "2026-11-13T15:00:00+00:00", "re_1")
    again = refund(ev, "20.00", executed=[done])
    assert again.blocked is not None and "already made on 2026-11-13T15:00:00+00:00 (re_1)" in again.blocked
    deliberate = refund(ev, "20.00", executed=[done], acknowledge=["repeat"])
    assert deliberate.blocked is None and deliberate.idempotency_key != first.idempotency_key


def test_a_failed_read_blocks() -> None:
    plan = refund(captured(), "5.00", incomplete=["Stripe: pi_x could not be read."])
    assert plan.blocked is not None and plan.blocked.startswith("Not everything could be read")


def test_bad_requests_are_input_errors() -> None:
    with pytest.raises(InputError, match="refund reason"):
        refund(captured(), reason="because")
    with pytest.raises(InputError, match="case reference"):
        refund(captured(), case_reference=" ")
    with pytest.raises(InputError, match="refund path"):
        refund(captured(), via="bank")


def test_the_direct_path_names_the_order_and_case_in_stripes_metadata() -> None:
    plan = refund(captured(), "5.00", via="stripe", analyst="ana")
    params = plan.request["params"]
    assert plan.request["path"] == "/v1/refunds" and params["amount"] == 500 and params["reason"] == \
        "requested_by_customer"
    assert params["metadata"] == {"order_number": "00001042", "ops_id": b.OPS_ID, "case_reference": "CS-1",
                                  "analyst": "ana", "toolkit_key": plan.idempotency_key}


def test_a_recapture_plan_for_a_retryable_cause_only() -> None:
    ev = b.evidence(b.payment_intent(), b.charge())
    auth = ev.authorizations[0]
    plan = plan_recapture(ev, authorization=auth, cause="TIMEOUT_NOT_CAPTURED", case_reference="CS-9")
    assert plan.blocked is None and plan.amount == Decimal("129.00")
    assert plan.request["path"] == f"commerce/payments/authorizations/{b.PA_ID}/captures"
    refused = plan_recapture(ev, authorization=auth, cause="AUTH_EXPIRED", case_reference="CS-9")
    assert refused.blocked is not None and "AUTH_EXPIRED" in refused.blocked
    smaller = plan_recapture(ev, authorization=auth, cause="AMOUNT_EXCEEDS_CAPTURABLE", amount="139.00",
                             case_reference="CS-9")
    assert smaller.blocked is not None and "more than the 129.00 USD" in smaller.blocked
    captured_already = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True))
    assert "succeeded" in (plan_recapture(captured_already, authorization=captured_already.authorizations[0],
                                          cause="TIMEOUT_NOT_CAPTURED", case_reference="CS-9").blocked or "")
