"""Every subject kind on the same order gives the same trace, within the request budget (demo world)."""

from __future__ import annotations

import pytest

from toolkit.investigate.fetch import SALESFORCE_BUDGET, STRIPE_BUDGET
from toolkit.session import Session, connect

#: Demo-world orders: OMS capture + refund, checkout capture + refund (txn_ in OMS), no metadata (checkout and
#: OMS capture), expired authorization with failed capture, refund failed, duplicate refund, dispute, a pi_ typo.
ORDERS = ["00001009", "00001011", "00001004", "00001008", "00001017", "00001037", "00001039", "00001040", "00001032"]


@pytest.fixture(scope="module")
def session() -> Session:
    s = connect()
    s.schema.prefixes()  # describe: once per session, before the counted traces
    return s


def subjects_of(session: Session, order: str) -> dict[str, str]:
    """Every subject kind that reaches ``order``: its Salesforce records and its Stripe objects."""
    chain = session.trace(order).chain
    out: dict[str, str] = {"order number": order, "OrderSummary": chain.order_summaries[0]["Id"]}
    for name, records in (("OrderPaymentSummary", chain.payment_summaries), ("PaymentAuthorization",
                          chain.authorizations), ("Payment", chain.payments), ("Refund", chain.refunds),
                          ("PaymentGatewayLog", chain.gateway_logs)):
        for i, record in enumerate(records):
            out[f"{name} {i}"] = record["Id"]
    for pi_id in session.trace(order).payment_intents:
        pi = session.stripe.v1.payment_intents.retrieve(pi_id, params={"expand": ["latest_charge.refunds"]}).to_dict()
        out["pi_"] = pi_id
        charge = pi.get("latest_charge")
        if charge:
            out["ch_"] = charge["id"]
            if charge.get("balance_transaction"):
                out["txn_"] = charge["balance_transaction"]
            for i, refund in enumerate(charge["refunds"]["data"]):
                out[f"re_ {i}"] = refund["id"]
    for i, ref in enumerate(r["GatewayRefNumber"] for r in chain.authorizations + chain.payments
                            if str(r.get("GatewayRefNumber") or "").startswith(("pi_", "txn_"))):
        out[f"OMS reference {i}"] = ref
    return out


def _without_subject(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "subject"}


@pytest.mark.parametrize("order", ORDERS)
def test_every_subject_kind_gives_the_same_trace_within_budget(session, order):
    expected = _without_subject(session.trace(order).to_json())
    subjects = subjects_of(session, order)
    assert {"pi_", "OrderPaymentSummary 0"} <= set(subjects)
    for kind, subject in subjects.items():
        session.sandbox.clear_logs()
        t = session.trace(subject)
        assert session.sandbox.org.log.count <= SALESFORCE_BUDGET, kind
        assert session.sandbox.stripe.log.count <= STRIPE_BUDGET, kind
        assert _without_subject(t.to_json()) == expected, f"{order}: {kind} {subject}"


def test_a_reference_stripe_does_not_have_is_traced_from_order_management(session):
    """The typo'd pi_ written on the authorization: Stripe answers resource_missing, Salesforce holds it."""
    chain = session.trace("00001032").chain
    typo = chain.authorizations[0]["GatewayRefNumber"]
    t = session.trace(typo)
    assert t.order_numbers == ["00001032"]
    assert [f.code.value for f in t.findings] == ["PAYMENT_INTENT_NOT_FOUND", "GATEWAY_FAILURES"]
    assert t.findings[0].subject == typo


def test_one_round_chains_match_the_full_chain(session):
    """record_chain.chain_of_summaries (2 statements) reads what chain_for (3 statements) reads."""
    from toolkit.salesforce.record_chain import chain_for, chain_of_summaries

    full = chain_for(session.sf, order_numbers=["00001011"], schema=session.schema)
    txn = full.payments[0]["GatewayRefNumber"]
    for start in ({"order_numbers": ["00001011"]}, {"order_summaries": full.order_summaries},
                  {"referenced_by": ("Payment", "GatewayRefNumber", [txn])}):
        chain = chain_of_summaries(session.sf, **start, schema=session.schema)
        assert chain.by_id() == full.by_id() and chain.order_summaries == full.order_summaries
        assert len(chain.soql) == 2
