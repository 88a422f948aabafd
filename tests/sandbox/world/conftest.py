"""Fixtures for the world tests: OpsEvidence for every order of a case file, from its plain records and
objects.

Used to confirm the demo manifest with the pure rules (``toolkit.analysis.findings``,
``toolkit.analysis.capture_causes``)
without the investigation layer: references resolve through the case's own Stripe objects.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence, StripeReference


def evidence_by_order(case: dict[str, Any]) -> dict[str, OpsEvidence]:
    records = case["salesforce"]["records"]
    objects = {o["id"]: o for o in case["stripe"]["objects"]}
    refunds_by_charge: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obj in case["stripe"]["objects"]:
        if obj["object"] == "refund":
            refunds_by_charge[obj["charge"]].append(obj)
    summaries = {r["Id"]: r for r in records.get("OrderSummary", [])}

    def children(name: str, ops_id: str) -> list[dict[str, Any]]:
        return [r for r in records.get(name, []) if r.get("OrderPaymentSummaryId") == ops_id]

    out: dict[str, OpsEvidence] = {}
    for ops in records.get("OrderPaymentSummary", []):
        auths = children("PaymentAuthorization", ops["Id"])
        payments = children("Payment", ops["Id"])
        refunds = children("Refund", ops["Id"])
        refund_ids = {r["Id"] for r in refunds}
        lines = [r for r in records.get("RefundLinePayment", []) if r.get("RefundId") in refund_ids]
        references: list[StripeReference] = []
        pis: dict[str, StripePaymentEvidence] = {}
        for obj_name, rows in (("PaymentAuthorization", auths), ("Payment", payments)):
            for row in rows:
                value = row.get("GatewayRefNumber") or ""
                if not value.startswith(("pi_", "txn_")):
                    continue
                kind = "payment_intent" if value.startswith("pi_") else "balance_transaction"
                target = objects.get(value)
                resolved = None
                if target is not None and kind == "payment_intent":
                    resolved = value
                elif target is not None:
                    charge = objects.get(target.get("source") or "")
                    resolved = charge.get("payment_intent") if charge else None
                references.append(StripeReference(kind, value, obj_name, row["Id"], Decimal(str(row["Amount"])),
                                                  resolved, missing=target is None,
                                                  other_mode=False if target is None else None, key_livemode=False))
                if resolved and resolved not in pis:
                    pi = objects[resolved]
                    charge = objects.get(pi.get("latest_charge") or "")
                    events = [o for o in objects.values() if o["object"] == "event"
                              and o["data"]["object"].get("id") in (resolved, charge and charge["id"])]
                    pis[resolved] = StripePaymentEvidence(pi, charge, refunds_by_charge.get(charge["id"], [])
                                                          if charge else [], {}, events)
        summary = summaries[ops["OrderSummaryId"]]
        out[summary["OrderNumber"]] = OpsEvidence(
            ops, summary["OrderNumber"], ops["CurrencyIsoCode"], auths, payments, refunds, lines,
            children("PaymentGatewayLog", ops["Id"]), references, list(pis.values()))
    return out


@pytest.fixture
def case_evidence():
    """``evidence_by_order(case)``: OpsEvidence per order number, from a case file's plain data."""
    return evidence_by_order
