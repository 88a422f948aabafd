"""A finding's shape: severity and remediation from the code, the total order of a list, the JSON, and the batch-only
ORPHAN_PAYMENT_INTENT."""

from __future__ import annotations

from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.finding import Finding, FindingCode, Severity, make_finding, sort_findings
from toolkit.analysis.findings import orphan_payment_intent_finding
from toolkit.analysis.remediation import FINDING_REMEDIATION


def finding(code: FindingCode, subject: str = "pi_1", amount: str | None = "1.00", message: str = "m") -> Finding:
    return make_finding(code, subject, None if amount is None else Decimal(amount), "usd", message)


def test_make_finding_takes_severity_and_remediation_from_the_code() -> None:
    made = make_finding(FindingCode.REFUND_PENDING, "re_1", Decimal("2.5"), "bhd", "pending")
    assert made == Finding(code=FindingCode.REFUND_PENDING, severity=Severity.WARNING, subject="re_1",
                           amount=Decimal("2.5"), currency="BHD", message="pending",
                           remediation=FINDING_REMEDIATION["REFUND_PENDING"])
    assert made.to_json() == {"code": "REFUND_PENDING", "severity": "warning", "subject": "re_1", "amount": "2.500",
                              "currency": "BHD", "message": "pending",
                              "remediation": FINDING_REMEDIATION["REFUND_PENDING"]}
    assert finding(FindingCode.NO_STRIPE_REFERENCE, amount=None).to_json()["amount"] is None
    assert make_finding(FindingCode.CHARGE_DISPUTED, "pi_1", Decimal("12900"), "JPY", "m").to_json()["amount"] == \
        "12900"


def test_severities_rank_errors_first_whatever_the_code() -> None:
    warning = finding(FindingCode.AUTH_EXPIRING)  # alphabetically before every error code below
    error = finding(FindingCode.REFUND_MISSING_IN_STRIPE)
    assert sort_findings([warning, error]) == [error, warning]
    assert sort_findings([error, warning]) == [error, warning]


def test_within_a_severity_by_code_then_subject_then_amount_then_message() -> None:
    ordered = [
        finding(FindingCode.AUTH_CANCELED_UNCAPTURED, "pi_2"),
        finding(FindingCode.AUTH_EXPIRED_UNCAPTURED, "pi_1"),
        finding(FindingCode.AUTH_EXPIRED_UNCAPTURED, "pi_2", amount=None),
        finding(FindingCode.AUTH_EXPIRED_UNCAPTURED, "pi_2", amount="0.01", message="b"),
        finding(FindingCode.AUTH_EXPIRED_UNCAPTURED, "pi_2", amount="0.01", message="c"),
        finding(FindingCode.AUTH_EXPIRED_UNCAPTURED, "pi_2", amount="2.00", message="a"),
        finding(FindingCode.CHARGE_DISPUTED, "pi_0"),
        finding(FindingCode.GATEWAY_FAILURES, "0bM"),
    ]
    assert sort_findings(reversed(ordered)) == ordered
    assert sort_findings([]) == []


def test_orphan_payment_intent_only_authorized_is_not_money_received() -> None:
    orphan = orphan_payment_intent_finding(b.payment_intent(order_id="00009999"))
    assert orphan.amount == Decimal("129.00")
    assert orphan.message == (f"PaymentIntent {b.PI_ID} (129.00 USD requires_capture, not captured) carries order_id "
                              "00009999, but no OrderSummary has that order number.")


def test_orphan_payment_intent_from_one_minor_unit_received() -> None:
    orphan = orphan_payment_intent_finding(b.payment_intent(status="succeeded", amount_received=1))
    assert orphan.amount == Decimal("0.01")
    assert "(0.01 USD received)" in orphan.message


@pytest.mark.parametrize(("currency", "text"), [("jpy", "12900 JPY"), ("bhd", "12.900 BHD")])
def test_orphan_payment_intent_in_its_currencys_exponent(currency: str, text: str) -> None:
    orphan = orphan_payment_intent_finding(b.payment_intent(status="succeeded", currency=currency))
    assert (orphan.amount, orphan.currency) == (Decimal(text.split()[0]), currency.upper())
    assert f"({text} received)" in orphan.message
    assert (orphan.code, orphan.severity, orphan.subject) == ("ORPHAN_PAYMENT_INTENT", "warning", b.PI_ID)


def test_orphan_payment_intent_without_metadata() -> None:
    orphan = orphan_payment_intent_finding({**b.payment_intent(), "metadata": None})
    assert "carries order_id None" in orphan.message


def test_a_finding_without_amount_sorts_as_an_amount_of_zero() -> None:
    """No amount ties with 0 (then the message decides), and comes before any positive amount."""
    zero = finding(FindingCode.GATEWAY_FAILURES, "0bM", amount="0", message="a")
    none = finding(FindingCode.GATEWAY_FAILURES, "0bM", amount=None, message="z")
    cent = finding(FindingCode.GATEWAY_FAILURES, "0bM", amount="0.01", message="0")
    assert sort_findings([cent, none, zero]) == [zero, none, cent]
