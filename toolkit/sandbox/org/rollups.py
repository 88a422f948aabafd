"""Rollups and balances the org computes, by the formulas in ``docs/reference.md``.

Salesforce does not publish every formula; the sandbox's choices, documented here once:

OrderPaymentSummary (children linked by ``OrderPaymentSummaryId``, deleted rows excluded):

- AuthorizationAmount        = sum of PaymentAuthorization.Amount with Status Processed
- PendingAuthorizationAmount = sum of PaymentAuthorization.Amount with Status Pending
- CapturedAmount             = sum of Payment.Amount with Status Processed
- PendingCaptureAmount       = sum of Payment.Amount with Status Draft (an async capture not yet settled)
- RefundedAmount             = sum of Refund.Amount with Status Processed
- PendingRefundAmount        = sum of Refund.Amount with Status Pending or Draft
- AuthorizationReversalAmount, PendingReverseAuthAmount: the sandbox has no reversal objects, so these
  keep the value they have (0 when never given)
- BalanceAmount              = Captured - Refunded
- AvailableToCaptureAmount   = max(0, Authorization - (Captured + PendingCapture + AuthorizationReversal
                               + PendingReverseAuth))
- AvailableToRefundAmount    = max(0, Captured + PendingCapture - (Refunded + PendingRefund))

PaymentAuthorization: TotalPaymentCaptureAmount = sum of its Processed Payments' Amount (linked by
``PaymentAuthorizationId``); TotalAuthReversalAmount keeps its value (0 when never given);
Balance = Amount - TotalPaymentCaptureAmount - TotalAuthReversalAmount.

Payment: TotalRefundApplied = sum of its RefundLinePayments of Type Applied; NetRefundApplied =
applied - unapplied; Balance = Amount - NetRefundApplied.

Refund: Balance = Amount - sum of its RefundLinePayments of Type Applied.

Every amount is summed in Decimal and rounded to the currency's decimal places (0 for zero-decimal
currencies, 3 for three-decimal ones, else 2), then stored as float.

Two modes: ``fill`` (loading a case file: only fields the file omitted are computed; given values stand,
and derived fields use them) and ``recompute`` (after a write through the sandbox: every computed field
is recomputed, except the reversal amounts, which have no source objects here).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

from toolkit.sandbox.org.records import round_money

__all__ = ["KEPT_FIELDS", "OPS_ROLLUPS", "ROLLUP_FIELDS", "compute_rollups"]

Mode = Literal["fill", "recompute"]
Row = dict[str, Any]

OPS_ROLLUPS = (
    "AuthorizationAmount", "AuthorizationReversalAmount", "CapturedAmount", "RefundedAmount",
    "PendingAuthorizationAmount", "PendingCaptureAmount", "PendingRefundAmount", "PendingReverseAuthAmount",
    "BalanceAmount", "AvailableToCaptureAmount", "AvailableToRefundAmount",
)
#: Computed fields per object.
ROLLUP_FIELDS: dict[str, tuple[str, ...]] = {
    "OrderPaymentSummary": OPS_ROLLUPS,
    "PaymentAuthorization": ("TotalPaymentCaptureAmount", "TotalAuthReversalAmount", "Balance"),
    "Payment": ("TotalRefundApplied", "NetRefundApplied", "Balance"),
    "Refund": ("Balance",),
}
#: Fields with no source objects in the sandbox: recompute keeps them (0 when absent).
KEPT_FIELDS = frozenset({"AuthorizationReversalAmount", "PendingReverseAuthAmount", "TotalAuthReversalAmount"})

_ZERO = Decimal(0)


def _dec(value: Any) -> Decimal:
    return _ZERO if value is None else Decimal(str(value))


def _live(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if not r.get("IsDeleted")]


class _Writer:
    """Collects computed values, honouring the mode, and exposes each record's effective values."""

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.updates: dict[tuple[str, str], dict[str, Any]] = {}

    def put(self, object_name: str, row: Row, name: str, value: Decimal, currency: str | None) -> Decimal:
        """Set ``name`` unless the mode keeps the current value; return the effective value."""
        current = row.get(name)
        if (name in KEPT_FIELDS or self.mode == "fill") and current is not None:
            return _dec(current)
        rounded = round_money(value, currency)
        if current != rounded:
            self.updates.setdefault((object_name, row["Id"]), {})[name] = rounded
        return Decimal(str(rounded))


def compute_rollups(
    ops_rows: Iterable[Row],
    authorizations: Iterable[Row],
    payments: Iterable[Row],
    refunds: Iterable[Row],
    refund_lines: Iterable[Row],
    *,
    mode: Mode,
) -> dict[tuple[str, str], dict[str, Any]]:
    """Computed values for the given rows: ``{(object, id): {field: value}}`` holding only changes.

    Pass every non-deleted child that may feed the given rows (deleted rows are ignored anyway). Rows are
    not mutated. Records whose own rollups are computed are those passed in each list.
    """
    ops_list = list(ops_rows)
    pa_list = _live(authorizations)
    pay_list = _live(payments)
    ref_list = _live(refunds)
    rlp_list = _live(refund_lines)
    out = _Writer(mode)
    ops_currency = {r["Id"]: r.get("CurrencyIsoCode") for r in ops_list}

    def currency_of(row: Row) -> str | None:
        return row.get("CurrencyIsoCode") or ops_currency.get(row.get("OrderPaymentSummaryId") or "")

    applied_by_payment: dict[str, Decimal] = defaultdict(Decimal)
    unapplied_by_payment: dict[str, Decimal] = defaultdict(Decimal)
    applied_by_refund: dict[str, Decimal] = defaultdict(Decimal)
    for line in rlp_list:
        amount = _dec(line.get("Amount"))
        if line.get("Type") == "Applied":
            if line.get("PaymentId"):
                applied_by_payment[line["PaymentId"]] += amount
            if line.get("RefundId"):
                applied_by_refund[line["RefundId"]] += amount
        elif line.get("Type") == "Unapplied" and line.get("PaymentId"):
            unapplied_by_payment[line["PaymentId"]] += amount

    captured_by_auth: dict[str, Decimal] = defaultdict(Decimal)
    for payment in pay_list:
        if payment.get("Status") == "Processed" and payment.get("PaymentAuthorizationId"):
            captured_by_auth[payment["PaymentAuthorizationId"]] += _dec(payment.get("Amount"))

    for payment in pay_list:
        cur = currency_of(payment)
        applied = out.put("Payment", payment, "TotalRefundApplied", applied_by_payment[payment["Id"]], cur)
        net = out.put("Payment", payment, "NetRefundApplied", applied - unapplied_by_payment[payment["Id"]], cur)
        out.put("Payment", payment, "Balance", _dec(payment.get("Amount")) - net, cur)
    for refund in ref_list:
        out.put("Refund", refund, "Balance", _dec(refund.get("Amount")) - applied_by_refund[refund["Id"]],
                currency_of(refund))
    for auth in pa_list:
        cur = currency_of(auth)
        total = out.put("PaymentAuthorization", auth, "TotalPaymentCaptureAmount", captured_by_auth[auth["Id"]], cur)
        reversed_ = out.put("PaymentAuthorization", auth, "TotalAuthReversalAmount", _ZERO, cur)
        out.put("PaymentAuthorization", auth, "Balance", _dec(auth.get("Amount")) - total - reversed_, cur)

    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for rows, rules in (
        (pa_list, {"Processed": "AuthorizationAmount", "Pending": "PendingAuthorizationAmount"}),
        (pay_list, {"Processed": "CapturedAmount", "Draft": "PendingCaptureAmount"}),
        (ref_list, {"Processed": "RefundedAmount", "Pending": "PendingRefundAmount", "Draft": "PendingRefundAmount"}),
    ):
        for row in rows:
            target = rules.get(row.get("Status") or "")
            if target and row.get("OrderPaymentSummaryId"):
                sums[row["OrderPaymentSummaryId"]][target] += _dec(row.get("Amount"))

    for ops in ops_list:
        if ops.get("IsDeleted"):
            continue
        cur = ops.get("CurrencyIsoCode")
        s = sums[ops["Id"]]
        v = {name: out.put("OrderPaymentSummary", ops, name, s[name], cur) for name in (
            "AuthorizationAmount", "PendingAuthorizationAmount", "CapturedAmount", "PendingCaptureAmount",
            "RefundedAmount", "PendingRefundAmount", "AuthorizationReversalAmount", "PendingReverseAuthAmount")}
        out.put("OrderPaymentSummary", ops, "BalanceAmount", v["CapturedAmount"] - v["RefundedAmount"], cur)
        to_capture = v["AuthorizationAmount"] - (v["CapturedAmount"] + v["PendingCaptureAmount"]
                                                 + v["AuthorizationReversalAmount"] + v["PendingReverseAuthAmount"])
        out.put("OrderPaymentSummary", ops, "AvailableToCaptureAmount", max(_ZERO, to_capture), cur)
        to_refund = (v["CapturedAmount"] + v["PendingCaptureAmount"]
                     - (v["RefundedAmount"] + v["PendingRefundAmount"]))
        out.put("OrderPaymentSummary", ops, "AvailableToRefundAmount", max(_ZERO, to_refund), cur)
    return out.updates
