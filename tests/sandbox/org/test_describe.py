"""Describe through the real simple-salesforce client: global, per object, basic info."""

from __future__ import annotations

import pytest
import simple_salesforce
from simple_salesforce.exceptions import SalesforceResourceNotFound

from toolkit.sandbox.org.schema import SCHEMA


def test_describe_global_lists_every_object_with_its_key_prefix(sf: simple_salesforce.Salesforce) -> None:
    result = sf.describe()
    assert result["encoding"] == "UTF-8"
    assert result["maxBatchSize"] == 200
    by_name = {o["name"]: o for o in result["sobjects"]}
    assert set(by_name) == set(SCHEMA)
    expected = {"Account": "001", "OrderSummary": "1Os", "OrderPaymentSummary": "0bM", "PaymentAuthorization": "0Xc",
                "Payment": "0a6", "Refund": "0a7", "RefundLinePayment": "0a8", "PaymentGatewayLog": "0Xt",
                "PaymentGateway": "0b0", "CardPaymentMethod": "03O", "Organization": "00D"}
    assert {name: o["keyPrefix"] for name, o in by_name.items()} == expected
    payment = by_name["Payment"]
    assert payment["label"] == "Payment" and payment["labelPlural"] == "Payments"
    assert payment["queryable"] is True
    assert payment["urls"] == {"sobject": "/services/data/v62.0/sobjects/Payment",
                               "describe": "/services/data/v62.0/sobjects/Payment/describe",
                               "rowTemplate": "/services/data/v62.0/sobjects/Payment/{ID}"}


def test_describe_object_fields_types_and_flags(sf: simple_salesforce.Salesforce) -> None:
    result = sf.OrderPaymentSummary.describe()
    assert result["name"] == "OrderPaymentSummary"
    assert result["keyPrefix"] == "0bM"
    assert result["labelPlural"] == "Order Payment Summaries"
    fields = {f["name"]: f for f in result["fields"]}
    captured = fields["CapturedAmount"]
    assert captured["type"] == "currency"
    assert captured["calculated"] is True
    assert captured["createable"] is False and captured["updateable"] is False
    assert captured["precision"] == 18 and captured["scale"] == 2
    number = fields["OrderPaymentSummaryNumber"]
    assert number["autoNumber"] is True and number["nameField"] is True
    lookup = fields["OrderSummaryId"]
    assert lookup["type"] == "reference"
    assert lookup["referenceTo"] == ["OrderSummary"]
    assert lookup["relationshipName"] == "OrderSummary"
    assert lookup["nillable"] is False
    assert fields["Id"]["type"] == "id" and fields["Id"]["length"] == 18


def test_describe_picklists_and_long_text(sf: simple_salesforce.Salesforce) -> None:
    fields = {f["name"]: f for f in sf.PaymentGatewayLog.describe()["fields"]}
    status = fields["InteractionStatus"]
    assert status["type"] == "picklist"
    assert status["restrictedPicklist"] is True
    assert [v["value"] for v in status["picklistValues"]] == ["Failed", "Initiated", "NoOp", "Success", "Timeout"]
    assert set(status["picklistValues"][0]) == {"value", "label", "active", "defaultValue", "validFor"}
    assert fields["Request"]["type"] == "textarea"
    assert fields["Request"]["length"] == 131072
    assert fields["Request"]["filterable"] is False
    entity = fields["ReferencedEntityId"]
    assert entity["polymorphicForeignKey"] is True
    assert entity["referenceTo"] == ["Payment", "Refund", "PaymentAuthorization", "PaymentAuthAdjustment",
                                     "CardPaymentMethod"]
    org_status = {f["name"]: f for f in sf.OrderSummary.describe()["fields"]}["Status"]
    assert org_status["restrictedPicklist"] is False


def test_describe_child_relationships(sf: simple_salesforce.Salesforce) -> None:
    ops = sf.OrderPaymentSummary.describe()
    rels = {r["relationshipName"]: r for r in ops["childRelationships"]}
    assert {"PaymentAuthorizations", "Payments", "Refunds", "PaymentGatewayLogs"} <= set(rels)
    assert rels["Payments"]["childSObject"] == "Payment"
    assert rels["Payments"]["field"] == "OrderPaymentSummaryId"
    assert set(rels["Payments"]) >= {"cascadeDelete", "childSObject", "field", "relationshipName"}
    summary = sf.OrderSummary.describe()
    assert [r["relationshipName"] for r in summary["childRelationships"]] == ["OrderPaymentSummaries"]


def test_object_basic_info(sf: simple_salesforce.Salesforce) -> None:
    info = sf.Refund.metadata()
    assert info["objectDescribe"]["name"] == "Refund"
    assert info["objectDescribe"]["keyPrefix"] == "0a7"
    assert info["recentItems"] == []


def test_unknown_object_is_not_found(sf: simple_salesforce.Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Opportunity.describe()
    assert raised.value.content == [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]


def test_versions_and_resources(sf: simple_salesforce.Salesforce, box) -> None:
    versions = box.http.get("https://org.sandbox.invalid/services/data/").json()
    assert {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"} in versions
    resources = sf.restful("")
    assert resources["query"] == "/services/data/v62.0/query"
    assert resources["sobjects"] == "/services/data/v62.0/sobjects"
    limits = sf.restful("limits")
    assert limits["DailyApiRequests"]["Max"] == box.org.limit
