"""Date functions, FIELDS() and case-safe ids in the SOQL engine (the conftest world; now 2026-11-20T15:00Z)."""

from __future__ import annotations

import pytest

from toolkit.sandbox.org.schema import SCHEMA
from toolkit.sandbox.org.soql.literals import parse_id


def test_date_function_groups_keep_nulls_and_name_columns_in_order(q):
    rows = q("SELECT HOUR_IN_DAY(GatewayDate) h, COUNT(Id), WEEK_IN_YEAR(GatewayDate) FROM PaymentGatewayLog "
             "GROUP BY HOUR_IN_DAY(GatewayDate), WEEK_IN_YEAR(GatewayDate) ORDER BY HOUR_IN_DAY(GatewayDate)").records
    # l4 has no GatewayDate: its group is null, and nulls sort first ascending
    assert rows[0] == {"attributes": {"type": "AggregateResult"}, "h": None, "expr0": 1, "expr1": None}
    assert [r["h"] for r in rows[1:]] == [13, 14, 15]
    assert [r["expr1"] for r in rows[1:]] == [47, 47, 45]  # Nov 20 is day 324 of 2026, Nov 11 day 315


def test_date_functions_in_having_and_where(q):
    rows = q("SELECT CALENDAR_MONTH(CreatedDate) m, COUNT(Id) n FROM Payment GROUP BY CALENDAR_MONTH(CreatedDate) "
             "HAVING CALENDAR_MONTH(CreatedDate) = 11").records
    assert rows == [{"attributes": {"type": "AggregateResult"}, "m": 11, "n": 2}]
    assert sorted(q.names("SELECT Id FROM Payment WHERE DAY_IN_MONTH(CreatedDate) IN (19, 20)")) == ["p1", "p2"]
    assert q.names("SELECT Id FROM Payment WHERE DAY_ONLY(CreatedDate) = YESTERDAY") == ["p2"]
    assert q.names("SELECT Id FROM PaymentGatewayLog WHERE CALENDAR_YEAR(GatewayDate) = null") == ["l4"]


@pytest.mark.parametrize(("soql", "text"), [
    ("SELECT Id FROM Payment WHERE DAY_ONLY(CreatedDate) = 2026-11-20T00:00:00Z", "must be of type date"),
    ("SELECT Id FROM Payment WHERE CALENDAR_YEAR() = 2026", "unexpected token: ')'"),
    ("SELECT CALENDAR_YEAR(CreatedDate) y, COUNT(Id) FROM Payment GROUP BY CALENDAR_MONTH(CreatedDate)",
     "Field must be grouped or aggregated"),
    ("SELECT Id FROM Payment ORDER BY CALENDAR_YEAR(CreatedDate)", "unexpected token"),
])
def test_date_function_errors(q, soql, text):
    assert text in q.error(soql).message


def test_fields_standard_lists_every_field_in_describe_order(q):
    record = q("SELECT FIELDS(STANDARD) FROM Refund").records[0]
    assert list(record)[1:] == list(SCHEMA["Refund"].fields)


def test_fields_custom_and_all_need_a_small_limit_even_in_subqueries(q):
    assert q("SELECT Id, FIELDS(CUSTOM) FROM Payment LIMIT 5").records[0].keys() == {"attributes", "Id"}
    err = q.error("SELECT Id, (SELECT FIELDS(ALL) FROM Payments) FROM OrderPaymentSummary")
    assert err.error_code == "MALFORMED_QUERY" and "LIMIT of at most 200" in err.message
    assert q.error("SELECT FIELDS(ALL) FROM Payment LIMIT 201").error_code == "MALFORMED_QUERY"
    assert q("SELECT FIELDS(ALL) FROM PaymentGatewayLog LIMIT 200").long_text_fields == 2
    assert q.error("SELECT FIELDS(ALL) x FROM Payment LIMIT 1").error_code == "MALFORMED_QUERY"
    assert q.error("SELECT Id FROM Payment WHERE Id IN (SELECT FIELDS(STANDARD) FROM Payment)").error_code == \
        "MALFORMED_QUERY"


def test_eighteen_character_ids_are_read_case_safely(ids):
    p1 = ids["p1"]
    assert parse_id(p1.lower()) == p1
    assert parse_id(p1[:15].upper() + p1[15:]) == p1  # the suffix, not the letters, says which are upper-case
    assert parse_id(p1[:15]) == p1
    assert parse_id(p1[:15] + "999") is None  # 9 is not a suffix character
    assert parse_id("short") is None and parse_id("0a6-0000000000001AAA"[:18]) is None
