"""What a gateway log row says about Stripe's answer: the error in its Response, result code and messages, and the
amount its Request asked for."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from toolkit.analysis.gateway_payload import (
    GatewayError,
    gateway_error_of,
    is_failed_capture,
    requested_amount,
    text_field,
)


def response(body: object) -> dict:
    return {"Response": json.dumps(body)}


def test_the_error_object_of_a_stripe_response() -> None:
    error = gateway_error_of(response({"error": {"code": "card_declined", "type": "card_error", "message": "No"}}))
    assert error == GatewayError(code="card_declined", http_status=None, type="card_error", message="No")


@pytest.mark.parametrize("key", ["http_status", "httpStatus", "status_code", "statusCode", "status"])
def test_the_http_status_beside_or_inside_the_error(key: str) -> None:
    assert gateway_error_of(response({"error": {"code": "x"}, key: 402})).http_status == 402
    assert gateway_error_of(response({"error": {"code": "x", key: "429"}})).http_status == 429


def test_the_first_http_status_found_wins() -> None:
    assert gateway_error_of(response({"error": {"code": "x"}, "http_status": 401, "status": 500})).http_status == 401


def test_a_bare_error_object_is_read_when_it_looks_like_one() -> None:
    assert gateway_error_of(response({"type": "api_error", "message": "boom"})).type == "api_error"
    assert gateway_error_of(response({"code": "lock_timeout"})).code == "lock_timeout"
    assert gateway_error_of(response({"code": "x", "object": "payment_intent"})).is_empty
    assert gateway_error_of(response({"type": "payment_intent", "id": "pi_1"})).is_empty
    assert gateway_error_of(response({"error": "a string, not an object"})).is_empty


@pytest.mark.parametrize(("value", "status"), [
    (99, None), (100, 100), (599, 599), (600, None), (True, None), ("429", 429), (" 503 ", 503), ("5xx", None),
    (429.0, None),
])
def test_http_status_values(value: object, status: int | None) -> None:
    assert gateway_error_of(response({"error": {}, "status": value})).http_status == status


def test_the_result_code_is_an_http_status_or_a_stripe_code() -> None:
    assert gateway_error_of({"GatewayResultCode": "402"}) == GatewayError(http_status=402)
    assert gateway_error_of({"GatewayResultCode": "card_declined"}).code == "card_declined"
    assert gateway_error_of({"GatewayResultCode": "declined"}).code == "declined"
    assert gateway_error_of({"GatewayResultCode": "Declined"}).code is None
    assert gateway_error_of({"GatewayResultCode": "  "}).is_empty


def test_the_responses_values_come_before_the_result_code() -> None:
    row = {**response({"error": {"code": "amount_too_large"}, "status": 400}), "GatewayResultCode": "card_declined"}
    assert (gateway_error_of(row).code, gateway_error_of(row).http_status) == ("amount_too_large", 400)
    row = {**response({"error": {"code": "amount_too_large"}, "status": 400}), "GatewayResultCode": "500"}
    assert gateway_error_of(row).http_status == 400
    row = {**response({"error": {"code": "amount_too_large"}}), "GatewayResultCode": "500"}
    assert gateway_error_of(row).http_status == 500


@pytest.mark.parametrize(("text", "status"), [
    ("HTTP 503", 503), ("HTTP/1.1 401 Unauthorized", 401), ("status code: 429", 429), ("status=502", 502),
    ("Status_Code (500)", 500), ("statuscode 404", 404), ("the code 500 was returned", None), ("HTTP 600", None),
])
def test_an_http_status_in_the_message(text: str, status: int | None) -> None:
    assert gateway_error_of({"GatewayMessage": text}).http_status == status


def test_the_message_and_description_are_read_and_the_first_is_the_message() -> None:
    error = gateway_error_of({"GatewayMessage": "Declined", "GatewayResultCodeDescription": "HTTP 402"})
    assert (error.message, error.http_status) == ("Declined", 402)
    assert gateway_error_of({"GatewayResultCodeDescription": "No such charge: 'ch_1'"}).code == "resource_missing"


def test_a_status_in_the_message_does_not_replace_one_already_known() -> None:
    assert gateway_error_of({"GatewayResultCode": "401", "GatewayMessage": "HTTP 503"}).http_status == 401


@pytest.mark.parametrize(("text", "code", "type_"), [
    ("Invalid API Key provided: sk_test_****", None, "authentication_error"),
    ("Expired API Key provided", None, "authentication_error"),
    ("The provided key does not have the required permissions", None, "permission_error"),
    ("No such payment_intent: 'pi_1'", "resource_missing", None),
    ("No such balance_transaction: 'txn_1'", "resource_missing", None),
    ("Too many requests hit the API too quickly", "rate_limit", None),
    ("Rate limit exceeded", "rate_limit", None),
    ("Your card was declined", None, None),
])
def test_hints_in_the_text(text: str, code: str | None, type_: str | None) -> None:
    error = gateway_error_of({"GatewayMessage": text})
    assert (error.code, error.type, error.message) == (code, type_, text)


def test_hints_never_replace_what_stripes_json_said() -> None:
    row = {**response({"error": {"code": "lock_timeout", "type": "invalid_request_error"}}),
           "GatewayMessage": "Invalid API Key; No such charge"}
    error = gateway_error_of(row)
    assert (error.code, error.type) == ("lock_timeout", "invalid_request_error")


def test_a_response_that_is_not_json_is_read_as_text() -> None:
    error = gateway_error_of({"Response": "HTTP 429 Too Many Requests"})
    assert (error.http_status, error.code, error.message) == (429, "rate_limit", "HTTP 429 Too Many Requests")
    assert gateway_error_of({"Response": "   "}).is_empty
    assert gateway_error_of({"Response": json.dumps({"error": {"message": "JSON only"}})}).message == "JSON only"


def test_an_error_with_only_a_message_is_empty() -> None:
    assert GatewayError(message="something").is_empty
    assert not GatewayError(code="x").is_empty
    assert not GatewayError(http_status=500).is_empty
    assert not GatewayError(type="api_error").is_empty


def test_text_field() -> None:
    assert text_field(" x ") == "x"
    assert text_field("  ") is None
    assert text_field(12) is None


def test_requested_amount_prefers_stripes_minor_units() -> None:
    assert requested_amount({"Request": '{"amount_to_capture": 12999, "amount": 1.0}'}, "usd") == Decimal("129.99")
    assert requested_amount({"Request": '{"amount_to_capture": "12999"}'}, "usd") == Decimal("129.99")
    assert requested_amount({"Request": '{"amount": 12900}'}, "jpy") == Decimal("12900")
    assert requested_amount({"Request": "amount=129.5&currency=usd"}, "usd") == Decimal("129.50")


@pytest.mark.parametrize("request_text", [
    '{"amount_to_capture": "12.5"}', '{"amount": "lots"}', '{"currency": "usd"}', "[1, 2]", "no equals sign", "",
    '{"amount": null}',
])
def test_requested_amount_is_none_when_it_cannot_be_read(request_text: str) -> None:
    assert requested_amount({"Request": request_text}, "usd") is None
    assert requested_amount({}, "usd") is None


def test_is_failed_capture() -> None:
    assert is_failed_capture({"InteractionType": "Capture", "InteractionStatus": "Failed"})
    assert is_failed_capture({"InteractionType": "Capture", "InteractionStatus": "Timeout"})
    assert not is_failed_capture({"InteractionType": "Capture", "InteractionStatus": "Success"})
    assert not is_failed_capture({"InteractionType": "Authorization", "InteractionStatus": "Failed"})


def test_a_repeated_form_field_counts_by_its_first_value() -> None:
    assert requested_amount({"Request": "amount_to_capture=100&amount_to_capture=200"}, "usd") == Decimal("1.00")
