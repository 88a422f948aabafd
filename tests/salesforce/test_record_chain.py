"""The record chain: every starting-record kind, at most 3 Salesforce requests once describe is cached."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import soql_cases as cases

from toolkit.errors import InputError, NotFoundError
from toolkit.salesforce.queries import ChildRelationships, SchemaCache
from toolkit.salesforce.record_chain import chain_for, chain_schema, child_relationships, resolve_subject_record
from toolkit.session import connect

ORDER_A = {
    "order_summaries": [cases.OS_A],
    "payment_summaries": [cases.OPS_A1, cases.OPS_A2],
    "authorizations": [cases.PA_A1, cases.PA_A2],
    "payments": [cases.PAY_A1],
    "refunds": [cases.REF_A1],
    "refund_line_payments": [cases.RLP_A1],
    "gateway_logs": [cases.LOG_A2_AUTH, cases.LOG_A_CAPTURE, cases.LOG_A_REFUND],
}
ORDER_B = {
    "order_summaries": [cases.OS_B], "payment_summaries": [cases.OPS_B], "authorizations": [],
    "payments": [cases.PAY_B], "refunds": [], "refund_line_payments": [], "gateway_logs": [cases.LOG_B_TIMEOUT],
}


@pytest.fixture(scope="module")
def session():
    return connect(case=cases.multi_order_case())


@pytest.fixture(scope="module")
def schema(session):
    return chain_schema(session.sf)  # the warm-up: every describe the chain reads


@pytest.fixture(scope="module")
def executor():
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield pool


def ids_of(chain) -> dict[str, list[str]]:
    return {name: [r["Id"] for r in getattr(chain, name)] for name in ORDER_A}


SUBJECTS_A = [
    ("order_numbers", "00002001"),
    ("order_numbers", ["00002001"]),
    ("order_summary_ids", [cases.OS_A[:15]]),
    ("ops_ids", [cases.OPS_A2]),
    ("record_id", cases.OS_A),
    ("record_id", cases.OPS_A1),
    ("record_id", cases.PA_A2),
    ("record_id", cases.PAY_A1),
    ("record_id", cases.REF_A1),
    ("record_id", cases.RLP_A1),
    ("record_id", cases.LOG_A_REFUND[:15]),
    ("gateway_refs", [cases.PI_A1]),
    ("gateway_refs", cases.PI_A2),
    ("gateway_refs", "SF0000000102"),  # an OMS refund's Salesforce-side reference
]


@pytest.mark.parametrize(("kind", "value"), SUBJECTS_A, ids=[f"{k}-{i}" for i, (k, _) in enumerate(SUBJECTS_A)])
def test_every_starting_kind_gives_the_whole_order_within_budget(session, schema, executor, kind, value):
    rels = child_relationships(session.sf, schema)
    session.sandbox.org.log.clear()
    chain = chain_for(session.sf, **{kind: value}, relationships=rels, schema=schema, executor=executor)
    budget = 5 if value == "SF0000000102" else 3  # an unknown ref prefix is searched on three objects at once
    assert session.sandbox.org.log.count <= budget
    assert session.sandbox.org.log.count == len(chain.soql)
    assert ids_of(chain) == ORDER_A
    assert chain.order_numbers == ["00002001"]
    assert chain.payment_intent_ids == [cases.PI_A1, cases.PI_A2]
    assert all("attributes" not in r for rows in (chain.payments, chain.order_summaries) for r in rows)


def test_chain_contents_are_plain_api_values(session, schema):
    chain = chain_for(session.sf, record_id=cases.PAY_A1, schema=schema)
    order = chain.order_summaries[0]
    assert order["OrderNumber"] == "00002001" and order["GrandTotalAmount"] == 150.0
    assert chain.refunds[0]["Amount"] == 25.99 and chain.refunds[0]["CreatedDate"] == "2026-11-14T12:00:00.000+0000"
    assert chain.refund_line_payments[0]["PaymentId"] == cases.PAY_A1
    assert chain.payment_summaries[0]["RefundedAmount"] == 25.99
    assert "PaymentAuthorizations" not in chain.payment_summaries[0]  # children moved to their own lists
    assert chain.by_id()[cases.LOG_A_CAPTURE]["InteractionType"] == "Capture"
    frame = chain.frame("PaymentGatewayLog")
    assert frame.set_index("Id").loc[cases.LOG_A_CAPTURE, "Request.json"]["amount"] == 100.0


def test_several_orders_at_once(session, schema):
    session.sandbox.org.log.clear()
    chain = chain_for(session.sf, order_numbers=["00002002", "00002001", "00002003"], schema=schema)
    assert session.sandbox.org.log.count == 3
    assert chain.order_numbers == ["00002001", "00002002", "00002003"]  # the order without payments is kept
    assert [r["Id"] for r in chain.payments] == [cases.PAY_B, cases.PAY_A1]  # oldest first across orders
    assert len(chain.gateway_logs) == 4


def test_txn_reference_finds_the_checkout_payment(session, schema):
    session.sandbox.org.log.clear()
    chain = chain_for(session.sf, gateway_refs=[cases.TXN_B], schema=schema)
    assert session.sandbox.org.log.count == 3
    assert ids_of(chain) == ORDER_B


def test_soql_is_recorded_in_order_and_built_with_format_soql(session, schema):
    chain = chain_for(session.sf, gateway_refs=["pi_' OR Id != '"], schema=schema)
    assert chain.is_empty and len(chain.soql) == 1
    assert "GatewayRefNumber IN ('pi_\\' OR Id != \\'')" in chain.soql[0]
    chain = chain_for(session.sf, record_id=cases.PA_A1, schema=schema)
    # the one locate: the summaries the authorization names, their order through the parent relationship
    assert chain.soql[0].startswith("SELECT Id, OrderSummaryId, CurrencyIsoCode, OrderSummary.Id, ")
    assert f" FROM PaymentAuthorization WHERE Id IN ('{cases.PA_A1}'))" in chain.soql[0]
    assert "(SELECT Id, PaymentAuthorizationNumber" in chain.soql[1] and "FROM PaymentAuthorizations" in chain.soql[1]
    assert f"WHERE OrderSummaryId IN ('{cases.OS_A}')" in chain.soql[1]
    assert f"FROM RefundLinePayment WHERE Payment.OrderPaymentSummary.OrderSummaryId IN ('{cases.OS_A}')" \
        in chain.soql[2]


def test_unconfirmed_relationships_fall_back_to_batched_in_queries(session, schema, executor):
    session.sandbox.org.log.clear()
    chain = chain_for(session.sf, order_numbers="00002001", relationships=ChildRelationships(), schema=schema,
                      executor=executor)
    assert ids_of(chain) == ORDER_A
    assert session.sandbox.org.log.count == 7  # order, summaries, four children, refund lines
    batched = [s for s in chain.soql if "OrderPaymentSummaryId IN (SELECT Id FROM OrderPaymentSummary" in s]
    assert len(batched) == 4 and all("(SELECT Id, " not in s.split(" FROM ")[0] for s in chain.soql)


def test_nothing_found_is_an_empty_chain(session, schema):
    assert chain_for(session.sf, order_numbers="99999999", schema=schema).is_empty
    assert chain_for(session.sf, record_id=cases.sf_id("0Xc", 99), schema=schema).is_empty


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({}, InputError, "exactly one"),
    ({"order_numbers": "1", "ops_ids": [cases.OPS_A1]}, InputError, "exactly one"),
    ({"record_id": "0XcHxM13000000"}, InputError, "Salesforce"),
    ({"record_id": "0XcHxM130000001KBa"}, InputError, "Salesforce"),
    ({"record_id": [cases.PA_A1]}, InputError, "one Salesforce id"),
    ({"ops_ids": ["0bM' OR Id != '"]}, InputError, "Salesforce id"),
    ({"gateway_refs": ["pi_1", ""]}, InputError, "non-empty"),
    ({"record_id": cases.sf_id("001", 1)}, InputError, "is a Account"),
    ({"record_id": cases.sf_id("zzz", 1)}, NotFoundError, "key prefix 'zzz'"),
])
def test_bad_subjects(session, schema, kwargs, error, words):
    session.sandbox.org.log.clear()
    with pytest.raises(error, match=words):
        chain_for(session.sf, schema=schema, **kwargs)
    assert session.sandbox.org.log.count == 0


def test_resolve_subject_record_reads_prefixes_from_describe_once(session):
    cache = SchemaCache(session.sf)
    session.sandbox.org.log.clear()
    assert resolve_subject_record(session.sf, cases.LOG_A_REFUND[:15], schema=cache) == ("PaymentGatewayLog",
                                                                                          cases.LOG_A_REFUND)
    assert resolve_subject_record(session.sf, cases.RLP_A1, schema=cache) == ("RefundLinePayment", cases.RLP_A1)
    assert session.sandbox.org.log.count == 1  # one global describe, then cached


def test_child_relationships_come_from_describe(session):
    rels = child_relationships(session.sf)
    assert rels.name("OrderPaymentSummary", "PaymentAuthorization", "OrderPaymentSummaryId") == "PaymentAuthorizations"
    assert rels.name("OrderPaymentSummary", "PaymentGatewayLog", "OrderPaymentSummaryId") == "PaymentGatewayLogs"
    assert rels.name("OrderPaymentSummary", "Account", "X") is None


def test_schema_cache_fetches_each_describe_once_across_threads(session, executor):
    cache = SchemaCache(session.sf)
    session.sandbox.org.log.clear()
    list(executor.map(lambda _: cache.describe("Refund"), range(8)))
    assert session.sandbox.org.log.count == 1


class _CountingPool(ThreadPoolExecutor):
    """A real thread pool that remembers how many tasks it was handed."""

    submitted = 0

    def submit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.submitted += 1
        return super().submit(*args, **kwargs)


def test_steps_run_concurrently_with_an_executor():
    """Two round trips: the locate, then the summaries and the refund lines handed to the pool together (the wall
    time with latency is measured by ``benchmarks/bench_trace.py``)."""
    session = connect(case=cases.multi_order_case())
    warm = chain_schema(session.sf)
    session.sandbox.org.log.clear()
    with _CountingPool(max_workers=4) as pool:
        chain = chain_for(session.sf, record_id=cases.PA_A1, schema=warm, executor=pool)
    assert len(chain.soql) == 3 and ids_of(chain) == ORDER_A
    assert session.sandbox.org.log.count == 3 and pool.submitted == 2
