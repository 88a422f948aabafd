"""The Session: a connection to both systems, the clock every rule reads, and where the data comes from.

Everything past :func:`toolkit.connect` receives a :class:`Session` and talks to Salesforce and Stripe only
through the gateways it hands out (:meth:`Session.salesforce_gateway`, :meth:`Session.stripe_gateway`), which
wrap the real clients ``session.sf`` (``simple_salesforce.Salesforce``) and ``session.stripe``
(``stripe.StripeClient``).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import simple_salesforce
import stripe

from toolkit.actions.journal import JOURNAL_NAME, Journal
from toolkit.core.budget import RequestBudget
from toolkit.core.clock import Clock
from toolkit.core.pacing import Pacer
from toolkit.core.retry import RetryPolicy
from toolkit.core.text import redact
from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.record_chain import chain_schema
from toolkit.salesforce.schema import SchemaCache
from toolkit.stripe.gateway import StripeGateway

if TYPE_CHECKING:
    from toolkit.actions.guided import ActionResult, GuidedAction
    from toolkit.core.progress import Progress
    from toolkit.investigate.capture import CaseCapture
    from toolkit.investigate.diagnose import Diagnosis
    from toolkit.investigate.expiring import ExpiringAuthorizations
    from toolkit.investigate.reconcile import Reconciliation
    from toolkit.investigate.trace import Trace
    from toolkit.sandbox import Sandbox
    from toolkit.session.identity import Identity

__all__ = ["DataSource", "Session", "default_data_dir"]

DATA_DIR_ENV = "OMS_TOOLKIT_HOME"


@dataclass(frozen=True)
class DataSource:
    """Which data a session reads: the demo sandbox, a case file (by name) in the sandbox, or the live systems.

    ``salesforce`` is the org's instance (``sandbox`` in the sandbox); ``stripe_mode`` the key's mode.
    """

    kind: Literal["demo", "case", "live"]
    name: str
    salesforce: str
    stripe_mode: Literal["test", "live"] | None

    @property
    def label(self) -> str:
        """One line for a banner or a report header."""
        if self.kind == "demo":
            return "the demo sandbox (demo world, fake data)"
        if self.kind == "case":
            return f"case file {self.name} in the sandbox (replayed, no live system)"
        mode = f", Stripe {self.stripe_mode} mode" if self.stripe_mode else ""
        return f"live: Salesforce {self.salesforce}{mode}"

    def to_json(self) -> dict[str, Any]:
        """The ``source`` object every command's JSON carries (``docs/cli.md``)."""
        return {"kind": self.kind, "name": self.name, "salesforce": self.salesforce, "stripe_mode": self.stripe_mode,
                "label": self.label}


def default_data_dir() -> Path:
    """Where a live session writes its files (journals, exports it is not told where to put):
    ``$OMS_TOOLKIT_HOME``, else ``$XDG_DATA_HOME/oms-stripe-toolkit``, else ``~/.local/share/oms-stripe-toolkit``."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "oms-stripe-toolkit"


@dataclass(eq=False)
class Session:
    """A connection to both systems and the clock every rule reads.

    ``sandbox`` is the embedded :class:`toolkit.sandbox.Sandbox` when the session is not live, else None.
    ``stripe_livemode`` is the key's mode as :func:`~toolkit.connect` read it from the key (None: unknown).
    """

    sf: simple_salesforce.Salesforce
    stripe: stripe.StripeClient
    clock: Clock
    mode: str  # "sandbox" or "live"
    sandbox: Sandbox | None = None
    source: str = ""  # what was loaded: "demo world", a case file path, "live"
    stripe_livemode: bool | None = None
    data_source: DataSource | None = None
    data_dir_given: Path | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    reauthenticate: Callable[[], None] | None = field(default=None, repr=False)
    dotenv_path: Path | None = None
    allow_writes: bool = False
    mask_personal_data: bool = True
    credentials: str | None = None  # where the live credentials came from, for the banner (never the secrets)
    _identity: Identity | None = field(default=None, init=False, repr=False)
    _schema: SchemaCache | None = field(default=None, init=False, repr=False)
    _data_dir: Path | None = field(default=None, init=False, repr=False)
    _journal: Journal | None = field(default=None, init=False, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    resolved_at_start: list[ActionResult] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __repr__(self) -> str:  # never shows keys or session ids
        return f"Session(mode={self.mode!r}, source={self.source!r}, now={self.clock.now().isoformat()!r})"

    @property
    def identity(self) -> Identity:
        """The org and the Stripe account this session talks to (:mod:`toolkit.session.identity`), read on first use
        (one Salesforce and one Stripe request; :func:`~toolkit.connect` reads them at once against live systems)."""
        from toolkit.session.identity import read_identity

        with self._lock:
            if self._identity is not None:
                return self._identity
        identity = read_identity(self, strict=False)
        with self._lock:
            if self._identity is None:
                self._identity = identity
            return self._identity

    @property
    def banner(self) -> str:
        """One line: the data this session reads, the org (instance, sandbox or production) and the Stripe account
        and mode it is connected to, whether writes are armed and personal data masked, and where the settings came
        from. Never a secret."""
        label = self.data_source.label if self.data_source is not None else self.source
        identity = self.identity
        parts = [f"Data: {label}.", f"Salesforce: {identity.salesforce_text()}.",
                 f"Stripe: {identity.stripe_text(self.stripe_livemode)}.",
                 "Writes ARMED: guided actions can move money." if self.allow_writes else
                 "Writes off: guided actions are dry runs.",
                 "Personal data masked." if self.mask_personal_data else "Personal data SHOWN (masking is off)."]
        if self.credentials:
            parts.append(f"Credentials: {self.credentials}.")
        if self.dotenv_path is not None:
            parts.append(f"Settings from {self.dotenv_path}.")
        return redact(" ".join(parts))

    def _repr_html_(self) -> str:
        from html import escape

        return (f'<div class="toolkit-session"><b>{escape(self.banner)}</b> '
                f'<span style="color:#555">Now: {escape(self.clock.now().strftime("%Y-%m-%d %H:%M UTC"))}</span></div>')

    # --- the gateways ---------------------------------------------------------------------------------
    def salesforce_gateway(self, budget: RequestBudget | None = None, *,
                           executor: Executor | None = None) -> SalesforceGateway:
        """A Salesforce gateway for one operation (its own budget and accounting)."""
        return SalesforceGateway(self.sf, budget=budget, executor=executor, retry=self.retry,
                                 reauthenticate=self.reauthenticate, mask_personal_data=self.mask_personal_data)

    def stripe_gateway(self, budget: RequestBudget | None = None, *, pacer: Pacer | None = None) -> StripeGateway:
        """A Stripe gateway for one operation (its own budget and accounting; ``pacer``: under Stripe's rate limit)."""
        return StripeGateway(self.stripe, budget=budget, key_livemode=self.stripe_livemode, retry=self.retry,
                             pacer=pacer, mask_personal_data=self.mask_personal_data)

    @property
    def pool(self) -> ThreadPoolExecutor:
        """The threads this session's investigations send concurrent requests on (created once, kept)."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="toolkit")
            return self._pool

    @property
    def schema(self) -> SchemaCache:
        """The org's describes the toolkit reads, fetched on first use and kept for the session's lifetime."""
        with self._lock:
            if self._schema is None:
                self._schema = chain_schema(self.salesforce_gateway())
            return self._schema

    # --- where things are ---------------------------------------------------------------------------
    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    @property
    def data_dir(self) -> Path:
        """Where this session writes files it is not told where to put (journals...): the directory given to
        ``connect(data_dir=...)``; else, in the sandbox, a fresh temporary directory per session (so stored
        notebook outputs never depend on earlier runs); else :func:`default_data_dir`. Created on first use."""
        with self._lock:
            if self._data_dir is None:
                if self.data_dir_given is not None:
                    self._data_dir = self.data_dir_given
                elif self.is_sandbox:
                    self._data_dir = Path(tempfile.mkdtemp(prefix="oms-toolkit-sandbox-"))
                else:
                    self._data_dir = default_data_dir()
                self._data_dir.mkdir(parents=True, exist_ok=True)
            return self._data_dir

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def journal(self) -> Journal:
        """The audit journal of guided actions (``<data_dir>/journal.jsonl``). Opening it the first time resolves the
        intents an earlier session left without a result (``resolved_at_start`` lists what was found)."""
        from toolkit.actions.guided import resolve_open_intents

        with self._lock:
            if self._journal is not None:
                return self._journal
        journal = Journal(self.data_dir / JOURNAL_NAME)
        resolved = resolve_open_intents(self, journal)
        with self._lock:
            if self._journal is None:
                self._journal = journal
                self.resolved_at_start = resolved
            return self._journal

    def plan_refund(self, subject: str, amount: Any = None, *, reason: str, case_reference: str,
                    via: Literal["oms", "stripe"] = "oms", acknowledge: Iterable[str] = (),
                    currency: str | None = None, analyst: str | None = None) -> GuidedAction:
        """Plan a refund (a dry run until ``.execute()``): :func:`toolkit.actions.planning.guided_refund`."""
        from toolkit.actions.planning import guided_refund

        return guided_refund(self, subject, amount, reason=reason, case_reference=case_reference, via=via,
                             acknowledge=acknowledge, currency=currency, analyst=analyst)

    def plan_recapture(self, subject: str, amount: Any = None, *, case_reference: str,
                       acknowledge: Iterable[str] = (), analyst: str | None = None) -> GuidedAction:
        """Plan a new capture after a retryable failure: :func:`toolkit.actions.planning.guided_recapture`."""
        from toolkit.actions.planning import guided_recapture

        return guided_recapture(self, subject, amount, case_reference=case_reference, acknowledge=acknowledge,
                                analyst=analyst)

    # --- investigations -----------------------------------------------------------------------------
    def trace(self, subject: Any) -> Trace:
        """Trace a pi_/ch_/txn_/re_ id, an order number or a Salesforce record id (:func:`toolkit.trace`)."""
        from toolkit.investigate.trace import trace

        return trace(self, subject)

    def capture(self, subject: Any) -> CaseCapture:
        """Trace ``subject`` and capture the records and objects it touched, personal data masked, as a case file
        (:func:`toolkit.investigate.capture.capture`; ``.save(path)`` writes it). The sandbox checks that it can
        replay it: ``replay_problem`` says why not, when it cannot."""
        import copy
        from dataclasses import replace

        from toolkit.errors import CaseFileError
        from toolkit.investigate.capture import capture
        from toolkit.sandbox import Sandbox

        captured = capture(self, subject)
        try:
            Sandbox().load_case(copy.deepcopy(captured.case))
        except CaseFileError as exc:
            return replace(captured, replay_problem=str(exc))
        return captured

    def diagnose(self, since: datetime | str | None = None, until: datetime | str | None = None, *,
                 progress: Progress | None = None) -> Diagnosis:
        """Diagnose the failed captures of a window (:func:`toolkit.diagnose`; ISO 8601 text or datetimes)."""
        from toolkit.core.progress import SILENT
        from toolkit.investigate.diagnose import diagnose

        return diagnose(self, since, until, progress=progress or SILENT)

    def expiring_authorizations(self, within: timedelta | None = None, *,
                                progress: Progress | None = None) -> ExpiringAuthorizations:
        """The authorizations Order Management still expects to capture whose Stripe deadline is within ``within``
        (default 48 hours) or has passed, soonest first (:func:`toolkit.expiring_authorizations`)."""
        from toolkit.core.progress import SILENT
        from toolkit.investigate.expiring import DEFAULT_WITHIN, expiring_authorizations

        return expiring_authorizations(self, within if within is not None else DEFAULT_WITHIN,
                                       progress=progress or SILENT)

    def reconcile(self, since: datetime | None = None, until: datetime | None = None, *,
                  progress: bool | None = None, **options: Any) -> Reconciliation:
        """Reconcile every payment summary of the orders created in the window against Stripe
        (:func:`toolkit.reconcile`; ``progress``: record counters per system, None decides, False hides them)."""
        from toolkit.investigate.reconcile import reconcile

        return reconcile(self, since, until, progress=progress, **options)
