"""A case file's ``salesforce.user`` (time zone, currency) and ``salesforce.currency_types`` (the org's rates): loaded,
checked, saved back, and used by SOQL over the real client (docs/case-file.md)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from toolkit.errors import CaseFileError
from toolkit.sandbox import Sandbox

DEMO = Path(__file__).resolve().parents[3] / "toolkit" / "sandbox" / "data" / "demo-world.json"
CASE = Path(__file__).resolve().parents[2] / "data" / "cases" / "handwritten" / "refund-pending-jpy.json"
RATES = [{"IsoCode": "USD", "ConversionRate": 1, "IsCorporate": True},
         {"IsoCode": "JPY", "ConversionRate": 150, "DecimalPlaces": 0},
         {"IsoCode": "EUR", "ConversionRate": 0.9, "IsActive": False}]


def _case(**salesforce: Any) -> dict[str, Any]:
    import json

    data = json.loads(CASE.read_text(encoding="utf-8"))
    data["salesforce"].update(salesforce)
    return data


def test_the_demo_world_is_multi_currency_and_its_queries_convert() -> None:
    box = Sandbox.from_case(DEMO)
    settings = box.org.settings
    assert settings.currencies is not None and settings.currencies.corporate == "USD"
    assert set(settings.currencies.rates) == {"USD", "EUR", "JPY"} and settings.time_zone == "GMT"
    sf = box.salesforce()
    rows = sf.query_all("SELECT CurrencyIsoCode c, SUM(GrandTotalAmount) s FROM OrderSummary GROUP BY "
                        "CurrencyIsoCode ORDER BY CurrencyIsoCode")["records"]
    raw = {c: sum(r["GrandTotalAmount"] for r in sf.query_all(
        f"SELECT GrandTotalAmount FROM OrderSummary WHERE CurrencyIsoCode = '{c}'")["records"]) for c in ("EUR", "JPY")}
    by_code = {r["c"]: r["s"] for r in rows}
    assert by_code["EUR"] == pytest.approx(raw["EUR"] / 0.92, abs=0.01)  # reported in USD
    assert by_code["JPY"] == pytest.approx(raw["JPY"] / 151.5, abs=0.01)
    top = sf.query("SELECT OrderNumber, CurrencyIsoCode, GrandTotalAmount, convertCurrency(GrandTotalAmount) usd "
                   "FROM OrderSummary ORDER BY GrandTotalAmount DESC LIMIT 3")["records"]
    assert [r["usd"] for r in top] == sorted((r["usd"] for r in top), reverse=True)
    assert all(r["CurrencyIsoCode"] != "JPY" or r["GrandTotalAmount"] > r["usd"] for r in top)
    saved = box.to_case()
    assert saved["salesforce"]["currency_types"][0] == {"IsoCode": "EUR", "ConversionRate": 0.92, "DecimalPlaces": 2,
                                                         "IsActive": True, "IsCorporate": False}
    assert "user" not in saved["salesforce"]  # GMT and no user currency: the defaults are not written


def test_a_case_with_a_time_zone_and_rates_round_trips_and_queries_in_them() -> None:
    box = Sandbox.from_case(_case(user={"TimeZoneSidKey": "Asia/Tokyo", "DefaultCurrencyIsoCode": "JPY"},
                                  currency_types=RATES))
    assert box.org.settings.time_zone == "Asia/Tokyo" and box.org.settings.currency == "JPY"
    saved = box.to_case()
    assert saved["salesforce"]["user"] == {"TimeZoneSidKey": "Asia/Tokyo", "DefaultCurrencyIsoCode": "JPY"}
    again = Sandbox.from_case(saved)
    assert again.org.settings == box.org.settings
    sf = box.salesforce()
    # the order was placed 2026-11-05T03:30Z: 12:30 in Tokyo; the user's currency is JPY
    row = sf.query("SELECT HOUR_IN_DAY(convertTimezone(OrderedDate)) h, COUNT(Id) n FROM OrderSummary "
                   "GROUP BY HOUR_IN_DAY(convertTimezone(OrderedDate))")["records"][0]
    assert (row["h"], row["n"]) == (12, 1)
    order = sf.query("SELECT convertCurrency(GrandTotalAmount) FROM OrderSummary WHERE GrandTotalAmount > USD80")
    assert [r["GrandTotalAmount"] for r in order["records"]] == [12800.0]  # 12,800 JPY is 85.33 USD
    assert sf.query("SELECT Id FROM OrderSummary WHERE GrandTotalAmount > USD90")["totalSize"] == 0
    # a case without them is single-currency in GMT again
    box.load_case(_case())
    assert box.org.settings.currencies is None and box.org.settings.time_zone == "GMT"


@pytest.mark.parametrize(("salesforce", "text"), [
    ({"user": {"TimeZoneSidKey": "Mars/Olympus"}}, "not a time zone"),
    ({"user": {"TimeZone": "GMT"}}, "unknown key"),
    ({"user": {"DefaultCurrencyIsoCode": "JPY"}}, "needs salesforce.currency_types"),
    ({"currency_types": []}, "non-empty list"),
    ({"currency_types": [{"IsoCode": "USD", "ConversionRate": 1}]}, "exactly one row IsCorporate"),
    ({"currency_types": [{"IsoCode": "USD", "ConversionRate": 2, "IsCorporate": True}]}, "1 by definition"),
    ({"currency_types": [{"IsoCode": "USD", "ConversionRate": 1, "IsCorporate": True},
                         {"IsoCode": "JPY", "ConversionRate": -1}]}, "positive number"),
    ({"currency_types": [{"IsoCode": "USD", "ConversionRate": 1, "IsCorporate": True}]}, "CurrencyIsoCode JPY"),
    ({"currency_types": [{"IsoCode": "XXX", "ConversionRate": 1, "IsCorporate": True}]}, "not a currency"),
    ({"currency": "USD"}, "unknown key"),
])
def test_bad_settings_are_refused_in_one_sentence(salesforce: dict[str, Any], text: str) -> None:
    box = Sandbox.from_case(DEMO)
    before = copy.deepcopy(box.org.settings)
    with pytest.raises(CaseFileError) as info:
        box.load_case(_case(**salesforce))
    assert text in str(info.value)
    assert box.org.settings == before  # nothing changed
