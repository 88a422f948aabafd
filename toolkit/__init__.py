"""Investigation toolkit for orders paid through the Stripe Connector for Salesforce Order Management.

Start with :func:`connect`, then ``session.trace(subject)`` or :func:`diagnose`. Everything listed in
``__all__`` is the public API; other modules may change. The layers and their import rules are in the
README ("Module map").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.actions.guided import ActionResult, GuidedAction
    from toolkit.analysis.capture_causes import CaptureDiagnosis, Cause, Retryable, diagnose_capture_failure
    from toolkit.analysis.evidence import OpsEvidence, StripePaymentEvidence, StripeReference
    from toolkit.analysis.expiring import ExpiringAuthorization
    from toolkit.analysis.findings import Finding, FindingCode, Severity, findings_for_ops
    from toolkit.core.clock import Clock, LiveClock
    from toolkit.core.incomplete import Incomplete
    from toolkit.core.money import format_amount, from_salesforce, to_major, to_minor
    from toolkit.core.retry import RetryPolicy
    from toolkit.errors import (
        AccessDeniedError,
        ActionRefusedError,
        BudgetExceededError,
        CaseFileError,
        InputError,
        NotFoundError,
        ServiceError,
        ServiceUnavailableError,
        ToolkitError,
    )
    from toolkit.investigate.diagnose import Diagnosis, diagnose
    from toolkit.investigate.expiring import ExpiringAuthorizations, expiring_authorizations
    from toolkit.investigate.reconcile import Reconciliation, reconcile
    from toolkit.investigate.trace import Trace, trace
    from toolkit.salesforce import queries
    from toolkit.salesforce.frames import records_frame
    from toolkit.salesforce.gateway import SalesforceGateway
    from toolkit.salesforce.gateway_logs import gateway_logs
    from toolkit.salesforce.record_chain import RecordChain, chain_for
    from toolkit.session import DataSource, Session, connect
    from toolkit.stripe.gateway import StripeGateway, StripeObjectMissing
    from toolkit.widgets.refund_wizard import RefundWizard
    from toolkit.widgets.triage import TriageState, TriageWidget, recapture_action

#: Where each public name lives. Names load on first use (PEP 562), so importing one layer (the pure analysis,
#: say) never drags in the clients, pandas or the sandbox through this package's ``__init__``.
_PUBLIC: dict[str, str] = {
    "ExpiringAuthorization": "toolkit.analysis.expiring",
    "ExpiringAuthorizations": "toolkit.investigate.expiring",
    "expiring_authorizations": "toolkit.investigate.expiring",
    "TriageState": "toolkit.widgets.triage",
    "TriageWidget": "toolkit.widgets.triage",
    "recapture_action": "toolkit.widgets.triage",
    "RefundWizard": "toolkit.widgets.refund_wizard",
    "ActionRefusedError": "toolkit.errors",
    "ActionResult": "toolkit.actions.guided",
    "GuidedAction": "toolkit.actions.guided",
    "Incomplete": "toolkit.core.incomplete",
    "RetryPolicy": "toolkit.core.retry",
    "AccessDeniedError": "toolkit.errors",
    "BudgetExceededError": "toolkit.errors",
    "CaptureDiagnosis": "toolkit.analysis.capture_causes",
    "CaseFileError": "toolkit.errors",
    "Cause": "toolkit.analysis.capture_causes",
    "Clock": "toolkit.core.clock",
    "DataSource": "toolkit.session",
    "Diagnosis": "toolkit.investigate.diagnose",
    "Finding": "toolkit.analysis.findings",
    "FindingCode": "toolkit.analysis.findings",
    "InputError": "toolkit.errors",
    "LiveClock": "toolkit.core.clock",
    "NotFoundError": "toolkit.errors",
    "OpsEvidence": "toolkit.analysis.evidence",
    "RecordChain": "toolkit.salesforce.record_chain",
    "Reconciliation": "toolkit.investigate.reconcile",
    "Retryable": "toolkit.analysis.capture_causes",
    "SalesforceGateway": "toolkit.salesforce.gateway",
    "ServiceError": "toolkit.errors",
    "ServiceUnavailableError": "toolkit.errors",
    "Session": "toolkit.session",
    "Severity": "toolkit.analysis.findings",
    "StripeGateway": "toolkit.stripe.gateway",
    "StripeObjectMissing": "toolkit.stripe.gateway",
    "StripePaymentEvidence": "toolkit.analysis.evidence",
    "StripeReference": "toolkit.analysis.evidence",
    "ToolkitError": "toolkit.errors",
    "Trace": "toolkit.investigate.trace",
    "chain_for": "toolkit.salesforce.record_chain",
    "connect": "toolkit.session",
    "diagnose": "toolkit.investigate.diagnose",
    "diagnose_capture_failure": "toolkit.analysis.capture_causes",
    "findings_for_ops": "toolkit.analysis.findings",
    "format_amount": "toolkit.core.money",
    "from_salesforce": "toolkit.core.money",
    "gateway_logs": "toolkit.salesforce.gateway_logs",
    "queries": "toolkit.salesforce.queries",
    "reconcile": "toolkit.investigate.reconcile",
    "records_frame": "toolkit.salesforce.frames",
    "to_major": "toolkit.core.money",
    "to_minor": "toolkit.core.money",
    "trace": "toolkit.investigate.trace",
}

__all__ = [
    "AccessDeniedError",
    "ActionRefusedError",
    "ActionResult",
    "BudgetExceededError",
    "CaptureDiagnosis",
    "CaseFileError",
    "Cause",
    "Clock",
    "DataSource",
    "Diagnosis",
    "ExpiringAuthorization",
    "ExpiringAuthorizations",
    "Finding",
    "FindingCode",
    "GuidedAction",
    "Incomplete",
    "InputError",
    "LiveClock",
    "NotFoundError",
    "OpsEvidence",
    "Reconciliation",
    "RecordChain",
    "RefundWizard",
    "RetryPolicy",
    "Retryable",
    "SalesforceGateway",
    "ServiceError",
    "ServiceUnavailableError",
    "Session",
    "Severity",
    "StripeGateway",
    "StripeObjectMissing",
    "StripePaymentEvidence",
    "StripeReference",
    "ToolkitError",
    "Trace",
    "TriageState",
    "TriageWidget",
    "chain_for",
    "connect",
    "diagnose",
    "diagnose_capture_failure",
    "expiring_authorizations",
    "findings_for_ops",
    "format_amount",
    "from_salesforce",
    "gateway_logs",
    "queries",
    "recapture_action",
    "reconcile",
    "records_frame",
    "to_major",
    "to_minor",
    "trace",
]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    value = loaded if name == "queries" else getattr(loaded, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext toolkit``: register the notebook magics (``%connect``, ``%trace``, ``%diagnose``, ``%expiring``,
    ``%%soql``; :mod:`toolkit.notebook.magics`). IPython is imported only here, so ``import toolkit`` stays cheap."""
    from toolkit.notebook.magics import load_ipython_extension as register

    register(ipython)
