"""The batch analysis over plain records: grouping per summary, orphan rows, the summary by code and currency."""

from __future__ import annotations

from decimal import Decimal

from toolkit.analysis.batch import BatchRow, group_by_summary, orphan_row, summarize
from toolkit.analysis.finding import FindingCode, make_finding


class _Chain:
    def __init__(self, **records: list) -> None:
        for name in ("order_summaries", "payment_summaries", "authorizations", "payments", "refunds",
                     "refund_line_payments", "gateway_logs"):
            setattr(self, name, records.get(name, []))


def test_a_refund_without_summary_goes_with_its_payments_summary() -> None:
    chain = _Chain(order_summaries=[{"Id": "os1"}], payment_summaries=[{"Id": "ops1", "OrderSummaryId": "os1"},
                                                                       {"Id": "ops2", "OrderSummaryId": "os1"}],
                   payments=[{"Id": "p1", "OrderPaymentSummaryId": "ops1"}],
                   refunds=[{"Id": "r1", "OrderPaymentSummaryId": None}],
                   refund_line_payments=[{"Id": "l1", "RefundId": "r1", "PaymentId": "p1"}],
                   gateway_logs=[{"Id": "g1", "OrderPaymentSummaryId": "ops2"}])
    first, second = group_by_summary(chain)
    assert [r["Id"] for r in first.refunds] == ["r1"] and [r["Id"] for r in first.refund_line_payments] == ["l1"]
    assert second.refunds == () and [r["Id"] for r in second.gateway_logs] == ["g1"]
    assert first.order_summaries == ({"Id": "os1"},)


def test_an_orphan_row_has_no_oms_side() -> None:
    pi = {"id": "pi_1", "object": "payment_intent", "amount": 4500, "amount_received": 4500, "amount_capturable": 0,
          "currency": "usd", "status": "succeeded", "capture_method": "automatic",
          "metadata": {"order_id": "00009999"},
          "latest_charge": {"id": "ch_1", "captured": True, "amount": 4500, "amount_captured": 4500,
                            "amount_refunded": 0, "status": "succeeded"}}
    row = orphan_row(pi, [])
    assert (row.ops_id, row.order_number, row.codes) == (None, "00009999", ["ORPHAN_PAYMENT_INTENT"])
    captured = row.quantity("captured")
    assert captured is not None and (captured.oms, captured.stripe, captured.difference) == (
        None, Decimal("45.00"), None)


def test_the_summary_never_adds_currencies() -> None:
    def row(code: FindingCode, amount: str | None, currency: str) -> BatchRow:
        finding = make_finding(code, "x", Decimal(amount) if amount else None, currency, "m")
        return BatchRow("ops", "1", None, currency, (), (), (finding,))

    summary = summarize([row(FindingCode.CAPTURE_MISSING_IN_OMS, "10.00", "USD"),
                         row(FindingCode.CAPTURE_MISSING_IN_OMS, "1000", "JPY"),
                         row(FindingCode.CAPTURE_MISSING_IN_OMS, "5.50", "USD"),
                         row(FindingCode.GATEWAY_FAILURES, None, "USD")])
    assert [(s.code, s.currency, s.rows, s.amount) for s in summary] == [
        ("CAPTURE_MISSING_IN_OMS", "JPY", 1, Decimal("1000")), ("CAPTURE_MISSING_IN_OMS", "USD", 2, Decimal("15.50")),
        ("GATEWAY_FAILURES", "USD", 1, None)]
