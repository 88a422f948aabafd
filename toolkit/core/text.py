"""Wording helpers shared by findings and capture diagnoses: instants, durations, redaction."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from toolkit.core.clock import to_utc

__all__ = ["format_duration", "format_instant", "redact_secrets"]


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


_SECRET = re.compile(r"\b([sr]k_(?:test|live)_)[A-Za-z0-9*]+")


def redact_secrets(text: str) -> str:
    """``text`` with anything shaped like a Stripe secret or restricted key cut to its prefix."""
    return _SECRET.sub(r"\1[redacted]", text)
