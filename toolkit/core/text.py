"""Wording helpers shared by findings and capture diagnoses: instants, durations, redaction."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from toolkit.core.clock import to_utc

__all__ = ["format_duration", "format_instant", "redact", "redact_json", "redact_secrets"]


def format_instant(value: datetime) -> str:
    """``2026-11-18 15:00 UTC``."""
    return to_utc(value).strftime("%Y-%m-%d %H:%M UTC")


def format_duration(delta: timedelta) -> str:
    """A rough, readable length of time: ``3 days``, ``5 hours``, ``12 minutes``."""
    seconds = abs(int(delta.total_seconds()))
    if seconds >= 2 * 86400:
        count, unit = seconds // 86400, "day"
    elif seconds >= 3600:
        count, unit = seconds // 3600, "hour"
    else:
        count, unit = max(seconds // 60, 0), "minute"
    return f"{count} {unit}{'' if count == 1 else 's'}"


#: What never leaves the toolkit in clear, wherever it stands in a string: Stripe keys (secret, restricted,
#: publishable, webhook secrets), Salesforce session ids (``00D...!...``), bearer tokens, and email addresses.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"((?:sk|rk|pk)_(?:test|live)_|whsec_)[A-Za-z0-9*]+"), r"\1[redacted]"),
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._\-]+"), "00D[redacted session id]"),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=!\-]{8,}"), r"\1[redacted]"),
    (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), "[email redacted]"),
)


def redact(text: str) -> str:
    """``text`` with every secret-shaped part (see ``_PATTERNS``) and every email address replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_secrets(text: str) -> str:
    """Kept name of :func:`redact`."""
    return redact(text)


def redact_json(value: Any) -> Any:
    """Every string of a JSON-ready value (dicts, lists, scalars) passed through :func:`redact`."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_json(item) for item in value]
    return value
