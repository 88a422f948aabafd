"""query / queryAll through the real client: batches, locators, snapshots, the batchSize header."""

from __future__ import annotations

from typing import Any

import pytest
import simple_salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from toolkit.core.ids import to_18
from toolkit.sandbox import Sandbox

ROWS = 5000


def _world(rows: int) -> dict[str, list[dict[str, Any]]]:
    ops_id = to_18("0bMTS0000000001")
    logs = [{
        "Id": to_18(f"0XtTS{n:010d}"),
        "InteractionType": "Capture",
        "InteractionStatus": "Success" if n % 3 else "Failed",
        "OrderPaymentSummaryId": ops_id,
        "Request": f'{{"amount": {n}}}',
        "Response": '{"status": "succeeded"}',
        "CreatedDate": f"2026-11-{1 + n % 28:02d}T10:00:00.000+0000",
    } for n in range(rows)]
    return {
        "OrderSummary": [{"Id": to_18("1OsTS0000000001"), "OrderNumber": "00000001",
                          "CreatedDate": "2026-11-01T00:00:00Z"}],
        "OrderPaymentSummary": [{"Id": ops_id, "OrderSummaryId": to_18("1OsTS0000000001"),
                                 "CreatedDate": "2026-11-01T00:00:00Z"}],
        "PaymentGatewayLog": logs,
    }


@pytest.fixture(scope="module")
def big() -> Sandbox:
    box = Sandbox()
    box.org.load_records(_world(ROWS))
    return box


def _pages(sf: simple_salesforce.Salesforce, soql: str, **kwargs: Any) -> list[dict[str, Any]]:
    pages = [sf.query(soql, **kwargs)]
    while not pages[-1]["done"]:
        pages.append(sf.query_more(pages[-1]["nextRecordsUrl"], identifier_is_url=True, **kwargs))
    return pages


def test_query_all_returns_every_row_once(big: Sandbox) -> None:
    sf = big.salesforce()
    big.org.log.clear()
    result = sf.query_all("SELECT Id, InteractionStatus FROM PaymentGatewayLog")
    ids = [r["Id"] for r in result["records"]]
    assert len(ids) == ROWS == len(set(ids))
    assert set(ids) == {r["Id"] for r in big.org.store.rows("PaymentGatewayLog")}
    assert result["records"][0]["attributes"]["type"] == "PaymentGatewayLog"
    counts = big.org.log.counts()
    assert counts["GET /services/data/v62.0/query/"] == 1
    assert counts["GET /services/data/v62.0/query/{id}"] == 2  # 2000 + 2000 + 1000


def test_default_batches_and_locator_shape(big: Sandbox) -> None:
    pages = _pages(big.salesforce(), "SELECT Id FROM PaymentGatewayLog")
    assert [len(p["records"]) for p in pages] == [2000, 2000, 1000]
    assert all(p["totalSize"] == ROWS for p in pages)
    first = pages[0]["nextRecordsUrl"]
    locator, offset = first.rsplit("/", 1)[1].split("-")
    assert first.startswith("/services/data/v62.0/query/01g") and len(locator) == 18 and offset == "2000"
    assert pages[1]["nextRecordsUrl"] == first.replace("-2000", "-4000")
    assert "nextRecordsUrl" not in pages[-1]


@pytest.mark.parametrize(("asked", "sizes"), [
    (500, [500] * 10),
    (1500, [1500, 1500, 1500, 500]),
    (50, [200] * 25),  # below 200: 200
    (9000, [2000, 2000, 1000]),  # above 2000: 2000
])
def test_batch_size_header(big: Sandbox, asked: int, sizes: list[int]) -> None:
    sf = big.salesforce()
    headers = {"Sforce-Query-Options": f"batchSize={asked}"}
    pages = _pages(sf, "SELECT Id FROM PaymentGatewayLog", headers=headers)
    assert [len(p["records"]) for p in pages] == sizes
    records = list(sf.query_all_iter("SELECT Id FROM PaymentGatewayLog", headers=headers))
    assert len({r["Id"] for r in records}) == ROWS


def test_two_long_text_fields_cap_batches_at_200(big: Sandbox) -> None:
    sf = big.salesforce()
    pages = _pages(sf, "SELECT Id, Request, Response FROM PaymentGatewayLog")
    assert {len(p["records"]) for p in pages} == {200}
    assert len(pages) == 25
    one = _pages(sf, "SELECT Id, Request FROM PaymentGatewayLog")
    assert [len(p["records"]) for p in one] == [2000, 2000, 1000]
    records = list(sf.query_all_iter("SELECT Id, Request, Response FROM PaymentGatewayLog"))
    assert len({r["Id"] for r in records}) == ROWS
    assert records[7]["Request"] == '{"amount": 7}'


def test_paging_is_a_snapshot(case_data: dict) -> None:
    box = Sandbox()
    box.org.load_records(_world(2500))
    sf = box.salesforce()
    first = sf.query("SELECT Id, InteractionStatus FROM PaymentGatewayLog")
    ops_id = to_18("0bMTS0000000001")
    seen = [r["Id"] for r in first["records"]]
    # the org changes between pages: a row deleted, a row added, a row updated
    last = seen[-1]
    remaining = [r["Id"] for r in box.org.store.rows("PaymentGatewayLog")][2000:]
    box.org.delete("PaymentGatewayLog", remaining[0])
    box.org.create("PaymentGatewayLog", {"InteractionType": "Capture", "OrderPaymentSummaryId": ops_id})
    box.org.update("PaymentGatewayLog", remaining[1], {"InteractionStatus": "Timeout"})
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert second["done"] is True and second["totalSize"] == 2500
    more = [r["Id"] for r in second["records"]]
    assert more == remaining and last not in more
    assert len(set(seen + more)) == 2500
    assert second["records"][1]["InteractionStatus"] != "Timeout"  # as of the first call
    # the same locator can be read again until the org is cleared
    again = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert [r["Id"] for r in again["records"]] == more
    box.org.load_records(_world(10))
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert raised.value.content[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_query_all_includes_soft_deleted_rows(box: Sandbox, sf: simple_salesforce.Salesforce) -> None:
    log_id = "0XtHxG8C0000001KFA"
    sf.PaymentGatewayLog.delete(log_id)
    assert sf.query("SELECT Id FROM PaymentGatewayLog")["totalSize"] == 0
    result = sf.query_all("SELECT Id, IsDeleted FROM PaymentGatewayLog", include_deleted=True)
    assert [(r["Id"], r["IsDeleted"]) for r in result["records"]] == [(log_id, True)]
    assert box.org.log.counts()["GET /services/data/v62.0/queryAll/"] == 1


def test_query_errors_have_salesforce_shape(sf: simple_salesforce.Salesforce, box: Sandbox) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELECT Id FROM Nope")
    (error,) = raised.value.content
    assert error["errorCode"] == "INVALID_TYPE" and set(error) == {"message", "errorCode"}
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELECT Nope FROM Payment")
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELEKT Id FROM Payment")
    assert raised.value.content[0]["errorCode"] == "MALFORMED_QUERY"
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("")
    assert raised.value.content == [{"message": "A query string has to be specified", "errorCode": "MALFORMED_QUERY"}]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query_more("01gSB0000000099AAA-2000")
    assert raised.value.content == [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]
