"""Investigation toolkit for orders paid through the Stripe Connector for Salesforce Order Management.

Start with :func:`connect`, then ``session.trace(subject)`` or :func:`diagnose`. Everything listed in
``__all__`` is the public API; other modules may change.
"""

from __future__ import annotations

from toolkit import queries
from toolkit.capture_causes import CaptureDiagnosis, Cause, Retryable, diagnose_capture_failure
from toolkit.clock import Clock, LiveClock
from toolkit.diagnose import Diagnosis, diagnose
from toolkit.errors import CaseFileError, InputError, NotFoundError, ToolkitError
from toolkit.evidence import OpsEvidence, StripePaymentEvidence, StripeReference
from toolkit.findings import Finding, FindingCode, Severity, findings_for_ops
from toolkit.frames import records_frame
from toolkit.gateway_logs import gateway_logs
from toolkit.money import format_amount, from_salesforce, to_major, to_minor
from toolkit.record_chain import RecordChain, chain_for
from toolkit.session import Session, connect
from toolkit.trace import Trace, trace

__all__ = [
    "CaptureDiagnosis",
    "CaseFileError",
    "Cause",
    "Clock",
    "Diagnosis",
    "Finding",
    "FindingCode",
    "InputError",
    "LiveClock",
    "NotFoundError",
    "OpsEvidence",
    "RecordChain",
    "Retryable",
    "Session",
    "Severity",
    "StripePaymentEvidence",
    "StripeReference",
    "ToolkitError",
    "Trace",
    "chain_for",
    "connect",
    "diagnose",
    "diagnose_capture_failure",
    "findings_for_ops",
    "format_amount",
    "from_salesforce",
    "gateway_logs",
    "queries",
    "records_frame",
    "to_major",
    "to_minor",
    "trace",
]
