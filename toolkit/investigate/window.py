"""Time windows an analyst gives (``--since``/``--until``): checked once, with one sentence when wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from toolkit.core.clock import to_utc
from toolkit.errors import InputError

__all__ = ["EARLIEST", "LATEST_AHEAD", "checked_window"]

#: No payment this toolkit reads predates it (the connector and Order Management are younger).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
#: How far past the session clock's now an end may lie (a window "until next week" is harmless).
LATEST_AHEAD = timedelta(days=366)


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def checked_window(since: datetime | None, until: datetime | None, now: datetime,
                   default: timedelta) -> tuple[datetime, datetime]:
    """(since, until) in UTC: ``until`` defaults to ``now``, ``since`` to ``until - default``; InputError when a bound
    is before 2000, more than a year after now, or when since is after until."""
    end = to_utc(until) if until is not None else now
    for option, value in (("--until", end), ("--since", to_utc(since) if since is not None else None)):
        if value is None:
            continue
        if value < EARLIEST or value > now + LATEST_AHEAD:
            raise InputError(f"{option} {_text(value)} is out of range: give a date-time between "
                             f"{_text(EARLIEST)} and {_text(now + LATEST_AHEAD)}.")
    start = to_utc(since) if since is not None else end - default
    if start > end:
        raise InputError(f"--since {_text(start)} is after --until {_text(end)}: swap them.")
    return start, end
