"""COUNT(), aggregate functions, GROUP BY, HAVING, aliases and exprN naming."""

from __future__ import annotations

import pytest

AGG = {"type": "AggregateResult"}


def test_count_star(q):
    result = q("SELECT COUNT() FROM Payment")
    assert (result.records, result.total_size) == ([], 3)
    assert q("SELECT count() FROM Payment WHERE Amount > 40").total_size == 2
    assert q("SELECT COUNT() FROM Payment", include_deleted=True).total_size == 4
    assert q("SELECT COUNT() FROM Payment LIMIT 1").total_size == 1
    assert q("SELECT COUNT() FROM Payment WHERE Amount > 1000").total_size == 0


def test_count_star_with_group_by_or_order_by_is_refused(q):
    # "You can't use COUNT() with a GROUP BY clause for API version 19.0 and later" / "... with an ORDER BY clause"
    for soql in ("SELECT COUNT() FROM Payment GROUP BY Type", "SELECT COUNT() FROM Payment ORDER BY Amount"):
        assert q.error(soql).error_code == "MALFORMED_QUERY"


def test_aggregates_without_group_by_give_one_row(q):
    result = q("SELECT COUNT(Id), SUM(Amount), MIN(Amount), MAX(Amount), AVG(Amount), COUNT(GatewayRefNumber), "
               "MAX(CreatedDate), COUNT_DISTINCT(Type) FROM Payment")
    assert result.total_size == 1
    assert result.records == [{
        "attributes": AGG, "expr0": 3, "expr1": 179.0, "expr2": 29.0, "expr3": 100.0,
        "expr4": pytest.approx(59.6667, 1e-4),
        "expr5": 2, "expr6": "2026-11-20T14:00:00.000+0000", "expr7": 2,
    }]


def test_aggregates_over_no_rows(q):
    record = q("SELECT COUNT(Id), SUM(Amount) total FROM Payment WHERE Amount > 1000").records
    assert record == [{"attributes": AGG, "expr0": 0, "total": None}]
    assert q("SELECT Type, COUNT(Id) FROM Payment WHERE Amount > 1000 GROUP BY Type").records == []


def test_sum_adds_in_decimal(q):
    assert q("SELECT SUM(Amount) FROM Payment WHERE Type = 'Capture'").records[0]["expr0"] == 129.0


def test_group_by_with_aliases_and_order(q):
    result = q("SELECT Type, SUM(Amount) total, COUNT(Id) FROM Payment GROUP BY Type ORDER BY SUM(Amount) DESC")
    assert result.records == [
        {"attributes": AGG, "Type": "Capture", "total": 129.0, "expr0": 2},
        {"attributes": AGG, "Type": "Sale", "total": 50.0, "expr0": 1},
    ]
    assert result.total_size == 2 and result.long_text_fields == 0


def test_group_by_parent_path_keeps_field_name(q):
    records = q("SELECT PaymentAuthorization.Status, COUNT(Id) n FROM Payment GROUP BY PaymentAuthorization.Status "
                "ORDER BY PaymentAuthorization.Status NULLS FIRST").records
    assert records == [{"attributes": AGG, "Status": None, "n": 1}, {"attributes": AGG, "Status": "Processed", "n": 2}]


def test_grouped_field_alias(q):
    records = q("SELECT Type t, COUNT(Id) FROM Payment GROUP BY Type ORDER BY Type").records
    assert [list(r) for r in records] == [["attributes", "t", "expr0"]] * 2


def test_having(q):
    records = q("SELECT Type, COUNT(Id) FROM Payment GROUP BY Type HAVING COUNT(Id) > 1").records
    assert records == [{"attributes": AGG, "Type": "Capture", "expr0": 2}]
    records = q("SELECT Type FROM Payment GROUP BY Type HAVING Type = 'sale' OR SUM(Amount) > 1000").records
    assert records == [{"attributes": AGG, "Type": "Sale"}]


def test_group_by_limit_offset(q):
    records = q("SELECT Type FROM Payment GROUP BY Type ORDER BY Type DESC LIMIT 1 OFFSET 1").records
    assert records == [{"attributes": AGG, "Type": "Capture"}]


def test_min_max_on_text_and_picklist(q):
    record = q("SELECT MIN(GatewayRefNumber), MAX(Status) FROM Payment").records[0]
    assert record == {"attributes": AGG, "expr0": "ch_1", "expr1": "Processed"}


@pytest.mark.parametrize(("soql", "code", "text"), [
    ("SELECT Type, COUNT(Id) FROM Payment", "MALFORMED_QUERY", "Field must be grouped or aggregated: Type"),
    ("SELECT Status, COUNT(Id) FROM Payment GROUP BY Type", "MALFORMED_QUERY", "Field must be grouped or aggregated"),
    ("SELECT SUM(Status) FROM Payment", "INVALID_FIELD", "field Status does not support aggregate operator SUM"),
    ("SELECT AVG(CreatedDate) FROM Payment", "INVALID_FIELD", "does not support aggregate operator AVG"),
    ("SELECT MAX(IsDeleted) FROM Payment", "INVALID_FIELD", "does not support aggregate operator MAX"),
    ("SELECT COUNT(Request) FROM PaymentGatewayLog", "INVALID_FIELD", "does not support aggregate operator COUNT"),
    ("SELECT Amount, COUNT(Id) FROM Payment GROUP BY Amount", "INVALID_FIELD", "can not be grouped"),
    ("SELECT COUNT(Id) FROM Payment GROUP BY CreatedDate", "INVALID_FIELD", "can not be grouped"),
    ("SELECT COUNT(), Id FROM Payment", "MALFORMED_QUERY", "COUNT()"),
    ("SELECT SUM() FROM Payment", "MALFORMED_QUERY", "unexpected token"),
    ("SELECT FORMAT(Amount) FROM Payment", "MALFORMED_QUERY", "unexpected token: 'FORMAT'"),
    ("SELECT convertCurrency(Amount) FROM Payment", "MALFORMED_QUERY", "multiple currencies enabled"),
    ("SELECT Type, COUNT(Id) FROM Payment GROUP BY ROLLUP(Type)", "MALFORMED_QUERY", "unexpected token: 'ROLLUP'"),
    ("SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) FROM Payment", "MALFORMED_QUERY",
     "Field must be grouped or aggregated"),
    ("SELECT COUNT(Id) FROM Payment GROUP BY CALENDAR_YEAR(Amount)", "MALFORMED_QUERY", "date function"),
    ("SELECT COUNT(Id) FROM Payment GROUP BY HOUR_IN_DAY(Status)", "MALFORMED_QUERY", "date function"),
    ("SELECT FIELDS(STANDARD), COUNT(Id) FROM Payment", "MALFORMED_QUERY", "FIELDS()"),
    ("SELECT SUM(Amount) a, COUNT(Id) A FROM Payment", "MALFORMED_QUERY", "duplicate alias"),
    ("SELECT Type, COUNT(Id) FROM Payment GROUP BY Type HAVING Status = 'x'", "MALFORMED_QUERY",
     "Field must be grouped or aggregated"),
    ("SELECT Type, (SELECT Id FROM PaymentGatewayLogs) FROM Payment GROUP BY Type", "MALFORMED_QUERY", "subqueries"),
    ("SELECT Type FROM Payment GROUP BY ROLLUP(Type)", "MALFORMED_QUERY", "unexpected token"),
    ("SELECT Id, (SELECT COUNT(Id) FROM Payments) FROM OrderPaymentSummary", "MALFORMED_QUERY", "Aggregate"),
    ("SELECT COUNT(Id) FROM Payment WHERE COUNT(Id) > 1", "MALFORMED_QUERY", "unexpected token: 'COUNT'"),
    ("SELECT Type, COUNT(Id) FROM Payment GROUP BY Type HAVING COUNT(Id) > 'x'", "INVALID_FIELD", "integer"),
])
def test_aggregate_errors(q, soql, code, text):
    err = q.error(soql)
    assert err.error_code == code
    assert text in err.message


def test_semi_join_in_having_is_refused(q):
    err = q.error("SELECT Type, COUNT(Id) FROM Payment GROUP BY Type HAVING Type IN (SELECT Type FROM Refund)")
    assert err.error_code == "MALFORMED_QUERY"
