"""Record CRUD through the real simple-salesforce client, with Salesforce's refusals."""

from __future__ import annotations

import pytest
import simple_salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from toolkit.sandbox import Sandbox
from toolkit.sandbox.org import ApiError

OPS_ID = "0bMHxQNM0000001MHA"
PA_ID = "0XcHxM130000001KBA"


def _error(raised: pytest.ExceptionInfo) -> dict:
    (item,) = raised.value.content
    return item


def test_get_returns_every_field_in_salesforce_shape(sf: simple_salesforce.Salesforce) -> None:
    record = sf.PaymentAuthorization.get(PA_ID)
    assert record["attributes"] == {"type": "PaymentAuthorization",
                                    "url": f"/services/data/v62.0/sobjects/PaymentAuthorization/{PA_ID}"}
    assert record["Id"] == PA_ID
    assert record["GatewayRefNumber"] == "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
    assert record["Amount"] == 129.0
    assert record["CreatedDate"] == "2026-11-11T15:02:00.000+0000"
    assert record["IsDeleted"] is False
    assert record["GatewayAuthCode"] is None
    # balances the file omitted were computed
    assert record["TotalPaymentCaptureAmount"] == 0.0
    assert record["Balance"] == 129.0


def test_get_with_fields_and_15_character_id(sf: simple_salesforce.Salesforce) -> None:
    record = sf.PaymentAuthorization.get(PA_ID[:15], params={"fields": "Amount,status"})
    assert list(record) == ["attributes", "Amount", "Status"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.PaymentAuthorization.get(PA_ID, params={"fields": "Amount,Nope"})
    assert _error(raised)["errorCode"] == "INVALID_FIELD"


def test_get_unknown_or_malformed_id_is_not_found(sf: simple_salesforce.Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.PaymentAuthorization.get("0XcHxM130000009KBA")  # an id of the object, no such record
    assert _error(raised) == {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    for bad in ("nope", "0bMHxQNM0000001MHA"):  # not an id of this object: Salesforce tries an external id
        with pytest.raises(SalesforceResourceNotFound) as raised:
            sf.PaymentAuthorization.get(bad)
        assert _error(raised) == {"message": f"Provided external ID field does not exist or is not accessible: {bad}",
                                  "errorCode": "NOT_FOUND"}


def test_create_sets_system_fields_autonumber_and_rollups(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    result = sf.Payment.create({"Amount": 100.0, "Status": "Processed", "Type": "Capture",
                                "PaymentAuthorizationId": PA_ID, "OrderPaymentSummaryId": OPS_ID,
                                "ProcessingMode": "Salesforce", "GatewayRefNumber": "SF0001"})
    assert result["success"] is True and result["errors"] == []
    payment_id = result["id"]
    assert payment_id.startswith("0a6") and len(payment_id) == 18
    payment = sf.Payment.get(payment_id)
    assert payment["CreatedDate"] == "2026-11-20T15:00:00.000+0000"  # the sandbox clock, from the case's now
    assert payment["LastModifiedDate"] == payment["CreatedDate"]
    assert payment["PaymentNumber"] == "P-000000001"
    assert payment["CurrencyIsoCode"] == "USD"
    assert payment["Balance"] == 100.0
    ops = sf.OrderPaymentSummary.get(OPS_ID)
    assert ops["CapturedAmount"] == 100.0
    assert ops["AvailableToCaptureAmount"] == 29.0
    assert ops["AvailableToRefundAmount"] == 100.0
    assert ops["BalanceAmount"] == 100.0
    auth = sf.PaymentAuthorization.get(PA_ID)
    assert auth["TotalPaymentCaptureAmount"] == 100.0 and auth["Balance"] == 29.0


def test_update_and_delete(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    payment_id = sf.Payment.create({"Amount": 50, "Status": "Draft", "OrderPaymentSummaryId": OPS_ID})["id"]
    assert sf.OrderPaymentSummary.get(OPS_ID)["PendingCaptureAmount"] == 50.0
    box.clock.advance(minutes=5)
    assert sf.Payment.update(payment_id, {"Status": "Processed", "GatewayResultCode": "succeeded"}) == 204
    payment = sf.Payment.get(payment_id)
    assert payment["Status"] == "Processed"
    assert payment["LastModifiedDate"] == "2026-11-20T15:05:00.000+0000"
    ops = sf.OrderPaymentSummary.get(OPS_ID)
    assert (ops["PendingCaptureAmount"], ops["CapturedAmount"]) == (0.0, 50.0)
    assert sf.Payment.delete(payment_id) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Payment.get(payment_id)
    assert sf.OrderPaymentSummary.get(OPS_ID)["CapturedAmount"] == 0.0
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Payment.delete(payment_id)
    assert _error(raised)["errorCode"] == "ENTITY_IS_DELETED"
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Payment.update(payment_id, {"Status": "Canceled"})
    assert _error(raised)["errorCode"] == "ENTITY_IS_DELETED"
    deleted = box.org.store.get("Payment", payment_id, include_deleted=True)
    assert deleted is not None and deleted["IsDeleted"] is True


def test_read_only_fields_are_refused(sf: simple_salesforce.Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.OrderPaymentSummary.update(OPS_ID, {"CapturedAmount": 10, "FullName": "x"})
    assert _error(raised) == {
        "message": "Unable to create/update fields: CapturedAmount. Please check the security settings of this field "
                   "and verify that it is read/write for your profile or permission set.",
        "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
        "fields": ["CapturedAmount"],
    }
    for values in ({"Id": PA_ID}, {"CreatedDate": "2026-01-01T00:00:00Z"}, {"PaymentAuthorizationNumber": "PA-9"},
                   {"Balance": 1}):
        with pytest.raises(SalesforceMalformedRequest) as raised:
            sf.PaymentAuthorization.create({"Amount": 1, **values})
        assert _error(raised)["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
        assert _error(raised)["fields"] == list(values)
    assert sf.OrderPaymentSummary.get(OPS_ID)["FullName"] == "Sam Shopper"  # nothing was written


@pytest.mark.parametrize(("values", "code", "fields"), [
    ({"Amount": 1, "Status": "Done"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ["Status"]),
    ({"Amount": 1, "CurrencyIsoCode": "XXX"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ["CurrencyIsoCode"]),
    ({"Amount": 1, "Nope": 3}, "INVALID_FIELD", None),
    ({"Amount": "abc"}, "JSON_PARSER_ERROR", None),
    ({"Amount": True}, "JSON_PARSER_ERROR", None),
    ({"Amount": 1, "GatewayDate": "yesterday"}, "JSON_PARSER_ERROR", None),
    ({"Status": "Draft"}, "REQUIRED_FIELD_MISSING", ["Amount"]),
    ({"Amount": None}, "REQUIRED_FIELD_MISSING", ["Amount"]),
    ({"Amount": 1, "PaymentAuthorizationId": "not-an-id"}, "MALFORMED_ID", ["PaymentAuthorizationId"]),
    ({"Amount": 1, "PaymentAuthorizationId": OPS_ID}, "MALFORMED_ID", ["PaymentAuthorizationId"]),
    ({"Amount": 1, "PaymentAuthorizationId": "0XcHxM130000009KBA"}, "INVALID_CROSS_REFERENCE_KEY",
     ["PaymentAuthorizationId"]),
    ({"Amount": 1, "GatewayResultCode": "x" * 256}, "STRING_TOO_LONG", ["GatewayResultCode"]),
])
def test_bad_writes_are_refused(sf: simple_salesforce.Salesforce, values: dict, code: str, fields: list | None) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Payment.create(values)
    error = _error(raised)
    assert error["errorCode"] == code
    assert error.get("fields") == fields
    assert error["message"]


def test_picklist_message_and_update_refusals(sf: simple_salesforce.Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.PaymentAuthorization.update(PA_ID, {"Status": "Expired"})
    assert _error(raised)["message"] == "Status: bad value for restricted picklist field: Expired"
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.PaymentAuthorization.update(PA_ID, {"amount": None})
    assert _error(raised)["errorCode"] == "REQUIRED_FIELD_MISSING"
    with pytest.raises(SalesforceResourceNotFound):
        sf.PaymentAuthorization.update("0XcHxM130000009KBA", {"Status": "Canceled"})
    # field names are case-insensitive, an "attributes" key is ignored, OrderSummary.Status is unrestricted
    sf.PaymentAuthorization.update(PA_ID, {"attributes": {"type": "PaymentAuthorization"}, "status": "Canceled"})
    assert sf.PaymentAuthorization.get(PA_ID)["Status"] == "Canceled"
    sf.OrderSummary.update("1OsHxK0E0000001KFA", {"Status": "Partially Fulfilled"})
    assert sf.OrderSummary.get("1OsHxK0E0000001KFA")["Status"] == "Partially Fulfilled"


def test_unsupported_method_and_body(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    response = box.http.put(f"https://org.sandbox.invalid/services/data/v62.0/sobjects/Payment/{PA_ID}",
                            headers={"Authorization": f"Bearer {box.org.session_id}"}, json={})
    assert response.status_code == 405
    assert response.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"
    response = box.http.post("https://org.sandbox.invalid/services/data/v62.0/sobjects/Payment",
                             headers={"Authorization": f"Bearer {box.org.session_id}"}, data=b"{nope")
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    with pytest.raises(SalesforceResourceNotFound):
        sf.restful("composite/sobjects")


def test_internal_writes_share_validation(box: Sandbox) -> None:
    org = box.org
    log_id = org.create("PaymentGatewayLog", {"InteractionType": "Capture", "InteractionStatus": "Success",
                                              "OrderPaymentSummaryId": OPS_ID, "ReferencedEntityId": PA_ID})
    assert org.store.get("PaymentGatewayLog", log_id)["PaymentGatewayLogNumber"] == "PGL-000000002"
    with pytest.raises(ApiError) as raised:
        org.create("PaymentGatewayLog", {"InteractionStatus": "Maybe"})
    assert raised.value.error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    org.update("OrderPaymentSummary", OPS_ID, {"LastPaymentGatewayLogId": log_id})
    assert org.store.get("OrderPaymentSummary", OPS_ID)["LastPaymentGatewayLogId"] == log_id


def test_new_id_is_deterministic_and_unique(box: Sandbox) -> None:
    other = Sandbox()
    assert box.org.new_id("Refund") == other.org.new_id("Refund")
    ids = {box.org.new_id("Refund") for _ in range(100)}
    assert len(ids) == 100 and all(i.startswith("0a7") and len(i) == 18 for i in ids)


def test_added_routes_are_served(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    seen = []

    def capture(info) -> tuple[int, dict]:
        seen.append((info.params, info.body, info.api_version, info.headers.get("sfdc-payments-idempotency-key")))
        assert "authorization" not in info.headers
        if info.body.get("amount", 0) <= 0:
            raise ApiError(400, "INVALID_INPUT", "The amount must be positive.")
        return 201, {"payment": {"id": box.org.new_id("Payment")}, "error": None}

    box.org.add_route("POST", "commerce/payments/authorizations/{authorizationId}/captures", capture)
    result = sf.restful(f"commerce/payments/authorizations/{PA_ID}/captures", method="POST",
                        json={"amount": 10.0}, headers={"sfdc-Payments-Idempotency-Key": "ik-1"})
    assert result["payment"]["id"].startswith("0a6")
    assert seen == [({"authorizationId": PA_ID}, {"amount": 10.0}, "62.0", "ik-1")]
    assert box.org.session_id not in repr(seen)
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.restful(f"commerce/payments/authorizations/{PA_ID}/captures", method="POST", json={"amount": 0})
    assert _error(raised) == {"message": "The amount must be positive.", "errorCode": "INVALID_INPUT"}
    assert box.org.log.counts()["POST /services/data/v62.0/commerce/payments/authorizations/{id}/captures"] == 2


def test_unknown_api_version_is_not_found(box: Sandbox) -> None:
    old = simple_salesforce.Salesforce(instance_url="https://org.sandbox.invalid", session_id=box.org.session_id,
                                       session=box.http, version="99.0")
    with pytest.raises(SalesforceResourceNotFound):
        old.describe()
