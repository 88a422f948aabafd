"""Properties: LIKE escaping round-trips through format_soql, ORDER BY sorts, equality finds every value."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simple_salesforce import format_soql

from toolkit.core.ids import to_18
from toolkit.sandbox.org.soql import execute
from toolkit.sandbox.org.store import OrgStore

NOW = datetime(2026, 11, 20, tzinfo=UTC)
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def _store(messages: list[str | None], amounts: list[float | None] | None = None) -> OrgStore:
    store = OrgStore()
    store.insert_many("PaymentGatewayLog", [
        {"Id": to_18(f"0Xt{n:012d}"), "GatewayMessage": message, "GatewayResultCode": message,
         "CreatedDate": NOW, "LastModifiedDate": NOW, "SystemModstamp": NOW}
        for n, message in enumerate(messages, start=1)
    ])
    if amounts is not None:
        store.insert_many("Payment", [
            {"Id": to_18(f"0a6{n:012d}"), "Amount": amount, "CreatedDate": NOW, "LastModifiedDate": NOW,
             "SystemModstamp": NOW}
            for n, amount in enumerate(amounts, start=1)
        ])
    return store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=text, other=text)
def test_like_escape_round_trip(value, other):
    store = _store([value, other])
    soql = format_soql("SELECT GatewayMessage FROM PaymentGatewayLog WHERE GatewayMessage LIKE '{:like}'", value)
    found = [r["GatewayMessage"] for r in execute(soql, store, now=NOW).records]
    assert value in found
    assert all(f.lower() == value.lower() for f in found)
    prefix = format_soql("SELECT GatewayMessage FROM PaymentGatewayLog WHERE GatewayMessage LIKE '{:like}%'", value)
    found = [r["GatewayMessage"] for r in execute(prefix, store, now=NOW).records]
    assert all(f.lower().startswith(value.lower()) for f in found)
    assert value in found


@settings(max_examples=150, deadline=None)
@given(value=text, other=text)
def test_equality_through_format_soql(value, other):
    store = _store([value, other])
    soql = format_soql("SELECT GatewayMessage FROM PaymentGatewayLog WHERE GatewayMessage = {}", value)
    found = [r["GatewayMessage"] for r in execute(soql, store, now=NOW).records]
    assert value in found
    assert all(f.lower() == value.lower() for f in found)


@settings(max_examples=100, deadline=None)
@given(amounts=st.lists(st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
                        max_size=15),
       descending=st.booleans(), nulls_first=st.one_of(st.none(), st.booleans()))
def test_order_by_sorts(amounts, descending, nulls_first):
    store = _store([], [a if a is not None else 0.0 for a in amounts])
    # Amount is not nillable in the schema, so nulls live in GatewayRefNumber's twin: use Balance (nillable)
    for row, amount in zip(store.rows("Payment"), amounts, strict=True):
        store.update("Payment", row["Id"], {"Balance": amount})
    clause = "DESC" if descending else "ASC"
    if nulls_first is not None:
        clause += " NULLS FIRST" if nulls_first else " NULLS LAST"
    got = [r["Balance"] for r in execute(f"SELECT Balance FROM Payment ORDER BY Balance {clause}", store,
                                          now=NOW).records]
    present = sorted((a for a in amounts if a is not None), reverse=descending)
    nulls = [None] * (len(amounts) - len(present))
    first = nulls_first if nulls_first is not None else not descending
    assert got == (nulls + present if first else present + nulls)
