"""Results as pandas DataFrames: typed columns (UTC datetimes, Decimal amounts), one row per item, rows in the
result's own order. For notebooks and exports; the text and HTML views are in :mod:`toolkit.views.display`."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from toolkit.analysis.findings import Finding
from toolkit.analysis.reconciliation import ReconciliationRow
from toolkit.analysis.timeline import TimelineRow
from toolkit.core.text import redact

__all__ = ["FINDING_COLUMNS", "RECONCILIATION_COLUMNS", "TIMELINE_COLUMNS", "findings_frame",
           "reconciliation_frame", "timeline_frame"]

TIMELINE_COLUMNS = ["time", "system", "object", "id", "what", "amount", "currency", "status"]
RECONCILIATION_COLUMNS = ["ops_id", "order_number", "payment_intents", "quantity", "oms", "stripe", "difference",
                          "currency"]
FINDING_COLUMNS = ["code", "severity", "subject", "amount", "currency", "message", "remediation"]


def timeline_frame(rows: Iterable[TimelineRow]) -> pd.DataFrame:
    """One row per timeline entry; ``time`` as UTC datetimes, ``amount`` as Decimal (None without one)."""
    data = [{"time": r.time, "system": r.system, "object": r.object, "id": r.id, "what": redact(r.what),
             "amount": r.amount if r.currency else None, "currency": r.currency, "status": r.status} for r in rows]
    frame = pd.DataFrame(data, columns=TIMELINE_COLUMNS, dtype=object)
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame


def reconciliation_frame(rows: Iterable[ReconciliationRow]) -> pd.DataFrame:
    """One row per payment summary and quantity: OMS's amount, Stripe's (None when it cannot be known), OMS minus
    Stripe, as Decimal; ``payment_intents`` comma-separated."""
    data = [{"ops_id": r.ops_id, "order_number": r.order_number, "payment_intents": ", ".join(r.payment_intents),
             "quantity": r.quantity, "oms": r.oms, "stripe": r.stripe, "difference": r.difference,
             "currency": r.currency} for r in rows]
    return pd.DataFrame(data, columns=RECONCILIATION_COLUMNS, dtype=object)


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """One row per finding, in the result's order (errors first); ``amount`` as Decimal or None."""
    data = [{"code": str(f.code), "severity": str(f.severity), "subject": f.subject, "amount": f.amount,
             "currency": f.currency, "message": redact(f.message), "remediation": f.remediation} for f in findings]
    return pd.DataFrame(data, columns=FINDING_COLUMNS, dtype=object)
