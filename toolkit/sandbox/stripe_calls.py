"""How the sandbox's actors (the connector, the Dashboard user, the storefront) call the Stripe account.

:class:`StripeCalls` has two modes with the same rules:

- ``http``: a real ``stripe.StripeClient`` bound to the sandbox (keys, faults, idempotency, request ids
  and events exactly as over the wire). What the REST endpoints and the demo world use.
- ``direct``: the account's Python operations, with the same key check, the same scheduled faults
  (rendered as Stripe renders them), a fresh request id per call and the idempotency key on the events.
  What large generated worlds use (no HTTP round trip). Stripe's idempotent replay is not emulated in
  this mode: generated worlds never repeat a key.

Every call answers a :class:`StripeOutcome`: the object, or Stripe's error (HTTP status and JSON body).
Explicit idempotency keys are always sent, so worlds rebuild byte-identically (the ``stripe`` library
would otherwise add a random key to every POST).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import stripe

from toolkit.sandbox.stripe.errors import StripeError

if TYPE_CHECKING:
    from toolkit.sandbox.sandbox import Sandbox

__all__ = ["Mode", "StripeCalls", "StripeOutcome", "StripeTimeout"]

Mode = Literal["http", "direct"]


class StripeTimeout(Exception):
    """No answer from Stripe (connection timeout): the caller does not know whether it succeeded."""


@dataclass(frozen=True)
class StripeOutcome:
    """Stripe's answer: ``obj`` on success, else ``status`` and ``error`` (the ``{"error": {...}}`` body)."""

    obj: dict[str, Any] | None
    status: int
    error: dict[str, Any] | None = None
    request_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def error_fields(self) -> dict[str, Any]:
        return (self.error or {}).get("error") or {}


class StripeCalls:
    """Capture, cancel, refund and retrieve on the sandbox's Stripe account, over HTTP or directly."""

    def __init__(self, sandbox: Sandbox, api_key: str, *, mode: Mode = "http") -> None:
        self.sandbox = sandbox
        self.account = sandbox.stripe
        self.mode: Mode = mode
        self._key = api_key
        self._client: stripe.StripeClient | None = None

    def __repr__(self) -> str:
        return f"StripeCalls(mode={self.mode!r})"

    @property
    def api_key(self) -> str:
        return self._key

    @api_key.setter
    def api_key(self, value: str) -> None:
        self._key = value
        self._client = None

    def _http(self) -> stripe.StripeClient:
        if self._client is None:
            self._client = self.sandbox.stripe_client(self._key)
        return self._client

    # --- operations ----------------------------------------------------------------------------
    def capture(self, pi_id: str, amount: int | None, key: str) -> StripeOutcome:
        params: dict[str, Any] = {} if amount is None else {"amount_to_capture": amount}
        path = f"/v1/payment_intents/{pi_id}/capture"
        return self._call("POST", path, "payment_intents", key,
                          lambda c: c.v1.payment_intents.capture(pi_id, params, options={"idempotency_key": key}),
                          lambda req: self.account.capture_payment_intent(
                              pi_id, amount_to_capture=amount, request=req, api=True))

    def cancel(self, pi_id: str, reason: str | None, key: str) -> StripeOutcome:
        params: dict[str, Any] = {} if reason is None else {"cancellation_reason": reason}
        path = f"/v1/payment_intents/{pi_id}/cancel"
        return self._call("POST", path, "payment_intents", key,
                          lambda c: c.v1.payment_intents.cancel(pi_id, params, options={"idempotency_key": key}),
                          lambda req: self.account.cancel_payment_intent(
                              pi_id, cancellation_reason=reason, request=req, api=True))

    def refund(self, pi_id: str, amount: int | None, key: str, *, reason: str | None = None,
               metadata: dict[str, str] | None = None) -> StripeOutcome:
        params: dict[str, Any] = {"payment_intent": pi_id}
        if amount is not None:
            params["amount"] = amount
        if reason is not None:
            params["reason"] = reason
        if metadata:
            params["metadata"] = metadata
        return self._call("POST", "/v1/refunds", "refunds", key,
                          lambda c: c.v1.refunds.create(params, options={"idempotency_key": key}),
                          lambda req: self.account.create_refund(
                              payment_intent=pi_id, amount=amount, reason=reason, metadata=metadata,
                              request=req, api=True))

    def retrieve_balance_transaction(self, txn_id: str) -> StripeOutcome:
        return self._call("GET", f"/v1/balance_transactions/{txn_id}", "balance_transactions", None,
                          lambda c: c.v1.balance_transactions.retrieve(txn_id),
                          lambda req: self._direct_get("balance_transaction", txn_id))

    def retrieve_charge(self, charge_id: str) -> StripeOutcome:
        return self._call("GET", f"/v1/charges/{charge_id}", "charges", None,
                          lambda c: c.v1.charges.retrieve(charge_id),
                          lambda req: self._direct_get("charge", charge_id))

    def _direct_get(self, kind: str, object_id: str) -> dict[str, Any]:
        with self.account.lock:
            return self.account.store.render(self.account.store.fetch(kind, object_id, api=True))

    # --- plumbing ------------------------------------------------------------------------------
    def _call(self, method: str, path: str, resource: str, key: str | None, over_http: Any,
              direct: Any) -> StripeOutcome:
        if self.mode == "http":
            try:
                obj = over_http(self._http())
            except stripe.APIConnectionError as exc:
                raise StripeTimeout(str(exc)) from None
            except stripe.StripeError as exc:
                body = exc.json_body if isinstance(exc.json_body, dict) else {"error": {"message": str(exc)}}
                return StripeOutcome(None, int(exc.http_status or 500), body, exc.request_id)
            return StripeOutcome(obj.to_dict(), 200, None, obj.last_response.request_id if obj.last_response
                                 else None)
        return self._direct(method, path, resource, key, direct)

    def _direct(self, method: str, path: str, resource: str, key: str | None, direct: Any) -> StripeOutcome:
        app = self.account.app
        kind = self.account.faults.take(method, path)
        if kind == "timeout":
            self.account.log.add(_logged(method, path, None, kind))
            raise StripeTimeout(f"sandbox: injected connection timeout for {method} {path}")
        if kind is not None:
            status, headers, body = self.account.render_fault(kind)
            self.account.log.add(_logged(method, path, status, kind))
            return StripeOutcome(None, status, json.loads(body), headers.get("Request-Id"))
        request_id = app.new_request_id()
        try:
            principal = self.account.keys.authenticate(f"Bearer {self._key}")
            principal.require(resource, method == "POST")
            obj = direct({"id": request_id, "idempotency_key": key})
        except StripeError as err:
            return StripeOutcome(None, err.status, err.body(request_id), request_id)
        return StripeOutcome(obj, 200, None, request_id)


def _logged(method: str, path: str, status: int | None, fault: str) -> Any:
    from toolkit.sandbox.transport import LoggedRequest, endpoint_of

    return LoggedRequest(method, path, "", status, endpoint_of(method, path), fault)
