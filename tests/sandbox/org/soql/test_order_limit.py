"""ORDER BY (several keys, directions, nulls, parent paths, picklists), LIMIT and OFFSET."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("order", "expected"), [
    ("Amount", ["p2", "p3", "p1"]),
    ("Amount ASC", ["p2", "p3", "p1"]),
    ("Amount DESC", ["p1", "p3", "p2"]),
    ("GatewayRefNumber", ["p3", "p1", "p2"]),  # ASC: nulls first
    ("GatewayRefNumber DESC", ["p2", "p1", "p3"]),  # DESC: nulls last
    ("GatewayRefNumber ASC NULLS LAST", ["p1", "p2", "p3"]),
    ("GatewayRefNumber DESC NULLS FIRST", ["p3", "p2", "p1"]),
    ("Type DESC, Amount DESC", ["p3", "p1", "p2"]),
    ("Type, Amount", ["p2", "p1", "p3"]),
    ("PaymentAuthorization.GatewayRefNumber DESC NULLS LAST, Amount", ["p2", "p1", "p3"]),
    ("PaymentAuthorization.OrderPaymentSummary.OrderSummary.OrderNumber DESC, Amount DESC", ["p1", "p2", "p3"]),
    ("OrderPaymentSummary.OrderSummary.OrderNumber DESC, Amount DESC", ["p3", "p1", "p2"]),
    ("Status", ["p3", "p2", "p1"]),  # picklist order: Canceled, Draft, Processed
    ("CreatedDate DESC", ["p1", "p2", "p3"]),
])
def test_order_by(q, order, expected):
    assert q.names(f"SELECT Id FROM Payment ORDER BY {order}") == expected


def test_text_order_is_case_insensitive(q):
    names = q("SELECT GatewayMessage FROM PaymentGatewayLog WHERE GatewayMessage != null ORDER BY GatewayMessage")
    assert [r["GatewayMessage"] for r in names.records] == ["100 percent", "100%_done", "Authorized"]


def test_picklist_order_follows_definition_not_alphabet(q):
    records = q("SELECT InteractionType FROM PaymentGatewayLog ORDER BY InteractionType DESC").records
    assert [r["InteractionType"] for r in records] == ["ReferencedRefund", "Capture", "Capture", "Authorization"]


@pytest.mark.parametrize(("tail", "expected"), [
    ("LIMIT 2", ["p2", "p3"]),
    ("LIMIT 0", []),
    ("LIMIT 10", ["p2", "p3", "p1"]),
    ("LIMIT 1 OFFSET 1", ["p3"]),
    ("OFFSET 2", ["p1"]),
    ("OFFSET 5", []),
])
def test_limit_offset(q, tail, expected):
    assert q.names(f"SELECT Id FROM Payment ORDER BY Amount {tail}") == expected


def test_total_size_is_after_limit(q):
    assert q("SELECT Id FROM Payment LIMIT 2").total_size == 2


def test_offset_limit(q):
    err = q.error("SELECT Id FROM Payment OFFSET 2001")
    assert err.error_code == "NUMBER_OUTSIDE_VALID_RANGE"
    assert "Maximum SOQL offset allowed is 2000" in err.message


def test_offset_in_subquery_needs_limit_one(q):
    soql = "SELECT Id, (SELECT Id FROM Payments ORDER BY Amount OFFSET 1) FROM OrderPaymentSummary"
    assert q.error(soql).error_code == "MALFORMED_QUERY"
    record = q(soql.replace("FROM OrderPaymentSummary", "FROM OrderPaymentSummary WHERE Method LIKE 'Visa%' "
                            "LIMIT 1")).records[0]
    assert [p["Id"] for p in record["Payments"]["records"]] == [q.store.rows("Payment")[0]["Id"]]


@pytest.mark.parametrize(("soql", "code"), [
    ("SELECT Id FROM PaymentGatewayLog ORDER BY Request", "INVALID_FIELD"),
    ("SELECT Id FROM Payment ORDER BY Foo", "INVALID_FIELD"),
    ("SELECT Id FROM Payment ORDER BY SUM(Amount)", "MALFORMED_QUERY"),
    ("SELECT Id FROM Payment ORDER BY Amount SIDEWAYS", "MALFORMED_QUERY"),
    ("SELECT Id FROM Payment ORDER BY Amount NULLS", "MALFORMED_QUERY"),
    ("SELECT Id FROM Payment LIMIT -1", "MALFORMED_QUERY"),
    ("SELECT Id FROM Payment LIMIT 1.5", "MALFORMED_QUERY"),
    ("SELECT Id FROM Payment LIMIT 1 ORDER BY Amount", "MALFORMED_QUERY"),
])
def test_order_and_limit_errors(q, soql, code):
    assert q.error(soql).error_code == code
