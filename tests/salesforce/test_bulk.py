"""Bulk API 2.0 CSV rows typed as the REST API's records, and the gateway's bulk query (budgeted per request)."""

from __future__ import annotations

import pytest

from toolkit.salesforce.bulk import typed_records
from toolkit.salesforce.frames import plain_record
from toolkit.salesforce.templates import statement
from toolkit.session import connect


@pytest.fixture(scope="module")
def session():
    s = connect(use_dotenv=False, env={})
    s.schema.prefixes()
    return s


def test_bulk_rows_read_as_the_rest_apis_records(session) -> None:
    scope = statement("reconcile.orders_created", path="OrderPaymentSummary.", order="OrderSummary",
                      since="2026-01-01T00:00:00Z", before="2027-01-01T00:00:00Z")
    soql = statement("reconcile.bulk_children", child="Payment", scope=scope)
    gateway = session.salesforce_gateway()
    rows = gateway.bulk_query(soql, "Payment", page_size=10)
    assert gateway.budget.by_kind == {"bulk job": 1, "bulk poll": 1, "bulk results": 4}
    rest = [plain_record(r) for r in session.salesforce_gateway().query(soql)]
    assert sorted(typed_records(rows, "Payment", session.schema), key=lambda r: r["Id"]) == sorted(
        rest, key=lambda r: r["Id"])


def test_parents_and_nulls() -> None:
    s = connect(use_dotenv=False, env={})
    rows = [{"Id": "a", "CapturedAmount": "76.0", "OrderSummary.OrderNumber": "00001038",
             "OrderSummary.CreatedDate": "2026-10-21T18:18:00.000Z", "PaymentMethodId": ""},
            {"Id": "b", "CapturedAmount": "", "OrderSummary.OrderNumber": "", "OrderSummary.CreatedDate": "",
             "PaymentMethodId": ""}]
    first, second = typed_records(rows, "OrderPaymentSummary", s.schema)
    assert first == {"Id": "a", "CapturedAmount": 76.0, "PaymentMethodId": None,
                     "OrderSummary": {"OrderNumber": "00001038", "CreatedDate": "2026-10-21T18:18:00.000+0000"}}
    assert second == {"Id": "b", "CapturedAmount": None, "OrderSummary": None, "PaymentMethodId": None}
