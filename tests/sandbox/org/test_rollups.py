"""The rollup formulas, directly (the org applies them on load and after writes; see test_case_records)."""

from __future__ import annotations

from typing import Any

from toolkit.sandbox.org.records import round_money
from toolkit.sandbox.org.rollups import compute_rollups


def _ops(**given: Any) -> dict[str, Any]:
    return {"Id": "ops", "CurrencyIsoCode": "USD", **given}


def _child(record_id: str, amount: float, status: str, **extra: Any) -> dict[str, Any]:
    return {"Id": record_id, "Amount": amount, "Status": status, "OrderPaymentSummaryId": "ops", **extra}


def test_summary_formulas() -> None:
    auths = [_child("pa1", 100.0, "Processed"), _child("pa2", 20.0, "Pending"), _child("pa3", 7.0, "Failed")]
    payments = [_child("p1", 30.10, "Processed", PaymentAuthorizationId="pa1"), _child("p2", 10.0, "Draft"),
                _child("p3", 99.0, "Canceled"), _child("p4", 5.0, "Processed", IsDeleted=True)]
    refunds = [_child("r1", 5.05, "Processed"), _child("r2", 1.0, "Pending"), _child("r3", 2.0, "Draft")]
    updates = compute_rollups([_ops()], auths, payments, refunds, [], mode="recompute")
    assert updates[("OrderPaymentSummary", "ops")] == {
        "AuthorizationAmount": 100.0, "PendingAuthorizationAmount": 20.0, "CapturedAmount": 30.1,
        "PendingCaptureAmount": 10.0, "RefundedAmount": 5.05, "PendingRefundAmount": 3.0,
        "AuthorizationReversalAmount": 0.0, "PendingReverseAuthAmount": 0.0, "BalanceAmount": 25.05,
        "AvailableToCaptureAmount": 59.9, "AvailableToRefundAmount": 32.05,
    }
    assert updates[("PaymentAuthorization", "pa1")] == {"TotalPaymentCaptureAmount": 30.1,
                                                        "TotalAuthReversalAmount": 0.0, "Balance": 69.9}
    assert ("Payment", "p4") not in updates  # deleted rows are neither computed nor counted


def test_available_amounts_never_go_negative_and_reversals_are_kept() -> None:
    ops = _ops(AuthorizationReversalAmount=80.0, PendingReverseAuthAmount=30.0)
    updates = compute_rollups([ops], [_child("pa", 100.0, "Processed")], [], [_child("r", 5.0, "Processed")], [],
                              mode="recompute")
    values = updates[("OrderPaymentSummary", "ops")]
    assert values["AvailableToCaptureAmount"] == 0.0
    assert values["AvailableToRefundAmount"] == 0.0
    assert "AuthorizationReversalAmount" not in values  # kept as given


def test_refund_lines_feed_payment_and_refund_balances() -> None:
    payments = [_child("p", 50.0, "Processed")]
    refunds = [_child("r", 20.0, "Processed")]
    lines = [{"Id": "l1", "Amount": 20.0, "Type": "Applied", "PaymentId": "p", "RefundId": "r"},
             {"Id": "l2", "Amount": 5.0, "Type": "Unapplied", "PaymentId": "p", "RefundId": "r"}]
    updates = compute_rollups([_ops()], [], payments, refunds, lines, mode="recompute")
    assert updates[("Payment", "p")] == {"TotalRefundApplied": 20.0, "NetRefundApplied": 15.0, "Balance": 35.0}
    assert updates[("Refund", "r")] == {"Balance": 0.0}


def test_fill_mode_keeps_given_values_and_derives_from_them() -> None:
    ops = _ops(AuthorizationAmount=200.0, CapturedAmount=50.0)
    updates = compute_rollups([ops], [_child("pa", 100.0, "Processed")], [], [], [], mode="fill")
    values = updates[("OrderPaymentSummary", "ops")]
    assert "AuthorizationAmount" not in values and "CapturedAmount" not in values
    assert values["AvailableToCaptureAmount"] == 150.0  # from the given amounts, not the children
    assert values["BalanceAmount"] == 50.0


def test_rounding_by_currency_exponent() -> None:
    assert round_money(0.1 + 0.2, "USD") == 0.3
    assert round_money(1000.5, "JPY") == 1001.0
    assert round_money(1.2345, "KWD") == 1.235
    ops = {"Id": "ops", "CurrencyIsoCode": "JPY"}
    updates = compute_rollups([ops], [_child("pa", 1000.4, "Processed")], [], [], [], mode="recompute")
    assert updates[("OrderPaymentSummary", "ops")]["AuthorizationAmount"] == 1000.0
