"""The Stripe gateway: the one place through which the toolkit sends requests to Stripe.

A :class:`StripeGateway` wraps a real ``stripe.StripeClient`` (live or sandbox: it cannot tell) and owns,
for one operation:

- the request budget and its accounting (:class:`~toolkit.core.budget.RequestBudget`);
- retries of what can pass (no answer, 5xx, 429 including ``lock_timeout``) with the session's
  :class:`~toolkit.core.retry.RetryPolicy`, the only retries: the client's own are switched off by ``connect()``,
  so a plain 429 is retried too (the library never retries it);
- the conversion of every answer to plain dicts (``StripeObject.to_dict()``, recursively), so nothing past
  this module ever holds a StripeObject, with personal data masked unless the session says otherwise
  (:mod:`toolkit.core.privacy`: names, emails, phones and street addresses of ``billing_details``...);
- the translation of the library's errors into the toolkit's, each naming Stripe, what was being read,
  Stripe's request id and what to try (:func:`stripe_error`): ``resource_missing`` becomes
  :class:`StripeObjectMissing` (a :class:`~toolkit.errors.NotFoundError` that says whether the object exists
  in the other mode), never a silent None.

The key's mode (test or live) is given by the session, which knows the key; it is never read back from the
client.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import stripe

from toolkit.analysis.evidence import MissingObject
from toolkit.core.budget import RequestBudget
from toolkit.core.pacing import Pacer
from toolkit.core.privacy import mask_stripe
from toolkit.core.retry import RetryPolicy
from toolkit.core.text import redact_secrets
from toolkit.errors import (
    AccessDeniedError,
    InputError,
    NotFoundError,
    ServiceError,
    ServiceUnavailableError,
    ToolkitError,
)

__all__ = ["PI_EXPAND", "StripeGateway", "StripeObjectMissing", "plain", "stripe_error"]

Record = dict[str, Any]
SYSTEM = "Stripe"
#: A PaymentIntent with its latest charge, the charge's balance transaction and refunds, in one request.
PI_EXPAND = ["latest_charge.balance_transaction", "latest_charge.refunds"]
_PREFIX_EXPAND: dict[str, tuple[str, list[str]]] = {
    "ch_": ("charge", [f"payment_intent.{path}" for path in PI_EXPAND]),
    "py_": ("charge", [f"payment_intent.{path}" for path in PI_EXPAND]),
    "re_": ("refund", [f"payment_intent.{path}" for path in PI_EXPAND]),
    "pyr_": ("refund", [f"payment_intent.{path}" for path in PI_EXPAND]),
    "txn_": ("balance_transaction", [f"source.payment_intent.{path}" for path in PI_EXPAND]),
}
_OTHER_MODE = re.compile(r"similar object exists in (live|test) mode, but a (live|test) mode key was used", re.I)
_PERMISSION = re.compile(r"Having the '([a-z_]+)' permission")


class StripeObjectMissing(NotFoundError):
    """Stripe answered ``resource_missing``: ``missing`` says whether the object exists in the other mode."""

    def __init__(self, message: str, missing: MissingObject, *, request_id: str | None = None) -> None:
        super().__init__(message, system=SYSTEM, subject=missing.object_id, request_id=request_id)
        self.missing = missing


#: Bound once: ``stripe.StripeObject`` goes through the package's lazy ``__getattr__`` (an import) on every access,
#: which made :func:`plain` cost seconds on a few thousand listed objects.
_STRIPE_OBJECT = stripe.StripeObject


def plain(value: Any) -> Any:
    """A StripeObject (or list of them) as plain dicts and lists, recursively."""
    if isinstance(value, _STRIPE_OBJECT):
        return value.to_dict(recursive=True)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _missing(error: stripe.InvalidRequestError, object_id: str, key_livemode: bool | None) -> MissingObject | None:
    body = getattr(error, "error", None)
    code = getattr(body, "code", None) or getattr(error, "code", None)
    if code != "resource_missing":
        return None
    message = str(getattr(body, "message", None) or getattr(error, "user_message", None) or "")
    found = _OTHER_MODE.search(message)
    if found:
        return MissingObject(object_id, message, True, found.group(2).lower() == "live")
    return MissingObject(object_id, message, False, key_livemode)


def _not_found_text(missing: MissingObject) -> str:
    if missing.other_mode and missing.key_livemode is not None:
        key_mode = "live" if missing.key_livemode else "test"
        other = "test" if missing.key_livemode else "live"
        return (f"Stripe has no {missing.object_id} for this {key_mode}-mode key; it exists in {other} mode, so use "
                f"a {other}-mode key.")
    return f"Stripe has no {missing.object_id} in this account ({missing.message})."


def _retryable(exc: stripe.StripeError) -> bool:
    """No answer, Stripe's own failure (5xx), too many requests (429: rate_limit, lock_timeout), or an answer
    Stripe marks ``Stripe-Should-Retry: true``."""
    if isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError):
        return True
    headers = getattr(exc, "headers", None) or {}
    if str(headers.get("stripe-should-retry", headers.get("Stripe-Should-Retry", ""))).lower() == "true":
        return True
    return isinstance(exc, stripe.APIError) or (getattr(exc, "http_status", None) or 0) >= 500


def stripe_error(exc: stripe.StripeError, what: str, subject: str | None = None,
                 key_livemode: bool | None = None) -> ToolkitError:
    """The toolkit error for a failed Stripe request (chain it: ``raise stripe_error(e, w) from e``)."""
    request_id = getattr(exc, "request_id", None)
    status = getattr(exc, "http_status", None)
    body = getattr(exc, "error", None)
    code = getattr(body, "code", None) or getattr(exc, "code", None)
    detail = redact_secrets(str(getattr(body, "message", None) or getattr(exc, "user_message", None) or exc))[:300]
    ref = f", request {request_id}" if request_id else ""
    fields: dict[str, Any] = {"system": SYSTEM, "subject": subject or what, "request_id": request_id,
                              "status": status, "code": code}
    if isinstance(exc, stripe.InvalidRequestError) and subject:
        missing = _missing(exc, subject, key_livemode)
        if missing is not None:
            return StripeObjectMissing(_not_found_text(missing), missing, request_id=request_id)
    if isinstance(exc, stripe.AuthenticationError):
        return AccessDeniedError(f"Stripe refused the API key while reading {what} (HTTP {status}{ref}); check "
                                 "STRIPE_API_KEY.", **fields)
    if isinstance(exc, stripe.PermissionError):
        needed = _PERMISSION.search(str(getattr(body, "message", None) or exc))
        lacking = f"the '{needed.group(1)}' permission" if needed else "a permission"
        return AccessDeniedError(f"Stripe's restricted key lacks {lacking}, so {what} could not be read "
                                 f"(HTTP {status}{ref}); grant it on the key in the Stripe Dashboard, or use a key "
                                 "with read access.", **fields)
    if isinstance(exc, stripe.RateLimitError | stripe.APIConnectionError | stripe.APIError):
        kind = ("kept asking to slow down (rate limit)" if isinstance(exc, stripe.RateLimitError) else
                "could not be reached or did not answer in time" if isinstance(exc, stripe.APIConnectionError) else
                f"failed (HTTP {status})")
        return ServiceUnavailableError(f"Stripe {kind} while reading {what}{ref}; try again later.", **fields)
    return ServiceError(f"Stripe refused the request for {what} (HTTP {status}{ref}: {detail}).", **fields)


class StripeGateway:
    """Stripe requests of one operation: reads as plain dicts, with budget, accounting and error translation."""

    system = SYSTEM

    def __init__(self, client: stripe.StripeClient, *, budget: RequestBudget | None = None,
                 key_livemode: bool | None = None, retry: RetryPolicy | None = None,
                 pacer: Pacer | None = None, mask_personal_data: bool = True) -> None:
        self.client = client
        self.mask_personal_data = mask_personal_data  # every answer's personal data masked (toolkit.core.privacy)
        self.budget = budget if budget is not None else RequestBudget(SYSTEM)
        self.key_livemode = key_livemode
        self.retry = retry if retry is not None else RetryPolicy()
        self.pacer = pacer  # when given, every try waits for its slot under Stripe's rate limit

    def __repr__(self) -> str:
        return f"StripeGateway({self.budget!r})"

    def call(self, kind: str, what: str, request: Callable[..., Any], *args: Any, subject: str | None = None,
             **kwargs: Any) -> Any:
        """Spend one request of the budget, send it, and return the answer as plain dicts."""
        self.budget.spend(kind, what)
        attempt = 1
        while True:
            if self.pacer is not None:
                self.pacer.acquire()
            try:
                answer = plain(request(*args, **kwargs))
            except stripe.StripeError as exc:
                if attempt < self.retry.attempts and _retryable(exc):
                    attempt += 1
                    self.budget.note_retry(kind)
                    self.retry.wait(attempt)
                    continue
                raise stripe_error(exc, what, subject, self.key_livemode) from exc
            return mask_stripe(answer) if self.mask_personal_data else answer

    # --- objects ----------------------------------------------------------------------------------------
    def retrieve_payment_intent(self, pi_id: str) -> Record:
        """The PaymentIntent with its latest charge, the charge's balance transaction and refunds expanded."""
        return self.call("retrieve payment_intent", pi_id, self.client.v1.payment_intents.retrieve, pi_id,
                         params={"expand": PI_EXPAND}, subject=pi_id)

    def resolve(self, stripe_id: str) -> tuple[Record | None, Record]:
        """A ``pi_``, ``ch_``, ``re_`` or ``txn_`` id in one request: (the expanded PaymentIntent, or None when the
        object has none; the object retrieved, its expansions collapsed to ids). StripeObjectMissing when Stripe
        lacks it, InputError for an id of another kind."""
        if stripe_id.startswith("pi_"):
            expanded = self.retrieve_payment_intent(stripe_id)
            return expanded, expanded
        prefix = next((p for p in _PREFIX_EXPAND if stripe_id.startswith(p)), None)
        if prefix is None:
            raise InputError(f"{stripe_id!r} is not a pi_, ch_, re_ or txn_ id.")
        kind, expand = _PREFIX_EXPAND[prefix]
        services: dict[str, Callable[..., Any]] = {
            "charge": self.client.v1.charges.retrieve, "refund": self.client.v1.refunds.retrieve,
            "balance_transaction": self.client.v1.balance_transactions.retrieve}
        obj: Record = self.call(f"retrieve {kind}", stripe_id, services[kind], stripe_id, params={"expand": expand},
                                subject=stripe_id)
        holder: Any = obj.get("source") if kind == "balance_transaction" else obj
        pi: Any = holder.get("payment_intent") if isinstance(holder, dict) else None
        collapsed = dict(obj)
        if kind == "balance_transaction" and isinstance(holder, dict):
            collapsed["source"] = {**holder, "payment_intent": pi.get("id") if isinstance(pi, dict) else pi}
        else:
            collapsed["payment_intent"] = pi.get("id") if isinstance(pi, dict) else pi
        return (pi if isinstance(pi, dict) else None), collapsed

    # --- writes -------------------------------------------------------------------------------------
    def create_refund(self, params: dict[str, Any], idempotency_key: str, what: str) -> Record:
        """Create a refund with an ``Idempotency-Key`` (a retry replays Stripe's first answer: never two refunds)."""
        if not idempotency_key:
            raise InputError("A refund needs an idempotency key, so that a retry cannot refund twice.")
        return self.call("create refund", what, self.client.v1.refunds.create, params=params,
                         options={"idempotency_key": idempotency_key}, subject=params.get("payment_intent"))

    def list_refunds(self, payment_intent: str) -> list[Record]:
        """Every refund of a PaymentIntent (any status), oldest first; the pages are read while the budget allows."""
        params: dict[str, Any] = {"payment_intent": payment_intent, "limit": 100}
        found: list[Record] = []
        while True:
            page = self.call("list refunds", f"the refunds of {payment_intent}", self.client.v1.refunds.list,
                             params=params)
            data = page.get("data") or []
            found.extend(data)
            if not page.get("has_more") or not data:
                return sorted(found, key=lambda r: (r.get("created") or 0, str(r.get("id"))))
            params = {**params, "starting_after": data[-1]["id"]}

    # --- search and lists ---------------------------------------------------------------------------------
    def search_payment_intents(self, query: str, what: str) -> list[Record]:
        """One page (up to 100) of a PaymentIntent search, expanded like :meth:`retrieve_payment_intent`."""
        result = self.call("search payment_intents", what, self.client.v1.payment_intents.search,
                           params={"query": query, "limit": 100, "expand": [f"data.{p}" for p in PI_EXPAND]})
        return list(result.get("data") or [])

    def list_payment_intents(self, since: datetime, until: datetime, what: str,
                             keep: Callable[[Record], bool] = lambda pi: True,
                             on_page: Callable[[int], None] | None = None) -> tuple[list[Record], bool]:
        """PaymentIntents created in [since, until] (expanded), kept by ``keep``, paging while the budget allows;
        ``on_page`` hears how many PaymentIntents each page held. Returns (found, complete): complete is False when
        the budget stopped the paging."""
        params: dict[str, Any] = {"created": {"gte": int(since.timestamp()), "lte": int(until.timestamp())},
                                  "limit": 100, "expand": [f"data.{p}" for p in PI_EXPAND]}
        found: list[Record] = []
        while True:
            if self.budget.remaining == 0:
                return found, False
            page = self.call("list payment_intents", what, self.client.v1.payment_intents.list, params=params)
            data = page.get("data") or []
            found.extend(pi for pi in data if keep(pi))
            if on_page is not None:
                on_page(len(data))
            if not page.get("has_more") or not data:
                return found, True
            params = {**params, "starting_after": data[-1]["id"]}

    def list_page(self, resource: str, params: dict[str, Any], what: str) -> Record:
        """One page of ``GET /v1/{resource}`` (``payment_intents``, ``refunds``...) as Stripe's list object, plain.

        Read through the client's ``raw_request``: the JSON as Stripe sent it, without building a StripeObject per
        nested object (listing 10,000 expanded PaymentIntents that way costs minutes of CPU; the dicts are the same
        as :func:`plain` of the typed answer)."""
        path = f"/v1/{resource}"
        answer: Record = self.call(f"list {resource}", what,
                                   lambda: self.client.raw_request("get", path, **params).data)
        return answer

    def list_events(self, types: Iterable[str], since: datetime, until: datetime, *,
                    max_pages: int | None = None) -> tuple[list[Record], bool]:
        """Events of ``types`` created in [since, until], newest first as Stripe lists them.

        Returns (events, complete): complete is False when the budget or ``max_pages`` stopped the paging before
        Stripe's last page (what is missing is older than the oldest event returned).
        """
        params: dict[str, Any] = {"types": list(types), "limit": 100,
                                  "created": {"gte": int(since.timestamp()), "lte": int(until.timestamp())}}
        found: list[Record] = []
        pages = 0
        while True:
            if self.budget.remaining == 0 or (max_pages is not None and pages >= max_pages):
                return found, False
            page = self.call("list events", "events", self.client.v1.events.list, params=params)
            pages += 1
            data = page.get("data") or []
            found.extend(data)
            if not page.get("has_more") or not data:
                return found, True
            params = {**params, "starting_after": data[-1]["id"]}
