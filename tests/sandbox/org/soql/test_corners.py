"""The SOQL corners of issue 12, each test citing the Salesforce documentation it follows: booleans of missing
parents and ``= null``, TYPEOF, ``convertTimezone()`` inside date functions, date literals in the user's time zone,
currency literals, and a multi-currency org (converted ORDER BY and aggregates, ``convertCurrency()``).

The world is the one of ``conftest.py``: NOW is Friday 2026-11-20 15:00Z; p1 (USD 100, 14:00 today, authorization
pa1), p2 (USD 29, yesterday 15:00, pa1), p3 (50, 2026-10-16, no authorization), p4 (deleted). Payments carry no
CurrencyIsoCode of their own here; the order summaries are os1 USD 129 and os2 EUR 50.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from toolkit.sandbox.org.settings import Currencies, OrgSettings
from toolkit.sandbox.org.soql import execute
from toolkit.sandbox.org.store import OrgStore

from .conftest import IDS, NOW, sfid

RATES = Currencies("USD", {"USD": Decimal(1), "EUR": Decimal("0.5"), "JPY": Decimal("150")},
                   {"USD": 2, "EUR": 2, "JPY": 0})
MULTI = OrgSettings(currencies=RATES)
LOS_ANGELES = OrgSettings(time_zone="America/Los_Angeles")
TOKYO = OrgSettings(time_zone="Asia/Tokyo")


@pytest.fixture(scope="module")
def money() -> OrgStore:
    """Order summaries in three currencies: 100 USD, 60 EUR (120 USD), 9000 JPY (60 USD), 80 USD."""
    store = OrgStore()
    created = NOW - timedelta(days=2)
    system = {"CreatedDate": created, "LastModifiedDate": created, "SystemModstamp": created}
    store.insert_many("OrderSummary", [
        {"Id": sfid("1Os", 11), "OrderNumber": "A-USD-100", "GrandTotalAmount": 100.0, "CurrencyIsoCode": "USD",
         **system},
        {"Id": sfid("1Os", 12), "OrderNumber": "B-EUR-60", "GrandTotalAmount": 60.0, "CurrencyIsoCode": "EUR",
         **system},
        {"Id": sfid("1Os", 13), "OrderNumber": "C-JPY-9000", "GrandTotalAmount": 9000.0, "CurrencyIsoCode": "JPY",
         **system},
        {"Id": sfid("1Os", 14), "OrderNumber": "D-USD-80", "GrandTotalAmount": 80.0, "CurrencyIsoCode": "USD",
         **system},
    ])
    return store


def numbers(store: OrgStore, soql: str, settings: OrgSettings | None = None) -> list[str]:
    return [r["OrderNumber"] for r in execute(soql, store, now=NOW, settings=settings).records]


# --- booleans ----------------------------------------------------------------------------------------------------


def test_a_boolean_of_a_missing_parent_counts_as_false(q):
    """Salesforce, "null Values in Lookup Relationships and Outer Joins" (SOQL and SOSL Reference,
    https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-relationships-lookup.md):
    a WHERE on a parent field returns the record even when the parent does not exist; and "Use null in WHERE"
    (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/api/sforce_api_calls_soql_null.htm): a boolean
    is never null, so the missing parent's boolean is false. p3 has no authorization."""
    soql = "SELECT Id FROM Payment WHERE PaymentAuthorization.IsDeleted = false"
    assert sorted(q.names(soql)) == ["p1", "p2", "p3"]
    assert q.names("SELECT Id FROM Payment WHERE PaymentAuthorization.IsDeleted = true") == []
    assert sorted(q.names("SELECT Id FROM Payment WHERE PaymentAuthorization.IsDeleted != true")) == ["p1", "p2", "p3"]


def test_boolean_equals_null_means_false(q):
    """Salesforce, "Use null in WHERE"
    (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/api/sforce_api_calls_soql_null.htm):
    ``WHERE Test_c = null`` is equivalent to ``= false`` and ``!= null`` to ``= true``."""
    assert sorted(q.names("SELECT Id FROM Payment WHERE IsDeleted = null")) == ["p1", "p2", "p3"]
    assert q.names("SELECT Id FROM Payment WHERE IsDeleted != null") == []
    assert q.names("SELECT Id FROM Payment WHERE IsDeleted != null", include_deleted=True) == ["p4"]
    assert sorted(q.names("SELECT Id FROM Payment WHERE PaymentAuthorization.IsDeleted = null")) == ["p1", "p2", "p3"]
    # a text field of a missing parent stays null (the record is returned for = null)
    assert q.names("SELECT Id FROM Payment WHERE PaymentAuthorization.GatewayRefNumber = null") == ["p3"]


# --- TYPEOF ------------------------------------------------------------------------------------------------------


def test_typeof_renders_the_fields_of_the_type_the_record_points_to(q):
    """Salesforce, "TYPEOF" (SOQL and SOSL Reference, GA since API 46.0,
    https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-typeof.html):
    ``TYPEOF typeOfField WHEN whenObjectType THEN whenFieldList [ELSE elseFieldList] END`` selects fields by the
    runtime type of a polymorphic relationship; ELSE applies when no WHEN matches."""
    result = q("SELECT Id, TYPEOF ReferencedEntity WHEN Payment THEN Amount, Status WHEN Refund THEN Amount, Type "
               "ELSE Id, Type END FROM PaymentGatewayLog ORDER BY CreatedDate DESC")
    by_id = {r["Id"]: r["ReferencedEntity"] for r in result.records}
    payment = by_id[IDS["l1"]]
    assert payment["attributes"]["type"] == "Payment" and payment["Amount"] == 100.0
    assert payment["Status"] == "Processed" and set(payment) == {"attributes", "Amount", "Status"}
    refund = by_id[IDS["l3"]]
    assert refund["attributes"]["type"] == "Refund" and (refund["Amount"], refund["Type"]) == (10.0, "Referenced")
    authorization = by_id[IDS["l2"]]  # no WHEN for it: the ELSE fields of the polymorphic Name entity
    assert authorization == {"attributes": authorization["attributes"], "Id": IDS["pa1"],
                             "Type": "PaymentAuthorization"}
    assert by_id[IDS["l4"]] is None  # an empty lookup


def test_typeof_through_a_parent_and_its_refusals(q):
    """Salesforce, "TYPEOF"
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-typeof.html):
    typeOfField may be a polymorphic field of a parent; it cannot also be referenced in the field list; TYPEOF is not
    allowed in a query that does not return records (aggregates)."""
    result = q("SELECT Id, TYPEOF LastPaymentGatewayLog.ReferencedEntity WHEN Payment THEN Amount END "
               "FROM OrderPaymentSummary")
    assert all("LastPaymentGatewayLog" in r for r in result.records)
    for soql, text in [
        ("SELECT TYPEOF OrderPaymentSummary WHEN OrderPaymentSummary THEN Id END FROM Payment", "polymorphic"),
        ("SELECT TYPEOF ReferencedEntity WHEN Account THEN Name END FROM PaymentGatewayLog", "not one of the types"),
        ("SELECT ReferencedEntity.Id, TYPEOF ReferencedEntity WHEN Payment THEN Amount END FROM PaymentGatewayLog",
         "also selected"),
        ("SELECT COUNT(Id), TYPEOF ReferencedEntity WHEN Payment THEN Amount END FROM PaymentGatewayLog",
         "does not return records"),
    ]:
        err = q.error(soql)
        assert err.error_code == "MALFORMED_QUERY" and text in err.message, (soql, err.message)


# --- time zones --------------------------------------------------------------------------------------------------


def test_convert_timezone_inside_a_date_function(q):
    """Salesforce, "convertTimezone()"
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-convert-time-zone.md):
    SOQL returns dateTime values in UTC; ``convertTimezone()`` inside a date function converts them to the user's
    time zone, and only there (``SELECT convertTimezone(CreatedDate)`` does not work)."""
    utc = q("SELECT HOUR_IN_DAY(CreatedDate) h, COUNT(Id) n FROM Payment WHERE CreatedDate = LAST_N_DAYS:2 "
            "GROUP BY HOUR_IN_DAY(CreatedDate)")
    assert {r["h"]: r["n"] for r in utc.records} == {14: 1, 15: 1}
    soql = ("SELECT HOUR_IN_DAY(convertTimezone(CreatedDate)) h, COUNT(Id) n FROM Payment "
            "WHERE CreatedDate = LAST_N_DAYS:2 GROUP BY HOUR_IN_DAY(convertTimezone(CreatedDate))")
    # without a user time zone (GMT) convertTimezone() changes nothing; in Los Angeles (PST, UTC-8) 14:00Z is 06:00
    assert {r["h"]: r["n"] for r in q(soql).records} == {14: 1, 15: 1}
    assert {r["h"]: r["n"] for r in q(soql, settings=LOS_ANGELES).records} == {6: 1, 7: 1}
    # in Tokyo (UTC+9) p2, created 15:00Z on the 19th, is on the 20th, like p1 (14:00Z = 23:00 JST)
    soql = "SELECT Id FROM Payment WHERE DAY_IN_MONTH(convertTimezone(CreatedDate)) = 20"
    assert sorted(q.names(soql, settings=TOKYO)) == ["p1", "p2"]
    assert q.names(soql) == ["p1"]
    assert q.names("SELECT Id FROM Payment WHERE DAY_IN_MONTH(CreatedDate) = 20", settings=TOKYO) == ["p1"]
    for soql in ("SELECT convertTimezone(CreatedDate) FROM Payment",
                 "SELECT Id FROM Payment WHERE convertTimezone(CreatedDate) > 2026-11-01T00:00:00Z",
                 "SELECT Id FROM Payment ORDER BY convertTimezone(CreatedDate)"):
        err = q.error(soql)
        assert err.error_code == "MALFORMED_QUERY", soql
    assert "date function" in q.error("SELECT Id FROM Payment WHERE convertTimezone(CreatedDate) > "
                                      "2026-11-01T00:00:00Z").message
    grouped = q("SELECT DAY_ONLY(convertTimezone(CreatedDate)) d, COUNT(Id) n FROM Payment "
                "GROUP BY DAY_ONLY(convertTimezone(CreatedDate))", settings=TOKYO)
    assert {r["d"]: r["n"] for r in grouped.records} == {"2026-11-20": 2, "2026-10-17": 1}
    err = q.error("SELECT COUNT(Id) FROM Payment GROUP BY DAY_ONLY(convertTimezone(Status))")
    assert err.error_code == "MALFORMED_QUERY"


def test_date_literals_are_days_of_the_users_time_zone(q):
    """Salesforce, "Date Formats and Date Literals in WHERE"
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-dateformats.md):
    each date literal is a range starting at midnight, determined by the querying user's settings. NOW is 15:00Z on
    Friday the 20th: 07:00 in Los Angeles, 00:00 on Saturday the 21st in Tokyo."""
    assert q.names("SELECT Id FROM Payment WHERE CreatedDate = TODAY") == ["p1"]
    # Los Angeles: today began 08:00Z, so p1 (14:00Z) is today and p2 (yesterday 15:00Z = 07:00 PST) is yesterday
    assert q.names("SELECT Id FROM Payment WHERE CreatedDate = TODAY", settings=LOS_ANGELES) == ["p1"]
    assert q.names("SELECT Id FROM Payment WHERE CreatedDate = YESTERDAY", settings=LOS_ANGELES) == ["p2"]
    # Tokyo: today (the 21st) began at 15:00Z: nothing yet; p1 and p2 are both "yesterday" (the 20th, JST)
    assert q.names("SELECT Id FROM Payment WHERE CreatedDate = TODAY", settings=TOKYO) == []
    assert sorted(q.names("SELECT Id FROM Payment WHERE CreatedDate = YESTERDAY", settings=TOKYO)) == ["p1", "p2"]
    # a date field: ExpirationDate is a datetime here, OrderedDate too; THIS_WEEK in Tokyo starts Sunday the 15th
    assert sorted(q.names("SELECT Id FROM Payment WHERE CreatedDate = THIS_WEEK", settings=TOKYO)) == ["p1", "p2"]


# --- currencies --------------------------------------------------------------------------------------------------


def test_without_rates_the_org_is_single_currency(money):
    """Salesforce, "convertCurrency()"
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-querying-currency-fields.md):
    ``convertCurrency()`` and ISO-code values require an org with multiple currencies; without rates amounts sort
    and add as plain numbers, as before."""
    assert numbers(money, "SELECT OrderNumber FROM OrderSummary ORDER BY GrandTotalAmount") == [
        "B-EUR-60", "D-USD-80", "A-USD-100", "C-JPY-9000"]
    total = execute("SELECT SUM(GrandTotalAmount) s FROM OrderSummary", money, now=NOW).records[0]["s"]
    assert total == 9240.0
    for soql in ("SELECT Id FROM OrderSummary WHERE GrandTotalAmount > USD90",
                 "SELECT convertCurrency(GrandTotalAmount) FROM OrderSummary"):
        with pytest.raises(Exception) as info:
            execute(soql, money, now=NOW)
        assert info.value.error_code == "MALFORMED_QUERY" and "multiple currencies" in info.value.message


def test_currency_literals_compare_converted_amounts(money):
    """Salesforce, "convertCurrency()", Considerations
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-querying-currency-fields.md):
    ``WHERE Amount > USD5000`` returns records whose amount is greater than the equivalent of USD5000; the ISO code
    must be an active currency; an IN list cannot mix ISO and plain values; without an ISO code the plain number is
    compared."""
    assert numbers(money, "SELECT OrderNumber FROM OrderSummary WHERE GrandTotalAmount > USD90 ORDER BY OrderNumber",
                   MULTI) == ["A-USD-100", "B-EUR-60"]
    assert numbers(money, "SELECT OrderNumber FROM OrderSummary WHERE GrandTotalAmount = EUR30", MULTI) == [
        "C-JPY-9000"]
    assert numbers(money, "SELECT OrderNumber FROM OrderSummary WHERE GrandTotalAmount IN (USD100, JPY12000) "
                   "ORDER BY OrderNumber", MULTI) == ["A-USD-100", "D-USD-80"]  # JPY12000 is 80 USD
    assert numbers(money, "SELECT OrderNumber FROM OrderSummary WHERE GrandTotalAmount > 90 ORDER BY OrderNumber",
                   MULTI) == ["A-USD-100", "C-JPY-9000"]
    for soql, text in [("SELECT Id FROM OrderSummary WHERE GrandTotalAmount > GBP90", "Invalid currency code"),
                       ("SELECT Id FROM OrderSummary WHERE GrandTotalAmount IN (USD90, 80)", "mix"),
                       ("SELECT Id FROM OrderSummary WHERE OrderNumber = USD90", ""),
                       ("SELECT MAX(GrandTotalAmount) FROM OrderSummary HAVING MAX(GrandTotalAmount) > USD10",
                        "aggregate")]:
        with pytest.raises(Exception) as info:
            execute(soql, money, now=NOW, settings=MULTI)
        assert info.value.error_code in ("MALFORMED_QUERY", "INVALID_FIELD") and text in info.value.message, soql


def test_order_by_and_aggregates_use_the_corporate_currency(money):
    """Salesforce, "convertCurrency()", Considerations
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-querying-currency-fields.md):
    ordering is always based on the converted currency value, as in reports; aggregate functions on currency fields
    return the value in the org's default (corporate) currency, and ``convertCurrency()`` cannot be applied to
    them."""
    assert numbers(money, "SELECT OrderNumber FROM OrderSummary ORDER BY GrandTotalAmount", MULTI) == [
        "C-JPY-9000", "D-USD-80", "A-USD-100", "B-EUR-60"]  # 60, 80, 100, 120 USD
    assert numbers(money, "SELECT OrderNumber FROM OrderSummary ORDER BY GrandTotalAmount DESC LIMIT 1", MULTI) == [
        "B-EUR-60"]
    row = execute("SELECT SUM(GrandTotalAmount) s, MAX(GrandTotalAmount) mx, MIN(GrandTotalAmount) mn, "
                  "AVG(GrandTotalAmount) a, COUNT(Id) n FROM OrderSummary", money, now=NOW, settings=MULTI).records[0]
    assert (row["s"], row["mx"], row["mn"], row["a"], row["n"]) == (360.0, 120.0, 60.0, 90.0, 4)
    grouped = execute("SELECT CurrencyIsoCode c, SUM(GrandTotalAmount) s FROM OrderSummary GROUP BY CurrencyIsoCode "
                      "HAVING SUM(GrandTotalAmount) > 100 ORDER BY CurrencyIsoCode", money, now=NOW,
                      settings=MULTI).records
    assert [(r["c"], r["s"]) for r in grouped] == [("EUR", 120.0), ("USD", 180.0)]
    with pytest.raises(Exception) as info:
        execute("SELECT SUM(convertCurrency(GrandTotalAmount)) FROM OrderSummary", money, now=NOW, settings=MULTI)
    assert info.value.error_code == "MALFORMED_QUERY"


def test_convert_currency_in_the_select_list(money):
    """Salesforce, "convertCurrency()"
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-querying-currency-fields.md):
    ``convertCurrency(field)`` in SELECT converts to the user's currency (aliasing allowed); it cannot be used in
    WHERE or ORDER BY."""
    rows = execute("SELECT OrderNumber, GrandTotalAmount, convertCurrency(GrandTotalAmount) usd FROM OrderSummary "
                   "ORDER BY OrderNumber", money, now=NOW, settings=MULTI).records
    assert [(r["OrderNumber"], r["GrandTotalAmount"], r["usd"]) for r in rows] == [
        ("A-USD-100", 100.0, 100.0), ("B-EUR-60", 60.0, 120.0), ("C-JPY-9000", 9000.0, 60.0), ("D-USD-80", 80.0, 80.0)]
    in_euros = OrgSettings(user_currency="EUR", currencies=RATES)
    rows = execute("SELECT convertCurrency(GrandTotalAmount) FROM OrderSummary ORDER BY OrderNumber", money, now=NOW,
                   settings=in_euros).records
    assert [r["GrandTotalAmount"] for r in rows] == [50.0, 60.0, 30.0, 40.0]
    for soql in ("SELECT Id FROM OrderSummary WHERE convertCurrency(GrandTotalAmount) > 10",
                 "SELECT Id FROM OrderSummary ORDER BY convertCurrency(GrandTotalAmount)",
                 "SELECT convertCurrency(OrderNumber) FROM OrderSummary"):
        with pytest.raises(Exception) as info:
            execute(soql, money, now=NOW, settings=MULTI)
        assert info.value.error_code in ("MALFORMED_QUERY", "INVALID_FIELD"), soql

