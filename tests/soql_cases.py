"""A multi-order case dict for the SOQL-helper and record-chain tests (loaded with ``connect(case=dict)``).

Order 00002001: two OrderPaymentSummaries; the first authorized (pi_), captured by OMS, partly refunded (with a
RefundLinePayment), and logged; the second only authorized. Order 00002002: captured at checkout (a Sale
Payment with a txn_ reference) and a timed-out capture log. Order 00002003: an OrderSummary with no payments.
"""

from __future__ import annotations

from typing import Any

from toolkit.core.ids import to_18


def sf_id(prefix: str, n: int) -> str:
    return to_18(f"{prefix}{n:012d}")


OS_A, OS_B, OS_C = sf_id("1Os", 1), sf_id("1Os", 2), sf_id("1Os", 3)
OPS_A1, OPS_A2, OPS_B = sf_id("0bM", 1), sf_id("0bM", 2), sf_id("0bM", 3)
PA_A1, PA_A2 = sf_id("0Xc", 1), sf_id("0Xc", 2)
PAY_A1, PAY_B = sf_id("0a6", 1), sf_id("0a6", 2)
REF_A1 = sf_id("0a7", 1)
RLP_A1 = sf_id("0a8", 1)
LOG_A_CAPTURE, LOG_A_REFUND, LOG_B_TIMEOUT, LOG_A2_AUTH = (sf_id("0Xt", n) for n in (1, 2, 3, 4))
PI_A1, PI_A2 = "pi_3A1aaaaaaaaaaaaaaaaaaa", "pi_3A2aaaaaaaaaaaaaaaaaaa"
TXN_B = "txn_3Bbbbbbbbbbbbbbbbbbbbb"
NOW = "2026-11-20T15:00:00Z"


def _t(day: int, hour: int = 12) -> str:
    return f"2026-11-{day:02d}T{hour:02d}:00:00.000+0000"


def multi_order_case() -> dict[str, Any]:
    os_rows = [
        {"Id": OS_A, "OrderNumber": "00002001", "Status": "Fulfilled", "OrderedDate": _t(10), "GrandTotalAmount": 150.0,
         "TotalAmount": 150.0, "CurrencyIsoCode": "USD", "CreatedDate": _t(10, 13)},
        {"Id": OS_B, "OrderNumber": "00002002", "Status": "Waiting to Fulfill", "OrderedDate": _t(11),
         "GrandTotalAmount": 80.5, "TotalAmount": 80.5, "CurrencyIsoCode": "USD", "CreatedDate": _t(11, 13)},
        {"Id": OS_C, "OrderNumber": "00002003", "Status": "Created", "OrderedDate": _t(12),
         "GrandTotalAmount": 10.0, "TotalAmount": 10.0, "CurrencyIsoCode": "USD", "CreatedDate": _t(12, 13)},
    ]
    ops_rows = [
        {"Id": OPS_A1, "OrderSummaryId": OS_A, "Method": "Visa - 4242", "Type": "visa", "CurrencyIsoCode": "USD",
         "CreatedDate": _t(10, 13)},
        {"Id": OPS_A2, "OrderSummaryId": OS_A, "Method": "Mastercard - 4444", "Type": "mastercard",
         "CurrencyIsoCode": "USD", "CreatedDate": _t(10, 14)},
        {"Id": OPS_B, "OrderSummaryId": OS_B, "Method": "Visa - 1111", "Type": "visa", "CurrencyIsoCode": "USD",
         "CreatedDate": _t(11, 13)},
    ]
    pa_rows = [
        {"Id": PA_A1, "Amount": 100.0, "Status": "Processed", "ProcessingMode": "External", "GatewayRefNumber": PI_A1,
         "SfResultCode": "Success", "OrderPaymentSummaryId": OPS_A1, "CurrencyIsoCode": "USD",
         "ExpirationDate": _t(17), "CreatedDate": _t(10, 13)},
        {"Id": PA_A2, "Amount": 50.0, "Status": "Processed", "ProcessingMode": "External", "GatewayRefNumber": PI_A2,
         "SfResultCode": "Success", "OrderPaymentSummaryId": OPS_A2, "CurrencyIsoCode": "USD",
         "ExpirationDate": _t(17), "CreatedDate": _t(10, 14)},
    ]
    pay_rows = [
        {"Id": PAY_A1, "Amount": 100.0, "Status": "Processed", "Type": "Capture", "ProcessingMode": "Salesforce",
         "GatewayRefNumber": "SF0000000101", "SfResultCode": "Success", "PaymentAuthorizationId": PA_A1,
         "OrderPaymentSummaryId": OPS_A1, "CurrencyIsoCode": "USD", "CreatedDate": _t(12)},
        {"Id": PAY_B, "Amount": 80.5, "Status": "Processed", "Type": "Sale", "ProcessingMode": "External",
         "GatewayRefNumber": TXN_B, "SfResultCode": "Success", "OrderPaymentSummaryId": OPS_B,
         "CurrencyIsoCode": "USD", "CreatedDate": _t(11, 13)},
    ]
    refund_rows = [
        {"Id": REF_A1, "Amount": 25.99, "Status": "Processed", "Type": "Referenced", "ProcessingMode": "Salesforce",
         "GatewayRefNumber": "SF0000000102", "SfResultCode": "Success", "OrderPaymentSummaryId": OPS_A1,
         "CurrencyIsoCode": "USD", "CreatedDate": _t(14)},
    ]
    rlp_rows = [{"Id": RLP_A1, "Amount": 25.99, "Type": "Applied", "RefundId": REF_A1, "PaymentId": PAY_A1,
                 "CreatedDate": _t(14)}]
    log_rows = [
        {"Id": LOG_A_CAPTURE, "InteractionType": "Capture", "InteractionStatus": "Success", "IsNotification": "No",
         "SfResultCode": "Success", "GatewayRefNumber": "SF0000000101", "OrderPaymentSummaryId": OPS_A1,
         "ReferencedEntityId": PAY_A1, "Request": '{"amount": 100.0, "pi": "' + PI_A1 + '"}',
         "Response": '{"id": "' + PI_A1 + '", "status": "succeeded"}', "CreatedDate": _t(12)},
        {"Id": LOG_A_REFUND, "InteractionType": "ReferencedRefund", "InteractionStatus": "Success",
         "IsNotification": "No", "SfResultCode": "Success", "OrderPaymentSummaryId": OPS_A1,
         "ReferencedEntityId": REF_A1, "Request": "amount=25.99", "Response": None, "CreatedDate": _t(14)},
        {"Id": LOG_B_TIMEOUT, "InteractionType": "Capture", "InteractionStatus": "Timeout", "IsNotification": "No",
         "SfResultCode": "Indeterminate", "OrderPaymentSummaryId": OPS_B, "ReferencedEntityId": PAY_B,
         "Request": "{not json", "Response": "", "CreatedDate": _t(19, 9)},
        {"Id": LOG_A2_AUTH, "InteractionType": "Authorization", "InteractionStatus": "Failed", "IsNotification": "Yes",
         "SfResultCode": "Decline", "OrderPaymentSummaryId": OPS_A2, "ReferencedEntityId": PA_A2,
         "CreatedDate": _t(10, 14)},
    ]
    return {
        "case_format": 1,
        "title": "Three orders for the SOQL helpers",
        "now": NOW,
        "salesforce": {"records": {
            "OrderSummary": os_rows, "OrderPaymentSummary": ops_rows, "PaymentAuthorization": pa_rows,
            "Payment": pay_rows, "Refund": refund_rows, "RefundLinePayment": rlp_rows, "PaymentGatewayLog": log_rows,
        }},
        "stripe": {"livemode": False, "objects": []},
    }
