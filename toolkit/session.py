"""``connect()``: the one place that decides between live systems and the embedded sandbox.

Everything else receives a :class:`Session` and talks to ``session.sf`` (a
``simple_salesforce.Salesforce``) and ``session.stripe`` (a ``stripe.StripeClient``), reading time from
``session.clock``.

Live configuration comes from the environment (or a ``.env`` file in the working directory):

- Salesforce: ``SF_INSTANCE_URL`` + ``SF_SESSION_ID``, or ``SF_USERNAME`` + ``SF_PASSWORD`` +
  ``SF_SECURITY_TOKEN`` (optional ``SF_DOMAIN``, ``login`` or ``test``).
- Stripe: ``STRIPE_API_KEY`` (a restricted ``rk_`` key with read access is enough to investigate).

With neither configured, ``connect()`` serves the embedded sandbox (the demo world). Configuring only one
of the two systems is an error: a half-live session would mix real and fake data.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import simple_salesforce
import stripe

from toolkit.clock import Clock, LiveClock
from toolkit.errors import InputError

__all__ = ["SF_ENV", "STRIPE_ENV", "Session", "connect"]

SF_ENV = ("SF_INSTANCE_URL", "SF_SESSION_ID", "SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN", "SF_DOMAIN")
STRIPE_ENV = ("STRIPE_API_KEY",)


@dataclass(eq=False)
class Session:
    """A connection to both systems and the clock every rule reads.

    ``sandbox`` is the embedded :class:`toolkit.sandbox.Sandbox` when the session is not live, else None.
    """

    sf: simple_salesforce.Salesforce
    stripe: stripe.StripeClient
    clock: Clock
    mode: str  # "sandbox" or "live"
    sandbox: Any = None
    source: str = ""  # what was loaded: "demo world", a case file path, "live"
    options: dict[str, Any] = field(default_factory=dict)
    _schema: Any = field(default=None, init=False, repr=False)
    _schema_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def schema(self) -> Any:
        """The org's describes the trace reads (a :class:`toolkit.queries.SchemaCache`), fetched on first use
        and kept for the session's lifetime."""
        with self._schema_lock:
            if self._schema is None:
                from toolkit.record_chain import chain_schema

                self._schema = chain_schema(self.sf)
            return self._schema

    def __repr__(self) -> str:  # never shows keys or session ids
        return f"Session(mode={self.mode!r}, source={self.source!r}, now={self.clock.now().isoformat()!r})"

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    def now(self) -> datetime:
        return self.clock.now()

    def trace(self, subject: Any) -> Any:
        """Trace a pi_/ch_/txn_/re_ id, an order number or a Salesforce record id (:func:`toolkit.trace.trace`)."""
        from toolkit.trace import trace

        return trace(self, subject)


def _configured(names: tuple[str, ...], env: dict[str, str]) -> dict[str, str]:
    return {name: env[name] for name in names if env.get(name)}


def connect(
    case: str | Path | dict[str, Any] | None = None,
    *,
    env: dict[str, str] | None = None,
    use_dotenv: bool = True,
) -> Session:
    """Open a session.

    - ``connect()``: live when the environment configures both systems, else the sandbox's demo world.
    - ``connect(case="path.json")``: the sandbox loaded from that case file (never live).
    """
    if case is not None:
        return _sandbox_session(case)
    if env is None:
        if use_dotenv:
            from dotenv import dotenv_values

            file_values = {k: v for k, v in dotenv_values(Path.cwd() / ".env").items() if v}
            env = {**file_values, **os.environ}
        else:
            env = dict(os.environ)
    sf_conf = _configured(SF_ENV, env)
    stripe_conf = _configured(STRIPE_ENV, env)
    if not sf_conf and not stripe_conf:
        return _sandbox_session(None)
    if not stripe_conf:
        raise InputError("Salesforce is configured (SF_*) but Stripe is not: set STRIPE_API_KEY, or unset the SF_* "
                         "variables to use the sandbox.")
    if not sf_conf:
        raise InputError("Stripe is configured (STRIPE_API_KEY) but Salesforce is not: set SF_INSTANCE_URL and "
                         "SF_SESSION_ID (or SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN), or unset STRIPE_API_KEY.")
    return _live_session(sf_conf, stripe_conf["STRIPE_API_KEY"])


def _sandbox_session(case: str | Path | dict[str, Any] | None) -> Session:
    from toolkit.sandbox import Sandbox

    box = Sandbox()
    if case is None:
        from toolkit.sandbox.demo import load_demo_world

        load_demo_world(box)
        source = "demo world"
    else:
        box.load_case(case)
        source = str(case) if not isinstance(case, dict) else str(case.get("title", "case"))
    return Session(sf=box.salesforce(), stripe=box.stripe_client(), clock=box.clock, mode="sandbox", sandbox=box,
                   source=source)


def _live_session(sf_conf: dict[str, str], api_key: str) -> Session:
    if sf_conf.get("SF_INSTANCE_URL") and sf_conf.get("SF_SESSION_ID"):
        sf = simple_salesforce.Salesforce(instance_url=sf_conf["SF_INSTANCE_URL"], session_id=sf_conf["SF_SESSION_ID"])
    elif all(sf_conf.get(k) for k in ("SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN")):
        sf = simple_salesforce.Salesforce(username=sf_conf["SF_USERNAME"], password=sf_conf["SF_PASSWORD"],
                                          security_token=sf_conf["SF_SECURITY_TOKEN"],
                                          domain=sf_conf.get("SF_DOMAIN", "login"))
    else:
        raise InputError("Salesforce configuration is incomplete: set SF_INSTANCE_URL and SF_SESSION_ID, or "
                         "SF_USERNAME, SF_PASSWORD and SF_SECURITY_TOKEN.")
    if not api_key.startswith(("sk_", "rk_")):
        raise InputError("STRIPE_API_KEY does not look like a Stripe secret or restricted key (sk_... or rk_...).")
    client = stripe.StripeClient(api_key, max_network_retries=2)
    return Session(sf=sf, stripe=client, clock=LiveClock(), mode="live", source="live")
