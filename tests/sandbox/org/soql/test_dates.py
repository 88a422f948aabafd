"""Date and datetime literals, relative date literals and their whole-day range semantics."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from toolkit.sandbox.org.schema import Field, SObject
from toolkit.sandbox.org.soql import SoqlError, execute
from toolkit.sandbox.org.soql.literals import date_literal_range
from toolkit.sandbox.org.store import OrgStore

# NOW is Friday 2026-11-20 15:00Z; p1 was created 14:00 today, p2 yesterday 15:00, p3 on 2026-10-16.


@pytest.mark.parametrize(("where", "expected"), [
    ("CreatedDate = TODAY", ["p1"]),
    ("CreatedDate = today", ["p1"]),
    ("CreatedDate = YESTERDAY", ["p2"]),
    ("CreatedDate != TODAY", ["p2", "p3"]),
    ("CreatedDate > YESTERDAY", ["p1"]),
    ("CreatedDate >= YESTERDAY", ["p1", "p2"]),
    ("CreatedDate < TODAY", ["p2", "p3"]),
    ("CreatedDate <= YESTERDAY", ["p2", "p3"]),
    ("CreatedDate > TODAY", []),
    ("CreatedDate = TOMORROW", []),
    ("CreatedDate = LAST_N_DAYS:1", ["p1", "p2"]),
    ("CreatedDate = LAST_N_DAYS:30", ["p1", "p2"]),
    ("CreatedDate = LAST_N_DAYS:35", ["p1", "p2", "p3"]),
    ("CreatedDate < LAST_N_DAYS:30", ["p3"]),
    ("CreatedDate = N_DAYS_AGO:1", ["p2"]),
    ("CreatedDate = N_DAYS_AGO:35", ["p3"]),
    ("CreatedDate = LAST_N_HOURS:1", ["p1"]),
    ("CreatedDate = LAST_N_HOURS:24", ["p1", "p2"]),
    ("CreatedDate = THIS_MONTH", ["p1", "p2"]),
    ("CreatedDate = LAST_MONTH", ["p3"]),
    ("CreatedDate = THIS_WEEK", ["p1", "p2"]),
    ("CreatedDate = THIS_YEAR", ["p1", "p2", "p3"]),
    ("CreatedDate IN (TODAY, LAST_MONTH)", ["p1", "p3"]),
    ("CreatedDate NOT IN (TODAY, LAST_MONTH)", ["p2"]),
    ("CreatedDate > 2026-11-20T13:59:59Z", ["p1"]),
    ("CreatedDate = 2026-11-20T14:00:00Z", ["p1"]),
    ("CreatedDate = 2026-11-20T14:00:00.000+0000", ["p1"]),
    ("CreatedDate = 2026-11-20T15:00:00+01:00", ["p1"]),
    ("CreatedDate = 2026-11-20T09:00:00-05:00", ["p1"]),
    ("CreatedDate < 2026-11-19T15:00:00Z", ["p3"]),
    ("CreatedDate <= 2026-11-19T15:00:00Z", ["p2", "p3"]),
    ("CreatedDate IN (2026-11-19T15:00:00Z, 2026-11-20T14:00:00Z)", ["p1", "p2"]),
    ("GatewayDate = null AND CreatedDate = TODAY", ["p1"]),
])
def test_datetime_field_filters(q, where, expected):
    assert sorted(q.names(f"SELECT Id FROM Payment WHERE {where}")) == expected


def test_literals_follow_now(q):
    later = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)
    assert sorted(q.names("SELECT Id FROM Payment WHERE CreatedDate = LAST_MONTH", now=later)) == ["p1", "p2"]
    assert q.names("SELECT Id FROM Payment WHERE CreatedDate = TODAY", now=later) == []


def test_ranges():
    now = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # a Friday

    def days(name: str, n: int | None = None) -> tuple[date, date]:
        rng = date_literal_range(name, n, now)
        return rng.start.date(), rng.end.date()

    assert days("TODAY") == (date(2026, 11, 20), date(2026, 11, 21))
    assert days("THIS_WEEK") == (date(2026, 11, 15), date(2026, 11, 22))  # Sunday start
    assert days("LAST_WEEK") == (date(2026, 11, 8), date(2026, 11, 15))
    assert days("LAST_MONTH") == (date(2026, 10, 1), date(2026, 11, 1))
    assert days("NEXT_MONTH") == (date(2026, 12, 1), date(2027, 1, 1))
    assert days("THIS_QUARTER") == (date(2026, 10, 1), date(2027, 1, 1))
    assert days("LAST_N_DAYS", 7) == (date(2026, 11, 13), date(2026, 11, 21))
    assert days("NEXT_N_DAYS", 2) == (date(2026, 11, 21), date(2026, 11, 23))
    assert days("N_DAYS_AGO", 3) == (date(2026, 11, 17), date(2026, 11, 18))
    assert days("LAST_N_MONTHS", 2) == (date(2026, 9, 1), date(2026, 11, 1))
    assert days("LAST_YEAR") == (date(2025, 1, 1), date(2026, 1, 1))
    hours = date_literal_range("LAST_N_HOURS", 3, now)
    assert (hours.start, hours.end) == (datetime(2026, 11, 20, 12, tzinfo=UTC), datetime(2026, 11, 20, 16, tzinfo=UTC))
    january = date_literal_range("LAST_MONTH", None, datetime(2026, 1, 5, tzinfo=UTC))
    assert (january.start.date(), january.end.date()) == (date(2025, 12, 1), date(2026, 1, 1))


@pytest.fixture(scope="module")
def dated() -> OrgStore:
    """A store over a one-object schema with a date field (the OMS schema has only datetimes)."""
    fields = {f.name: f for f in [
        Field("Id", "id"), Field("IsDeleted", "boolean"), Field("CreatedDate", "datetime"), Field("Day", "date"),
    ]}
    schema = {"Thing": SObject("Thing", "a00", "Thing", "Things", "Id", fields)}
    store = OrgStore(schema)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    store.insert_many("Thing", [
        {"Id": f"a00{n:012d}AAA", "Day": day, "CreatedDate": created}
        for n, day in enumerate([date(2026, 11, 20), date(2026, 11, 19), date(2026, 10, 31), None], start=1)
    ])
    return store


@pytest.mark.parametrize(("where", "expected"), [
    ("Day = 2026-11-20", [1]),
    ("Day > 2026-11-19", [1]),
    ("Day <= 2026-11-19", [2, 3]),
    ("Day = TODAY", [1]),
    ("Day < TODAY", [2, 3]),
    ("Day = LAST_MONTH", [3]),
    ("Day = LAST_N_DAYS:1", [1, 2]),
    ("Day IN (2026-10-31, TODAY)", [1, 3]),
    ("Day = null", [4]),
])
def test_date_field(dated, where, expected):
    now = datetime(2026, 11, 20, 15, tzinfo=UTC)
    result = execute(f"SELECT Id, Day FROM Thing WHERE {where}", dated, now=now)
    assert sorted(int(r["Id"][3:15]) for r in result.records) == expected


def test_date_field_refuses_datetime_and_formats_dates(dated):
    now = datetime(2026, 11, 20, 15, tzinfo=UTC)
    with pytest.raises(SoqlError) as err:
        execute("SELECT Id FROM Thing WHERE Day = 2026-11-20T00:00:00Z", dated, now=now)
    assert err.value.error_code == "INVALID_FIELD"
    assert "must be of type date and should not be enclosed in quotes" in err.value.message
    record = execute("SELECT Day FROM Thing WHERE Day = 2026-11-20", dated, now=now).records[0]
    assert record["Day"] == "2026-11-20"
