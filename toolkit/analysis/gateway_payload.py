"""What a PaymentGatewayLog row says about Stripe's answer: the error in its Response, result code and
message, and the amount its Request asked for.

What the connector writes into GatewayResultCode, GatewayMessage, Request and Response is not documented, so
everything here is tolerant by design: absent fields, non-JSON text and unknown shapes give an empty
answer, never an error. :mod:`toolkit.analysis.capture_causes` uses these readings only to confirm or
refine a cause that Stripe's state decides.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

from toolkit.core.money import from_salesforce, to_major
from toolkit.errors import InputError

__all__ = ["GatewayError", "gateway_error_of", "is_failed_capture", "requested_amount", "text_field"]

Record = dict[str, Any]


@dataclass(frozen=True)
class GatewayError:
    """What a gateway log row says about Stripe's answer; every field None when it says nothing."""

    code: str | None = None
    http_status: int | None = None
    type: str | None = None
    message: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.code is None and self.http_status is None and self.type is None


_STATUS_IN_TEXT = re.compile(r"(?i)\b(?:http(?:/[\d.]+)?|status(?:[ _]?code)?)\s*[:=]?\s*\(?([1-5]\d\d)\b")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z]+$")
_TEXT_HINTS: tuple[tuple[re.Pattern[str], str | None, str | None], ...] = (
    (re.compile(r"(?i)invalid api key|expired api key|no api key provided"), None, "authentication_error"),
    (re.compile(r"(?i)does not have the required permissions|restricted key"), None, "permission_error"),
    (re.compile(r"(?i)\bno such (payment_intent|charge|balance_transaction)\b"), "resource_missing", None),
    (re.compile(r"(?i)too many requests|rate limit"), "rate_limit", None),
)


def _json(text: Any) -> Any:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _status(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 100 <= value <= 599 else None


def text_field(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def gateway_error_of(log: Record) -> GatewayError:
    """Read a Stripe error out of a gateway log row: Response JSON, GatewayResultCode, HTTP status hints.

    Tolerant by design: absent fields, non-JSON text and unknown shapes give an empty GatewayError.
    """
    code = http_status = type_ = message = None
    payload = _json(log.get("Response"))
    if isinstance(payload, dict):
        error = payload.get("error")
        if not isinstance(error, dict):
            looks_like_error = str(payload.get("type") or "").endswith("_error") or (
                "code" in payload and "object" not in payload
            )
            error = payload if looks_like_error else {}
        code = text_field(error.get("code"))
        type_ = text_field(error.get("type"))
        message = text_field(error.get("message"))
        for key in ("http_status", "httpStatus", "status_code", "statusCode", "status"):
            http_status = http_status or _status(payload.get(key)) or _status(error.get(key))
    result_code = text_field(log.get("GatewayResultCode"))
    if result_code:
        if _status(result_code):
            http_status = http_status or _status(result_code)
        elif code is None and _SNAKE.match(result_code):
            code = result_code
    texts = [t for t in (text_field(log.get("GatewayMessage")), text_field(log.get("GatewayResultCodeDescription")))
             if t]
    if payload is None and text_field(log.get("Response")):
        texts.append(str(log.get("Response")))
    message = message or (texts[0] if texts else None)
    for text in texts:
        found = _STATUS_IN_TEXT.search(text)
        if http_status is None and found:
            http_status = int(found.group(1))
        for pattern, hint_code, hint_type in _TEXT_HINTS:
            if pattern.search(text):
                code = code or hint_code
                type_ = type_ or hint_type
    return GatewayError(code=code, http_status=http_status, type=type_, message=message)


def requested_amount(log: Record, currency: str) -> Decimal | None:
    """The capture amount the row's Request asked for: ``amount`` (major units, Salesforce's JSON) or
    ``amount_to_capture`` (minor units, Stripe's parameter, JSON or form-encoded); None when absent."""
    raw = log.get("Request")
    payload = _json(raw)
    if not isinstance(payload, dict) and isinstance(raw, str) and "=" in raw:
        payload = {key: values[0] for key, values in parse_qs(raw.strip()).items()}
    if not isinstance(payload, dict):
        return None
    try:
        if payload.get("amount_to_capture") is not None:
            return to_major(int(str(payload["amount_to_capture"])), currency)
        if payload.get("amount") is not None:
            return from_salesforce(payload["amount"], currency)
    except (InputError, ValueError):
        return None
    return None


def is_failed_capture(log: Record) -> bool:
    """A row the diagnosis applies to: InteractionType Capture with InteractionStatus Failed or Timeout."""
    return log.get("InteractionType") == "Capture" and log.get("InteractionStatus") in ("Failed", "Timeout")
