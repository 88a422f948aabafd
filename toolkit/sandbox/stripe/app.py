"""The Stripe account's HTTP face: a WSGI app serving ``/v1/...`` as the ``stripe`` 16 client calls it.

Every response carries ``Request-Id: req_...``; errors take Stripe's shape; POSTs honour
``Idempotency-Key``; keys are checked (full test key, restricted keys, 401 otherwise); test keys never
see live objects.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from toolkit.sandbox.stripe.account_object import account_object
from toolkit.sandbox.stripe.errors import StripeError, error_body
from toolkit.sandbox.stripe.events import RETENTION_SECONDS, type_filter, type_matches
from toolkit.sandbox.stripe.expand import apply_expand, parse_expand
from toolkit.sandbox.stripe.forms import as_bool, as_int, as_metadata, as_str, decode_form
from toolkit.sandbox.stripe.objects import API_VERSION, IdFactory
from toolkit.sandbox.stripe.search import parse_query
from toolkit.sandbox.stripe.store import created_filter, parse_limit

if TYPE_CHECKING:
    from toolkit.sandbox.stripe.rules import AccountRules

__all__ = ["StripeApp"]

Handler = Callable[[dict[str, Any], dict[str, Any], re.Match[str]], Any]
_LIST = {"limit", "starting_after", "ending_before"}


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    resource: str
    write: bool
    params: frozenset[str]




class StripeApp:
    """WSGI callable over an account's rules."""

    def __init__(self, account: AccountRules) -> None:
        self.account = account
        self._request_ids = IdFactory("requests")
        self._id_lock = threading.Lock()
        self.routes = self._routes()

    def new_request_id(self) -> str:
        with self._id_lock:
            return self._request_ids.new("req")

    def reset_request_ids(self) -> None:
        with self._id_lock:
            self._request_ids.reset("requests")

    # --- WSGI ----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, headers, body = self.handle(environ)
        start_response(f"{status} {HTTPStatus(status).phrase}", list(headers.items()))
        return [body]

    def handle(self, environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        request_id = self.new_request_id()
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/")
        idempotency_key = environ.get("HTTP_IDEMPOTENCY_KEY") if method == "POST" else None
        claimed = False
        live = False
        try:
            principal = self.account.keys.authenticate(environ.get("HTTP_AUTHORIZATION"))
            live = principal.live
            route, match = self._route(method, path)
            principal.require(route.resource, route.write)
            params = self._params(environ, method)
            unknown = sorted(set(params) - route.params - {"expand"})
            if unknown:
                raise StripeError(400, f"Received unknown parameter: {unknown[0]}", code="parameter_unknown",
                                  param=unknown[0])
            if idempotency_key is not None:
                stored = self.account.idempotency.begin(idempotency_key, method, path, params,
                                                        self.account.clock.timestamp())
                if stored is not None:
                    headers = {**stored.headers, "Request-Id": request_id, "Idempotent-Replayed": "true",
                               "Original-Request": stored.headers.get("Request-Id", "")}
                    return stored.status or 200, headers, stored.body
                claimed = True
            request = {"id": request_id, "idempotency_key": idempotency_key}
            with self.account.lock:
                self.account.store.viewer_live = principal.live
                try:
                    result = route.handler(params, request, match)
                    tree = parse_expand(params.get("expand"))
                    if isinstance(result, dict) and "total_count" in tree and result.get("object") == "search_result":
                        result["total_count"] = result.pop("_total")
                    if isinstance(result, dict):
                        result.pop("_total", None)
                    result = apply_expand(result, tree, self.account.store.resolve)
                finally:
                    self.account.store.viewer_live = False
            status, payload = 200, result
            extra_headers: dict[str, str] = {}
        except StripeError as err:
            status, payload, extra_headers = err.status, error_body(err, request_id, livemode=live), err.headers
            if claimed and err.status in (401, 403):
                self.account.idempotency.abandon(idempotency_key or "")
                claimed = False
        except Exception:
            if claimed:
                self.account.idempotency.abandon(idempotency_key or "")
            raise
        body = (json.dumps(payload) + "\n").encode("utf-8")
        headers = {"Content-Type": "application/json", "Request-Id": request_id, "Stripe-Version": API_VERSION,
                   **extra_headers}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        if claimed:
            self.account.idempotency.finish(idempotency_key or "", status, headers, body)
        return status, headers, body

    def render_fault(self, kind: str) -> tuple[int, dict[str, str], bytes]:
        request_id = self.new_request_id()
        headers = {"Content-Type": "application/json", "Request-Id": request_id, "Stripe-Version": API_VERSION}
        if kind == "unavailable":
            err = StripeError(503, "Stripe is temporarily unavailable. Please try again later.", type="api_error")
        elif kind == "rate_limit":
            err = StripeError(429, "Request rate limit exceeded. You can learn more about rate limits here "
                                   "https://stripe.com/docs/rate-limits.", code="rate_limit")
        elif kind == "lock_timeout":
            err = StripeError(429, "This object cannot be accessed right now because another API request or Stripe "
                                   "process is currently accessing it. If you see this error intermittently, retry "
                                   "the request. If you see this error frequently and are making multiple "
                                   "concurrent requests to a single object, make your requests serially or at a "
                                   "lower rate.", code="lock_timeout")
            headers["Stripe-Should-Retry"] = "true"
        else:  # server_error, and any other system's kind scheduled here by mistake
            err = StripeError(500, "An unknown error occurred", type="api_error")
        body = (json.dumps(error_body(err, request_id)) + "\n").encode("utf-8")
        return err.status, headers, body

    # --- request parsing -------------------------------------------------------------------------
    @staticmethod
    def _params(environ: dict[str, Any], method: str) -> dict[str, Any]:
        query = environ.get("QUERY_STRING", "")
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            text = environ["wsgi.input"].read(length).decode("utf-8") if length else ""
            params = decode_form(text)
            if query:
                params.update(decode_form(query))
            return params
        return decode_form(query)

    def _route(self, method: str, path: str) -> tuple[Route, re.Match[str]]:
        for route in self.routes:
            if route.method == method:
                match = route.pattern.fullmatch(path)
                if match is not None:
                    return route, match
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
                               "or we can help at https://support.stripe.com/.")

    def _routes(self) -> list[Route]:
        def r(method: str, path: str, handler: Handler, resource: str, params: Iterable[str] = ()) -> Route:
            pattern = re.compile(path.replace("{id}", r"(?P<id>[^/]+)"))
            return Route(method, pattern, handler, resource, method == "POST", frozenset(params))

        return [
            r("POST", "/v1/payment_intents", self.create_payment_intent, "payment_intents",
              ("amount", "currency", "capture_method", "metadata", "confirm", "payment_method", "description",
               "customer", "payment_method_types")),
            r("GET", "/v1/payment_intents", self.list_payment_intents, "payment_intents",
              {"created", "customer", *_LIST}),
            r("GET", "/v1/payment_intents/search", self.search_payment_intents, "payment_intents",
              ("query", "limit", "page")),
            r("GET", "/v1/payment_intents/{id}", self.retrieve("payment_intent"), "payment_intents",
              ("client_secret",)),
            r("POST", "/v1/payment_intents/{id}", self.update_payment_intent, "payment_intents",
              ("metadata", "description")),
            r("POST", "/v1/payment_intents/{id}/confirm", self.confirm_payment_intent, "payment_intents",
              ("payment_method",)),
            r("POST", "/v1/payment_intents/{id}/capture", self.capture_payment_intent, "payment_intents",
              ("amount_to_capture",)),
            r("POST", "/v1/payment_intents/{id}/cancel", self.cancel_payment_intent, "payment_intents",
              ("cancellation_reason",)),
            r("GET", "/v1/charges", self.list_charges, "charges", {"created", "customer", "payment_intent", *_LIST}),
            r("GET", "/v1/charges/search", self.search_charges, "charges", ("query", "limit", "page")),
            r("GET", "/v1/charges/{id}", self.retrieve("charge"), "charges"),
            r("POST", "/v1/charges/{id}/capture", self.capture_charge, "charges", ("amount",)),
            r("POST", "/v1/refunds", self.create_refund, "refunds",
              ("payment_intent", "charge", "amount", "reason", "metadata")),
            r("GET", "/v1/refunds", self.list_refunds, "refunds", {"payment_intent", "charge", "created", *_LIST}),
            r("GET", "/v1/refunds/{id}", self.retrieve("refund"), "refunds"),
            r("POST", "/v1/refunds/{id}", self.update_refund, "refunds", ("metadata",)),
            r("POST", "/v1/refunds/{id}/cancel", self.cancel_refund, "refunds"),
            r("GET", "/v1/balance_transactions", self.list_balance_transactions, "balance_transactions",
              {"source", "type", "created", "currency", *_LIST}),
            r("GET", "/v1/balance_transactions/{id}", self.retrieve("balance_transaction"), "balance_transactions"),
            r("GET", "/v1/events", self.list_events, "events",
              {"type", "types", "created", "delivery_success", *_LIST}),
            r("GET", "/v1/events/{id}", self.retrieve("event"), "events"),
            r("GET", "/v1/disputes", self.list_disputes, "disputes", {"charge", "payment_intent", "created", *_LIST}),
            r("GET", "/v1/disputes/{id}", self.retrieve("dispute"), "disputes"),
            r("GET", "/v1/account", self.retrieve_account, "account"),
        ]

    # --- handlers --------------------------------------------------------------------------------
    def retrieve(self, kind: str) -> Handler:
        def handler(params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
            store = self.account.store
            return store.render(store.fetch(kind, match["id"]))
        return handler

    def retrieve_account(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        """``GET /v1/account``: the account the key belongs to."""
        return account_object()

    def create_payment_intent(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        amount = as_int(params, "amount", required=True)
        currency = as_str(params, "currency", required=True)
        confirm = as_bool(params, "confirm")
        payment_method = as_str(params, "payment_method")
        types = params.get("payment_method_types")
        if types is not None and types != ["card"]:
            raise StripeError(400, "The sandbox supports only payment_method_types ['card'].",
                              param="payment_method_types")
        if confirm and payment_method is None:
            raise StripeError(400, "You cannot confirm this PaymentIntent because it's missing a payment method. "
                                   "Pass payment_method when confirm=true.", code="parameter_missing",
                              param="payment_method")
        return self.account.create_payment_intent(
            amount=amount or 0, currency=currency or "", capture_method=as_str(params, "capture_method") or "automatic",
            metadata=as_metadata(params), confirm=confirm, payment_method=payment_method,
            description=as_str(params, "description"), customer=as_str(params, "customer"), request=request)

    def update_payment_intent(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        return self.account.update_payment_intent(match["id"], metadata=as_metadata(params),
                                                  description=params.get("description"), request=request, api=True)

    def confirm_payment_intent(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        return self.account.confirm_payment_intent(match["id"], payment_method=as_str(params, "payment_method"),
                                                   request=request, api=True)

    def capture_payment_intent(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        return self.account.capture_payment_intent(match["id"], amount_to_capture=as_int(params, "amount_to_capture"),
                                                   request=request, api=True)

    def cancel_payment_intent(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        return self.account.cancel_payment_intent(match["id"],
                                                  cancellation_reason=as_str(params, "cancellation_reason"),
                                                  request=request, api=True)

    def capture_charge(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        store = self.account.store
        charge = store.fetch("charge", match["id"])
        if charge["captured"]:
            raise StripeError(400, f"Charge {charge['id']} has already been captured.", code="charge_already_captured",
                              param="charge")
        if charge["refunded"]:
            raise StripeError(400, f"Charge {charge['id']} has expired for capture.", code="charge_expired_for_capture",
                              param="charge")
        self.account.capture_payment_intent(charge["payment_intent"], amount_to_capture=as_int(params, "amount"),
                                            request=request, api=True)
        return store.render(store.objects[charge["id"]])

    def create_refund(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        return self.account.create_refund(
            payment_intent=as_str(params, "payment_intent"), charge=as_str(params, "charge"),
            amount=as_int(params, "amount"), reason=as_str(params, "reason"), metadata=as_metadata(params),
            request=request, api=True)

    def update_refund(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        store = self.account.store
        refund = store.fetch("refund", match["id"])
        metadata = as_metadata(params)
        if metadata is not None:
            previous = {"metadata": dict(refund["metadata"])}
            merged = {**refund["metadata"], **metadata}
            refund["metadata"] = {key: value for key, value in merged.items() if value != ""}
            store.emit("refund.updated", refund, request, previous_attributes=previous)
        return store.render(refund)

    def cancel_refund(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        return self.account.cancel_refund(match["id"], request=request, api=True)

    # --- lists and search --------------------------------------------------------------------------
    def _list(self, kind: str, params: dict[str, Any], url: str,
              keep: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        store = self.account.store
        created = created_filter(params.get("created"))
        items = [obj for obj in store.visible(kind) if created(obj.get("created") or 0) and keep(obj)]
        return store.page(items, params, url)

    def list_payment_intents(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        customer = as_str(params, "customer")
        return self._list("payment_intent", params, "/v1/payment_intents",
                          lambda o: customer is None or o.get("customer") == customer)

    def list_charges(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        customer, pi = as_str(params, "customer"), as_str(params, "payment_intent")
        return self._list("charge", params, "/v1/charges",
                          lambda o: (customer is None or o.get("customer") == customer)
                          and (pi is None or o.get("payment_intent") == pi))

    def list_refunds(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        charge, pi = as_str(params, "charge"), as_str(params, "payment_intent")
        return self._list("refund", params, "/v1/refunds",
                          lambda o: (charge is None or o.get("charge") == charge)
                          and (pi is None or o.get("payment_intent") == pi))

    def list_balance_transactions(self, params: dict[str, Any], request: dict[str, Any],
                                  match: re.Match[str]) -> Any:
        source, kind, currency = as_str(params, "source"), as_str(params, "type"), as_str(params, "currency")
        return self._list("balance_transaction", params, "/v1/balance_transactions",
                          lambda o: (source is None or o.get("source") == source)
                          and (kind is None or o.get("type") == kind)
                          and (currency is None or o.get("currency") == currency.lower()))

    def list_events(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        patterns = type_filter(params.get("type"), params.get("types"))
        delivered = as_bool(params, "delivery_success", default=True) if "delivery_success" in params else None
        oldest = self.account.clock.timestamp() - RETENTION_SECONDS
        # Events reach no webhook endpoint in the sandbox: none failed delivery.
        return self._list("event", params, "/v1/events",
                          lambda o: o["created"] > oldest and type_matches(o["type"], patterns)
                          and delivered is not False)

    def list_disputes(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        charge, pi = as_str(params, "charge"), as_str(params, "payment_intent")
        return self._list("dispute", params, "/v1/disputes",
                          lambda o: (charge is None or o.get("charge") == charge)
                          and (pi is None or o.get("payment_intent") == pi))

    def search_payment_intents(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        return self._search("payment_intent", params, "/v1/payment_intents/search")

    def search_charges(self, params: dict[str, Any], request: dict[str, Any], match: re.Match[str]) -> Any:
        return self._search("charge", params, "/v1/charges/search")

    def _search(self, kind: str, params: dict[str, Any], url: str) -> dict[str, Any]:
        text = as_str(params, "query", required=True) or ""
        query = parse_query(kind, text)
        limit = parse_limit(params.get("limit"))
        offset = _decode_page(params.get("page"), text)
        store = self.account.store
        horizon = self.account.clock.timestamp() - self.account.search_lag_seconds
        hits = store.newest_first(obj for obj in store.visible(kind)
                                  if (obj.get("created") or 0) <= horizon and query.matches(obj))
        window = hits[offset:offset + limit]
        has_more = len(hits) > offset + limit
        return {"object": "search_result", "data": [store.render(o) for o in window], "has_more": has_more,
                "next_page": _encode_page(text, offset + limit) if has_more else None, "url": url,
                "_total": len(hits)}


def _encode_page(query: str, offset: int) -> str:
    raw = json.dumps([query, offset], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_page(token: Any, query: str) -> int:
    if token is None or token == "":
        return 0
    try:
        padded = str(token) + "=" * (-len(str(token)) % 4)
        stored_query, offset = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if stored_query != query or not isinstance(offset, int) or offset < 0:
            raise ValueError
    except (ValueError, TypeError):
        raise StripeError(400, "Invalid page: the page token does not belong to this query.", param="page") from None
    return offset

