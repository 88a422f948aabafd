"""A trace finding: its code, severity and shape, as ``docs/findings.md`` lists them.

The rules that produce findings live in the ``*_rules`` modules beside this one, grouped by family
(:mod:`~toolkit.analysis.authorization_rules`, :mod:`~toolkit.analysis.mismatch_rules`,
:mod:`~toolkit.analysis.refund_rules`, :mod:`~toolkit.analysis.reference_rules`);
:mod:`toolkit.analysis.findings` applies them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from toolkit.analysis.remediation import finding_remediation
from toolkit.core.money import format_amount, normalize_currency

__all__ = [
    "DUPLICATE_REFUND_WINDOW",
    "EXPIRING_WINDOW",
    "SEVERITY",
    "Finding",
    "FindingCode",
    "Severity",
    "make_finding",
    "sort_findings",
]

EXPIRING_WINDOW = timedelta(hours=48)
DUPLICATE_REFUND_WINDOW = timedelta(hours=24)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class FindingCode(StrEnum):
    AUTH_EXPIRED_UNCAPTURED = "AUTH_EXPIRED_UNCAPTURED"
    AUTH_CANCELED_UNCAPTURED = "AUTH_CANCELED_UNCAPTURED"
    AUTH_EXPIRING = "AUTH_EXPIRING"
    CAPTURABLE_REMAINDER_RELEASED = "CAPTURABLE_REMAINDER_RELEASED"
    CAPTURE_MISSING_IN_OMS = "CAPTURE_MISSING_IN_OMS"
    CAPTURE_MISSING_IN_STRIPE = "CAPTURE_MISSING_IN_STRIPE"
    REFUND_MISSING_IN_OMS = "REFUND_MISSING_IN_OMS"
    REFUND_MISSING_IN_STRIPE = "REFUND_MISSING_IN_STRIPE"
    AMOUNT_SCALE_MISMATCH = "AMOUNT_SCALE_MISMATCH"
    REFUND_FAILED = "REFUND_FAILED"
    REFUND_PENDING = "REFUND_PENDING"
    POSSIBLE_DUPLICATE_REFUND = "POSSIBLE_DUPLICATE_REFUND"
    CHARGE_DISPUTED = "CHARGE_DISPUTED"
    PAYMENT_INTENT_NOT_FOUND = "PAYMENT_INTENT_NOT_FOUND"
    NO_STRIPE_REFERENCE = "NO_STRIPE_REFERENCE"
    GATEWAY_FAILURES = "GATEWAY_FAILURES"
    ORPHAN_PAYMENT_INTENT = "ORPHAN_PAYMENT_INTENT"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"


SEVERITY: dict[FindingCode, Severity] = {
    FindingCode.AUTH_EXPIRED_UNCAPTURED: Severity.ERROR,
    FindingCode.AUTH_CANCELED_UNCAPTURED: Severity.ERROR,
    FindingCode.AUTH_EXPIRING: Severity.WARNING,
    FindingCode.CAPTURABLE_REMAINDER_RELEASED: Severity.ERROR,
    FindingCode.CAPTURE_MISSING_IN_OMS: Severity.ERROR,
    FindingCode.CAPTURE_MISSING_IN_STRIPE: Severity.ERROR,
    FindingCode.REFUND_MISSING_IN_OMS: Severity.WARNING,
    FindingCode.REFUND_MISSING_IN_STRIPE: Severity.ERROR,
    FindingCode.AMOUNT_SCALE_MISMATCH: Severity.ERROR,
    FindingCode.REFUND_FAILED: Severity.ERROR,
    FindingCode.REFUND_PENDING: Severity.WARNING,
    FindingCode.POSSIBLE_DUPLICATE_REFUND: Severity.WARNING,
    FindingCode.CHARGE_DISPUTED: Severity.WARNING,
    FindingCode.PAYMENT_INTENT_NOT_FOUND: Severity.ERROR,
    FindingCode.NO_STRIPE_REFERENCE: Severity.WARNING,
    FindingCode.GATEWAY_FAILURES: Severity.WARNING,
    FindingCode.ORPHAN_PAYMENT_INTENT: Severity.WARNING,
    FindingCode.CURRENCY_MISMATCH: Severity.ERROR,
}
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1}


@dataclass(frozen=True)
class Finding:
    """One conclusion about an order's payment: a code, what it is about and how much money it concerns."""

    code: FindingCode
    severity: Severity
    subject: str
    amount: Decimal | None
    currency: str
    message: str
    remediation: str

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON shape; the amount as a string at the currency's scale, or None."""
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "subject": self.subject,
            "amount": None if self.amount is None else format_amount(self.amount, self.currency),
            "currency": self.currency,
            "message": self.message,
            "remediation": self.remediation,
        }


def make_finding(code: FindingCode, subject: str, amount: Decimal | None, currency: str, message: str) -> Finding:
    return Finding(
        code=code,
        severity=SEVERITY[code],
        subject=subject,
        amount=amount,
        currency=normalize_currency(currency),
        message=message,
        remediation=finding_remediation(code),
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by code, subject, amount and message (a total, stable order)."""
    return sorted(
        findings,
        key=lambda f: (_SEVERITY_RANK[f.severity], str(f.code), f.subject, f.amount or Decimal(0), f.message),
    )
