"""Idempotency keys: the first response to a POST is kept 24 hours (of the sandbox clock) and replayed.

Same key + same endpoint and parameters -> the stored status, headers and body bytes, with
``Idempotent-Replayed: true``; same key with other parameters or another endpoint -> 400
``idempotency_error``; the same key while its first request is still running -> 409
``idempotency_key_in_use``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from toolkit.sandbox.stripe.errors import StripeError

__all__ = ["KEY_TTL_SECONDS", "IdempotencyStore", "StoredResponse"]

KEY_TTL_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255


@dataclass
class StoredResponse:
    fingerprint: str
    endpoint: str
    created: int
    status: int | None = None  # None while the first request is running
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def fingerprint(method: str, path: str, params: dict[str, Any]) -> str:
    canonical = json.dumps([method, path, params], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, StoredResponse] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def begin(self, key: str, method: str, path: str, params: dict[str, Any], now: int) -> StoredResponse | None:
        """Claim ``key`` for this request; return a finished response to replay, or None to go ahead."""
        if len(key) > MAX_KEY_LENGTH:
            raise StripeError(400, f"Keys for idempotent requests can only be up to {MAX_KEY_LENGTH} characters "
                                   "long.", param="Idempotency-Key")
        digest = fingerprint(method, path, params)
        endpoint = f"{method} {path}"
        with self._lock:
            self._expire(now)
            entry = self._entries.get(key)
            if entry is None:
                self._entries[key] = StoredResponse(digest, endpoint, now)
                return None
            if entry.status is None:
                raise StripeError(409, "There is currently another in-progress request using this Idempotent "
                                       "Key (that probably means you submitted twice, and the other request is "
                                       "still going through): " + key + ". Please try again later.",
                                  code="idempotency_key_in_use")
            if entry.endpoint != endpoint:
                raise StripeError(400, "Keys for idempotent requests can only be used for the same endpoint they "
                                       f"were first used for ('{entry.endpoint}' vs '{endpoint}'). Try using a key "
                                       "other than '" + key + "' if you meant to execute a different request.",
                                  type="idempotency_error")
            if entry.fingerprint != digest:
                raise StripeError(400, "Keys for idempotent requests can only be used with the same parameters "
                                       "they were first used with. Try using a key other than '" + key + "' if "
                                       "you meant to execute a different request.", type="idempotency_error")
            return entry

    def finish(self, key: str, status: int, headers: dict[str, str], body: bytes) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.status, entry.headers, entry.body = status, dict(headers), body

    def abandon(self, key: str) -> None:
        """Forget a claim whose request produced nothing worth replaying (auth failures)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.status is None:
                del self._entries[key]

    def _expire(self, now: int) -> None:
        # Entries are kept in arrival order: drop from the oldest until one is still fresh.
        stale = []
        for key, entry in self._entries.items():
            if now - entry.created < KEY_TTL_SECONDS:
                break
            if entry.status is not None:
                stale.append(key)
        for key in stale:
            del self._entries[key]
