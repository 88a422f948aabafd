"""Reconciliation rows from evidence alone (no sandbox): what counts as authorized, sums over several
PaymentIntents, no misleading zeros, null rollups."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence
from toolkit.analysis.reconciliation import QUANTITIES, ReconciliationRow, reconcile_ops


def by_quantity(evidence: OpsEvidence) -> dict[str, ReconciliationRow]:
    rows = reconcile_ops(evidence)
    assert [row.quantity for row in rows] == list(QUANTITIES)
    return {row.quantity: row for row in rows}


def authorized(pi: dict, ch: dict | None) -> Decimal | None:
    return by_quantity(b.evidence(pi, ch))["authorized"].stripe


# --- authorized --------------------------------------------------------------------------------------------


def test_a_failed_charge_authorized_nothing() -> None:
    failed = {**b.charge(), "status": "failed", "paid": False}
    assert authorized(b.payment_intent(status="requires_payment_method"), failed) == Decimal("0.00")


def test_an_uncaptured_charge_authorized_its_amount_authorized() -> None:
    ch = b.charge()
    ch["payment_method_details"]["card"]["amount_authorized"] = 12000
    assert authorized(b.payment_intent(), ch) == Decimal("120.00")


@pytest.mark.parametrize("value", [None, True, "12000", 120.0])
def test_without_an_integer_amount_authorized_the_charge_amount_counts(value: object) -> None:
    ch = b.charge()
    ch["payment_method_details"]["card"]["amount_authorized"] = value
    assert authorized(b.payment_intent(), ch) == Decimal("129.00")
    assert authorized(b.payment_intent(), {**ch, "payment_method_details": None}) == Decimal("129.00")


def test_no_charge_authorized_nothing() -> None:
    assert authorized(b.payment_intent(status="requires_payment_method"), None) == Decimal("0.00")


def test_only_manual_capture_payment_intents_count_as_authorized() -> None:
    automatic = {**b.payment_intent(status="succeeded"), "capture_method": "automatic"}
    assert authorized(automatic, b.charge(captured=True)) == Decimal("0.00")
    manual = {**automatic, "capture_method": "manual"}
    assert authorized(manual, b.charge(captured=True)) == Decimal("129.00")


# --- the other quantities, summed ---------------------------------------------------------------------------


def two_payment_intents(**ops: float) -> OpsEvidence:
    a = StripePaymentEvidence(payment_intent=b.payment_intent(pi_id="pi_B", status="succeeded", amount=5000,
                                                              charge_id="ch_B"),
                              charge=b.charge(pi_id="pi_B", charge_id="ch_B", amount=5000, captured=True,
                                              amount_refunded=1000))
    c = StripePaymentEvidence(payment_intent=b.payment_intent(pi_id="pi_A", amount=7900, charge_id="ch_A"),
                              charge=b.charge(pi_id="pi_A", charge_id="ch_A", amount=7900))
    return OpsEvidence(ops=b.ops(**ops), order_number="00001042", currency="USD",
                       references=[b.pi_reference(value="pi_B"), b.pi_reference(value="pi_A", record_id="0XcX")],
                       stripe=[a, c])


def test_stripe_amounts_are_summed_over_every_payment_intent() -> None:
    rows = by_quantity(two_payment_intents(authorized=129.0, captured=50.0, refunded=10.0, available_to_capture=80.0))
    assert {q: row.stripe for q, row in rows.items()} == {
        "authorized": Decimal("129.00"), "captured": Decimal("50.00"), "refunded": Decimal("10.00"),
        "available to capture": Decimal("79.00"),
    }
    assert rows["available to capture"].difference == Decimal("1.00")
    assert rows["available to capture"].matches is False
    assert rows["captured"].matches is True
    assert all(row.payment_intents == ("pi_A", "pi_B") for row in rows.values())


def test_a_payment_intent_reached_twice_counts_once() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True), ops_record=b.ops(captured=129.0))
    txn = replace(b.pi_reference(value="txn_1", record_id=b.PAY_ID), kind="balance_transaction",
                  record_object="Payment", resolved_payment_intent=b.PI_ID)
    rows = by_quantity(replace(ev, references=[*ev.references, txn]))
    assert rows["captured"].stripe == Decimal("129.00") and rows["captured"].payment_intents == (b.PI_ID,)


def test_refunded_excludes_the_released_remainder() -> None:
    ev = b.evidence(b.payment_intent(status="succeeded", amount_received=6000),
                    b.charge(captured=True, amount_captured=6000, amount_refunded=6900 + 500))
    rows = by_quantity(ev)
    assert (rows["captured"].stripe, rows["refunded"].stripe) == (Decimal("60.00"), Decimal("5.00"))


# --- no misleading zeros --------------------------------------------------------------------------------------


def incomplete_cases() -> dict[str, OpsEvidence]:
    ev = b.evidence(b.payment_intent(), b.charge())
    other = b.pi_reference(value="pi_other", record_id="0XcHxM130000002KBA")
    return {
        "no reference": replace(ev, references=[]),
        "missing": replace(ev, references=[b.pi_reference(missing=True)], stripe=[]),
        "unresolved": replace(ev, references=[*ev.references, replace(other, resolved_payment_intent=None)]),
        "not fetched": replace(ev, references=[*ev.references, other]),
        "other currency": replace(ev, currency="EUR", ops=b.ops(currency="EUR")),
    }


@pytest.mark.parametrize("case", list(incomplete_cases()))
def test_an_incomplete_stripe_side_shows_no_stripe_amount(case: str) -> None:
    for row in reconcile_ops(incomplete_cases()[case]):
        assert (row.stripe, row.difference, row.matches) == (None, None, None)
        assert row.oms is not None
        assert row.to_json()["stripe"] is None and row.to_json()["difference"] is None


def test_an_incomplete_side_lists_the_references_it_holds() -> None:
    rows = reconcile_ops(incomplete_cases()["unresolved"])
    assert rows[0].payment_intents == (b.PI_ID, "pi_other")
    assert reconcile_ops(incomplete_cases()["missing"])[0].payment_intents == (b.PI_ID,)


@pytest.mark.parametrize(("currency", "zero"), [("USD", "0.00"), ("JPY", "0"), ("BHD", "0.000")])
def test_a_null_oms_rollup_counts_as_zero(currency: str, zero: str) -> None:
    record = dict.fromkeys(QUANTITIES.values())
    record["Id"] = b.OPS_ID
    ev = b.evidence(b.payment_intent(currency=currency.lower()), b.charge(currency=currency.lower()),
                    currency=currency, ops_record=record)
    for row in reconcile_ops(ev):
        assert (row.oms, row.to_json()["oms"]) == (Decimal(zero), zero)


def test_rows_in_json_at_the_currencys_scale() -> None:
    ev = b.evidence(b.payment_intent(currency="bhd", amount=1500), b.charge(currency="bhd", amount=1500),
                    currency="bhd", ops_record=b.ops(currency="BHD", authorized=1.5, available_to_capture=1.0))
    row = by_quantity(ev)["available to capture"]
    assert row.to_json() == {
        "ops_id": b.OPS_ID, "order_number": "00001042", "payment_intents": [b.PI_ID],
        "quantity": "available to capture", "oms": "1.000", "stripe": "1.500", "difference": "-0.500",
        "currency": "BHD",
    }


def test_each_quantity_reads_its_own_oms_field() -> None:
    record = {**b.ops(), "AuthorizationAmount": 1.0, "CapturedAmount": 2.0, "RefundedAmount": 3.0,
              "AvailableToCaptureAmount": 4.0}
    rows = by_quantity(b.evidence(b.payment_intent(), b.charge(), ops_record=record))
    assert {q: row.oms for q, row in rows.items()} == {
        "authorized": Decimal("1.00"), "captured": Decimal("2.00"), "refunded": Decimal("3.00"),
        "available to capture": Decimal("4.00"),
    }
