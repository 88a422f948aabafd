"""API keys of the sandbox account: the full-access test key, restricted keys, and their permissions.

Any key starting with ``sk_test_sandbox`` is the account's secret test key; ``rk_test_sandbox_...`` keys
are restricted and issued by :meth:`KeyRing.issue`. There are no live keys: every fake key of the sandbox
is a test key (the house rule), so ``livemode: true`` objects (a case file with ``stripe.livemode: true``)
are visible to no key, and a test key asking for one gets Stripe's wrong-mode 404. Any other key gets
Stripe's 401. Keys never appear in a repr, a log or an error message: only :func:`mask_key` output does.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from toolkit.sandbox.stripe.account_object import ACCOUNT_ID
from toolkit.sandbox.stripe.errors import StripeError

__all__ = ["RESOURCES", "KeyRing", "Principal", "mask_key"]

SECRET_PREFIX = "sk_test_sandbox"
RESTRICTED_PREFIX = "rk_test_sandbox"
#: Resources a restricted key can be granted, with the permission name Stripe reports.
RESOURCES = {
    "payment_intents": "payment_intent",
    "charges": "charge",
    "refunds": "refund",
    "balance_transactions": "balance_transaction",
    "events": "event",
    "disputes": "dispute",
}
LEVELS = ("none", "read", "write")


def mask_key(key: str) -> str:
    """``rk_test_sandbox_abc...wxyz`` -> ``rk_test_***********wxyz`` (Stripe's redaction)."""
    if len(key) <= 12:
        return "*" * len(key)
    head = key[:8]
    return head + "*" * (len(key) - 12) + key[-4:]


@dataclass(frozen=True)
class Principal:
    """Who is calling: the full test key, or a restricted key's permissions (the key itself is not kept)."""

    masked: str
    restricted: bool
    permissions: tuple[tuple[str, str], ...] = ()
    live: bool = False

    def __repr__(self) -> str:
        return f"Principal(masked={self.masked!r}, restricted={self.restricted}, live={self.live})"

    def require(self, resource: str, write: bool) -> None:
        if not self.restricted:
            return
        if resource == "account":  # GET /v1/account: no permission of a restricted key grants it
            raise StripeError(
                403,
                f"The provided key '{self.masked}' does not have the required permissions for this endpoint on "
                f"account '{ACCOUNT_ID}'. This is a restricted API key, but the required permissions are not "
                "available for use by restricted keys.")
        level = dict(self.permissions).get(resource, "none")
        if level == "write" or (level == "read" and not write):
            return
        name = RESOURCES[resource]
        needed = f"rak_{name}_{'write' if write else 'read'}"
        raise StripeError(
            403,
            f"The provided key '{self.masked}' does not have the required permissions for this endpoint on "
            f"account '{ACCOUNT_ID}'. Having the '{needed}' permission would allow this request to continue.",
        )


class KeyRing:
    """Restricted keys issued by the account, by digest (the clear key is handed out once, never stored)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._restricted: dict[str, tuple[tuple[tuple[str, str], ...], bool]] = {}
        self._counter = 0

    def __repr__(self) -> str:
        return f"KeyRing(restricted={len(self._restricted)})"

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def issue(self, permissions: dict[str, str]) -> str:
        perms: list[tuple[str, str]] = []
        for resource, level in sorted(permissions.items()):
            if resource not in RESOURCES:
                raise ValueError(f"unknown resource {resource!r} for a restricted key; choose from "
                                 f"{', '.join(RESOURCES)}")
            if level not in LEVELS:
                raise ValueError(f"permission for {resource} must be one of {', '.join(LEVELS)}, not {level!r}")
            perms.append((resource, level))
        with self._lock:
            self._counter += 1
            suffix = hashlib.sha256(f"rk:{self._counter}:{perms}".encode()).hexdigest()[:32]
            key = f"{RESTRICTED_PREFIX}_{suffix}"
            self._restricted[self._digest(key)] = (tuple(perms), False)
        return key

    def authenticate(self, authorization: str | None) -> Principal:
        """Resolve an ``Authorization: Bearer ...`` header to a principal, or raise Stripe's 401."""
        if not authorization:
            raise StripeError(401, "You did not provide an API key. You need to provide your API key in the "
                                   "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                                   "YOUR_SECRET_KEY').")
        scheme, _, key = authorization.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise StripeError(401, "Invalid API Key provided: the Authorization header must use Bearer auth.")
        if key.startswith(SECRET_PREFIX):
            return Principal(mask_key(key), False)
        if key.startswith(RESTRICTED_PREFIX):
            with self._lock:
                issued = self._restricted.get(self._digest(key))
            if issued is not None:
                return Principal(mask_key(key), True, issued[0], live=issued[1])
        raise StripeError(401, f"Invalid API Key provided: {mask_key(key)}")
