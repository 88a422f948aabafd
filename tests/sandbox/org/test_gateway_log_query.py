"""The done-when check: Stripe's own gateway-log query answered by the sandbox loaded from the case file."""

from __future__ import annotations

from typing import Any

import simple_salesforce

from toolkit.sandbox import Sandbox

STRIPE_GATEWAY_LOG_QUERY = (
    "SELECT Id, OrderPaymentSummaryId, ReferencedEntityId, Request, Response, SfRefNumber, SfResultCode, "
    "GatewayRefNumber, GatewayAuthCode, GatewayDate, GatewayMessage, GatewayResultCode, "
    "GatewayResultCodeDescription, InteractionStatus FROM PaymentGatewayLog"
)
COLUMNS = ["Id", "OrderPaymentSummaryId", "ReferencedEntityId", "Request", "Response", "SfRefNumber", "SfResultCode",
           "GatewayRefNumber", "GatewayAuthCode", "GatewayDate", "GatewayMessage", "GatewayResultCode",
           "GatewayResultCodeDescription", "InteractionStatus"]


def test_stripe_gateway_log_query_returns_the_case_rows(box: Sandbox, sf: simple_salesforce.Salesforce,
                                                        case_data: dict[str, Any]) -> None:
    result = sf.query_all(STRIPE_GATEWAY_LOG_QUERY)
    expected_rows = case_data["salesforce"]["records"]["PaymentGatewayLog"]
    assert result["totalSize"] == len(expected_rows) == 1
    assert result["done"] is True
    for record, given in zip(result["records"], expected_rows, strict=True):
        assert list(record) == ["attributes", *COLUMNS]  # Salesforce's order: attributes, then the select list
        assert record["attributes"] == {"type": "PaymentGatewayLog",
                                        "url": f"/services/data/v62.0/sobjects/PaymentGatewayLog/{given['Id']}"}
        assert {column: record[column] for column in COLUMNS} == {column: given.get(column) for column in COLUMNS}
    # the raw first page has the REST envelope
    page = sf.query(STRIPE_GATEWAY_LOG_QUERY)
    assert set(page) == {"totalSize", "done", "records"}
    assert box.org.log.counts() == {"GET /services/data/v62.0/query/": 2}
