"""Around the causes: which rows need their Request, how the triage filters, which rows are worked examples, and
the per-summary evidence of a batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import analysis_builders as b

from toolkit.analysis.capture_causes import CaptureDiagnosis, Cause, Retryable, diagnose_capture_failure
from toolkit.analysis.failed_captures import (
    ALL,
    evidence_per_summary,
    filter_rows,
    needs_request,
    options,
    retryable_examples,
)
from toolkit.analysis.trace_analysis import Fetched, ops_evidence, stripe_evidence
from toolkit.salesforce.capture_reads import CaptureRecords

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def row(cause: Cause, retryable: Retryable, currency: str = "USD", amount: str = "10.00", hours: int = 0,
        log: str = "0Xt000000000001AAA") -> CaptureDiagnosis:
    return CaptureDiagnosis(log_id=log, log_number=None, created=T0 + timedelta(hours=hours), order_number="1",
                            payment_intent="pi_1", cause=cause, retryable=retryable, amount_at_risk=Decimal(amount),
                            currency=currency, remediation="", evidence="")


def test_only_an_unexplained_row_on_a_capturable_payment_intent_needs_its_request() -> None:
    log = b.gateway_log(result_code="api_error", request=None)
    capturable = b.evidence(b.payment_intent(), b.charge())
    first = diagnose_capture_failure(log, capturable)
    assert first.cause is Cause.STRIPE_API_ERROR and needs_request(first, capturable)
    # with the Request, rule 10 can match before rule 11
    again = diagnose_capture_failure({**log, "Request": '{"amount": 139.0}'}, capturable)
    assert again.cause is Cause.AMOUNT_EXCEEDS_CAPTURABLE
    captured = b.evidence(b.payment_intent(status="succeeded"), b.charge(captured=True))
    assert not needs_request(diagnose_capture_failure(log, captured), captured)
    expired = b.evidence(b.payment_intent(status="canceled", canceled_at=b.CREATED + b.DAY,
                                          cancellation_reason="automatic"), b.charge())
    assert not needs_request(diagnose_capture_failure(log, expired), expired)
    assert not needs_request(first, None)


def test_filters_and_their_options() -> None:
    rows = [row(Cause.AUTH_EXPIRED, Retryable.NO, "EUR"), row(Cause.RATE_LIMITED, Retryable.YES),
            row(Cause.AUTH_EXPIRED, Retryable.NO, "USD")]
    assert filter_rows(rows) == rows
    assert filter_rows(rows, cause="AUTH_EXPIRED", currency="USD") == [rows[2]]
    assert filter_rows(rows, retryable="yes") == [rows[1]]
    assert options(rows) == {"cause": [ALL, "RATE_LIMITED", "AUTH_EXPIRED"], "retryable": [ALL, "yes", "no"],
                             "currency": [ALL, "EUR", "USD"]}


def test_one_example_per_retryable_cause_the_earliest() -> None:
    rows = [row(Cause.STRIPE_API_ERROR, Retryable.YES, hours=5, log="b"),
            row(Cause.STRIPE_API_ERROR, Retryable.YES, hours=1, log="a"),
            row(Cause.AMOUNT_EXCEEDS_CAPTURABLE, Retryable.WITH_SMALLER_AMOUNT, hours=9),
            row(Cause.RATE_LIMITED, Retryable.NO), row(Cause.UNKNOWN, Retryable.UNKNOWN)]
    examples = retryable_examples(rows)  # rule order: rule 10 before rule 11; RATE_LIMITED here is "no"
    assert [(e.cause, e.log_id) for e in examples] == [(Cause.AMOUNT_EXCEEDS_CAPTURABLE, rows[2].log_id),
                                                       (Cause.STRIPE_API_ERROR, "a")]


def test_per_summary_evidence_equals_the_whole_chain_evidence() -> None:
    ops_a = b.ops()
    ops_b = {**b.ops(currency="EUR"), "Id": "0bMHxQNM0000002MHA", "OrderSummaryId": "1OsHxK0E0000002KFA"}
    auth_a = {"Id": b.PA_ID, "OrderPaymentSummaryId": ops_a["Id"], "GatewayRefNumber": b.PI_ID, "Amount": 129.0}
    auth_b = {"Id": "0XcHxM130000002KBA", "OrderPaymentSummaryId": ops_b["Id"], "GatewayRefNumber": "pi_b",
              "Amount": 50.0}
    unlinked = {**b.gateway_log(log_id="0XtHxG8C0000009KFA"), "OrderPaymentSummaryId": None,
                "ReferencedEntityId": auth_b["Id"]}
    records = CaptureRecords(
        order_summaries=[{"Id": ops_a["OrderSummaryId"], "OrderNumber": "1"}, {"Id": ops_b["OrderSummaryId"],
                                                                             "OrderNumber": "2"}],
        payment_summaries=[ops_a, ops_b], authorizations=[auth_a, auth_b], gateway_logs=[b.gateway_log(), unlinked])
    pi_b = b.payment_intent(pi_id="pi_b", currency="eur", amount=5000)
    fetched = Fetched(chain=records, payment_intents={b.PI_ID: b.payment_intent(), "pi_b": pi_b})
    quick = evidence_per_summary(fetched)
    stripe = stripe_evidence(fetched, with_events=False)
    for ops in (ops_a, ops_b):
        assert quick[ops["Id"]] == ops_evidence(ops, records, fetched, stripe)
    assert [log["Id"] for log in quick[ops_b["Id"]].gateway_logs] == [unlinked["Id"]]
