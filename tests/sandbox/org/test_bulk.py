"""The sandbox org's Bulk API 2.0 query jobs, through simple-salesforce's bulk2 client: the documented shapes (job
info, states, CSV result sets with Sforce-Locator paging) and the queries Bulk API 2.0 refuses."""

from __future__ import annotations

import csv
import io

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from toolkit.session import connect


@pytest.fixture(scope="module")
def sf():
    return connect(use_dotenv=False, env={}).sf


def _client(sf, name: str = "OrderPaymentSummary"):
    return getattr(sf.bulk2, name)._client


def test_a_query_job_from_creation_to_its_last_result_set(sf) -> None:
    client = _client(sf)
    job = client.create_job("query", "SELECT Id, CapturedAmount, OrderSummary.OrderNumber, CreatedDate "
                                     "FROM OrderPaymentSummary")
    assert job["state"] == "UploadComplete" and job["id"].startswith("750") and len(job["id"]) == 18
    assert (job["operation"], job["object"], job["contentType"], job["lineEnding"], job["columnDelimiter"]) == (
        "query", "OrderPaymentSummary", "CSV", "LF", "COMMA")
    info = client.get_job(job["id"], True)
    assert info["state"] == "JobComplete" and info["numberRecordsProcessed"] == 49
    rows, locator, sets = [], "", 0
    while True:
        result = client.get_query_results(job["id"], locator, 20)
        sets += 1
        assert result["records"].startswith('"Id","CapturedAmount","OrderSummary.OrderNumber","CreatedDate"\n')
        page = list(csv.DictReader(io.StringIO(result["records"])))
        assert len(page) == result["number_of_records"]
        rows += page
        locator = result["locator"]
        if not locator:
            break
    assert sets == 3 and len(rows) == 49 and len({r["Id"] for r in rows}) == 49
    assert rows[0]["CreatedDate"].endswith(".000Z") and float(rows[0]["CapturedAmount"]) >= 0


def test_nulls_are_empty_and_every_value_is_quoted(sf) -> None:
    client = _client(sf, "OrderSummary")
    job = client.create_job("query", "SELECT Id, SalesChannelId FROM OrderSummary")
    client.get_job(job["id"], True)
    text = client.get_query_results(job["id"], "", 5)["records"]
    second = text.splitlines()[1]
    assert second.startswith('"1Os') and second.endswith(',""')


@pytest.mark.parametrize("soql, code", [
    ("SELECT Id, (SELECT Id FROM PaymentAuthorizations) FROM OrderPaymentSummary", "FeatureNotEnabled"),
    ("SELECT COUNT() FROM OrderPaymentSummary", "INVALIDJOB"),
    ("SELECT CurrencyIsoCode, SUM(CapturedAmount) FROM OrderPaymentSummary GROUP BY CurrencyIsoCode", "INVALIDJOB"),
    ("SELECT Id FROM OrderPaymentSummary LIMIT 5 OFFSET 5", "INVALIDJOB"),
    ("SELECT Nope FROM OrderPaymentSummary", "INVALID_FIELD"),
])
def test_what_bulk_api_2_refuses(sf, soql: str, code: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as refused:
        _client(sf).create_job("query", soql)
    assert refused.value.content[0]["errorCode"] == code


def test_results_before_completion_and_bad_locators_are_refused(sf) -> None:
    box = connect(use_dotenv=False, env={})
    assert box.sandbox is not None
    box.sandbox.org.bulk.polls_to_complete = 2
    client = _client(box.sf)
    job = client.create_job("query", "SELECT Id FROM OrderPaymentSummary")
    with pytest.raises(SalesforceMalformedRequest):
        client.get_query_results(job["id"], "", 10)
    assert client.get_job(job["id"], True)["state"] == "InProgress"
    assert client.get_job(job["id"], True)["state"] == "JobComplete"
    with pytest.raises(SalesforceMalformedRequest):
        client.get_query_results(job["id"], "bm9wZQ", 10)
