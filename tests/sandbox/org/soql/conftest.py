"""A small, real OrgStore world for the SOQL engine tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from toolkit.core.ids import to_18
from toolkit.sandbox.org.soql import QueryResult, SoqlError, execute
from toolkit.sandbox.org.store import OrgStore

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def sfid(prefix: str, n: int) -> str:
    return to_18(f"{prefix}{n:012d}")


IDS = {
    "acct": sfid("001", 1),
    "os1": sfid("1Os", 1), "os2": sfid("1Os", 2),
    "ops1": sfid("0bM", 1), "ops2": sfid("0bM", 2),
    "pa1": sfid("0Xc", 1), "pa2": sfid("0Xc", 2),
    "p1": sfid("0a6", 1), "p2": sfid("0a6", 2), "p3": sfid("0a6", 3), "p4": sfid("0a6", 4),
    "r1": sfid("0a7", 1),
    "rlp1": sfid("0a8", 1),
    "l1": sfid("0Xt", 1), "l2": sfid("0Xt", 2), "l3": sfid("0Xt", 3), "l4": sfid("0Xt", 4),
}


def _system(created: datetime) -> dict[str, Any]:
    return {"CreatedDate": created, "LastModifiedDate": created, "SystemModstamp": created}


def build_world(store: OrgStore) -> None:
    i = IDS
    store.insert("Account", {"Id": i["acct"], "Name": "Sam Shopper", **_system(NOW - timedelta(days=40))})
    store.insert_many("OrderSummary", [
        {"Id": i["os1"], "OrderNumber": "00001042", "Status": "Waiting to Fulfill", "GrandTotalAmount": 129.0,
         "CurrencyIsoCode": "USD", "AccountId": i["acct"], "OrderedDate": NOW - timedelta(days=9),
         **_system(NOW - timedelta(days=9))},
        {"Id": i["os2"], "OrderNumber": "00001043", "Status": "Fulfilled", "GrandTotalAmount": 50.0,
         "CurrencyIsoCode": "EUR", **_system(NOW - timedelta(days=35))},
    ])
    store.insert_many("OrderPaymentSummary", [
        {"Id": i["ops1"], "OrderSummaryId": i["os1"], "Method": "Visa - 4242", "CapturedAmount": 100.0,
         **_system(NOW - timedelta(days=9))},
        {"Id": i["ops2"], "OrderSummaryId": i["os2"], "Method": "Mastercard - 4444",
         **_system(NOW - timedelta(days=35))},
    ])
    store.insert_many("PaymentAuthorization", [
        {"Id": i["pa1"], "Amount": 129.0, "Status": "Processed", "GatewayRefNumber": "pi_3Q0SM8",
         "OrderPaymentSummaryId": i["ops1"], "ExpirationDate": NOW - timedelta(days=2),
         **_system(NOW - timedelta(days=9))},
        {"Id": i["pa2"], "Amount": 50.0, "Status": "Pending", "GatewayRefNumber": "pi_OTHER",
         "OrderPaymentSummaryId": i["ops2"], **_system(NOW - timedelta(days=35))},
    ])
    store.insert_many("Payment", [
        {"Id": i["p1"], "Amount": 100.0, "Status": "Processed", "Type": "Capture", "GatewayRefNumber": "ch_1",
         "PaymentAuthorizationId": i["pa1"], "OrderPaymentSummaryId": i["ops1"], "SfResultCode": "Success",
         **_system(NOW - timedelta(hours=1))},
        {"Id": i["p2"], "Amount": 29.0, "Status": "Draft", "Type": "Capture", "GatewayRefNumber": "ch_2",
         "PaymentAuthorizationId": i["pa1"], "OrderPaymentSummaryId": i["ops1"],
         **_system(NOW - timedelta(days=1))},
        {"Id": i["p3"], "Amount": 50.0, "Status": "Canceled", "Type": "Sale", "GatewayRefNumber": None,
         "OrderPaymentSummaryId": i["ops2"], **_system(NOW - timedelta(days=35))},
        {"Id": i["p4"], "Amount": 5.0, "Status": "Processed", "Type": "Sale", "GatewayRefNumber": "ch_4",
         "OrderPaymentSummaryId": i["ops1"], "IsDeleted": True, **_system(NOW - timedelta(days=3))},
    ])
    store.insert("Refund", {"Id": i["r1"], "Amount": 10.0, "Status": "Processed", "Type": "Referenced",
                            "OrderPaymentSummaryId": i["ops1"], "GatewayRefNumber": "re_1",
                            **_system(NOW - timedelta(hours=2))})
    store.insert("RefundLinePayment", {"Id": i["rlp1"], "Amount": 10.0, "RefundId": i["r1"], "PaymentId": i["p1"],
                                       "Type": "Applied", **_system(NOW - timedelta(hours=2))})
    store.insert_many("PaymentGatewayLog", [
        {"Id": i["l1"], "InteractionType": "Capture", "InteractionStatus": "Success", "ReferencedEntityId": i["p1"],
         "OrderPaymentSummaryId": i["ops1"], "GatewayRefNumber": "ch_1", "GatewayMessage": "100%_done",
         "Request": '{"amount": 10000}', "Response": '{"id": "ch_1"}', "GatewayDate": NOW - timedelta(hours=1),
         **_system(NOW - timedelta(hours=1))},
        {"Id": i["l2"], "InteractionType": "Authorization", "InteractionStatus": "Success",
         "ReferencedEntityId": i["pa1"], "OrderPaymentSummaryId": i["ops1"], "GatewayRefNumber": "pi_3Q0SM8",
         "GatewayMessage": "Authorized", "GatewayDate": NOW - timedelta(days=9), **_system(NOW - timedelta(days=9))},
        {"Id": i["l3"], "InteractionType": "ReferencedRefund", "InteractionStatus": "Failed",
         "ReferencedEntityId": i["r1"], "OrderPaymentSummaryId": i["ops1"], "GatewayRefNumber": "re_1",
         "GatewayMessage": "100 percent", "GatewayDate": NOW - timedelta(hours=2), **_system(NOW - timedelta(hours=2))},
        {"Id": i["l4"], "InteractionType": "Capture", "InteractionStatus": "Timeout", "ReferencedEntityId": None,
         "OrderPaymentSummaryId": None, "GatewayMessage": None, **_system(NOW - timedelta(days=1, hours=1))},
    ])


@pytest.fixture(scope="module")
def store() -> OrgStore:
    store = OrgStore()
    build_world(store)
    return store


class Runner:
    """Runs queries against one store: ``q(soql)`` -> QueryResult, ``q.ids(soql)``, ``q.error(soql)``."""

    def __init__(self, store: OrgStore) -> None:
        self.store = store

    def __call__(self, soql: str, **kw: Any) -> QueryResult:
        return execute(soql, self.store, now=kw.pop("now", NOW), **kw)

    def ids(self, soql: str, **kw: Any) -> list[str]:
        return [r["attributes"]["url"].rsplit("/", 1)[1] for r in self(soql, **kw).records]

    def names(self, soql: str, **kw: Any) -> list[str]:
        """Record ids as their IDS keys (p1, l2...), for readable assertions."""
        by_id = {v: k for k, v in IDS.items()}
        return [by_id[i] for i in self.ids(soql, **kw)]

    def error(self, soql: str, **kw: Any) -> SoqlError:
        with pytest.raises(SoqlError) as info:
            self(soql, **kw)
        return info.value


@pytest.fixture(scope="module")
def q(store: OrgStore) -> Runner:
    return Runner(store)


@pytest.fixture(scope="session")
def ids() -> dict[str, str]:
    return IDS
