"""Findings about the bridge between the systems: references Stripe does not find, summaries with no
reference, and failed gateway interactions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from toolkit.analysis.evidence import OpsEvidence
from toolkit.analysis.finding import Finding, FindingCode
from toolkit.analysis.finding import make_finding as _finding
from toolkit.core.clock import parse_instant
from toolkit.core.money import from_salesforce
from toolkit.core.text import format_instant, redact_secrets

__all__ = [
    "rule_gateway_failures",
    "rule_no_stripe_reference",
    "rule_payment_intent_not_found",
]

Record = dict[str, Any]


def _mode(livemode: bool) -> str:
    return "live" if livemode else "test"


def rule_payment_intent_not_found(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """A pi_/txn_ reference that Stripe answers with resource_missing; says whether the mode differs."""
    out = []
    for ref in evidence.references:
        if not ref.missing:
            continue
        head = f"{ref.record_object} {ref.record_id} references {ref.value}, which Stripe does not find"
        if ref.other_mode and ref.key_livemode is not None:
            tail = (
                f" with this {_mode(ref.key_livemode)}-mode key; Stripe says it exists in "
                f"{_mode(not ref.key_livemode)} mode, so the key's mode differs from the reference's."
            )
        elif ref.other_mode:
            tail = "; Stripe says it exists in the other mode, so the key's mode differs from the reference's."
        elif ref.other_mode is False:
            mode = f" {_mode(ref.key_livemode)}-mode" if ref.key_livemode is not None else ""
            tail = (
                f" with this{mode} key, and does not report it in the other mode: the mode is not the cause, "
                "so check the account and the reference."
            )
        else:
            tail = "; whether it exists in the other mode is not known."
        amount = from_salesforce(ref.record_amount, evidence.currency)
        out.append(_finding(FindingCode.PAYMENT_INTENT_NOT_FOUND, ref.value, amount, evidence.currency, head + tail))
    return out


def _has_stripe_id(value: Any) -> bool:
    return isinstance(value, str) and value.strip().startswith(("pi_", "txn_"))


def rule_no_stripe_reference(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """An OPS with no pi_ or txn_ reference anywhere: it cannot be traced."""
    if evidence.references:
        return []
    records = [*evidence.authorizations, *evidence.payments, *evidence.gateway_logs]
    if any(_has_stripe_id(record.get("GatewayRefNumber")) for record in records):
        return []
    return [_finding(
        FindingCode.NO_STRIPE_REFERENCE, evidence.ops_id, None, evidence.currency,
        f"OrderPaymentSummary {evidence.ops_id} has no pi_ or txn_ reference on any authorization or payment, "
        "so it cannot be traced to Stripe.",
    )]


def _created(record: Record) -> datetime:
    value = record.get("CreatedDate")
    try:
        return parse_instant(value) if value else datetime.min.replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)


def rule_gateway_failures(evidence: OpsEvidence, now: datetime) -> list[Finding]:
    """PaymentGatewayLog rows with InteractionStatus Failed or Timeout: how many and the latest message."""
    failed = [log for log in evidence.gateway_logs if log.get("InteractionStatus") in ("Failed", "Timeout")]
    if not failed:
        return []
    latest = max(failed, key=lambda log: (_created(log), str(log.get("Id") or "")))
    count = len(failed)
    rows = "row" if count == 1 else "rows"
    kind = latest.get("InteractionType") or "interaction"
    when = f" at {format_instant(_created(latest))}" if latest.get("CreatedDate") else ""
    message = latest.get("GatewayMessage")
    said = f'said: "{redact_secrets(str(message))}"' if message else "recorded no GatewayMessage"
    return [_finding(
        FindingCode.GATEWAY_FAILURES, evidence.ops_id, None, evidence.currency,
        f"{count} payment gateway log {rows} failed or timed out; the latest, a {kind} "
        f"({latest.get('InteractionStatus')}){when}, {said}" + ("" if said.endswith(('."', '!"', '?"')) else "."),
    )]
