"""Failed-capture causes: each of the twelve rules, their order, the row's own error, the summary."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.capture_causes import (
    CaptureDiagnosis,
    Cause,
    GatewayError,
    Retryable,
    diagnose_capture_failure,
    gateway_error_of,
    is_failed_capture,
    requested_amount,
    summarize,
)
from toolkit.analysis.evidence import StripePaymentEvidence
from toolkit.analysis.remediation import CAUSE_REMEDIATION
from toolkit.errors import InputError

CREATED, DAY, HOUR, NOW = b.CREATED, b.DAY, b.HOUR, b.NOW


def stripe_error(
    code: str | None, message: str = "error", type_: str = "invalid_request_error", **extra: object
) -> str:
    return json.dumps({"error": {"type": type_, "code": code, "message": message}, **extra})


def diagnose(log: dict, pi: dict | None = None, ch: dict | None = None, **kw: object) -> CaptureDiagnosis:
    return diagnose_capture_failure(log, b.evidence(pi, ch, logs=[log], **kw))


def open_pi() -> tuple[dict, dict]:
    return b.payment_intent(), b.charge()


def captured() -> tuple[dict, dict]:
    return b.payment_intent(status="succeeded"), b.charge(captured=True)


# --- the example case -------------------------------------------------------------------------------


def test_expired_authorization_case() -> None:
    evidence, _ = b.case_evidence("expired-authorization.json")
    (log,) = evidence.gateway_logs
    diagnosis = diagnose_capture_failure(log, evidence)
    assert diagnosis.cause is Cause.AUTH_EXPIRED
    assert diagnosis.retryable is Retryable.NO
    assert diagnosis.amount_at_risk == Decimal("129.00")
    assert "2026-11-18 15:00 UTC" in diagnosis.evidence and "payment_intent_unexpected_state" in diagnosis.evidence
    assert diagnosis.to_json() == {
        "log_id": "0XtHxG8C0000001KFA", "log_number": "PGL-000000001", "created": "2026-11-19T15:00:00Z",
        "order_number": "00001042", "payment_intent": "pi_3Q0SM8zJpqHmSKkAdDeUpQyU", "cause": "AUTH_EXPIRED",
        "retryable": "no", "amount_at_risk": "129.00", "currency": "USD",
        "remediation": CAUSE_REMEDIATION["AUTH_EXPIRED"],
    }


# --- one test per rule ------------------------------------------------------------------------------


def test_1_payment_intent_not_found_without_any_reference() -> None:
    d = diagnose_capture_failure(b.gateway_log(), b.evidence(None, references=[]))
    assert (d.cause, d.retryable, d.payment_intent) == (Cause.PAYMENT_INTENT_NOT_FOUND, Retryable.NO, None)
    assert d.amount_at_risk == Decimal("129.00")


def test_1_payment_intent_not_found_when_stripe_answers_resource_missing() -> None:
    ref = b.pi_reference(missing=True, other_mode=True)
    d = diagnose_capture_failure(b.gateway_log(response=stripe_error("payment_intent_unexpected_state")),
                                 b.evidence(None, references=[ref]))
    assert (d.cause, d.payment_intent) == (Cause.PAYMENT_INTENT_NOT_FOUND, b.PI_ID)
    assert "resource_missing" in d.evidence


def test_1_payment_intent_not_found_from_the_row_when_stripe_was_not_asked() -> None:
    ref = replace(b.pi_reference(), resolved_payment_intent=None)
    log = b.gateway_log(response=stripe_error("resource_missing", "No such payment_intent: 'pi_x'"))
    d = diagnose_capture_failure(log, b.evidence(None, references=[ref]))
    assert d.cause is Cause.PAYMENT_INTENT_NOT_FOUND


@pytest.mark.parametrize(
    "log_fields",
    [
        {"response": json.dumps({"error": {"message": "Invalid API Key provided: sk_test_****"}, "status": 401})},
        {"response": stripe_error(None, "restricted", type_="permission_error")},
        {"result_code": "401"},
        {"message": "Invalid API Key provided: sk_live_********1234", "response": "Unauthorized"},
        {"message": "HTTP/1.1 403 Forbidden"},
    ],
)
def test_2_authentication_failed(log_fields: dict) -> None:
    d = diagnose(b.gateway_log(**log_fields), *open_pi())
    assert d.cause is Cause.AUTHENTICATION_FAILED
    assert d.retryable is Retryable.AFTER_CREDENTIALS_FIXED
    assert "sk_live" not in d.evidence and "1234" not in d.evidence


def test_2_comes_before_the_payment_state_and_retry_needs_an_open_authorization() -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason="automatic", canceled_at=CREATED + 7 * DAY)
    d = diagnose(b.gateway_log(result_code="401", created=b.at(CREATED + 8 * DAY)), pi, b.charge(amount_refunded=12900))
    assert d.cause is Cause.AUTHENTICATION_FAILED
    assert d.retryable is Retryable.NO  # the PaymentIntent can no longer be captured


@pytest.mark.parametrize(
    "log_fields",
    [
        {"result_code": "429"},
        {"response": stripe_error("lock_timeout")},
        {"response": stripe_error("rate_limit", type_="invalid_request_error")},
        {"message": "Too many requests hit the API too quickly."},
    ],
)
def test_3_rate_limited(log_fields: dict) -> None:
    d = diagnose(b.gateway_log(**log_fields), *open_pi())
    assert (d.cause, d.retryable) == (Cause.RATE_LIMITED, Retryable.YES)


@pytest.mark.parametrize(
    "log_fields",
    [
        {"status": "Timeout", "sf_result": "SystemError"},
        {"status": "Failed", "sf_result": "Indeterminate", "response": stripe_error("whatever")},
        {"status": "Failed", "sf_result": "SystemError", "result_code": None, "response": None},
    ],
)
def test_4_timeout_but_captured(log_fields: dict) -> None:
    d = diagnose(b.gateway_log(**log_fields), *captured())
    assert (d.cause, d.retryable) == (Cause.TIMEOUT_BUT_CAPTURED, Retryable.NO)
    assert d.amount_at_risk == Decimal("0.00")


def test_5_timeout_not_captured() -> None:
    d = diagnose(b.gateway_log(status="Timeout", sf_result="SystemError"), *open_pi())
    assert (d.cause, d.retryable) == (Cause.TIMEOUT_NOT_CAPTURED, Retryable.YES)
    assert d.amount_at_risk == Decimal("129.00")


def test_5_timeout_not_captured_is_not_retryable_once_expired() -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason="automatic", canceled_at=CREATED + 7 * DAY)
    d = diagnose(b.gateway_log(status="Timeout", created=b.at(CREATED + DAY)), pi, b.charge(amount_refunded=12900))
    assert (d.cause, d.retryable) == (Cause.TIMEOUT_NOT_CAPTURED, Retryable.NO)


def test_system_error_with_a_gateway_answer_is_not_a_timeout() -> None:
    log = b.gateway_log(sf_result="SystemError", result_code="something_odd", response=stripe_error("something_odd"))
    assert diagnose(log, *captured()).cause is Cause.ALREADY_CAPTURED


def test_6_auth_expired_when_canceled_at_equals_t() -> None:
    expiry = CREATED + 7 * DAY
    pi = b.payment_intent(status="canceled", cancellation_reason="expired", canceled_at=expiry)
    d = diagnose(b.gateway_log(created=b.at(expiry)), pi, b.charge(amount_refunded=12900, capture_before=None))
    assert (d.cause, d.retryable) == (Cause.AUTH_EXPIRED, Retryable.NO)


def test_6_not_expired_when_the_capture_came_before_the_expiry() -> None:
    expiry = CREATED + 7 * DAY
    pi = b.payment_intent(status="canceled", cancellation_reason="automatic", canceled_at=expiry)
    d = diagnose(b.gateway_log(created=b.at(expiry - 1), result_code=None), pi, b.charge(amount_refunded=12900))
    assert d.cause is Cause.UNKNOWN


def test_6_auth_expired_when_t_is_past_the_deadline_before_stripe_cancels() -> None:
    deadline = CREATED + 7 * DAY
    assert diagnose(b.gateway_log(created=b.at(deadline + 1)), *open_pi()).cause is Cause.AUTH_EXPIRED
    assert diagnose(b.gateway_log(created=b.at(deadline)), *open_pi()).cause is Cause.UNKNOWN


def test_6_auth_expired_from_the_rows_expiry_code() -> None:
    d = diagnose(b.gateway_log(response=stripe_error("charge_expired_for_capture")), *open_pi())
    assert d.cause is Cause.AUTH_EXPIRED


@pytest.mark.parametrize("reason", ["requested_by_customer", "abandoned", None])
def test_7_auth_canceled(reason: str | None) -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason=reason, canceled_at=CREATED + DAY)
    d = diagnose(b.gateway_log(created=b.at(CREATED + 2 * DAY)), pi, b.charge(amount_refunded=12900))
    assert (d.cause, d.retryable) == (Cause.AUTH_CANCELED, Retryable.NO)
    # canceled by the merchant before the deadline: still AUTH_CANCELED when the capture comes after it
    late = diagnose(b.gateway_log(created=b.at(CREATED + 9 * DAY)), pi, b.charge(amount_refunded=12900))
    assert late.cause is Cause.AUTH_CANCELED


def test_8_second_capture_rejected() -> None:
    pi = b.payment_intent(status="succeeded", amount_received=6000)
    ch = b.charge(captured=True, amount_captured=6000, amount_refunded=6900)
    d = diagnose(b.gateway_log(response=stripe_error("payment_intent_unexpected_state")), pi, ch,
                 ops_record=b.ops(captured=60.0, available_to_capture=69.0))
    assert (d.cause, d.retryable, d.amount_at_risk) == (Cause.SECOND_CAPTURE_REJECTED, Retryable.NO, Decimal("69.00"))
    assert "60.00 USD of 129.00 USD" in d.evidence


def test_9_already_captured_puts_nothing_at_risk() -> None:
    d = diagnose(b.gateway_log(response=stripe_error("charge_already_captured")), *captured())
    assert (d.cause, d.retryable, d.amount_at_risk) == (Cause.ALREADY_CAPTURED, Retryable.NO, Decimal("0.00"))


def test_9_already_captured_even_after_the_deadline() -> None:
    d = diagnose(b.gateway_log(created=b.at(CREATED + 10 * DAY)), *captured())
    assert d.cause is Cause.ALREADY_CAPTURED


def test_10_amount_exceeds_capturable_from_the_request() -> None:
    d = diagnose(b.gateway_log(request='{"amount": 150.0}'), *open_pi())
    assert (d.cause, d.retryable) == (Cause.AMOUNT_EXCEEDS_CAPTURABLE, Retryable.WITH_SMALLER_AMOUNT)
    assert "150.00 USD" in d.evidence and "129.00 USD" in d.evidence
    assert diagnose(b.gateway_log(request='{"amount": 129.0}'), *open_pi()).cause is Cause.UNKNOWN


def test_10_amount_exceeds_capturable_from_the_rows_error() -> None:
    d = diagnose(b.gateway_log(request=None, response=stripe_error("amount_too_large")), *open_pi())
    assert d.cause is Cause.AMOUNT_EXCEEDS_CAPTURABLE


@pytest.mark.parametrize(
    "log_fields",
    [
        {"response": stripe_error(None, "An unknown error occurred", type_="api_error")},
        {"result_code": "500"},
        {"message": "Gateway returned status code 503"},
    ],
)
def test_11_stripe_api_error(log_fields: dict) -> None:
    d = diagnose(b.gateway_log(**log_fields), *open_pi())
    assert (d.cause, d.retryable) == (Cause.STRIPE_API_ERROR, Retryable.YES)


def test_12_unknown() -> None:
    d = diagnose(b.gateway_log(message="Something went wrong"), *open_pi())
    assert (d.cause, d.retryable) == (Cause.UNKNOWN, Retryable.UNKNOWN)
    assert d.amount_at_risk == Decimal("129.00")
    assert "requires_capture" in d.evidence


# --- currencies, the row's own error, inputs, summary -----------------------------------------------


def test_zero_and_three_decimal_amounts_at_risk() -> None:
    jpy = diagnose(b.gateway_log(request='{"amount": 13000}'), b.payment_intent(currency="jpy"),
                   b.charge(currency="jpy"), currency="JPY",
                   ops_record=b.ops(authorized=12900.0, currency="JPY"))
    assert (jpy.cause, jpy.amount_at_risk, jpy.to_json()["amount_at_risk"]) == (
        Cause.AMOUNT_EXCEEDS_CAPTURABLE, Decimal("12900"), "12900")
    assert "13000 JPY" in jpy.evidence
    bhd = diagnose(b.gateway_log(request=None), b.payment_intent(currency="bhd", amount=1500),
                   b.charge(currency="bhd", amount=1500), currency="BHD",
                   ops_record=b.ops(authorized=1.5, currency="BHD"))
    assert bhd.to_json()["amount_at_risk"] == "1.500"


def test_gateway_error_of_reads_stripe_json_and_hints() -> None:
    assert gateway_error_of({}) == GatewayError()
    assert gateway_error_of({"Response": "not json at all"}).is_empty
    parsed = gateway_error_of({"Response": stripe_error("amount_too_large", "too big", http_status=400)})
    assert (parsed.code, parsed.type, parsed.message, parsed.http_status) == (
        "amount_too_large", "invalid_request_error", "too big", 400)
    assert gateway_error_of({"GatewayResultCode": "payment_intent_unexpected_state"}).code == \
        "payment_intent_unexpected_state"
    assert gateway_error_of({"GatewayResultCode": "Decline"}).code is None
    assert gateway_error_of({"Response": "HTTP/1.1 503 Service Unavailable"}).http_status == 503
    succeeded = json.dumps({"object": "payment_intent", "status": "succeeded", "id": "pi_1"})
    assert gateway_error_of({"Response": succeeded}).is_empty


def test_requested_amount() -> None:
    assert requested_amount({"Request": '{"amount": 129.99}'}, "usd") == Decimal("129.99")
    assert requested_amount({"Request": "amount_to_capture=12999"}, "usd") == Decimal("129.99")
    assert requested_amount({"Request": '{"amount_to_capture": 1500}'}, "bhd") == Decimal("1.500")
    assert requested_amount({"Request": None}, "usd") is None
    assert requested_amount({"Request": "{broken"}, "usd") is None


def test_only_failed_capture_rows_are_diagnosed() -> None:
    assert is_failed_capture(b.gateway_log())
    assert is_failed_capture(b.gateway_log(status="Timeout"))
    assert not is_failed_capture(b.gateway_log(status="Success"))
    assert not is_failed_capture(b.gateway_log(interaction_type="ReferencedRefund"))
    with pytest.raises(InputError, match="only failed or timed-out Capture rows"):
        diagnose(b.gateway_log(status="Success"), *open_pi())


def test_every_cause_has_a_remediation() -> None:
    assert [c.value for c in Cause] == [
        "PAYMENT_INTENT_NOT_FOUND", "AUTHENTICATION_FAILED", "RATE_LIMITED", "TIMEOUT_BUT_CAPTURED",
        "TIMEOUT_NOT_CAPTURED", "AUTH_EXPIRED", "AUTH_CANCELED", "SECOND_CAPTURE_REJECTED", "ALREADY_CAPTURED",
        "AMOUNT_EXCEEDS_CAPTURABLE", "STRIPE_API_ERROR", "UNKNOWN",
    ]
    for cause in Cause:
        assert "Do not" in CAUSE_REMEDIATION[cause] or cause is Cause.STRIPE_API_ERROR


def test_summarize_per_cause_and_currency_in_rule_order() -> None:
    expired_pi = b.payment_intent(status="canceled", cancellation_reason="automatic", canceled_at=CREATED + 7 * DAY)
    late = b.gateway_log(created=b.at(CREATED + 8 * DAY))
    rows = [
        diagnose(b.gateway_log(message="?"), *open_pi()),
        diagnose(late, expired_pi, b.charge(amount_refunded=12900)),
        diagnose(late, expired_pi, b.charge(amount_refunded=12900), ops_record=b.ops(available_to_capture=10.5)),
        diagnose(late, replace_currency(expired_pi, "jpy"), b.charge(amount_refunded=12900, currency="jpy"),
                 currency="JPY", ops_record=b.ops(authorized=12900.0, currency="JPY")),
        diagnose(b.gateway_log(status="Timeout"), *captured()),
    ]
    assert summarize(rows) == [
        {"cause": "TIMEOUT_BUT_CAPTURED", "count": 1, "amount_at_risk": "0.00", "currency": "USD"},
        {"cause": "AUTH_EXPIRED", "count": 1, "amount_at_risk": "12900", "currency": "JPY"},
        {"cause": "AUTH_EXPIRED", "count": 2, "amount_at_risk": "139.50", "currency": "USD"},
        {"cause": "UNKNOWN", "count": 1, "amount_at_risk": "129.00", "currency": "USD"},
    ]
    assert summarize([]) == []


def replace_currency(pi: dict, currency: str) -> dict:
    return {**pi, "currency": currency}


def test_the_diagnosis_uses_the_rows_authorization_among_several() -> None:
    other_pi = b.payment_intent(pi_id="pi_other", status="succeeded", charge_id="ch_other")
    other_ch = b.charge(pi_id="pi_other", charge_id="ch_other", captured=True)
    main_pi, main_ch = open_pi()
    evidence = b.evidence(main_pi, main_ch)
    second_pa = "0XcHxM130000002KBA"
    evidence = replace(
        evidence,
        references=[*evidence.references, b.pi_reference(value="pi_other", record_id=second_pa)],
        stripe=[*evidence.stripe, StripePaymentEvidence(payment_intent=other_pi, charge=other_ch)],
    )
    d = diagnose_capture_failure(b.gateway_log(referenced=second_pa, created=NOW + timedelta(hours=1)), evidence)
    assert (d.payment_intent, d.cause) == ("pi_other", Cause.ALREADY_CAPTURED)
    d = diagnose_capture_failure(b.gateway_log(referenced=b.PA_ID), evidence)
    assert (d.payment_intent, d.cause) == (b.PI_ID, Cause.UNKNOWN)
