"""Event filtering for ``GET /v1/events``: ``type`` (with ``*`` wildcards), ``types`` (up to 20), retention."""

from __future__ import annotations

import fnmatch
from typing import Any

from toolkit.sandbox.stripe.errors import StripeError

__all__ = ["MAX_TYPES", "RETENTION_SECONDS", "type_filter", "type_matches"]

RETENTION_SECONDS = 30 * 86400
MAX_TYPES = 20


def type_filter(type_: Any, types: Any) -> list[str] | None:
    """The type patterns to keep (None: all), validating Stripe's rules on ``type`` and ``types``."""
    if type_ is not None and types is not None:
        raise StripeError(400, "You may only specify one of these parameters: type, types.", param="type")
    if type_ is not None:
        if not isinstance(type_, str) or not type_:
            raise StripeError(400, "Invalid string: type must be an event type such as payment_intent.*",
                              param="type")
        return [type_]
    if types is not None:
        if isinstance(types, dict):
            types = list(types.values())
        if not isinstance(types, list) or not all(isinstance(item, str) and item for item in types):
            raise StripeError(400, "Invalid array", param="types")
        if len(types) > MAX_TYPES:
            raise StripeError(400, f"Invalid array: types can have at most {MAX_TYPES} entries; you passed "
                                   f"{len(types)}.", param="types")
        return list(types)
    return None


def type_matches(event_type: str, patterns: list[str] | None) -> bool:
    if patterns is None:
        return True
    return any(fnmatch.fnmatchcase(event_type, pattern) if "*" in pattern else event_type == pattern
               for pattern in patterns)
