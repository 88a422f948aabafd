"""The Sandbox: one clock, one org, one Stripe account, one ``requests.Session`` reaching both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
import simple_salesforce
import stripe

from toolkit.core.clock import Clock
from toolkit.sandbox.transport import RequestLog, WSGIAdapter

SALESFORCE_ORIGIN = "https://org.sandbox.invalid"
STRIPE_ORIGIN = "http://stripe.sandbox.invalid"
#: The sandbox account's default secret key (test mode). Fake keys always start with ``sk_test_sandbox``.
SANDBOX_SECRET_KEY = "sk_test_sandbox_0000000000000000000000"
SALESFORCE_API_VERSION = "62.0"


class Sandbox:
    """An org and a Stripe account in process, sharing ``clock``.

    >>> box = Sandbox()
    >>> sf = box.salesforce()          # a real simple_salesforce.Salesforce
    >>> client = box.stripe_client()   # a real stripe.StripeClient
    """

    def __init__(self, clock: Clock | None = None) -> None:
        from toolkit.sandbox.org import Org
        from toolkit.sandbox.stripe import StripeAccount

        self.clock = clock if clock is not None else Clock()
        self.org = Org(self.clock)
        self.stripe = StripeAccount(self.clock)
        self.http = requests.Session()
        self.http.mount(SALESFORCE_ORIGIN, WSGIAdapter(self.org.app, faults=self.org.faults, log=self.org.log,
                                                       render_fault=self.org.render_fault))
        self.http.mount(STRIPE_ORIGIN, WSGIAdapter(self.stripe.app, faults=self.stripe.faults,
                                                   log=self.stripe.log, render_fault=self.stripe.render_fault))
        # The Stripe connector's Commerce Payments endpoints inside the org (toolkit.sandbox.connector).
        from toolkit.sandbox.connector import Connector

        self.connector = Connector(self)
        self.connector.install()

    def __repr__(self) -> str:
        return f"Sandbox(now={self.clock.now().isoformat()!r})"

    # --- clients -------------------------------------------------------------------------------
    def salesforce(self) -> simple_salesforce.Salesforce:
        """A real simple-salesforce client bound to the sandbox org (no login request is made)."""
        return simple_salesforce.Salesforce(
            instance_url=SALESFORCE_ORIGIN,
            session_id=self.org.session_id,
            session=self.http,
            version=SALESFORCE_API_VERSION,
        )

    def stripe_client(self, api_key: str = SANDBOX_SECRET_KEY, *, max_network_retries: int = 0,
                      timeout: float = 80) -> stripe.StripeClient:
        """A real StripeClient bound to the sandbox account (``timeout``: seconds per request, as the library's)."""
        return stripe.StripeClient(
            api_key,
            base_addresses={"api": STRIPE_ORIGIN},
            http_client=stripe.RequestsClient(session=self.http, timeout=timeout),
            max_network_retries=max_network_retries,
        )

    # --- request accounting ----------------------------------------------------------------------
    @property
    def logs(self) -> dict[str, RequestLog]:
        return {"salesforce": self.org.log, "stripe": self.stripe.log}

    def clear_logs(self) -> None:
        self.org.log.clear()
        self.stripe.log.clear()

    # --- case files ----------------------------------------------------------------------------
    @classmethod
    def from_case(cls, case: str | Path | dict[str, Any]) -> Sandbox:
        box = cls()
        box.load_case(case)
        return box

    def load_case(self, case: str | Path | dict[str, Any]) -> None:
        from toolkit.sandbox.cases import load_case

        load_case(self, case)

    def to_case(self, *, title: str = "Sandbox state", description: str | None = None) -> dict[str, Any]:
        from toolkit.sandbox.cases import dump_case

        return dump_case(self, title=title, description=description)

    def save_case(self, path: str | Path, *, title: str = "Sandbox state", description: str | None = None) -> Path:
        target = Path(path)
        target.write_text(json.dumps(self.to_case(title=title, description=description), indent=1,
                                     sort_keys=False) + "\n", encoding="utf-8")
        return target
