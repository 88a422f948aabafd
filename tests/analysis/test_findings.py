"""Trace findings: each rule of specs/findings.md alone, the example case, healthy orders, order and JSON."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.evidence import StripePaymentEvidence
from toolkit.analysis.findings import (
    RULES,
    SEVERITY,
    Finding,
    FindingCode,
    Severity,
    findings_for_ops,
    orphan_payment_intent_finding,
    rule_amount_scale_mismatch,
    rule_auth_canceled_uncaptured,
    rule_auth_expired_uncaptured,
    rule_auth_expiring,
    rule_capturable_remainder_released,
    rule_capture_missing_in_oms,
    rule_capture_missing_in_stripe,
    rule_charge_disputed,
    rule_gateway_failures,
    rule_no_stripe_reference,
    rule_payment_intent_not_found,
    rule_possible_duplicate_refund,
    rule_refund_failed,
    rule_refund_missing_in_oms,
    rule_refund_missing_in_stripe,
    rule_refund_pending,
    sort_findings,
)
from toolkit.analysis.payment_state import stripe_captured, stripe_refunded
from toolkit.analysis.reconciliation import reconcile_ops
from toolkit.analysis.remediation import FINDING_REMEDIATION

CREATED, DAY, HOUR, NOW = b.CREATED, b.DAY, b.HOUR, b.NOW


def codes(findings: list[Finding]) -> list[str]:
    return [str(f.code) for f in findings]


def captured_pi(amount: int = 12900, currency: str = "usd") -> dict:
    return b.payment_intent(amount=amount, status="succeeded", currency=currency)


def captured_charge(amount: int = 12900, refunded: int = 0, currency: str = "usd", **kw: object) -> dict:
    return b.charge(amount=amount, captured=True, amount_refunded=refunded, currency=currency, **kw)


# --- the example case and healthy orders ------------------------------------------------------------


def test_expired_authorization_case() -> None:
    evidence, now = b.case_evidence("expired-authorization.json")
    findings = findings_for_ops(evidence, now)
    assert codes(findings) == ["AUTH_EXPIRED_UNCAPTURED", "GATEWAY_FAILURES"]
    expired, failures = findings
    assert expired.severity is Severity.ERROR
    assert expired.subject == "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
    assert expired.amount == Decimal("129.00")
    assert expired.currency == "USD"
    assert "129.00 USD" in expired.message and "automatic" in expired.message
    assert failures.severity is Severity.WARNING
    assert failures.subject == "0bMHxQNM0000001MHA"
    assert failures.amount is None
    assert "1 payment gateway log row" in failures.message
    assert "could not be captured because it has a status of canceled" in failures.message
    assert expired.to_json() == {
        "code": "AUTH_EXPIRED_UNCAPTURED", "severity": "error", "subject": "pi_3Q0SM8zJpqHmSKkAdDeUpQyU",
        "amount": "129.00", "currency": "USD", "message": expired.message,
        "remediation": FINDING_REMEDIATION["AUTH_EXPIRED_UNCAPTURED"],
    }
    assert failures.to_json()["amount"] is None


def test_healthy_captured_order_has_no_finding() -> None:
    ev = b.evidence(captured_pi(), captured_charge(), ops_record=b.ops(captured=129.0))
    assert findings_for_ops(ev, NOW) == []


def test_healthy_refunded_order_has_no_finding() -> None:
    refunds = [b.refund("re_1", 5000)]
    ev = b.evidence(captured_pi(), captured_charge(refunded=5000), refunds=refunds,
                    ops_record=b.ops(captured=129.0, refunded=50.0))
    assert findings_for_ops(ev, NOW) == []


def test_healthy_authorization_far_from_its_deadline_has_no_finding() -> None:
    ev = b.evidence(b.payment_intent(), b.charge())
    assert findings_for_ops(ev, b.after_checkout(days=1)) == []


def test_healthy_partial_capture_with_nothing_left_in_oms_has_no_finding() -> None:
    pi = b.payment_intent(status="succeeded", amount_received=6000)
    ch = b.charge(captured=True, amount_captured=6000, amount_refunded=6900)
    release = b.refund("re_release", 6900, balance_transaction=None, reason=None, created=CREATED + DAY)
    ev = b.evidence(pi, ch, refunds=[release], ops_record=b.ops(captured=60.0, available_to_capture=0.0))
    assert findings_for_ops(ev, NOW) == []


# --- quantities -------------------------------------------------------------------------------------


def test_stripe_refunded_excludes_the_released_remainder() -> None:
    partial = StripePaymentEvidence(
        payment_intent=b.payment_intent(status="succeeded", amount_received=6000),
        charge=b.charge(captured=True, amount_captured=6000, amount_refunded=6900 + 1000),
    )
    assert stripe_captured(partial) == Decimal("60.00")
    assert stripe_refunded(partial) == Decimal("10.00")
    expired = StripePaymentEvidence(payment_intent=b.payment_intent(status="canceled"),
                                    charge=b.charge(captured=False, amount_refunded=12900))
    assert stripe_captured(expired) == Decimal("0.00")
    assert stripe_refunded(expired) == Decimal("0.00")


# --- the authorization ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["automatic", "expired"])
def test_auth_expired_uncaptured(reason: str) -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason=reason, canceled_at=CREATED + 7 * DAY)
    ev = b.evidence(pi, b.charge(amount_refunded=12900), ops_record=b.ops(available_to_capture=100.0))
    (finding,) = rule_auth_expired_uncaptured(ev, NOW)
    assert (finding.code, finding.severity, finding.amount) == ("AUTH_EXPIRED_UNCAPTURED", "error", Decimal("100.00"))
    assert rule_auth_canceled_uncaptured(ev, NOW) == []


def test_auth_expired_needs_an_amount_available_to_capture() -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason="automatic", canceled_at=CREATED + 7 * DAY)
    ev = b.evidence(pi, b.charge(amount_refunded=12900), ops_record=b.ops(available_to_capture=0.0))
    assert rule_auth_expired_uncaptured(ev, NOW) == []


@pytest.mark.parametrize("reason", ["requested_by_customer", "abandoned", "duplicate", None])
def test_auth_canceled_uncaptured(reason: str | None) -> None:
    pi = b.payment_intent(status="canceled", cancellation_reason=reason, canceled_at=CREATED + DAY)
    ev = b.evidence(pi, b.charge(amount_refunded=12900))
    (finding,) = rule_auth_canceled_uncaptured(ev, NOW)
    assert finding.code == FindingCode.AUTH_CANCELED_UNCAPTURED
    assert finding.amount == Decimal("129.00")
    assert (reason or "no cancellation_reason") in finding.message
    assert rule_auth_expired_uncaptured(ev, NOW) == []


def test_auth_expiring_boundary_at_exactly_48_hours() -> None:
    deadline = b.at(CREATED + 7 * DAY)
    ev = b.evidence(b.payment_intent(amount_capturable=10000), b.charge())
    assert rule_auth_expiring(ev, deadline - timedelta(hours=48)) == []
    (finding,) = rule_auth_expiring(ev, deadline - timedelta(hours=48) + timedelta(seconds=1))
    assert finding.severity is Severity.WARNING
    assert finding.amount == Decimal("100.00")  # amount_capturable, not the OMS amount
    assert "2026-11-18 15:00 UTC" in finding.message and "in 47 hours" in finding.message


def test_auth_expiring_when_the_deadline_has_passed() -> None:
    ev = b.evidence(b.payment_intent(), b.charge())
    (finding,) = rule_auth_expiring(ev, b.at(CREATED + 7 * DAY + 3 * HOUR))
    assert "3 hours ago" in finding.message


def test_auth_expiring_without_capture_before_uses_created_plus_seven_days() -> None:
    ev = b.evidence(b.payment_intent(), b.charge(capture_before=None))
    assert rule_auth_expiring(ev, b.at(CREATED + 5 * DAY)) == []
    assert len(rule_auth_expiring(ev, b.at(CREATED + 5 * DAY + 1))) == 1
    # an extended authorization: capture_before decides
    extended = b.evidence(b.payment_intent(), b.charge(capture_before=CREATED + 30 * DAY))
    assert rule_auth_expiring(extended, b.at(CREATED + 6 * DAY + 23 * HOUR)) == []


def test_auth_expiring_needs_requires_capture_and_an_amount_in_oms() -> None:
    late = b.at(CREATED + 7 * DAY - HOUR)
    assert rule_auth_expiring(b.evidence(b.payment_intent(), b.charge(),
                                         ops_record=b.ops(available_to_capture=0.0)), late) == []
    assert rule_auth_expiring(b.evidence(captured_pi(), captured_charge()), late) == []


def test_capturable_remainder_released() -> None:
    pi = b.payment_intent(status="succeeded", amount_received=6000)
    ch = b.charge(captured=True, amount_captured=6000, amount_refunded=6900)
    ev = b.evidence(pi, ch, ops_record=b.ops(captured=60.0, available_to_capture=69.0))
    assert codes(findings_for_ops(ev, NOW)) == ["CAPTURABLE_REMAINDER_RELEASED"]
    (finding,) = rule_capturable_remainder_released(ev, NOW)
    assert finding.amount == Decimal("69.00")
    assert "60.00 USD of 129.00 USD" in finding.message


# --- OMS against Stripe -----------------------------------------------------------------------------


def test_capture_missing_in_oms() -> None:
    ev = b.evidence(captured_pi(), captured_charge(), ops_record=b.ops(captured=0.0, available_to_capture=129.0))
    assert codes(findings_for_ops(ev, NOW)) == ["CAPTURE_MISSING_IN_OMS"]
    (finding,) = rule_capture_missing_in_oms(ev, NOW)
    assert (finding.subject, finding.amount) == (b.PI_ID, Decimal("129.00"))
    pending = b.evidence(captured_pi(), captured_charge(), ops_record=b.ops(captured=0.0, pending_capture=129.0))
    assert "129.00 USD of capture pending" in rule_capture_missing_in_oms(pending, NOW)[0].message


def test_capture_missing_in_stripe() -> None:
    ev = b.evidence(b.payment_intent(), b.charge(), ops_record=b.ops(captured=129.0, available_to_capture=0.0))
    assert codes(findings_for_ops(ev, NOW)) == ["CAPTURE_MISSING_IN_STRIPE"]
    (finding,) = rule_capture_missing_in_stripe(ev, NOW)
    assert finding.amount == Decimal("129.00")
    assert rule_capture_missing_in_oms(ev, NOW) == []


def test_refund_missing_in_oms_is_a_warning() -> None:
    ev = b.evidence(captured_pi(), captured_charge(refunded=5000), refunds=[b.refund("re_dash", 5000)],
                    ops_record=b.ops(captured=129.0))
    assert codes(findings_for_ops(ev, NOW)) == ["REFUND_MISSING_IN_OMS"]
    (finding,) = rule_refund_missing_in_oms(ev, NOW)
    assert (finding.severity, finding.amount) == (Severity.WARNING, Decimal("50.00"))


def test_refund_missing_in_stripe() -> None:
    ev = b.evidence(captured_pi(), captured_charge(), ops_record=b.ops(captured=129.0, refunded=50.0))
    assert codes(findings_for_ops(ev, NOW)) == ["REFUND_MISSING_IN_STRIPE"]
    (finding,) = rule_refund_missing_in_stripe(ev, NOW)
    assert (finding.severity, finding.amount) == (Severity.ERROR, Decimal("50.00"))


def test_refund_after_partial_capture_compares_without_the_release() -> None:
    pi = b.payment_intent(status="succeeded", amount_received=6000)
    ch = b.charge(captured=True, amount_captured=6000, amount_refunded=6900 + 1000)
    ev = b.evidence(pi, ch, ops_record=b.ops(captured=60.0, refunded=10.0, available_to_capture=0.0))
    assert findings_for_ops(ev, NOW) == []
    assert rule_refund_missing_in_oms(replace(ev, ops=b.ops(captured=60.0, available_to_capture=0.0)), NOW)[0].amount \
        == Decimal("10.00")


def test_mismatches_are_not_judged_on_an_incomplete_stripe_side() -> None:
    ev = b.evidence(None, references=[b.pi_reference(missing=True, other_mode=False)],
                    ops_record=b.ops(captured=129.0, refunded=20.0))
    found = codes(findings_for_ops(ev, NOW))
    assert found == ["PAYMENT_INTENT_NOT_FOUND"]


def test_mismatch_three_decimal_currency() -> None:
    pi = captured_pi(amount=1500, currency="bhd")
    ev = b.evidence(pi, captured_charge(amount=1500, currency="bhd"), currency="BHD",
                    ops_record=b.ops(authorized=1.5, captured=1.0, currency="BHD", available_to_capture=0.0))
    (finding,) = findings_for_ops(ev, NOW)
    assert (finding.code, finding.amount, finding.currency) == ("CAPTURE_MISSING_IN_OMS", Decimal("0.500"), "BHD")
    assert finding.to_json()["amount"] == "0.500"
    assert "1.500 BHD" in finding.message and "1.000 BHD" in finding.message


def test_zero_decimal_mismatch_that_is_not_a_scale_error() -> None:
    ev = b.evidence(captured_pi(currency="jpy"), captured_charge(currency="jpy"), currency="JPY",
                    ops_record=b.ops(authorized=12900.0, captured=10000.0, currency="JPY", available_to_capture=0.0))
    (finding,) = findings_for_ops(ev, NOW)
    assert (finding.code, finding.amount) == ("CAPTURE_MISSING_IN_OMS", Decimal("2900"))
    assert finding.to_json()["amount"] == "2900"
    assert "12900 JPY" in finding.message


@pytest.mark.parametrize(("oms_captured", "difference"), [(1290000.0, "1277100"), (129.0, "12771")])
def test_amount_scale_mismatch_replaces_the_capture_mismatches(oms_captured: float, difference: str) -> None:
    ev = b.evidence(captured_pi(currency="jpy"), captured_charge(currency="jpy"), currency="JPY",
                    ops_record=b.ops(authorized=oms_captured, captured=oms_captured, currency="JPY"))
    assert codes(findings_for_ops(ev, NOW)) == ["AMOUNT_SCALE_MISMATCH"]
    (finding,) = rule_amount_scale_mismatch(ev, NOW)
    assert finding.amount == Decimal(difference)
    assert rule_capture_missing_in_oms(ev, NOW) == rule_capture_missing_in_stripe(ev, NOW) == []


def test_amount_scale_mismatch_on_the_refund_pair() -> None:
    ev = b.evidence(captured_pi(currency="jpy"), captured_charge(currency="jpy", refunded=5000), currency="JPY",
                    refunds=[b.refund("re_1", 5000, currency="jpy")],
                    ops_record=b.ops(authorized=12900.0, captured=12900.0, refunded=500000.0, currency="JPY"))
    (finding,) = findings_for_ops(ev, NOW)
    assert (finding.code, finding.amount) == ("AMOUNT_SCALE_MISMATCH", Decimal("495000"))
    assert "refunded" in finding.message


def test_no_scale_mismatch_for_two_decimal_currencies() -> None:
    ev = b.evidence(captured_pi(), captured_charge(), ops_record=b.ops(authorized=12900.0, captured=12900.0))
    assert codes(findings_for_ops(ev, NOW)) == ["CAPTURE_MISSING_IN_STRIPE"]


# --- refunds and disputes ---------------------------------------------------------------------------


def test_refund_failed_says_the_failure_reason() -> None:
    failed = b.refund("re_failed", 5000, status="failed", failure_reason="expired_or_canceled_card")
    ev = b.evidence(captured_pi(), captured_charge(), refunds=[failed], ops_record=b.ops(captured=129.0))
    assert codes(findings_for_ops(ev, NOW)) == ["REFUND_FAILED"]
    (finding,) = rule_refund_failed(ev, NOW)
    assert (finding.subject, finding.amount, finding.severity) == ("re_failed", Decimal("50.00"), Severity.ERROR)
    assert "expired_or_canceled_card" in finding.message


@pytest.mark.parametrize("status", ["pending", "requires_action"])
def test_refund_pending_says_reason_and_age(status: str) -> None:
    pending = b.refund("re_wait", 2500, status=status, pending_reason="insufficient_funds", created=CREATED)
    ev = b.evidence(captured_pi(), captured_charge(refunded=2500), refunds=[pending],
                    ops_record=b.ops(captured=129.0, refunded=25.0))
    assert codes(findings_for_ops(ev, NOW)) == ["REFUND_PENDING"]
    (finding,) = rule_refund_pending(ev, NOW)
    assert (finding.subject, finding.amount, finding.severity) == ("re_wait", Decimal("25.00"), Severity.WARNING)
    assert "insufficient_funds" in finding.message and "2 days ago" in finding.message and status in finding.message


def _duplicates(*refunds: dict, pi: dict | None = None, ch: dict | None = None) -> list[Finding]:
    ev = b.evidence(pi or captured_pi(), ch or captured_charge(refunded=sum(r["amount"] for r in refunds)),
                    refunds=list(refunds))
    return rule_possible_duplicate_refund(ev, NOW)


def test_possible_duplicate_refund_at_exactly_24_hours() -> None:
    (finding,) = _duplicates(b.refund("re_a", 5000, created=CREATED), b.refund("re_b", 5000, created=CREATED + DAY))
    assert (finding.subject, finding.amount, finding.severity) == ("re_b", Decimal("50.00"), Severity.WARNING)
    assert "re_a, re_b" in finding.message


def test_no_duplicate_refund_just_over_24_hours() -> None:
    assert _duplicates(b.refund("re_a", 5000, created=CREATED), b.refund("re_b", 5000, created=CREATED + DAY + 1)) == []


def test_duplicate_refund_amount_is_all_but_the_first() -> None:
    refunds = [b.refund(f"re_{i}", 3000, created=CREATED + i * HOUR) for i in range(3)]
    (finding,) = _duplicates(*refunds)
    assert finding.amount == Decimal("60.00")
    assert finding.subject == "re_1"


def test_no_duplicate_refund_for_different_amounts_or_failed_ones() -> None:
    assert _duplicates(b.refund("re_a", 5000), b.refund("re_b", 4000)) == []
    assert _duplicates(b.refund("re_a", 5000), b.refund("re_b", 5000, status="failed")) == []
    assert _duplicates(b.refund("re_a", 5000), b.refund("re_b", 5000, status="canceled")) == []


def test_releases_are_not_duplicate_refunds() -> None:
    # a partial capture of 64.50 released 64.50; then a real refund of 64.50
    pi = b.payment_intent(status="succeeded", amount_received=6450)
    ch = b.charge(captured=True, amount_captured=6450, amount_refunded=12900)
    release = b.refund("re_release", 6450, balance_transaction=None, reason=None, created=CREATED + HOUR)
    real = b.refund("re_real", 6450, created=CREATED + 2 * HOUR)
    assert _duplicates(release, real, pi=pi, ch=ch) == []
    # an expired authorization's release, even with a balance transaction, moves no money
    expired = b.refund("re_exp", 6450, reason="expired_uncaptured_charge", created=CREATED + 3 * HOUR)
    assert _duplicates(real, expired) == []


def test_charge_disputed() -> None:
    ev = b.evidence(captured_pi(), captured_charge(disputed=True), ops_record=b.ops(captured=129.0))
    assert codes(findings_for_ops(ev, NOW)) == ["CHARGE_DISPUTED"]
    (finding,) = rule_charge_disputed(ev, NOW)
    assert (finding.subject, finding.amount, finding.severity) == (b.PI_ID, Decimal("129.00"), Severity.WARNING)


# --- references and the gateway log -----------------------------------------------------------------


def test_payment_intent_not_found_in_the_other_mode() -> None:
    ref = b.pi_reference(missing=True, other_mode=True, key_livemode=False, amount="129.00")
    (finding,) = rule_payment_intent_not_found(b.evidence(None, references=[ref]), NOW)
    assert (finding.code, finding.severity, finding.subject) == ("PAYMENT_INTENT_NOT_FOUND", "error", b.PI_ID)
    assert finding.amount == Decimal("129.00")
    assert "test-mode key" in finding.message and "live mode" in finding.message and "differs" in finding.message


def test_payment_intent_not_found_in_the_same_mode() -> None:
    ref = b.pi_reference(missing=True, other_mode=False, key_livemode=True)
    (finding,) = rule_payment_intent_not_found(b.evidence(None, references=[ref]), NOW)
    assert "live-mode key" in finding.message and "mode is not the cause" in finding.message


def test_payment_intent_not_found_for_a_balance_transaction() -> None:
    ref = replace(b.pi_reference(missing=True, value="txn_1Missing", amount="99.99"), kind="balance_transaction",
                  record_object="Payment", record_id=b.PAY_ID)
    (finding,) = rule_payment_intent_not_found(b.evidence(None, references=[ref]), NOW)
    assert (finding.subject, finding.amount) == ("txn_1Missing", Decimal("99.99"))
    assert "not known" in finding.message


def test_no_stripe_reference() -> None:
    ev = b.evidence(None, references=[])
    (finding,) = findings_for_ops(ev, NOW)
    assert (finding.code, finding.severity, finding.subject, finding.amount) == (
        "NO_STRIPE_REFERENCE", "warning", b.OPS_ID, None)
    linked = replace(ev, authorizations=[{"Id": b.PA_ID, "GatewayRefNumber": "pi_123"}])
    assert rule_no_stripe_reference(linked, NOW) == []


def test_gateway_failures_counts_and_quotes_the_latest() -> None:
    logs = [
        b.gateway_log("0Xt1", created=NOW - timedelta(days=2), message="older"),
        b.gateway_log("0Xt2", created=NOW - timedelta(days=1), status="Timeout", message=None, sf_result="SystemError"),
        b.gateway_log("0Xt3", created=NOW, interaction_type="ReferencedRefund",
                      message="Invalid API Key provided: sk_test_sandbox********abcd"),
        b.gateway_log("0Xt4", created=NOW + timedelta(hours=1), status="Success", message="newest but fine"),
    ]
    ev = b.evidence(b.payment_intent(), b.charge(), logs=logs)
    (finding,) = rule_gateway_failures(ev, NOW)
    assert (finding.subject, finding.amount, finding.severity) == (b.OPS_ID, None, Severity.WARNING)
    assert finding.message.startswith("3 payment gateway log rows")
    assert "ReferencedRefund" in finding.message and "Invalid API Key provided" in finding.message
    assert "sk_test_sandbox*" not in finding.message and "abcd" not in finding.message
    assert rule_gateway_failures(replace(ev, gateway_logs=logs[3:]), NOW) == []


# --- the whole: order, severities, remediation, orphans ---------------------------------------------


def test_findings_are_ordered_by_severity_then_code_then_subject() -> None:
    pending = b.refund("re_wait", 1000, status="pending", pending_reason="processing")
    failed = b.refund("re_failed", 1000, status="failed", failure_reason="declined")
    ev = b.evidence(captured_pi(), captured_charge(refunded=1000, disputed=True), refunds=[pending, failed],
                    ops_record=b.ops(captured=100.0, refunded=0.0),
                    logs=[b.gateway_log(status="Failed", message="boom")])
    found = findings_for_ops(ev, NOW)
    assert codes(found) == [
        "CAPTURE_MISSING_IN_OMS", "REFUND_FAILED",
        "CHARGE_DISPUTED", "GATEWAY_FAILURES", "REFUND_MISSING_IN_OMS", "REFUND_PENDING",
    ]
    assert sort_findings(reversed(found)) == found


def test_every_code_has_its_spec_severity_and_a_remediation() -> None:
    errors = {"AUTH_EXPIRED_UNCAPTURED", "AUTH_CANCELED_UNCAPTURED", "CAPTURABLE_REMAINDER_RELEASED",
              "CAPTURE_MISSING_IN_OMS", "CAPTURE_MISSING_IN_STRIPE", "REFUND_MISSING_IN_STRIPE",
              "AMOUNT_SCALE_MISMATCH", "REFUND_FAILED", "PAYMENT_INTENT_NOT_FOUND", "CURRENCY_MISMATCH"}
    assert len(FindingCode) == 18
    for code in FindingCode:
        assert SEVERITY[code] == (Severity.ERROR if code in errors else Severity.WARNING)
        assert "Do not" in FINDING_REMEDIATION[code]
    assert len(RULES) == 17


def test_orphan_payment_intent_finding() -> None:
    uncaptured = orphan_payment_intent_finding(b.payment_intent(order_id="00009999"))
    assert (uncaptured.code, uncaptured.severity, uncaptured.subject) == ("ORPHAN_PAYMENT_INTENT", "warning", b.PI_ID)
    assert uncaptured.amount == Decimal("129.00")
    assert "00009999" in uncaptured.message
    received = orphan_payment_intent_finding(b.payment_intent(status="succeeded", amount_received=5000,
                                                              currency="jpy"))
    assert (received.amount, received.currency) == (Decimal("5000"), "JPY")


# --- currencies ---------------------------------------------------------------------------------------


def test_a_summary_in_another_currency_than_its_payment_intent_is_compared_in_no_unit() -> None:
    """A JPY payment summary over a USD PaymentIntent: 129 JPY is not 12900 JPY short of anything."""
    ev = b.evidence(captured_pi(), captured_charge(), currency="JPY",
                    ops_record=b.ops(authorized=129.0, captured=129.0, currency="JPY"))
    found = findings_for_ops(ev, NOW)
    assert codes(found) == ["CURRENCY_MISMATCH"]
    assert (found[0].subject, found[0].amount, found[0].currency) == (b.PI_ID, None, "JPY")
    assert "is in JPY but PaymentIntent" in found[0].message and "is in USD" in found[0].message
    rows = reconcile_ops(ev)
    assert all(row.stripe is None and row.difference is None for row in rows)


def test_stripe_amounts_are_labelled_in_stripes_currency() -> None:
    """AUTH_EXPIRING's amount is Stripe's amount_capturable: in the PaymentIntent's currency, whatever OMS says."""
    pi = b.payment_intent(currency="usd")
    ch = b.charge(capture_before=CREATED + 3 * DAY)
    found = findings_for_ops(b.evidence(pi, ch, currency="EUR", ops_record=b.ops(currency="EUR")), NOW)
    expiring = next(f for f in found if f.code == "AUTH_EXPIRING")
    assert (expiring.amount, expiring.currency) == (Decimal("129.00"), "USD") and "129.00 USD" in expiring.message
