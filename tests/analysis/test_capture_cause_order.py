"""Failed-capture causes: the rule order when the PaymentIntent was not fetched, which reference a row concerns
among several, the boundaries of rules 4 to 11, retryable against the PaymentIntent's state, amounts at risk."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.capture_causes import Cause, Retryable, diagnose_capture_failure, summarize
from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.remediation import CAUSE_REMEDIATION
from toolkit.errors import InputError

CREATED, DAY, HOUR, NOW = b.CREATED, b.DAY, b.HOUR, b.NOW
SECOND_PA = "0XcHxM130000002KBA"


def stripe_error(code: str | None = None, type_: str = "invalid_request_error", **extra: object) -> str:
    return json.dumps({"error": {"type": type_, "code": code, "message": "error"}, **extra})


def not_fetched(**kw: object) -> OpsEvidence:
    """The OPS's authorization names a pi_ Stripe was not asked about (or whose request failed): no PaymentIntent."""
    return b.evidence(None, references=[b.pi_reference()], **kw)


# --- rule order when the PaymentIntent was not fetched --------------------------------------------------------


@pytest.mark.parametrize(("log_fields", "cause", "retryable"), [
    ({"result_code": "401"}, Cause.AUTHENTICATION_FAILED, Retryable.AFTER_CREDENTIALS_FIXED),
    ({"response": stripe_error(type_="authentication_error")}, Cause.AUTHENTICATION_FAILED,
     Retryable.AFTER_CREDENTIALS_FIXED),
    ({"result_code": "429"}, Cause.RATE_LIMITED, Retryable.YES),
    ({"response": stripe_error("lock_timeout")}, Cause.RATE_LIMITED, Retryable.YES),
    ({"result_code": "500"}, Cause.STRIPE_API_ERROR, Retryable.YES),
    ({"response": stripe_error(type_="api_error")}, Cause.STRIPE_API_ERROR, Retryable.YES),
    ({"response": stripe_error("amount_too_large")}, Cause.AMOUNT_EXCEEDS_CAPTURABLE, Retryable.WITH_SMALLER_AMOUNT),
    ({"message": "Something went wrong"}, Cause.UNKNOWN, Retryable.UNKNOWN),
])
def test_a_payment_intent_not_fetched_is_classified_by_the_rows_own_error(
    log_fields: dict, cause: Cause, retryable: Retryable
) -> None:
    """Not PAYMENT_INTENT_NOT_FOUND: Stripe never said the reference is missing; the row's error decides."""
    d = diagnose_capture_failure(b.gateway_log(**log_fields), not_fetched())
    assert (d.cause, d.retryable, d.payment_intent) == (cause, retryable, b.PI_ID)
    assert d.remediation == CAUSE_REMEDIATION[cause]


def test_a_payment_intent_not_fetched_without_an_error_is_unknown_and_says_so() -> None:
    d = diagnose_capture_failure(b.gateway_log(status="Timeout", sf_result="SystemError"), not_fetched())
    assert d.cause is Cause.UNKNOWN
    assert "the PaymentIntent was not fetched" in d.evidence


def test_resource_missing_on_the_row_is_not_found_only_when_the_payment_intent_was_not_fetched() -> None:
    log = b.gateway_log(response=stripe_error("resource_missing"))
    assert diagnose_capture_failure(log, not_fetched()).cause is Cause.PAYMENT_INTENT_NOT_FOUND
    fetched = diagnose_capture_failure(log, b.evidence(b.payment_intent(), b.charge()))
    assert fetched.cause is Cause.UNKNOWN


def test_a_missing_reference_comes_before_the_rows_error() -> None:
    ev = b.evidence(None, references=[b.pi_reference(missing=True, other_mode=False)])
    d = diagnose_capture_failure(b.gateway_log(result_code="401"), ev)
    assert (d.cause, d.retryable, d.payment_intent) == (Cause.PAYMENT_INTENT_NOT_FOUND, Retryable.NO, b.PI_ID)
    assert d.evidence == f"Stripe answers resource_missing for {b.PI_ID}."


def test_a_stripe_id_on_an_authorization_counts_as_a_reference_even_unresolved() -> None:
    ev = b.evidence(None, references=[])
    with_pi = replace(ev, authorizations=[{"Id": b.PA_ID, "GatewayRefNumber": "pi_unresolved"}])
    assert diagnose_capture_failure(b.gateway_log(result_code="429"), with_pi).cause is Cause.RATE_LIMITED
    with_txn = replace(ev, authorizations=[], payments=[{"Id": b.PAY_ID, "GatewayRefNumber": "txn_1"}])
    assert diagnose_capture_failure(b.gateway_log(result_code="429"), with_txn).cause is Cause.RATE_LIMITED
    connector_ref = replace(ev, authorizations=[{"Id": b.PA_ID, "GatewayRefNumber": "SF0000123"}])
    d = diagnose_capture_failure(b.gateway_log(result_code="429"), connector_ref)
    assert (d.cause, d.payment_intent) == (Cause.PAYMENT_INTENT_NOT_FOUND, None)
    assert d.evidence == "The payment summary has no pi_ or txn_ reference to capture."


# --- which reference a row concerns --------------------------------------------------------------------------


def several(*, payment_first: bool = False) -> OpsEvidence:
    """An OPS with a Payment's txn_ (captured pi_pay), and two authorizations: pi_open (requires_capture, the
    builders' PA_ID) and pi_done (succeeded, SECOND_PA)."""
    open_pi = b.payment_intent(pi_id="pi_open", charge_id="ch_open")
    done_pi = b.payment_intent(pi_id="pi_done", status="succeeded", charge_id="ch_done")
    pay_pi = b.payment_intent(pi_id="pi_pay", status="canceled", cancellation_reason="abandoned",
                              canceled_at=CREATED + HOUR, charge_id="ch_pay")
    txn = replace(b.pi_reference(value="txn_pay", record_id=b.PAY_ID), kind="balance_transaction",
                  record_object="Payment", resolved_payment_intent="pi_pay")
    authorizations = [b.pi_reference(value="pi_open"), b.pi_reference(value="pi_done", record_id=SECOND_PA)]
    references = [txn, *authorizations] if payment_first else [*authorizations, txn]
    return OpsEvidence(
        ops=b.ops(), order_number="00001042", currency="USD", references=references,
        stripe=[StripePaymentEvidence(payment_intent=open_pi, charge=b.charge(pi_id="pi_open", charge_id="ch_open")),
                StripePaymentEvidence(payment_intent=done_pi, charge=b.charge(pi_id="pi_done", charge_id="ch_done",
                                                                              captured=True)),
                StripePaymentEvidence(payment_intent=pay_pi, charge=b.charge(pi_id="pi_pay", charge_id="ch_pay"))],
    )


def test_the_row_concerns_the_record_it_references() -> None:
    d = diagnose_capture_failure(b.gateway_log(referenced=SECOND_PA), several())
    assert (d.payment_intent, d.cause) == ("pi_done", Cause.ALREADY_CAPTURED)
    d = diagnose_capture_failure(b.gateway_log(referenced=b.PAY_ID), several())
    assert (d.payment_intent, d.cause) == ("pi_pay", Cause.AUTH_CANCELED)


def test_the_record_id_may_be_given_in_its_15_character_form() -> None:
    d = diagnose_capture_failure(b.gateway_log(referenced=SECOND_PA[:15]), several())
    assert d.payment_intent == "pi_done"


def test_else_the_row_concerns_the_reference_equal_to_its_own_gateway_ref_number() -> None:
    log = {**b.gateway_log(referenced=None), "GatewayRefNumber": "pi_done"}
    d = diagnose_capture_failure(log, several())
    assert (d.payment_intent, d.cause) == ("pi_done", Cause.ALREADY_CAPTURED)
    unknown_record = {**b.gateway_log(referenced="0XcHxM130000009KBA"), "GatewayRefNumber": "txn_pay"}
    assert diagnose_capture_failure(unknown_record, several()).payment_intent == "pi_pay"


def test_else_the_row_concerns_the_first_authorization_even_after_a_payment() -> None:
    for payment_first in (False, True):
        d = diagnose_capture_failure(b.gateway_log(referenced=None), several(payment_first=payment_first))
        assert (d.payment_intent, d.cause) == ("pi_open", Cause.UNKNOWN), payment_first
        unmatched = {**b.gateway_log(referenced=None), "GatewayRefNumber": "pi_elsewhere"}
        assert diagnose_capture_failure(unmatched, several(payment_first=payment_first)).payment_intent == "pi_open"


def test_without_authorizations_the_row_concerns_the_first_reference() -> None:
    ev = several(payment_first=True)
    ev = replace(ev, references=[ev.references[0]])
    d = diagnose_capture_failure(b.gateway_log(referenced=None), ev)
    assert (d.payment_intent, d.cause) == ("pi_pay", Cause.AUTH_CANCELED)


def test_an_unresolved_reference_falls_back_to_the_only_payment_intent() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True),
                    references=[replace(b.pi_reference(), resolved_payment_intent=None)])
    d = diagnose_capture_failure(b.gateway_log(), ev)
    assert (d.payment_intent, d.cause) == (b.PI_ID, Cause.ALREADY_CAPTURED)


def test_a_missing_reference_never_falls_back_to_another_payment_intent() -> None:
    ev = b.evidence(b.payment_intent(pi_id="pi_other", status="succeeded"), b.charge(captured=True),
                    references=[b.pi_reference(missing=True, other_mode=True)])
    d = diagnose_capture_failure(b.gateway_log(), ev)
    assert (d.payment_intent, d.cause) == (b.PI_ID, Cause.PAYMENT_INTENT_NOT_FOUND)


def test_with_several_payment_intents_an_unresolved_reference_has_none() -> None:
    ev = several()
    ev = replace(ev, references=[replace(ref, resolved_payment_intent=None) for ref in ev.references])
    d = diagnose_capture_failure(b.gateway_log(), ev)
    assert (d.payment_intent, d.cause) == ("pi_open", Cause.UNKNOWN)
    assert "not fetched" in d.evidence


# --- rules 4 to 11: boundaries -------------------------------------------------------------------------------


def captured() -> tuple[dict, dict]:
    return b.payment_intent(status="succeeded"), b.charge(captured=True)


def diagnose(log: dict, pi: dict | None, ch: dict | None, **kw: object):
    return diagnose_capture_failure(log, b.evidence(pi, ch, logs=[log], **kw))


@pytest.mark.parametrize("fields", [
    {"sf_result": "SystemError", "result_code": "card_declined", "response": None},
    {"sf_result": "SystemError", "result_code": None, "response": stripe_error("card_declined")},
    {"sf_result": "PermanentFail", "result_code": None, "response": None},
])
def test_a_failed_row_with_a_gateway_answer_or_another_result_is_not_a_timeout(fields: dict) -> None:
    assert diagnose(b.gateway_log(**fields), *captured()).cause is Cause.ALREADY_CAPTURED


def test_timeout_but_captured_says_why() -> None:
    d = diagnose(b.gateway_log(status="Timeout"), *captured())
    assert d.evidence == f"The capture at 2026-11-13 15:00 UTC timed out, yet {b.PI_ID}'s charge is captured."
    d = diagnose(b.gateway_log(sf_result="Indeterminate"), *captured())
    assert "ended Indeterminate" in d.evidence


def test_timeout_is_judged_by_the_charge_when_there_is_one() -> None:
    """A succeeded PaymentIntent whose charge says not captured: the charge decides (TIMEOUT_NOT_CAPTURED)."""
    d = diagnose(b.gateway_log(status="Timeout"), b.payment_intent(status="succeeded"), b.charge(captured=False))
    assert d.cause is Cause.TIMEOUT_NOT_CAPTURED
    d = diagnose(b.gateway_log(status="Timeout"), b.payment_intent(status="succeeded"), None)
    assert d.cause is Cause.TIMEOUT_BUT_CAPTURED


def test_auth_expired_only_once_stripe_released_it_at_or_before_t() -> None:
    expiry = CREATED + 7 * DAY
    pi = b.payment_intent(status="canceled", cancellation_reason="automatic", canceled_at=expiry)
    ch = b.charge(amount_refunded=12900, capture_before=expiry + DAY)
    assert diagnose(b.gateway_log(created=b.at(expiry)), pi, ch).cause is Cause.AUTH_EXPIRED
    assert diagnose(b.gateway_log(created=b.at(expiry - 1)), pi, ch).cause is Cause.UNKNOWN
    d = diagnose(b.gateway_log(created=b.at(expiry + HOUR), response=stripe_error("payment_intent_unexpected_state")),
                 pi, ch)
    assert d.evidence == (f"Stripe released {b.PI_ID} (cancellation_reason automatic) at 2026-11-18 15:00 UTC, before "
                          "the capture at 2026-11-18 16:00 UTC; Stripe's error payment_intent_unexpected_state "
                          "confirms it.")


def test_a_canceled_payment_intent_without_canceled_at_is_not_released_before_t() -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason="abandoned")
    assert diagnose(b.gateway_log(created=b.at(CREATED + DAY)), pi, b.charge()).cause is Cause.UNKNOWN


def test_auth_expired_past_the_deadline_only_while_uncaptured() -> None:
    late = b.gateway_log(created=b.at(CREATED + 7 * DAY + 1))
    assert diagnose(late, b.payment_intent(), b.charge()).cause is Cause.AUTH_EXPIRED
    # captured on the charge although the PaymentIntent still says requires_capture: not expired
    assert diagnose(late, b.payment_intent(), b.charge(captured=True)).cause is not Cause.AUTH_EXPIRED
    d = diagnose(late, b.payment_intent(), b.charge(), ops_record=b.ops(available_to_capture=129.0))
    assert d.evidence == (f"The capture at 2026-11-18 15:00 UTC came after {b.PI_ID}'s capture deadline "
                          "2026-11-18 15:00 UTC.")


def test_auth_expired_from_either_expiry_code() -> None:
    for code in ("charge_expired_for_capture", "capture_charge_authorization_expired"):
        d = diagnose(b.gateway_log(response=stripe_error(code)), b.payment_intent(), b.charge())
        assert (d.cause, d.evidence) == (Cause.AUTH_EXPIRED, f"The row carries Stripe's {code} error for {b.PI_ID}.")


def test_auth_canceled_says_the_reason_and_confirmation() -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason=None, canceled_at=CREATED + DAY)
    d = diagnose(b.gateway_log(created=b.at(CREATED + 2 * DAY), result_code="400"), pi, b.charge())
    assert d.cause is Cause.AUTH_CANCELED
    assert d.evidence == (f"{b.PI_ID} was canceled (no cancellation_reason) at 2026-11-12 15:00 UTC, before the "
                          "capture at 2026-11-13 15:00 UTC; the row's HTTP 400 confirms it.")


def test_second_capture_rejected_without_a_charge_reads_the_payment_intent() -> None:
    pi = b.payment_intent(status="succeeded", amount_received=6000)
    d = diagnose(b.gateway_log(), pi, None, ops_record=b.ops(captured=60.0, available_to_capture=69.0))
    assert d.cause is Cause.SECOND_CAPTURE_REJECTED
    assert d.evidence == f"{b.PI_ID} was already captured for 60.00 USD of 129.00 USD and Stripe released the rest."


def test_already_captured_says_the_amount() -> None:
    d = diagnose(b.gateway_log(), b.payment_intent(status="succeeded", currency="jpy"),
                 b.charge(captured=True, currency="jpy"), currency="JPY", ops_record=b.ops(currency="JPY"))
    assert (d.cause, d.evidence) == (Cause.ALREADY_CAPTURED, f"{b.PI_ID} was already captured in full (12900 JPY).")
    assert d.amount_at_risk == Decimal("0")


@pytest.mark.parametrize(("request_body", "cause"), [
    ('{"amount": 100.01}', Cause.AMOUNT_EXCEEDS_CAPTURABLE),
    ('{"amount": 100.00}', Cause.UNKNOWN),
    ("amount_to_capture=10001", Cause.AMOUNT_EXCEEDS_CAPTURABLE),
    ('{"amount_to_capture": 10000}', Cause.UNKNOWN),
])
def test_amount_exceeds_capturable_from_one_minor_unit_more(request_body: str, cause: Cause) -> None:
    d = diagnose(b.gateway_log(request=request_body), b.payment_intent(amount_capturable=10000), b.charge())
    assert d.cause is cause
    if cause is Cause.AMOUNT_EXCEEDS_CAPTURABLE:
        assert d.evidence == f"100.01 USD was requested but {b.PI_ID} can capture only 100.00 USD."


def test_amount_too_large_needs_requires_capture_when_the_payment_intent_is_known() -> None:
    log = b.gateway_log(request=None, response=stripe_error("amount_too_large"))
    d = diagnose(log, b.payment_intent(), b.charge())
    assert d.evidence == f"amount_too_large but {b.PI_ID} can capture only 129.00 USD."
    assert diagnose(log, b.payment_intent(status="processing"), b.charge()).cause is Cause.UNKNOWN


@pytest.mark.parametrize(("result_code", "cause"), [("499", Cause.UNKNOWN), ("500", Cause.STRIPE_API_ERROR),
                                                    ("599", Cause.STRIPE_API_ERROR)])
def test_stripe_api_error_from_http_500(result_code: str, cause: Cause) -> None:
    d = diagnose(b.gateway_log(result_code=result_code), b.payment_intent(), b.charge())
    assert d.cause is cause


def test_stripe_api_error_says_what_the_row_carries() -> None:
    d = diagnose(b.gateway_log(result_code="503"), b.payment_intent(), b.charge())
    assert d.evidence == "The row carries HTTP 503: Stripe had an internal error."
    d = diagnose(b.gateway_log(response=stripe_error("api_error")), b.payment_intent(), b.charge())
    assert d.evidence == "The row carries api_error: Stripe had an internal error."


def test_authentication_and_rate_limit_say_what_the_row_carries() -> None:
    pi, ch = b.payment_intent(), b.charge()
    assert diagnose(b.gateway_log(result_code="403"), pi, ch).evidence == \
        "The row carries HTTP 403: Stripe refused the credentials."
    assert diagnose(b.gateway_log(response=stripe_error("api_key_expired")), pi, ch).evidence == \
        "The row carries invalid_request_error: Stripe refused the credentials."
    assert diagnose(b.gateway_log(response=stripe_error(None, type_="permission_error")), pi, ch).evidence == \
        "The row carries permission_error: Stripe refused the credentials."
    assert diagnose(b.gateway_log(result_code="429"), pi, ch).evidence == \
        "The row carries HTTP 429: Stripe asked the connector to slow down."
    assert diagnose(b.gateway_log(response=stripe_error(None, type_="rate_limit_error")), pi, ch).evidence == \
        "The row carries rate_limit_error: Stripe asked the connector to slow down."
    assert diagnose(b.gateway_log(response=stripe_error("rate_limit")), pi, ch).evidence == \
        "The row carries rate_limit: Stripe asked the connector to slow down."


# --- retryable against the PaymentIntent's state now ----------------------------------------------------------


@pytest.mark.parametrize(("pi", "sentence"), [
    (b.payment_intent(status="succeeded"), f"the PaymentIntent {b.PI_ID} has since been captured (status succeeded)"),
    (b.payment_intent(status="canceled", cancellation_reason="automatic", canceled_at=CREATED + 7 * DAY),
     f"the PaymentIntent {b.PI_ID} has since been canceled (automatic)"),
    (b.payment_intent(status="canceled", canceled_at=CREATED + 7 * DAY),
     f"the PaymentIntent {b.PI_ID} has since been canceled (no reason given)"),
    (b.payment_intent(status="processing"), f"the PaymentIntent {b.PI_ID} is processing, not requires_capture"),
])
def test_a_retryable_cause_is_not_retryable_once_nothing_is_left_to_capture(pi: dict, sentence: str) -> None:
    d = diagnose(b.gateway_log(result_code="429", created=b.at(CREATED + DAY)), pi, b.charge())
    assert (d.cause, d.retryable) == (Cause.RATE_LIMITED, Retryable.NO)
    assert d.remediation == (f"Retryable: no, although RATE_LIMITED alone would be (yes): {sentence}, so a retry has "
                             f"nothing left to capture. {CAUSE_REMEDIATION[Cause.RATE_LIMITED]}")


@pytest.mark.parametrize(("fields", "cause", "retryable"), [
    ({"result_code": "401"}, Cause.AUTHENTICATION_FAILED, Retryable.AFTER_CREDENTIALS_FIXED),
    ({"request": '{"amount": 200.0}'}, Cause.AMOUNT_EXCEEDS_CAPTURABLE, Retryable.WITH_SMALLER_AMOUNT),
    ({"result_code": "502"}, Cause.STRIPE_API_ERROR, Retryable.YES),
    ({"message": "?"}, Cause.UNKNOWN, Retryable.UNKNOWN),
])
def test_a_retryable_cause_keeps_its_value_while_the_payment_intent_requires_capture(
    fields: dict, cause: Cause, retryable: Retryable
) -> None:
    d = diagnose(b.gateway_log(**fields), b.payment_intent(), b.charge())
    assert (d.cause, d.retryable, d.remediation) == (cause, retryable, CAUSE_REMEDIATION[cause])


def test_unknown_stays_unknown_whatever_the_state() -> None:
    d = diagnose(b.gateway_log(message="?"), b.payment_intent(status="processing"), b.charge())
    assert (d.cause, d.retryable, d.remediation) == (Cause.UNKNOWN, Retryable.UNKNOWN, CAUSE_REMEDIATION[Cause.UNKNOWN])


# --- amounts at risk, the row's time, the summary -------------------------------------------------------------


@pytest.mark.parametrize(("currency", "zero"), [("USD", "0.00"), ("JPY", "0")])
def test_a_null_available_rollup_puts_nothing_at_risk(currency: str, zero: str) -> None:
    record = {**b.ops(currency=currency), "AvailableToCaptureAmount": None}
    d = diagnose(b.gateway_log(message="?"), b.payment_intent(currency=currency.lower()),
                 b.charge(currency=currency.lower()), currency=currency, ops_record=record)
    assert (d.amount_at_risk, d.to_json()["amount_at_risk"]) == (Decimal(zero), zero)


def test_money_at_risk_only_where_it_was_not_collected() -> None:
    ops = b.ops(available_to_capture=0.01)
    assert diagnose(b.gateway_log(message="?"), b.payment_intent(), b.charge(), ops_record=ops).amount_at_risk == \
        Decimal("0.01")
    assert diagnose(b.gateway_log(status="Timeout"), *captured(), ops_record=ops).amount_at_risk == Decimal("0.00")
    assert diagnose(b.gateway_log(), *captured(), ops_record=ops).amount_at_risk == Decimal("0.00")
    pi = b.payment_intent(status="succeeded", amount_received=6000)
    ch = b.charge(captured=True, amount_captured=6000)
    assert diagnose(b.gateway_log(), pi, ch, ops_record=ops).amount_at_risk == Decimal("0.01")


def test_the_rows_time_is_its_created_date_else_its_gateway_date() -> None:
    log = {**b.gateway_log(created=NOW), "CreatedDate": None}
    d = diagnose_capture_failure(log, b.evidence(b.payment_intent(), b.charge()))
    assert d.created == NOW and d.to_json()["created"] == "2026-11-13T15:00:00Z"
    with pytest.raises(InputError, match="has no CreatedDate"):
        diagnose_capture_failure({**log, "GatewayDate": None}, b.evidence(b.payment_intent(), b.charge()))


def test_the_diagnosis_names_the_row_and_the_order() -> None:
    d = diagnose(b.gateway_log("0XtHxG8C0000009KFA", number="PGL-000000009"), b.payment_intent(), b.charge())
    assert (d.log_id, d.log_number, d.order_number, d.currency) == (
        "0XtHxG8C0000009KFA", "PGL-000000009", "00001042", "USD")
    assert d.to_json()["log_number"] == "PGL-000000009"


def test_summarize_adds_counts_and_amounts_per_cause_and_currency() -> None:
    open_row = diagnose(b.gateway_log(message="?"), b.payment_intent(), b.charge(),
                        ops_record=b.ops(available_to_capture=10.25))
    other = diagnose(b.gateway_log(message="?"), b.payment_intent(), b.charge(),
                     ops_record=b.ops(available_to_capture=0.75))
    eur = diagnose(b.gateway_log(message="?"), b.payment_intent(currency="eur"), b.charge(currency="eur"),
                   currency="EUR", ops_record=b.ops(currency="EUR"))
    limited = diagnose(b.gateway_log(result_code="429"), b.payment_intent(), b.charge())
    assert summarize([open_row, eur, limited, other]) == [
        {"cause": "RATE_LIMITED", "count": 1, "amount_at_risk": "129.00", "currency": "USD"},
        {"cause": "UNKNOWN", "count": 1, "amount_at_risk": "129.00", "currency": "EUR"},
        {"cause": "UNKNOWN", "count": 2, "amount_at_risk": "11.00", "currency": "USD"},
    ]


def test_a_row_referencing_a_later_capture_attempt_uses_its_own_time() -> None:
    """t is the row's CreatedDate, not now: a row an hour before the deadline is not expired."""
    deadline = b.at(CREATED + 7 * DAY)
    d = diagnose(b.gateway_log(created=deadline - timedelta(hours=1), message="?"), b.payment_intent(), b.charge())
    assert d.cause is Cause.UNKNOWN


# --- currencies of the amounts in the evidence ------------------------------------------------------------------


def test_stripe_amounts_in_the_evidence_carry_the_payment_intents_currency() -> None:
    """A JPY payment summary over a USD PaymentIntent: 129.00 USD, never "129 JPY" (docs/findings.md: Stripe
    amounts carry the PaymentIntent's own currency)."""
    jpy_ops = b.ops(authorized=12900.0, currency="JPY")
    d = diagnose(b.gateway_log(), *captured(), currency="JPY", ops_record=jpy_ops)
    assert d.evidence == f"{b.PI_ID} was already captured in full (129.00 USD)."
    pi = b.payment_intent(status="succeeded", amount_received=6000)
    d = diagnose(b.gateway_log(), pi, b.charge(captured=True, amount_captured=6000), currency="JPY",
                 ops_record=jpy_ops)
    assert "captured for 60.00 USD of 129.00 USD" in d.evidence
    d = diagnose(b.gateway_log(request="amount_to_capture=20000"), b.payment_intent(), b.charge(), currency="JPY",
                 ops_record=jpy_ops)
    assert d.evidence == f"200.00 USD was requested but {b.PI_ID} can capture only 129.00 USD."


def test_without_a_currency_on_stripes_objects_the_summarys_is_used() -> None:
    pi = {**b.payment_intent(status="succeeded", amount_received=6000), "currency": None}
    ch = {**b.charge(captured=True, amount_captured=6000), "currency": None}
    d = diagnose(b.gateway_log(), pi, ch)
    assert "captured for 60.00 USD of 129.00 USD" in d.evidence
    d = diagnose(b.gateway_log(), {**pi, "amount_received": 12900}, {**ch, "amount_captured": 12900})
    assert d.evidence == f"{b.PI_ID} was already captured in full (129.00 USD)."
    d = diagnose(b.gateway_log(request='{"amount": 129.01}'), {**b.payment_intent(), "currency": None},
                 {**b.charge(), "currency": None})
    assert d.evidence == f"129.01 USD was requested but {b.PI_ID} can capture only 129.00 USD."


# --- the contract's spellings and the row's own words ------------------------------------------------------------


def test_retryable_values_are_the_five_strings_of_the_json() -> None:
    assert [r.value for r in Retryable] == ["yes", "no", "after credentials are fixed", "with a smaller amount",
                                            "unknown"]
    pi, ch = b.payment_intent(), b.charge()
    assert diagnose(b.gateway_log(result_code="401"), pi, ch).to_json()["retryable"] == "after credentials are fixed"
    assert diagnose(b.gateway_log(request='{"amount": 200.0}'), pi, ch).to_json()["retryable"] == \
        "with a smaller amount"
    assert diagnose(b.gateway_log(message="?"), pi, ch).to_json()["retryable"] == "unknown"


@pytest.mark.parametrize("code", ["api_key_expired", "secret_key_required", "platform_api_key_expired"])
def test_authentication_failed_from_stripes_key_codes(code: str) -> None:
    d = diagnose(b.gateway_log(response=stripe_error(code, type_="")), b.payment_intent(), b.charge())
    assert (d.cause, d.evidence) == (Cause.AUTHENTICATION_FAILED,
                                     f"The row carries {code}: Stripe refused the credentials.")


def test_authentication_failed_says_http_401() -> None:
    d = diagnose(b.gateway_log(result_code="401"), b.payment_intent(), b.charge())
    assert d.evidence == "The row carries HTTP 401: Stripe refused the credentials."


def test_stripe_api_error_says_http_500_from_exactly_500() -> None:
    pi, ch = b.payment_intent(), b.charge()
    assert diagnose(b.gateway_log(result_code="500"), pi, ch).evidence == \
        "The row carries HTTP 500: Stripe had an internal error."
    d = diagnose(b.gateway_log(response=stripe_error(None, type_="api_error", status=499)), pi, ch)
    assert (d.cause, d.evidence) == (Cause.STRIPE_API_ERROR, "The row carries api_error: Stripe had an internal error.")


def test_a_succeeded_payment_intent_is_never_expired_past_the_deadline() -> None:
    """Even when its charge (inconsistently) says not captured: it succeeded, so it was captured before t."""
    late = b.gateway_log(created=b.at(CREATED + 10 * DAY))
    d = diagnose(late, b.payment_intent(status="succeeded"), b.charge(captured=False))
    assert d.cause is Cause.ALREADY_CAPTURED


def test_t_is_the_created_date_when_it_differs_from_the_gateway_date() -> None:
    log = {**b.gateway_log(created=b.at(CREATED + DAY)), "GatewayDate": b.sf_time(b.at(CREATED + 9 * DAY))}
    d = diagnose_capture_failure(log, b.evidence(b.payment_intent(), b.charge()))
    assert d.created == b.at(CREATED + DAY)
    assert d.cause is Cause.UNKNOWN  # not past the deadline at the row's CreatedDate
