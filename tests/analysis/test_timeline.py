"""The unified timeline: aware UTC times, Decimal amounts, sorted by time, system, id."""

from __future__ import annotations

from decimal import Decimal

from toolkit.analysis.evidence import StripePaymentEvidence
from toolkit.analysis.timeline import salesforce_rows, timeline


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


def test_a_manual_capture_is_authorized_at_creation_and_captured_when_stripe_says(tmp_path):
    """Order 00001042 of the demo world: authorized at checkout, captured by Order Management a day later."""
    from toolkit.session import connect

    t = connect().trace("00001042")
    charge = next(r for r in t.timeline if r.object == "Charge")
    assert "authorized" in charge.what and not charge.what.startswith("Charge captured")
    payment = next(r for r in t.timeline if r.object == "Payment")
    captured = [r for r in t.timeline if r.system == "Stripe" and "captured" in r.what and r.object != "Charge"]
    assert captured and all(r.time == payment.time > charge.time for r in captured)
    assert {r.object for r in captured} == {"Event", "BalanceTransaction"}
    assert [r.sort_key()[:3] for r in t.timeline] == sorted(r.sort_key()[:3] for r in t.timeline)
    assert not t.notes


def test_without_events_or_balance_transaction_the_capture_has_no_time():
    from toolkit.analysis.timeline import stripe_notes, stripe_rows

    pe = StripePaymentEvidence(
        payment_intent={"id": "pi_1", "amount": 1000, "currency": "usd", "created": 1794409100, "status": "succeeded",
                        "capture_method": "manual", "latest_charge": "ch_1"},
        charge={"id": "ch_1", "amount": 1000, "created": 1794409100, "captured": True, "status": "succeeded",
                "balance_transaction": "txn_1", "disputed": True})
    rows = stripe_rows(pe)
    assert [r.object for r in rows] == ["PaymentIntent", "Charge"]
    assert "authorized" in rows[1].what
    notes = stripe_notes(pe)
    assert len(notes) == 2 and "time of the capture is not shown" in notes[0] and "dispute" in notes[1]
