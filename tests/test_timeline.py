"""The unified timeline: aware UTC times, Decimal amounts, sorted by time, system, id."""

from __future__ import annotations

from decimal import Decimal

from toolkit.evidence import StripePaymentEvidence
from toolkit.timeline import salesforce_rows, timeline


def test_rows_sorted_and_typed():
    sf = salesforce_rows(authorizations=[{"Id": "0XcHxM130000001KBA", "Amount": 129.0, "Status": "Processed",
                                          "GatewayRefNumber": "pi_1", "CurrencyIsoCode": "USD",
                                          "GatewayDate": "2026-11-11T15:00:00.000+0000",
                                          "CreatedDate": "2026-11-11T15:02:00.000+0000"}])
    pe = StripePaymentEvidence(
        payment_intent={"id": "pi_1", "amount": 12900, "currency": "jpy", "created": 1794409100, "status": "canceled",
                        "canceled_at": 1795014001, "cancellation_reason": "automatic", "capture_method": "manual"},
        refunds=[{"id": "re_1", "amount": 100, "currency": "jpy", "created": 1795014001, "status": "succeeded"}])
    rows = timeline(sf, [pe])
    assert [r.time for r in rows] == sorted(r.time for r in rows)
    assert all(r.time.utcoffset().total_seconds() == 0 for r in rows)
    assert rows[0].system == "Stripe" and rows[0].amount == Decimal("12900") and rows[0].currency == "JPY"
    assert rows[1].amount == Decimal("129.00") and rows[1].system == "Salesforce"
    last_two = rows[-2:]
    assert [r.id for r in last_two] == ["pi_1", "re_1"]  # same time: sorted by id
