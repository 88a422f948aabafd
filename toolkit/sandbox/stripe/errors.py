"""Stripe's error shapes: ``{"error": {type, code, message, param, doc_url, request_log_url, ...}}``.

Rules raise :class:`StripeError`; the WSGI app turns it into the HTTP status and body Stripe sends.
Messages never contain an API key (only a masked form, see ``keys.mask_key``).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApiError",
    "StripeError",
    "error_body",
    "invalid_request",
    "resource_missing",
]

#: Stripe's error-code pages use hyphens: ``resource_missing`` -> ``.../error-codes/resource-missing``.
DOC_URL = "https://docs.stripe.com/error-codes/{code}"


class StripeError(Exception):
    """An error in Stripe's own shape: HTTP status, ``type``, ``code``, message and extras.

    ``extra`` holds fields such as ``payment_intent`` (the full object on PaymentIntent requests) or
    ``charge``; ``headers`` holds response headers such as ``Stripe-Should-Retry``.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def __repr__(self) -> str:
        return f"StripeError({self.status}, type={self.type!r}, code={self.code!r}, message={self.message!r})"

    def body(self, request_id: str | None, *, livemode: bool = False) -> dict[str, Any]:
        return error_body(self, request_id, livemode=livemode)


def error_body(err: StripeError, request_id: str | None, *, livemode: bool = False) -> dict[str, Any]:
    """The JSON body Stripe sends for ``err``."""
    payload: dict[str, Any] = {}
    if err.code is not None:
        payload["code"] = err.code
        payload["doc_url"] = DOC_URL.format(code=err.code.replace("_", "-"))
    payload["message"] = err.message
    if err.param is not None:
        payload["param"] = err.param
    payload.update(err.extra)
    if request_id is not None:
        mode = "" if livemode else "test/"
        payload["request_log_url"] = f"https://dashboard.stripe.com/{mode}logs/{request_id}"
    payload["type"] = err.type
    return {"error": payload}


def invalid_request(message: str, *, code: str | None = None, param: str | None = None, status: int = 400,
                    extra: dict[str, Any] | None = None) -> StripeError:
    return StripeError(status, message, code=code, param=param, extra=extra)


def resource_missing(kind: str, object_id: str, *, param: str = "id", live_exists: bool = False,
                     other_mode: str | None = None) -> StripeError:
    """404 ``resource_missing`` (``No such payment_intent: 'pi_...'``), with Stripe's wrong-mode hint.

    ``other_mode`` ("live" or "test") is the mode the object exists in when the key is of the other one
    (``live_exists=True`` is ``other_mode="live"``).
    """
    message = f"No such {kind}: '{object_id}'"
    mode = other_mode or ("live" if live_exists else None)
    if mode is not None:
        key_mode = "test" if mode == "live" else "live"
        message += f"; a similar object exists in {mode} mode, but a {key_mode} mode key was used to make this request."
    return StripeError(404, message, code="resource_missing", param=param)


class ApiError(StripeError):
    """500 ``api_error``: something went wrong on Stripe's end."""

    def __init__(self, message: str = "An unknown error occurred") -> None:
        super().__init__(500, message, type="api_error")
