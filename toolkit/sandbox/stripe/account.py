"""``StripeAccount``: the Stripe half of the sandbox (rules + WSGI app + case files + keys + faults)."""

from __future__ import annotations

from typing import Any

from toolkit.core.clock import Clock
from toolkit.sandbox.stripe.app import StripeApp
from toolkit.sandbox.stripe.casefile import check_objects, dump_objects, load_into
from toolkit.sandbox.stripe.rules import AccountRules
from toolkit.sandbox.transport import FaultPlan, RequestLog

__all__ = ["StripeAccount"]


class StripeAccount(AccountRules):
    """An in-process Stripe account reached over HTTP by the real ``stripe`` client.

    ``app`` is the WSGI callable the Sandbox mounts; ``faults`` and ``log`` are shared with the
    transport adapter; ``render_fault`` gives injected failures Stripe's error shapes. Direct operations
    (``create_payment_intent``, ``dispute_charge``, ``set_refund_status``...) apply the same rules and
    events as the API, for scenario scripts.
    """

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.faults = FaultPlan()
        self.log = RequestLog()
        self._app = StripeApp(self)
        self.app = self._app

    def __repr__(self) -> str:
        with self.lock:
            counts = {kind: len(ids) for kind, ids in self.store.by_type.items() if ids}
        return f"StripeAccount(livemode={self.livemode}, objects={counts})"

    def render_fault(self, kind: str) -> tuple[int, dict[str, str], bytes]:
        """An injected failure in Stripe's shape (500 api_error, 503, 429 rate_limit, 429 lock_timeout)."""
        return self._app.render_fault(kind)

    def restricted_key(self, permissions: dict[str, str]) -> str:
        """Issue an ``rk_test_sandbox_...`` restricted key, e.g.
        ``{"payment_intents": "read", "refunds": "write"}``."""
        return self.keys.issue(permissions)

    # --- case files -----------------------------------------------------------------------------
    def load_objects(self, objects: list[dict[str, Any]], *, livemode: bool) -> None:
        """Replace the account's state with a case file's objects; ``CaseFileError`` names what is wrong."""
        self.load_checked(check_objects(objects, livemode=livemode), livemode=livemode)

    def load_checked(self, checked: list[dict[str, Any]], *, livemode: bool) -> None:
        """Replace the account's state with objects ``check_objects`` already returned (a case loads both halves
        only once both are checked)."""
        with self.lock:
            load_into(self.store, checked, livemode=livemode)
            self.livemode = livemode
            self.idempotency.clear()
            self._app.reset_request_ids()

    def dump_objects(self) -> list[dict[str, Any]]:
        """Every object in case-file shape, in a stable order; loading the dump rebuilds the same state."""
        with self.lock:
            return dump_objects(self.store)

    def clear(self) -> None:
        with self.lock:
            self.store.clear()
            self.livemode = False
            self.idempotency.clear()
            self._app.reset_request_ids()
