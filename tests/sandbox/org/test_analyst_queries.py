"""Queries an analyst writes, against a hand-written case the engine was not built around, through the real client.

The case (``data/soql-conformance.json``): three orders (USD, JPY, EUR), two captures and a sale, a draft
capture with a six-decimal amount, a deleted capture, two refunds with their refund line payments, seven
gateway logs (two without a referenced entity, one without a summary). Clock: 2026-11-20T15:00:00Z.
Expected rows and shapes follow the SOQL and SOSL Reference and the REST API Developer Guide.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import simple_salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from toolkit.core.ids import to_18
from toolkit.sandbox import Sandbox

CASE = Path(__file__).with_name("data") / "soql-conformance.json"


def sid(prefix: str, n: int) -> str:
    return to_18(f"{prefix}SBx{n:09d}")


OPS1, OPS2, OPS3 = (sid("0bM", i) for i in (1, 2, 3))
PA1, PA2 = sid("0Xc", 1), sid("0Xc", 2)
P1, P2, P3, P4, P5 = (sid("0a6", i) for i in range(1, 6))
R1, R2 = sid("0a7", 1), sid("0a7", 2)
L1, L2, L3, L4, L5, L6, L7 = (sid("0Xt", i) for i in range(1, 8))


@pytest.fixture(scope="module")
def sf() -> simple_salesforce.Salesforce:
    return Sandbox.from_case(CASE).salesforce()


def ids(result: dict[str, Any]) -> list[str]:
    return [r["Id"] for r in result["records"]]


def error(sf: simple_salesforce.Salesforce, soql: str) -> dict[str, Any]:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query(soql)
    assert raised.value.status == 400
    return raised.value.content[0]


# --- rows and nesting --------------------------------------------------------------------------------------


def test_latest_payment_per_summary_as_child_subquery(sf):
    result = sf.query_all("SELECT Id, (SELECT Id, Amount FROM Payments ORDER BY CreatedDate DESC LIMIT 1) "
                          "FROM OrderPaymentSummary ORDER BY CreatedDate")
    by_id = {r["Id"]: r["Payments"] for r in result["records"]}
    assert list(by_id) == [OPS3, OPS1, OPS2]
    assert by_id[OPS3] is None  # no payments: null, not an empty result
    assert by_id[OPS1] == {"totalSize": 1, "done": True, "records": [{
        "attributes": {"type": "Payment", "url": f"/services/data/v62.0/sobjects/Payment/{P2}"},
        "Id": P2, "Amount": 50.0}]}  # the deleted P5 (newer) is not a child row for query
    assert by_id[OPS2]["records"][0]["Amount"] == 0.123456


def test_failed_logs_counted_per_order_number_through_two_parents(sf):
    result = sf.query_all("SELECT OrderPaymentSummary.OrderSummary.OrderNumber, COUNT(Id) FROM PaymentGatewayLog "
                          "WHERE InteractionStatus IN ('Failed','Timeout') "
                          "GROUP BY OrderPaymentSummary.OrderSummary.OrderNumber ORDER BY COUNT(Id) DESC")
    assert result["records"][0] == {"attributes": {"type": "AggregateResult"}, "OrderNumber": "00002002", "expr0": 2}
    assert sorted((r["OrderNumber"] or "", r["expr0"]) for r in result["records"][1:]) == [("", 1), ("00002001", 1)]


def test_null_lookup_and_parent_path_through_null(sf):
    assert ids(sf.query_all("SELECT Id FROM Payment WHERE PaymentAuthorizationId = null")) == [P3]
    assert ids(sf.query_all("SELECT Id FROM Payment WHERE PaymentAuthorization.GatewayRefNumber = null")) == [P3]
    assert ids(sf.query_all("SELECT Id FROM Payment WHERE PaymentAuthorization.GatewayRefNumber != null "
                            "ORDER BY Id")) == [P1, P2, P4]
    rows = sf.query_all("SELECT Id, PaymentAuthorization.GatewayRefNumber FROM Payment "
                        "ORDER BY PaymentAuthorization.GatewayRefNumber DESC, Id")["records"]
    assert [r["Id"] for r in rows] == [P4, P1, P2, P3]  # nulls last when descending
    assert rows[-1]["PaymentAuthorization"] is None


def test_date_literal_with_parenthesised_or(sf):
    soql = ("SELECT Id FROM PaymentGatewayLog WHERE CreatedDate = LAST_N_DAYS:7 AND "
            "(SfResultCode = 'Decline' OR SfResultCode = 'SystemError') ORDER BY CreatedDate")
    assert ids(sf.query_all(soql)) == [L3, L4]


def test_like_with_escaped_underscore_and_percent(sf):
    assert ids(sf.query_all(r"SELECT Id FROM Payment WHERE GatewayRefNumber LIKE 'pi\_%'")) == [P4]
    assert ids(sf.query_all(r"SELECT Id FROM Payment WHERE GatewayRefNumber LIKE '%\%%'")) == [P4]
    assert ids(sf.query_all("SELECT Id FROM Payment WHERE GatewayRefNumber LIKE 'sf%' ORDER BY Id")) == [P1, P2]


def test_count_shapes(sf):
    assert sf.query("SELECT COUNT() FROM Refund") == {"totalSize": 2, "done": True, "records": []}
    assert sf.query("SELECT COUNT() FROM Payment")["totalSize"] == 4
    assert sf.query("SELECT COUNT() FROM Payment", include_deleted=True)["totalSize"] == 5
    assert sf.query("SELECT COUNT(Id) FROM Payment")["records"] == [
        {"attributes": {"type": "AggregateResult"}, "expr0": 4}]


def test_sum_by_currency_with_alias(sf):
    rows = sf.query_all("SELECT CurrencyIsoCode, SUM(Amount) total FROM Payment GROUP BY CurrencyIsoCode "
                        "ORDER BY CurrencyIsoCode")["records"]
    assert rows == [{"attributes": {"type": "AggregateResult"}, "CurrencyIsoCode": "JPY", "total": 10000.123456},
                    {"attributes": {"type": "AggregateResult"}, "CurrencyIsoCode": "USD", "total": 200.0}]
    alias_only = sf.query_all("SELECT SUM(Amount) total FROM Payment GROUP BY CurrencyIsoCode")["records"]
    assert sorted(r["total"] for r in alias_only) == [200.0, 10000.123456]


def test_semi_join_on_polymorphic_reference(sf):
    soql = "SELECT Id FROM PaymentGatewayLog WHERE ReferencedEntityId IN (SELECT Id FROM Refund WHERE Status = " \
           "'Processed')"
    assert ids(sf.query_all(soql)) == [L2]
    anti = ("SELECT Id FROM Payment WHERE PaymentAuthorizationId IN (SELECT Id FROM PaymentAuthorization WHERE "
            "Status = 'Processed') AND Id NOT IN (SELECT PaymentId FROM RefundLinePayment)")
    assert ids(sf.query_all(anti)) == [P4]


def test_order_nulls_limit_offset(sf):
    soql = "SELECT Id, GatewayDate FROM PaymentGatewayLog ORDER BY GatewayDate DESC NULLS LAST LIMIT 5 OFFSET 2"
    assert ids(sf.query_all(soql)) == [L2, L1, L6, L7, L3]
    assert ids(sf.query_all(soql.replace("OFFSET 2", "OFFSET 5"))) == [L7, L3]
    assert sf.query("SELECT Id FROM Payment LIMIT 0") == {"totalSize": 0, "done": True, "records": []}
    assert sf.query("SELECT Id FROM Payment OFFSET 2000") == {"totalSize": 0, "done": True, "records": []}


def test_names_and_values_are_case_insensitive(sf):
    lower = sf.query_all("select id, amount from payment where status = 'processed' and currencyisocode = 'usd' "
                         "order by amount desc")
    assert [r["attributes"]["type"] for r in lower["records"]] == ["Payment", "Payment"]
    assert list(lower["records"][0]) == ["attributes", "Id", "Amount"]  # canonical names in the output
    assert ids(lower) == [P1, P2]


def test_ids_fifteen_eighteen_and_case_safe(sf):
    for written in (P1, P1[:15], P1.lower(), P1[:15] + P1[15:].lower()):
        assert ids(sf.query(f"SELECT Id FROM Payment WHERE Id = '{written}'")) == [P1], written
    assert ids(sf.query(f"SELECT Id FROM Payment WHERE PaymentAuthorizationId IN ('{PA1[:15]}') ORDER BY Id")) == [
        P1, P2]
    assert error(sf, "SELECT Id FROM Payment WHERE Id = '0a6SBx0000000019aa'")["errorCode"] == \
        "INVALID_QUERY_FILTER_OPERATOR"


def test_deleted_rows_only_through_query_all_resource(sf):
    assert P5 not in ids(sf.query_all("SELECT Id FROM Payment"))
    deleted = sf.query_all("SELECT Id, IsDeleted FROM Payment WHERE IsDeleted = true", include_deleted=True)
    assert deleted["records"] == [{"attributes": {"type": "Payment", "url": f"/services/data/v62.0/sobjects/Payment/"
                                                                          f"{P5}"}, "Id": P5, "IsDeleted": True}]
    assert [r["Id"] for r in sf.query_all_iter("SELECT Id FROM Payment ORDER BY Id")] == [P1, P2, P3, P4]


def test_polymorphic_name_entity(sf):
    rows = sf.query_all("SELECT Id, ReferencedEntity.Name, ReferencedEntity.Type FROM PaymentGatewayLog "
                        "WHERE ReferencedEntity.Type IN ('Refund', 'PaymentAuthorization') ORDER BY Id")["records"]
    assert [r["ReferencedEntity"] for r in rows] == [
        {"attributes": {"type": "Name", "url": f"/services/data/v62.0/sobjects/Refund/{R1}"},
         "Name": "R-000000001", "Type": "Refund"},
        {"attributes": {"type": "Name", "url": f"/services/data/v62.0/sobjects/Refund/{R2}"},
         "Name": "R-000000002", "Type": "Refund"},
        {"attributes": {"type": "Name", "url": f"/services/data/v62.0/sobjects/PaymentAuthorization/{PA1}"},
         "Name": "PA-000000001", "Type": "PaymentAuthorization"},
    ]
    assert ids(sf.query("SELECT Id FROM PaymentGatewayLog WHERE ReferencedEntity.Name LIKE 'P-%'")) == [L1, L4]


def test_date_functions_group_filter_and_order(sf):
    rows = sf.query_all("SELECT DAY_ONLY(CreatedDate) day, COUNT(Id) n FROM PaymentGatewayLog "
                        "WHERE CALENDAR_MONTH(CreatedDate) = 11 GROUP BY DAY_ONLY(CreatedDate) "
                        "ORDER BY DAY_ONLY(CreatedDate) DESC LIMIT 2")["records"]
    assert rows == [{"attributes": {"type": "AggregateResult"}, "day": "2026-11-20", "n": 1},
                    {"attributes": {"type": "AggregateResult"}, "day": "2026-11-19", "n": 1}]
    unnamed = sf.query("SELECT CALENDAR_YEAR(CreatedDate), CALENDAR_QUARTER(CreatedDate), SUM(Amount) FROM Payment "
                       "GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_QUARTER(CreatedDate)")["records"]
    assert unnamed == [{"attributes": {"type": "AggregateResult"}, "expr0": 2026, "expr1": 4, "expr2": 10200.123456}]
    assert ids(sf.query("SELECT Id FROM Payment WHERE DAY_ONLY(CreatedDate) = TODAY")) == [P4]
    assert ids(sf.query("SELECT Id FROM Payment WHERE HOUR_IN_DAY(CreatedDate) > 12 AND "
                        "DAY_IN_WEEK(CreatedDate) = 6")) == [P4]  # 2026-11-20 is a Friday


def test_fields_standard_and_bounded_all(sf):
    row = sf.query(f"SELECT FIELDS(STANDARD) FROM Refund WHERE Id = '{R2}'")["records"][0]
    assert list(row)[:4] == ["attributes", "Id", "IsDeleted", "CreatedDate"]
    assert row["RefundNumber"] == "R-000000002" and row["GatewayRefNumber"] is None
    logs = sf.query("SELECT FIELDS(ALL) FROM PaymentGatewayLog ORDER BY Id LIMIT 200")["records"]
    assert len(logs) == 7 and logs[0]["Response"] == '{"id": "ch_1"}'
    nested = sf.query("SELECT Id, (SELECT FIELDS(STANDARD) FROM RefundLinePayments) FROM Refund ORDER BY Id")
    assert nested["records"][0]["RefundLinePayments"]["records"][0]["PaymentId"] == P1
    unbounded = error(sf, "SELECT FIELDS(ALL) FROM Refund")
    assert unbounded["errorCode"] == "MALFORMED_QUERY"
    assert unbounded["message"].endswith("The SOQL FIELDS function must have a LIMIT of at most 200")
    assert error(sf, "SELECT Id, FIELDS(ALL) FROM Refund LIMIT 200") == {
        "message": "duplicate field selected: Id", "errorCode": "INVALID_FIELD"}


def test_with_security_enforced_and_user_mode_read_the_same_rows(sf):
    plain = ids(sf.query("SELECT Id FROM Refund ORDER BY Id"))
    assert ids(sf.query("SELECT Id FROM Refund WITH SECURITY_ENFORCED ORDER BY Id")) == plain
    assert ids(sf.query("SELECT Id FROM Refund WHERE Id != null WITH USER_MODE ORDER BY Id")) == plain


def test_many_decimal_amounts_compare_exactly(sf):
    assert ids(sf.query("SELECT Id FROM Payment WHERE Amount = 0.123456")) == [P4]
    assert ids(sf.query("SELECT Id FROM Payment WHERE Amount < 0.13 AND Amount > 0.12")) == [P4]


# --- errors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("soql", "code", "text"), [
    ("SELECT Id FROM Payment WHERE Status IN ()", "MALFORMED_QUERY", "unexpected token: ')'"),
    ("SELECT Id i FROM Payment", "MALFORMED_QUERY", "unexpected token: 'i'"),
    ("SELECT Id FROM Payment OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000"),
    ("SELECT Id FROM Payment OFFSET 1 LIMIT 2", "MALFORMED_QUERY", "unexpected token: 'LIMIT'"),
    ("SELECT COUNT() FROM Payment GROUP BY Status", "MALFORMED_QUERY", "COUNT()"),
    ("SELECT convertCurrency(Amount) FROM Payment", "MALFORMED_QUERY", "multiple currencies enabled"),
    ("SELECT Id FROM Payment WHERE Amount = '10'", "INVALID_FIELD", "must be of type double"),
    ("SELECT Id FROM Payment WHERE CreatedDate = 2026-11-03", "INVALID_FIELD", "must be of type dateTime"),
    ("SELECT Id FROM Payment WHERE Nope = 'x'", "INVALID_FIELD", "No such column 'Nope' on entity 'Payment'. If you "
     "are attempting to use a custom field, be sure to append the '__c' after the custom field name."),
    ("SELECT Id FROM payments", "INVALID_TYPE", "sObject type 'payments' is not supported"),
    ("SELECT Id FROM Payment WHERE Amount LIKE '1%'", "INVALID_QUERY_FILTER_OPERATOR", "invalid operator"),
    ("SELECT Id FROM Payment WHERE Status = 'Processed' AND Amount > 1 OR Amount < 1", "MALFORMED_QUERY",
     "unexpected token: 'OR'"),
    ("SELECT Id FROM Payment WHERE GatewayRefNumber = 'pi\\_x'", "MALFORMED_QUERY", "Illegal character sequence"),
    ("SELECT Id FROM PaymentGatewayLog WHERE Request = 'x'", "INVALID_FIELD", "can not be filtered"),
    ("SELECT Id, (SELECT Id FROM Payments) FROM OrderPaymentSummary GROUP BY Id", "MALFORMED_QUERY", "subqueries"),
])
def test_errors_have_salesforce_codes(sf, soql, code, text):
    body = error(sf, soql)
    assert body["errorCode"] == code
    assert text in body["message"]


def test_aggregate_rows_beyond_one_batch_are_refused() -> None:
    records = {"OrderSummary": [{"Id": sid("1Os", i), "OrderNumber": f"N{i:05d}", "CreatedDate": "2026-11-01T00:00:00Z"}
                                for i in range(2001)]}
    sf = Sandbox.from_case({"case_format": 1, "title": "many orders", "now": "2026-11-20T15:00:00Z",
                            "salesforce": {"records": records}, "stripe": {"livemode": False, "objects": []}}
                           ).salesforce()
    body = error(sf, "SELECT OrderNumber, COUNT(Id) FROM OrderSummary GROUP BY OrderNumber")
    assert body == {"errorCode": "MALFORMED_QUERY", "message": "Aggregate query does not support queryMore(), use "
                    "LIMIT to restrict the results to a single batch"}
    assert len(sf.query("SELECT OrderNumber, COUNT(Id) FROM OrderSummary GROUP BY OrderNumber LIMIT 2000")[
        "records"]) == 2000


# --- record GET ---------------------------------------------------------------------------------------------


def test_record_get_fields_deleted_and_foreign_ids(sf):
    row = sf.restful(f"sobjects/Payment/{P1}", params={"fields": "Amount,status"})
    assert row == {"attributes": {"type": "Payment", "url": f"/services/data/v62.0/sobjects/Payment/{P1}"},
                   "Amount": 150.0, "Status": "Processed"}
    assert sf.Payment.get(P1.lower())["Id"] == P1
    with pytest.raises(SalesforceMalformedRequest) as bad_field:
        sf.restful(f"sobjects/Payment/{P1}", params={"fields": "Id,Nope"})
    assert bad_field.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert bad_field.value.content[0]["message"].startswith("No such column 'Nope' on entity 'Payment'.")
    with pytest.raises(SalesforceResourceNotFound) as deleted:
        sf.Payment.get(P5)
    assert deleted.value.content == [{"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []}]
    with pytest.raises(SalesforceResourceNotFound) as foreign:
        sf.Refund.get(P1)
    assert foreign.value.content[0]["message"] == f"Provided external ID field does not exist or is not " \
                                                  f"accessible: {P1}"
