"""The Stripe connector for Salesforce Order Management, inside the sandbox org.

Serves the Commerce Payments Connect REST endpoints (``docs/reference.md``, "The flow"):

- ``POST commerce/payments/authorizations/{id}/captures``: capture the PaymentIntent named by the
  authorization's ``GatewayRefNumber`` (amount in major units -> minor units by the currency's exponent).
- ``POST commerce/payments/payments/{id}/refunds``: refund the PaymentIntent behind a Payment (its
  authorization's ``pi_``, or for a Payment captured at checkout its ``txn_`` -> source charge ->
  ``payment_intent``).

Success (sync adapter): a Payment (Type Capture) or a Refund (Type Referenced) + RefundLinePayment
(Applied), ``ProcessingMode`` Salesforce, ``GatewayRefNumber`` ``SF`` + digits, Status Processed; one
PaymentGatewayLog (Success, ``SfRefNumber`` = the idempotency key, Request and Response JSON with the
Stripe ids); the summary's ``LastPaymentGatewayLogId`` / ``LastPaymentGatewayMessage``; rollups recomputed
by the org. HTTP 201 with ``{payment|refund, gatewayResponse, paymentGatewayLogs, paymentGroup, error}``.

Stripe error: no Payment or Refund, a Failed log carrying the error (``GatewayResultCode`` = Stripe's
``code``, or its ``type`` when it has none; ``GatewayMessage`` = its message; ``Response`` = the error JSON
with ``http_status`` and ``request_id``), and HTTP 400 with the same output shape, ``error`` set to
``{"errorCode": "PAYMENT_GATEWAY_ERROR", "message": ...}`` (Salesforce does not document what Connect REST
answers on a gateway failure; 400 with the body is this sandbox's choice).

``SfResultCode`` for a Stripe error (the connector's mapping is undocumented; this sandbox's choice):
card_error -> Decline; HTTP 429 (rate_limit, lock_timeout) -> Decline (soft: may work on retry);
401/403 (bad or restricted key) -> SystemError; 5xx/api_error -> SystemError; idempotency_error ->
SystemError; any other invalid_request_error -> PermanentFail (a retry of the same request fails again).

Idempotency: ``idempotencyKey`` in the body or the ``sfdc-Payments-Idempotency-Key`` header; the same key
replays the stored answer (rebuilt from the log that holds it in ``SfRefNumber``) and changes nothing.
Without one, the sandbox makes a deterministic key. Stripe receives the key as its ``Idempotency-Key``.

Fault modes (:meth:`Connector.fault`): ``timeout_after_stripe`` (Stripe acted, the answer was lost: a
Timeout log, no GatewayResultCode or Response, no Payment/Refund), ``timeout_before_stripe`` (nothing
reached Stripe: the same Timeout log), ``wrong_credentials`` (the named credential's key is invalid:
Stripe answers 401). Stripe-side faults (``rate_limit``, ``server_error``...) are scheduled on
``sandbox.stripe.faults``. ``async_mode`` plays the async adapter: Payment Draft / Refund Pending and an
Initiated log; :meth:`Connector.deliver_notifications` later settles them with an ``IsNotification`` Yes log.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from toolkit.core.ids import normalize_id
from toolkit.core.money import from_salesforce, to_minor
from toolkit.errors import InputError
from toolkit.sandbox.org.app import ApiError, RequestInfo
from toolkit.sandbox.org_writer import OrgWriter, RecordWriter, sf_amount, sf_datetime
from toolkit.sandbox.stripe_calls import Mode, StripeCalls, StripeOutcome, StripeTimeout

if TYPE_CHECKING:
    from toolkit.sandbox.sandbox import Sandbox

__all__ = ["CONNECTOR_FAULTS", "WRONG_KEY", "Connector", "ConnectorResult", "sf_result_code"]

CONNECTOR_FAULTS = ("timeout_after_stripe", "timeout_before_stripe", "wrong_credentials")
#: The key a misconfigured named credential holds: never issued by the account, so Stripe answers 401.
WRONG_KEY = "rk_test_sandbox_revoked_00000000000000000000"
_BODY_KEYS = {"amount", "accountId", "comments", "effectiveDate", "idempotencyKey", "additionalData"}
_TIMEOUT_MESSAGE = "Read timed out: no response from the payment gateway within 120 seconds"


@dataclass(frozen=True)
class ConnectorResult:
    """HTTP status and Connect REST body of one capture or refund request."""

    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status < 300


@dataclass
class _Pending:
    kind: str  # "Payment" | "Refund"
    record_id: str
    ops_id: str
    key: str
    gateway_ref: str
    gateway_id: str | None
    stripe_ids: dict[str, Any]


def sf_result_code(status: int, error: dict[str, Any]) -> str:
    """The SfResultCode the connector writes for a Stripe error (see the module docstring)."""
    kind = error.get("type")
    if kind == "card_error":
        return "Decline"
    if status == 429:
        return "Decline"
    if status in (401, 403) or status >= 500 or kind in ("api_error", "idempotency_error"):
        return "SystemError"
    return "PermanentFail"


def _gateway_ref(record_id: str) -> str:
    """``SF`` + 16 digits, deterministic from the record's id (a Salesforce-side reference, not a Stripe id)."""
    return "SF" + str(int(hashlib.sha256(record_id.encode()).hexdigest()[:14], 16)).zfill(17)[-16:]


class Connector:
    """The connector's payment gateway adapter, writing through ``writer`` and calling Stripe via ``calls``."""

    def __init__(self, sandbox: Sandbox, *, writer: RecordWriter | None = None, mode: Mode = "http") -> None:
        from toolkit.sandbox.sandbox import SANDBOX_SECRET_KEY

        self.sandbox = sandbox
        self.clock = sandbox.clock
        self.writer: RecordWriter = writer if writer is not None else OrgWriter(sandbox.org)
        self.calls = StripeCalls(sandbox, SANDBOX_SECRET_KEY, mode=mode)
        self.async_mode = False
        self._faults: list[tuple[str, dict[str, Any]]] = []
        self._pending: list[_Pending] = []
        self._lock = threading.RLock()
        self._keys = 0

    def __repr__(self) -> str:
        return f"Connector(mode={self.calls.mode!r}, async_mode={self.async_mode}, faults={len(self._faults)})"

    def install(self) -> None:
        """Add the Commerce Payments routes to the org's REST app."""
        org = self.sandbox.org
        org.add_route("POST", "commerce/payments/authorizations/{id}/captures", self._capture_route)
        org.add_route("POST", "commerce/payments/payments/{id}/refunds", self._refund_route)

    # --- scenario controls -----------------------------------------------------------------------
    def fault(self, kind: str, count: int = 1, *, sf_result_code: str = "Indeterminate") -> None:
        """Make the next ``count`` captures/refunds fail as ``kind`` (one of CONNECTOR_FAULTS)."""
        if kind not in CONNECTOR_FAULTS:
            raise ValueError(f"unknown connector fault {kind!r}; choose one of {', '.join(CONNECTOR_FAULTS)}")
        if sf_result_code not in ("Indeterminate", "SystemError"):
            raise ValueError("a timeout is logged with SfResultCode Indeterminate or SystemError")
        with self._lock:
            self._faults.extend([(kind, {"sf_result_code": sf_result_code})] * count)

    @property
    def pending_notifications(self) -> int:
        return len(self._pending)

    # --- REST ------------------------------------------------------------------------------------
    def _capture_route(self, info: RequestInfo) -> tuple[int, Any]:
        amount, key, extras = self._read_body(info)
        result = self.capture(info.params["id"], amount, idempotency_key=key, comments=extras.get("comments"))
        return result.status, result.body

    def _refund_route(self, info: RequestInfo) -> tuple[int, Any]:
        amount, key, extras = self._read_body(info)
        result = self.refund(info.params["id"], amount, idempotency_key=key, comments=extras.get("comments"))
        return result.status, result.body

    @staticmethod
    def _read_body(info: RequestInfo) -> tuple[Decimal, str | None, dict[str, Any]]:
        body = info.body
        if not isinstance(body, dict):
            raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object with an amount.")
        unknown = sorted(set(body) - _BODY_KEYS)
        if unknown:
            raise ApiError(400, "JSON_PARSER_ERROR", f'Unrecognized field "{unknown[0]}"')
        raw = body.get("amount")
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ApiError(400, "INVALID_INPUT", "Specify a valid amount.")
        try:
            amount = Decimal(str(raw))
        except ArithmeticError:
            raise ApiError(400, "INVALID_INPUT", "Specify a valid amount.") from None
        key = body.get("idempotencyKey") or info.headers.get("sfdc-payments-idempotency-key")
        if key is not None and (not isinstance(key, str) or len(key) > 255):
            raise ApiError(400, "INVALID_INPUT", "The idempotency key must be a string of at most 255 characters.")
        return amount, key, body

    # --- captures --------------------------------------------------------------------------------
    def capture(self, authorization_id: str, amount: Decimal, *, idempotency_key: str | None = None,
                comments: str | None = None) -> ConnectorResult:
        """Capture ``amount`` (major units) of a PaymentAuthorization through Stripe."""
        with self._lock:
            auth = self._record("PaymentAuthorization", authorization_id)
            replay = self._replay(idempotency_key, "payment")
            if replay is not None:
                return replay
            currency = auth.get("CurrencyIsoCode") or "USD"
            minor = self._minor(amount, currency)
            key = idempotency_key or self._new_key(auth["Id"])
            pi_id = auth.get("GatewayRefNumber") or ""
            request = {"amount": float(amount), "currencyIsoCode": currency, "paymentIntent": pi_id or None,
                       "amount_to_capture": minor}
            if not pi_id.startswith("pi_"):
                return self._no_reference("Capture", auth, auth["Id"], key, request, "payment")
            fault, options = self._take_fault()
            outcome = self._stripe(fault, lambda: self.calls.capture(pi_id, minor, key))
            if isinstance(outcome, str):
                return self._timeout("Capture", auth, auth["Id"], key, request, options, "payment")
            if not outcome.ok:
                return self._failed("Capture", auth, auth["Id"], key, request, outcome, "payment")
            pi = outcome.obj or {}
            pending = self.async_mode
            now = sf_datetime(self.clock.now())
            values = {"Amount": sf_amount(amount), "Status": "Draft" if pending else "Processed", "Type": "Capture",
                      "ProcessingMode": "Salesforce", "SfResultCode": "Success", "GatewayDate": now,
                      "PaymentAuthorizationId": auth["Id"], "OrderPaymentSummaryId": auth.get("OrderPaymentSummaryId"),
                      "PaymentGatewayId": auth.get("PaymentGatewayId"), "PaymentMethodId": auth.get("PaymentMethodId"),
                      "AccountId": auth.get("AccountId"), "Date": now, "EffectiveDate": now,
                      "CurrencyIsoCode": currency}
            if not pending:
                values["GatewayResultCode"] = "succeeded"
            payment_id = self.writer.create("Payment", _no_nones(values))
            gateway_ref = _gateway_ref(payment_id)
            self.writer.update("Payment", payment_id, {"GatewayRefNumber": gateway_ref})
            stripe_ids = {"id": pi.get("id"), "object": "payment_intent", "status": pi.get("status"),
                          "amount_received": pi.get("amount_received"), "latest_charge": pi.get("latest_charge"),
                          "currency": pi.get("currency"), "request_id": outcome.request_id}
            log_id = self._success_log("Capture", auth, payment_id, key, request, stripe_ids, gateway_ref, pending)
            if pending:
                self._pending.append(_Pending("Payment", payment_id, auth.get("OrderPaymentSummaryId") or "", key,
                                              gateway_ref, auth.get("PaymentGatewayId"), stripe_ids))
            return self._answer(201, "payment", self.writer.get("Payment", payment_id), log_id, None)

    # --- refunds ---------------------------------------------------------------------------------
    def refund(self, payment_id: str, amount: Decimal, *, idempotency_key: str | None = None,
               comments: str | None = None) -> ConnectorResult:
        """Refund ``amount`` (major units) of a Payment through Stripe."""
        with self._lock:
            payment = self._record("Payment", payment_id)
            replay = self._replay(idempotency_key, "refund")
            if replay is not None:
                return replay
            if payment.get("Status") != "Processed":
                raise ApiError(400, "INVALID_STATE", "Only a processed payment can be refunded.")
            currency = payment.get("CurrencyIsoCode") or "USD"
            minor = self._minor(amount, currency)
            key = idempotency_key or self._new_key(payment["Id"])
            ref = self._payment_reference(payment)
            request: dict[str, Any] = {"amount": float(amount), "currencyIsoCode": currency, "payment_intent": None,
                                       "amount_refund": minor}
            if ref is None:
                return self._no_reference("ReferencedRefund", payment, payment["Id"], key, request, "refund")
            fault, options = self._take_fault()
            resolved = self._stripe(fault, lambda: self._resolve_pi(ref), final=False)
            if resolved in ("timeout_before_stripe", "timeout_after_stripe"):
                return self._timeout("ReferencedRefund", payment, payment["Id"], key, request, options, "refund")
            if isinstance(resolved, StripeOutcome):
                return self._failed("ReferencedRefund", payment, payment["Id"], key, request, resolved, "refund")
            request["payment_intent"] = resolved
            outcome = self._stripe(fault, lambda: self.calls.refund(resolved, minor, key))
            if isinstance(outcome, str):
                return self._timeout("ReferencedRefund", payment, payment["Id"], key, request, options, "refund")
            if not outcome.ok:
                return self._failed("ReferencedRefund", payment, payment["Id"], key, request, outcome, "refund")
            refund = outcome.obj or {}
            pending = self.async_mode
            now = sf_datetime(self.clock.now())
            values = {"Amount": sf_amount(amount), "Status": "Pending" if pending else "Processed",
                      "Type": "Referenced", "ProcessingMode": "Salesforce", "SfResultCode": "Success",
                      "GatewayDate": now, "OrderPaymentSummaryId": payment.get("OrderPaymentSummaryId"),
                      "PaymentGatewayId": payment.get("PaymentGatewayId"), "AccountId": payment.get("AccountId"),
                      "Date": now, "EffectiveDate": now, "CurrencyIsoCode": currency, "Comments": comments}
            if not pending:
                values["GatewayResultCode"] = refund.get("status")
            refund_id = self.writer.create("Refund", _no_nones(values))
            gateway_ref = _gateway_ref(refund_id)
            self.writer.update("Refund", refund_id, {"GatewayRefNumber": gateway_ref})
            self.writer.create("RefundLinePayment", {"Amount": sf_amount(amount), "Type": "Applied",
                                                     "RefundId": refund_id, "PaymentId": payment["Id"], "Date": now,
                                                     "EffectiveDate": now, "HasBeenUnapplied": "No"})
            stripe_ids = {"id": refund.get("id"), "object": "refund", "status": refund.get("status"),
                          "amount": refund.get("amount"), "charge": refund.get("charge"),
                          "payment_intent": refund.get("payment_intent"), "currency": refund.get("currency"),
                          "balance_transaction": refund.get("balance_transaction"), "request_id": outcome.request_id}
            log_id = self._success_log("ReferencedRefund", payment, refund_id, key, request, stripe_ids, gateway_ref,
                                       pending)
            if pending:
                self._pending.append(_Pending("Refund", refund_id, payment.get("OrderPaymentSummaryId") or "", key,
                                              gateway_ref, payment.get("PaymentGatewayId"), stripe_ids))
            return self._answer(201, "refund", self.writer.get("Refund", refund_id), log_id, None)

    def _payment_reference(self, payment: dict[str, Any]) -> tuple[str, str] | None:
        if payment.get("PaymentAuthorizationId"):
            auth = self.writer.get("PaymentAuthorization", payment["PaymentAuthorizationId"]) or {}
            ref = auth.get("GatewayRefNumber") or ""
            return ("pi", ref) if ref.startswith("pi_") else None
        ref = payment.get("GatewayRefNumber") or ""
        if ref.startswith("txn_"):
            return ("txn", ref)
        return ("pi", ref) if ref.startswith("pi_") else None

    def _resolve_pi(self, ref: tuple[str, str]) -> str | StripeOutcome:
        kind, value = ref
        if kind == "pi":
            return value
        txn = self.calls.retrieve_balance_transaction(value)
        if not txn.ok:
            return txn
        source = (txn.obj or {}).get("source")
        source_id = source.get("id") if isinstance(source, dict) else source
        charge = self.calls.retrieve_charge(str(source_id))
        if not charge.ok:
            return charge
        pi = (charge.obj or {}).get("payment_intent")
        return pi.get("id") if isinstance(pi, dict) else str(pi)

    # --- async notifications -----------------------------------------------------------------------
    def deliver_notifications(self) -> int:
        """The webhook reaches Salesforce: settle every pending Payment/Refund; returns how many."""
        with self._lock:
            pending, self._pending = self._pending, []
            for item in pending:
                status = "Processed"
                self.writer.update(item.kind, item.record_id, {"Status": status, "GatewayResultCode": "succeeded"})
                event = "charge.captured" if item.kind == "Payment" else "charge.refunded"
                now = sf_datetime(self.clock.now())
                log = {"InteractionType": "Capture" if item.kind == "Payment" else "ReferencedRefund",
                       "InteractionStatus": "Success", "IsNotification": "Yes", "SfResultCode": "Success",
                       "SfRefNumber": item.key, "GatewayRefNumber": item.gateway_ref, "GatewayDate": now,
                       "GatewayResultCode": "succeeded", "GatewayMessage": f"Notification {event} received",
                       "OrderPaymentSummaryId": item.ops_id or None, "ReferencedEntityId": item.record_id,
                       "PaymentGatewayId": item.gateway_id,
                       "Response": json.dumps({"type": event, "data": {"object": item.stripe_ids}})}
                log_id = self.writer.create("PaymentGatewayLog", _no_nones(log))
                self._note_on_summary(item.ops_id, log_id, log["GatewayMessage"])
            return len(pending)

    # --- shared steps ------------------------------------------------------------------------------
    def _record(self, object_name: str, record_id: str) -> dict[str, Any]:
        normalized = normalize_id(record_id) if isinstance(record_id, str) else None
        row = self.writer.get(object_name, normalized) if normalized else None
        if row is None:
            raise ApiError(404, "NOT_FOUND", f"The {object_name} {record_id} doesn't exist or you don't have access.")
        return row

    @staticmethod
    def _minor(amount: Decimal, currency: str) -> int:
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
            raise ApiError(400, "INVALID_INPUT", "Specify an amount greater than zero.")
        try:
            return to_minor(amount, currency)
        except InputError as exc:
            raise ApiError(400, "INVALID_INPUT", str(exc)) from None

    def _new_key(self, record_id: str) -> str:
        self._keys += 1
        seed = f"{record_id}:{self.clock.timestamp()}:{self._keys}"
        return "ik-" + hashlib.sha256(seed.encode()).hexdigest()[:16]

    def _take_fault(self) -> tuple[str | None, dict[str, Any]]:
        if not self._faults:
            return None, {}
        kind, options = self._faults.pop(0)
        return kind, options

    def _stripe(self, fault: str | None, call: Any, *, final: bool = True) -> Any:
        """Run one Stripe call under the operation's fault; a timeout answers the fault's kind."""
        if fault == "timeout_before_stripe":
            return fault
        if fault == "wrong_credentials":
            good = self.calls.api_key
            self.calls.api_key = WRONG_KEY
            try:
                return call()
            except StripeTimeout:
                return "timeout_before_stripe"
            finally:
                self.calls.api_key = good
        try:
            outcome = call()
        except StripeTimeout:
            return "timeout_before_stripe"
        if fault == "timeout_after_stripe" and final:
            return fault
        return outcome

    def _replay(self, key: str | None, entity: str) -> ConnectorResult | None:
        if key is None:
            return None
        logs = [log for log in self.writer.find("PaymentGatewayLog", "SfRefNumber", key)
                if log.get("IsNotification") != "Yes"]
        if not logs:
            return None
        log = logs[0]
        record = None
        ref = log.get("ReferencedEntityId") or ""
        wanted = "Payment" if entity == "payment" else "Refund"
        if self.sandbox.org.store.object_of_id(ref) == wanted:
            record = self.writer.get(wanted, ref)
        error = None
        if log.get("InteractionStatus") not in ("Success", "Initiated"):
            error = {"errorCode": "PAYMENT_GATEWAY_ERROR", "message": log.get("GatewayMessage") or ""}
        return self._answer(201 if error is None else 400, entity, record, log["Id"], error)

    def _log(self, interaction: str, parent: dict[str, Any], referenced: str, key: str, values: dict[str, Any]) -> str:
        now = sf_datetime(self.clock.now())
        log = {"InteractionType": interaction, "IsNotification": "No", "SfRefNumber": key, "GatewayDate": now,
               "OrderPaymentSummaryId": parent.get("OrderPaymentSummaryId"), "ReferencedEntityId": referenced,
               "PaymentGatewayId": parent.get("PaymentGatewayId"), **values}
        if log.get("GatewayMessage"):
            log["GatewayMessage"] = str(log["GatewayMessage"])[:255]
        log_id = self.writer.create("PaymentGatewayLog", _no_nones(log))
        self._note_on_summary(parent.get("OrderPaymentSummaryId"), log_id, log.get("GatewayMessage"))
        return log_id

    def _note_on_summary(self, ops_id: str | None, log_id: str, message: str | None) -> None:
        if ops_id:
            self.writer.update("OrderPaymentSummary", ops_id, {"LastPaymentGatewayLogId": log_id,
                                                               "LastPaymentGatewayMessage": (message or None) and
                                                               str(message)[:255]})

    def _success_log(self, interaction: str, parent: dict[str, Any], referenced: str, key: str,
                     request: dict[str, Any], stripe_ids: dict[str, Any], gateway_ref: str, pending: bool) -> str:
        return self._log(interaction, parent, referenced, key, {
            "InteractionStatus": "Initiated" if pending else "Success", "SfResultCode": "Success",
            "GatewayRefNumber": gateway_ref, "GatewayResultCode": None if pending else "succeeded",
            "GatewayMessage": "Request accepted; awaiting notification" if pending else "Succeeded",
            "Request": json.dumps(request), "Response": json.dumps(stripe_ids)})

    def _failed(self, interaction: str, parent: dict[str, Any], referenced: str, key: str, request: dict[str, Any],
                outcome: StripeOutcome, entity: str) -> ConnectorResult:
        error = outcome.error_fields
        message = str(error.get("message") or "The payment gateway returned an error.")
        response = {"http_status": outcome.status, "request_id": outcome.request_id, **(outcome.error or {})}
        log_id = self._log(interaction, parent, referenced, key, {
            "InteractionStatus": "Failed", "SfResultCode": sf_result_code(outcome.status, error),
            "GatewayResultCode": error.get("code") or error.get("type"), "GatewayMessage": message,
            "GatewayResultCodeDescription": error.get("decline_code"),
            "Request": json.dumps(request), "Response": json.dumps(response)})
        return self._answer(400, entity, None, log_id, {"errorCode": "PAYMENT_GATEWAY_ERROR", "message": message})

    def _timeout(self, interaction: str, parent: dict[str, Any], referenced: str, key: str, request: dict[str, Any],
                 options: dict[str, Any], entity: str) -> ConnectorResult:
        code = options.get("sf_result_code", "Indeterminate")
        log_id = self._log(interaction, parent, referenced, key, {
            "InteractionStatus": "Timeout", "SfResultCode": code, "GatewayMessage": _TIMEOUT_MESSAGE,
            "Request": json.dumps(request)})
        return self._answer(400, entity, None, log_id, {"errorCode": "PAYMENT_GATEWAY_TIMEOUT",
                                                        "message": _TIMEOUT_MESSAGE})

    def _no_reference(self, interaction: str, parent: dict[str, Any], referenced: str, key: str,
                      request: dict[str, Any], entity: str) -> ConnectorResult:
        message = "The payment has no Stripe reference (pi_ or txn_) to act on."
        log_id = self._log(interaction, parent, referenced, key, {
            "InteractionStatus": "Failed", "SfResultCode": "ValidationError", "GatewayMessage": message,
            "Request": json.dumps(request)})
        return self._answer(400, entity, None, log_id, {"errorCode": "INVALID_INPUT", "message": message})

    def _answer(self, status: int, entity: str, record: dict[str, Any] | None, log_id: str,
                error: dict[str, Any] | None) -> ConnectorResult:
        log = self.writer.get("PaymentGatewayLog", log_id) or {}
        body: dict[str, Any] = {}
        if record is not None:
            currency = record.get("CurrencyIsoCode") or "USD"
            amount = from_salesforce(record.get("Amount"), currency)
            body[entity] = {"id": record["Id"],
                            f"{entity}Number": record.get("PaymentNumber" if entity == "payment" else "RefundNumber"),
                            "amount": float(amount) if amount is not None else None, "currencyIsoCode": currency,
                            "status": str(record.get("Status") or "").upper(),
                            "effectiveDate": _json_time(record.get("EffectiveDate")),
                            "requestDate": _json_time(record.get("Date")), "accountId": record.get("AccountId")}
        else:
            body[entity] = None
        body["gatewayResponse"] = {
            "gatewayReferenceNumber": log.get("GatewayRefNumber"), "gatewayResultCode": log.get("GatewayResultCode"),
            "gatewayResultCodeDescription": log.get("GatewayResultCodeDescription"),
            "gatewayMessage": log.get("GatewayMessage"), "gatewayDate": _json_time(log.get("GatewayDate")),
            "salesforceResultCode": log.get("SfResultCode")}
        body["paymentGatewayLogs"] = [{"id": log.get("Id", log_id), "createdDate": _json_time(log.get("CreatedDate")),
                                       "gatewayResultCode": log.get("GatewayResultCode"),
                                       "interactionStatus": log.get("InteractionStatus")}]
        body["paymentGroup"] = None
        body["error"] = error
        return ConnectorResult(status, body)


def _no_nones(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _json_time(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return sf_datetime(value)
