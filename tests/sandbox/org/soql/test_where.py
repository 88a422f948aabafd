"""WHERE: operators, text/id/number/boolean semantics, LIKE, IN, semi-joins, nulls, NOT, AND/OR."""

from __future__ import annotations

import pytest
from simple_salesforce import format_soql


@pytest.mark.parametrize(("where", "expected"), [
    ("Amount = 100", ["p1"]),
    ("Amount != 100", ["p2", "p3"]),
    ("Amount <> 100", ["p2", "p3"]),
    ("Amount < 50", ["p2"]),
    ("Amount <= 50", ["p2", "p3"]),
    ("Amount > 50", ["p1"]),
    ("Amount >= 50", ["p1", "p3"]),
    ("Amount >= 29.00 AND Amount < 50.5", ["p2", "p3"]),
    ("Amount = 1e2", None),
    ("Status = 'processed'", ["p1"]),  # text equality is case-insensitive
    ("Status != 'PROCESSED'", ["p2", "p3"]),
    ("Status < 'E'", ["p2", "p3"]),  # strings may be compared with < >
    ("GatewayRefNumber = null", ["p3"]),
    ("GatewayRefNumber != null", ["p1", "p2"]),
    ("GatewayRefNumber != 'ch_1'", ["p2", "p3"]),  # != matches nulls, as in Salesforce
    ("GatewayRefNumber IN ('CH_1', 'ch_2')", ["p1", "p2"]),
    ("GatewayRefNumber NOT IN ('ch_1')", ["p2", "p3"]),
    ("GatewayRefNumber IN ('ch_1', null)", ["p1", "p3"]),
    ("IsDeleted = false", ["p1", "p2", "p3"]),
    ("IsDeleted = TRUE", []),
    ("NOT Amount = 100", ["p2", "p3"]),
    ("NOT (Amount = 100 OR Status = 'Draft')", ["p3"]),
    ("(Amount = 100 OR Amount = 29) AND Type = 'Capture'", ["p1", "p2"]),
    ("Amount = 100 OR (Amount = 29 AND Type = 'Sale')", ["p1"]),
    ("Amount = 50 OR Amount = 29 OR Amount = 1", ["p2", "p3"]),
    ("PaymentAuthorization.Status = 'Processed'", ["p1", "p2"]),
    ("PaymentAuthorization.OrderPaymentSummary.OrderSummary.OrderNumber = '00001042'", ["p1", "p2"]),
    ("PaymentAuthorization.GatewayRefNumber = null", ["p3"]),
])
def test_comparisons(q, where, expected):
    if expected is None:
        assert q.error(f"SELECT Id FROM Payment WHERE {where}").error_code == "MALFORMED_QUERY"
        return
    assert sorted(q.names(f"SELECT Id FROM Payment WHERE {where}")) == expected


def test_ids_accept_15_or_18_characters(q, ids):
    eighteen = ids["pa1"]
    assert q.names(f"SELECT Id FROM Payment WHERE PaymentAuthorizationId = '{eighteen}'") == ["p1", "p2"]
    assert q.names(f"SELECT Id FROM Payment WHERE PaymentAuthorizationId = '{eighteen[:15]}'") == ["p1", "p2"]
    assert q.names(f"SELECT Id FROM PaymentAuthorization WHERE Id IN ('{eighteen[:15]}')") == ["pa1"]
    assert q.names(f"SELECT Id FROM Payment WHERE PaymentAuthorizationId != '{eighteen}'") == ["p3"]


@pytest.mark.parametrize("bad", ["abc", "0a6000000000001XYZ", "", "0a6000000000001AAAA"])
def test_malformed_id_literal(q, bad):
    err = q.error(f"SELECT Id FROM Payment WHERE Id = '{bad}'")
    assert err.error_code == "INVALID_QUERY_FILTER_OPERATOR"
    assert f"invalid ID field: {bad}" in err.message


def test_format_soql_values(q):
    soql = format_soql("SELECT Id FROM Payment WHERE Status = {} AND Amount > {} AND IsDeleted = {}",
                       "Processed", 10, False)
    assert q.names(soql) == ["p1"]
    soql = format_soql("SELECT Id FROM Payment WHERE GatewayRefNumber IN {}", ["ch_1", "ch_4", "nope"])
    assert q.names(soql) == ["p1"]


@pytest.mark.parametrize(("pattern", "expected"), [
    ("100%", ["l1", "l3"]),
    ("100\\%%", ["l1"]),
    ("100\\%\\_done", ["l1"]),
    ("100%\\_%", ["l1"]),
    ("authoriz_d", ["l2"]),
    ("AUTHORIZED", ["l2"]),
    ("%", ["l1", "l2", "l3"]),  # never matches null
    ("%percent", ["l3"]),
    ("Auth", []),
])
def test_like(q, pattern, expected):
    assert sorted(q.names(f"SELECT Id FROM PaymentGatewayLog WHERE GatewayMessage LIKE '{pattern}'")) == expected


def test_like_through_format_soql(q):
    soql = format_soql("SELECT Id FROM PaymentGatewayLog WHERE GatewayMessage LIKE '{:like}%'", "100%_")
    assert q.names(soql) == ["l1"]


def test_not_like(q):
    assert sorted(q.names("SELECT Id FROM PaymentGatewayLog WHERE NOT GatewayMessage LIKE '100%'")) == ["l2", "l4"]


def test_string_escapes(q):
    assert q.names("SELECT Id FROM Payment WHERE GatewayRefNumber = 'ch\\u005f1'") == ["p1"]


@pytest.mark.parametrize("literal", ["'a\\qb'", "'a\\_b'", "'a\\%b'", "'a\\u12'"])
def test_bad_escapes_outside_like(q, literal):
    err = q.error(f"SELECT Id FROM Payment WHERE GatewayRefNumber = {literal}")
    assert err.error_code == "MALFORMED_QUERY"
    assert "Illegal character sequence" in err.message


def test_bad_escape_inside_like(q):
    assert q.error("SELECT Id FROM Payment WHERE GatewayRefNumber LIKE 'a\\qb'").error_code == "MALFORMED_QUERY"


def test_good_escapes(q):
    for literal in ["'\\''", "'\\\"'", "'\\\\'", "'\\n\\r\\t\\b\\f'", "'\\u00e9'"]:
        assert q(f"SELECT Id FROM Payment WHERE GatewayRefNumber = {literal}").records == []


def test_semi_join_and_anti_join(q):
    assert q.names("SELECT Id FROM Payment WHERE Id IN (SELECT PaymentId FROM RefundLinePayment)") == ["p1"]
    assert q.names("SELECT Id FROM Payment WHERE Id NOT IN (SELECT PaymentId FROM RefundLinePayment) "
                   "AND Amount > 0") == ["p2", "p3"]
    soql = ("SELECT Id FROM PaymentGatewayLog WHERE ReferencedEntityId IN "
            "(SELECT Id FROM Refund WHERE Status = 'Processed')")
    assert q.names(soql) == ["l3"]
    soql = ("SELECT Id FROM OrderPaymentSummary WHERE Id IN (SELECT OrderPaymentSummaryId FROM Payment "
            "WHERE Status = 'Draft') AND Id IN (SELECT OrderPaymentSummaryId FROM Refund)")
    assert q.names(soql) == ["ops1"]


@pytest.mark.parametrize(("soql", "code", "text"), [
    ("SELECT Id FROM Payment WHERE Id IN (SELECT Amount FROM RefundLinePayment)", "INVALID_FIELD", "id or a reference"),
    ("SELECT Id FROM Payment WHERE Amount IN (SELECT PaymentId FROM RefundLinePayment)", "INVALID_FIELD",
     "id or a reference"),
    ("SELECT Id FROM Payment WHERE Id IN (SELECT RefundId FROM RefundLinePayment)", "INVALID_FIELD",
     "should point to the same object type"),
    ("SELECT Id FROM Payment WHERE Id IN (SELECT PaymentId, RefundId FROM RefundLinePayment)", "MALFORMED_QUERY",
     "exactly one"),
    ("SELECT Id FROM Payment WHERE Id IN (SELECT PaymentId FROM Nope)", "INVALID_TYPE", "'Nope' is not supported"),
    ("SELECT Id FROM Payment WHERE Amount = 1 OR Id IN (SELECT PaymentId FROM RefundLinePayment)",
     "MALFORMED_QUERY", "'OR' operator"),
    ("SELECT Id FROM Payment WHERE NOT Id IN (SELECT PaymentId FROM RefundLinePayment)",
     "MALFORMED_QUERY", "'NOT' operator"),
    ("SELECT Id FROM Payment WHERE Id IN (SELECT PaymentId FROM RefundLinePayment WHERE RefundId IN "
     "(SELECT Id FROM Refund))", "MALFORMED_QUERY", "Nesting of semi join"),
    ("SELECT Id FROM Payment WHERE Id IN (SELECT PaymentId FROM RefundLinePayment LIMIT 1)", "MALFORMED_QUERY",
     "LIMIT"),
    ("SELECT Id FROM Payment WHERE Id IN (SELECT PaymentId FROM RefundLinePayment) AND Id IN (SELECT PaymentId "
     "FROM RefundLinePayment) AND Id IN (SELECT PaymentId FROM RefundLinePayment)", "MALFORMED_QUERY", "Maximum of 2"),
])
def test_semi_join_errors(q, soql, code, text):
    err = q.error(soql)
    assert err.error_code == code
    assert text in err.message


@pytest.mark.parametrize(("where", "code", "text"), [
    ("Amount = 'abc'", "INVALID_FIELD", "value of filter criterion for field 'Amount' must be of type double"),
    ("Amount = true", "INVALID_FIELD", "must be of type double and should not be enclosed in quotes"),
    ("Status = 5", "INVALID_FIELD", "must be of type string and should be enclosed in quotes"),
    ("IsDeleted = 'true'", "INVALID_FIELD", "must be of type boolean"),
    ("IsDeleted > true", "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on boolean field"),
    ("CreatedDate = '2026-11-08'", "INVALID_FIELD", "must be of type dateTime and should not be enclosed in quotes"),
    ("CreatedDate = 2026-11-08", "INVALID_FIELD", "must be of type dateTime"),
    ("CreatedDate = 5", "INVALID_FIELD", "must be of type dateTime"),
    ("Id = 5", "INVALID_FIELD", "must be of type id and should be enclosed in quotes"),
    ("Amount LIKE '1%'", "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on currency field"),
    ("Id LIKE '0a6%'", "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on id field"),
    ("Status LIKE 5", "INVALID_FIELD", "must be of type string"),
    ("Amount > null", "INVALID_QUERY_FILTER_OPERATOR", "null"),
    ("Foo = 1", "INVALID_FIELD", "No such column 'Foo' on entity 'Payment'"),
    ("Nope.Status = 'x'", "INVALID_FIELD", "Didn't understand relationship 'Nope'"),
    ("Status IN ('a', 5)", "INVALID_FIELD", "must be of type string"),
    ("CreatedDate = 2026-13-45", "MALFORMED_QUERY", "Invalid date"),
    ("CreatedDate = 2026-02-30T10:00:00Z", "MALFORMED_QUERY", "Invalid datetime"),
    ("CreatedDate = NEXT_FISCAL_QUARTER", "MALFORMED_QUERY", "unexpected token: 'NEXT_FISCAL_QUARTER'"),
    ("CreatedDate = LAST_N_DAYS", "MALFORMED_QUERY", "Invalid date literal"),
    ("Status = Processed", "MALFORMED_QUERY", "unexpected token: 'Processed'"),
    ("SUM(Amount) > 5", "MALFORMED_QUERY", "unexpected token: 'SUM'"),
    ("NO_SUCH_FUNCTION(CreatedDate) = 2026", "MALFORMED_QUERY", "unexpected token: 'NO_SUCH_FUNCTION'"),
    ("CALENDAR_YEAR(CreatedDate) = '2026'", "INVALID_FIELD", "must be of type integer"),
])
def test_where_errors(q, where, code, text):
    err = q.error(f"SELECT Id FROM Payment WHERE {where}")
    assert err.error_code == code
    assert text in err.message


def test_long_text_cannot_be_filtered(q):
    err = q.error("SELECT Id FROM PaymentGatewayLog WHERE Request = 'x'")
    assert err.error_code == "INVALID_FIELD"
    assert "field 'Request' can not be filtered in a query call" in err.message
    err = q.error("SELECT Id FROM PaymentGatewayLog WHERE response LIKE '%x%'")
    assert "field 'Response' can not be filtered in a query call" in err.message
