"""Select lists: record shape, parent paths, polymorphic lookups, child subqueries, value formats."""

from __future__ import annotations

import json

import pytest


def test_record_shape_has_attributes_then_fields_in_select_order(q, ids):
    result = q(f"SELECT Amount, Id, Status FROM Payment WHERE Id = '{ids['p1']}'")
    assert result.total_size == 1
    assert result.records == [{
        "attributes": {"type": "Payment", "url": f"/services/data/v62.0/sobjects/Payment/{ids['p1']}"},
        "Amount": 100.0, "Id": ids["p1"], "Status": "Processed",
    }]
    assert list(result.records[0]) == ["attributes", "Amount", "Id", "Status"]
    json.dumps(result.records)


def test_id_only_in_url_when_not_selected_and_api_version_in_url(q, ids):
    record = q(f"SELECT Amount FROM Payment WHERE Id = '{ids['p1']}'", api_version="58.0").records[0]
    assert "Id" not in record
    assert record["attributes"]["url"] == f"/services/data/v58.0/sobjects/Payment/{ids['p1']}"


def test_names_and_keywords_are_case_insensitive_output_is_canonical(q, ids):
    soql = f"select id, AMOUNT, paymentauthorization.gatewayrefnumber from PAYMENT where ID = '{ids['p1']}'"
    record = q(soql).records[0]
    assert list(record) == ["attributes", "Id", "Amount", "PaymentAuthorization"]
    assert record["attributes"]["type"] == "Payment"
    assert record["PaymentAuthorization"]["GatewayRefNumber"] == "pi_3Q0SM8"


def test_value_formats(q, ids):
    rec = q(f"SELECT CreatedDate, Amount, IsDeleted, GatewayDate FROM Payment WHERE Id = '{ids['p1']}'").records[0]
    assert rec["CreatedDate"] == "2026-11-20T14:00:00.000+0000"
    assert rec["Amount"] == 100.0 and isinstance(rec["Amount"], float)
    assert rec["IsDeleted"] is False
    assert rec["GatewayDate"] is None


def test_parent_paths_nest_and_merge(q, ids):
    soql = ("SELECT Id, PaymentAuthorization.GatewayRefNumber, "
            "PaymentAuthorization.OrderPaymentSummary.OrderSummary.OrderNumber, PaymentAuthorization.Id "
            f"FROM Payment WHERE Id = '{ids['p1']}'")
    record = q(soql).records[0]
    prefix = "/services/data/v62.0/sobjects/"
    assert record["PaymentAuthorization"] == {
        "attributes": {"type": "PaymentAuthorization", "url": f"{prefix}PaymentAuthorization/{ids['pa1']}"},
        "GatewayRefNumber": "pi_3Q0SM8",
        "OrderPaymentSummary": {
            "attributes": {"type": "OrderPaymentSummary", "url": f"{prefix}OrderPaymentSummary/{ids['ops1']}"},
            "OrderSummary": {
                "attributes": {"type": "OrderSummary", "url": f"{prefix}OrderSummary/{ids['os1']}"},
                "OrderNumber": "00001042",
            },
        },
        "Id": ids["pa1"],
    }


def test_empty_lookup_is_null(q, ids):
    record = q(f"SELECT Id, PaymentAuthorization.GatewayRefNumber FROM Payment WHERE Id = '{ids['p3']}'").records[0]
    assert record["PaymentAuthorization"] is None


def test_five_level_path_from_a_child_object(q):
    soql = ("SELECT Payment.PaymentAuthorization.OrderPaymentSummary.OrderSummary.Account.Name "
            "FROM RefundLinePayment")
    record = q(soql).records[0]
    account = record["Payment"]["PaymentAuthorization"]["OrderPaymentSummary"]["OrderSummary"]["Account"]
    assert account["Name"] == "Sam Shopper"


def test_six_levels_is_refused(q):
    err = q.error("SELECT Payment.PaymentAuthorization.OrderPaymentSummary.OrderSummary.Account.Parent.Name "
                  "FROM RefundLinePayment")
    assert err.error_code == "MALFORMED_QUERY"
    assert "more than 5 levels" in err.message


def test_object_name_prefix_is_accepted(q, ids):
    assert q(f"SELECT Payment.Id FROM Payment WHERE Id = '{ids['p1']}'").records[0]["Id"] == ids["p1"]


def test_polymorphic_referenced_entity_id_and_type(q, ids):
    soql = "SELECT Id, ReferencedEntity.Id, ReferencedEntity.Type FROM PaymentGatewayLog ORDER BY CreatedDate"
    records = {r["Id"]: r for r in q(soql).records}
    assert records[ids["l1"]]["ReferencedEntity"] == {
        "attributes": {"type": "Name", "url": f"/services/data/v62.0/sobjects/Payment/{ids['p1']}"},
        "Id": ids["p1"], "Type": "Payment",
    }
    assert records[ids["l3"]]["ReferencedEntity"]["Type"] == "Refund"
    assert records[ids["l4"]]["ReferencedEntity"] is None


def test_polymorphic_filter_on_type(q):
    assert q.names("SELECT Id FROM PaymentGatewayLog WHERE ReferencedEntity.Type = 'paymentauthorization'") == ["l2"]


@pytest.mark.parametrize("path", ["ReferencedEntity.Amount", "ReferencedEntity.Foo.Id", "ReferencedEntity.Status"])
def test_polymorphic_other_fields_are_invalid(q, path):
    assert q.error(f"SELECT {path} FROM PaymentGatewayLog").error_code == "INVALID_FIELD"


def test_child_subquery_shape_where_order_limit(q, ids):
    soql = ("SELECT Id, (SELECT Id, Amount FROM Payments WHERE Status != 'Canceled' ORDER BY Amount DESC LIMIT 5) "
            "FROM OrderPaymentSummary ORDER BY CreatedDate DESC")
    records = q(soql).records
    assert [r["Id"] for r in records] == [ids["ops1"], ids["ops2"]]
    payments = records[0]["Payments"]
    assert payments["totalSize"] == 2 and payments["done"] is True
    assert [p["Amount"] for p in payments["records"]] == [100.0, 29.0]  # p4 is deleted
    assert payments["records"][0]["attributes"] == {
        "type": "Payment", "url": f"/services/data/v62.0/sobjects/Payment/{ids['p1']}"}
    assert records[1]["Payments"] is None  # p3 is Canceled: no child rows -> null


def test_child_subquery_limit_and_parent_paths_inside(q):
    soql = ("SELECT (SELECT Id, PaymentAuthorization.GatewayRefNumber FROM Payments ORDER BY Amount LIMIT 1) "
            "FROM OrderPaymentSummary WHERE Method LIKE 'Visa%'")
    child = q(soql).records[0]["Payments"]
    assert child["totalSize"] == 1
    assert child["records"][0]["PaymentAuthorization"]["GatewayRefNumber"] == "pi_3Q0SM8"


def test_several_child_subqueries(q):
    soql = ("SELECT Id, (SELECT Id FROM Payments), (SELECT Id FROM Refunds), (SELECT Id FROM PaymentAuthorizations) "
            "FROM OrderPaymentSummary WHERE Method LIKE 'visa%'")
    record = q(soql).records[0]
    assert list(record) == ["attributes", "Id", "Payments", "Refunds", "PaymentAuthorizations"]
    assert (record["Payments"]["totalSize"], record["Refunds"]["totalSize"]) == (2, 1)


def test_child_subquery_sees_deleted_rows_only_in_query_all(q):
    soql = "SELECT (SELECT Id FROM Payments) FROM OrderPaymentSummary WHERE Method LIKE 'Visa%'"
    assert q(soql).records[0]["Payments"]["totalSize"] == 2
    assert q(soql, include_deleted=True).records[0]["Payments"]["totalSize"] == 3


def test_unknown_child_relationship(q):
    err = q.error("SELECT Id, (SELECT Id FROM Paymentz) FROM OrderPaymentSummary")
    assert err.error_code == "INVALID_TYPE"
    assert "Didn't understand relationship 'Paymentz'" in err.message


def test_more_than_twenty_subqueries_refused(q):
    subs = ", ".join("(SELECT Id FROM Payments)" for _ in range(21))
    assert q.error(f"SELECT Id, {subs} FROM OrderPaymentSummary").error_code == "MALFORMED_QUERY"


def test_long_text_fields_counted(q):
    assert q("SELECT Id, Request FROM PaymentGatewayLog").long_text_fields == 1
    assert q("SELECT Id, Request, Response FROM PaymentGatewayLog").long_text_fields == 2
    soql = "SELECT Id, (SELECT Request, Response FROM PaymentGatewayLogs) FROM OrderPaymentSummary"
    assert q(soql).long_text_fields == 2
    assert q("SELECT Id FROM PaymentGatewayLog").long_text_fields == 0


def test_query_all_includes_deleted(q, ids):
    assert ids["p4"] not in q.ids("SELECT Id FROM Payment")
    assert ids["p4"] in q.ids("SELECT Id FROM Payment", include_deleted=True)
    assert q.ids("SELECT Id FROM Payment WHERE IsDeleted = true", include_deleted=True) == [ids["p4"]]


@pytest.mark.parametrize(("soql", "code", "text"), [
    ("SELECT Id FROM Foo", "INVALID_TYPE", "sObject type 'Foo' is not supported."),
    ("SELECT Foo FROM Payment", "INVALID_FIELD", "No such column 'Foo' on entity 'Payment'."),
    ("SELECT PaymentAuthorization.Foo FROM Payment", "INVALID_FIELD",
     "No such column 'Foo' on entity 'PaymentAuthorization'."),
    ("SELECT Foo.Id FROM Payment", "INVALID_FIELD", "Didn't understand relationship 'Foo' in field path."),
    ("SELECT Amount.Id FROM Payment", "INVALID_FIELD", "Didn't understand relationship 'Amount' in field path."),
    ("SELECT PaymentAuthorization FROM Payment", "INVALID_FIELD", "No such column 'PaymentAuthorization'"),
    ("SELECT Id, Amount, id FROM Payment", "INVALID_FIELD", "duplicate field selected: id"),
    ("SELECT Id FROM Payments", "INVALID_TYPE", "sObject type 'Payments' is not supported."),
    ("SELECT Id total FROM Payment", "MALFORMED_QUERY", "unexpected token: 'total'"),
])
def test_select_errors(q, soql, code, text):
    err = q.error(soql)
    assert (err.error_code, err.status) == (code, 400)
    assert text in err.message


def test_error_message_points_at_the_token(q):
    err = q.error("SELECT Id, Foo FROM Payment")
    assert err.message.startswith("\nSELECT Id, Foo FROM Payment\n           ^\nERROR at Row:1:Column:12\n")


def test_concurrent_queries_agree(q):
    from concurrent.futures import ThreadPoolExecutor

    soqls = [
        "SELECT Id, PaymentAuthorization.OrderPaymentSummary.OrderSummary.OrderNumber FROM Payment ORDER BY Amount",
        "SELECT Id, (SELECT Id FROM Payments ORDER BY Amount) FROM OrderPaymentSummary ORDER BY CreatedDate",
        "SELECT Type, SUM(Amount) FROM Payment GROUP BY Type ORDER BY Type",
        "SELECT Id FROM Payment WHERE Id IN (SELECT PaymentId FROM RefundLinePayment)",
    ]
    expected = [q(s).records for s in soqls]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: q(soqls[i % 4]).records, range(200)))
    assert all(result == expected[i % 4] for i, result in enumerate(results))
