"""The session clock: the one source of "now" for every time-dependent rule.

In the sandbox it is a settable, advanceable clock (a case file's ``now``); against live systems it
reads real time. Analysis code receives a clock value, never calls ``datetime.now()`` itself.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from toolkit.errors import InputError

__all__ = ["Clock", "LiveClock", "parse_duration", "parse_instant", "to_utc"]


def to_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_instant(value: str | int | float | datetime) -> datetime:
    """Parse an ISO 8601 string (``Z``, ``+0000`` or ``+00:00``), a Unix timestamp or a datetime."""
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an ISO 8601 date-time such as 2026-11-20T15:00:00Z") from exc
    return to_utc(parsed)


class Clock:
    """A settable clock shared by both halves of the sandbox.

    Listeners registered with :meth:`on_change` are called with the new time after every
    :meth:`set` or :meth:`advance`; the clock never goes backwards unless ``set`` is asked to.
    """

    def __init__(self, now: datetime | str | int | None = None) -> None:
        self._lock = threading.RLock()
        self._now = parse_instant(now) if now is not None else datetime(2026, 1, 1, tzinfo=UTC)
        self._listeners: list[Callable[[datetime], None]] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.now().isoformat()!r})"

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def timestamp(self) -> int:
        """Now as Unix seconds (Stripe's timestamps)."""
        return int(self.now().timestamp())

    def set(self, when: datetime | str | int) -> datetime:
        with self._lock:
            self._now = parse_instant(when)
            now = self._now
        self._notify(now)
        return now

    def advance(
        self,
        delta: timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        step = (delta or timedelta()) + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if step < timedelta():
            raise ValueError("the clock only moves forward; use set() to go back")
        with self._lock:
            self._now = self._now + step
            now = self._now
        self._notify(now)
        return now

    def on_change(self, listener: Callable[[datetime], None]) -> None:
        self._listeners.append(listener)

    def _notify(self, now: datetime) -> None:
        for listener in list(self._listeners):
            listener(now)


class LiveClock(Clock):
    """Real time, for live connections. The only place the toolkit reads the machine's clock."""

    def __init__(self) -> None:
        super().__init__(datetime.now(UTC))

    def now(self) -> datetime:
        return datetime.now(UTC)

    def set(self, when: datetime | str | int) -> datetime:
        raise TypeError("a live clock cannot be set")

    def advance(self, *args: object, **kwargs: object) -> datetime:
        raise TypeError("a live clock cannot be advanced")


def parse_duration(value: str, *, option: str, unit: str, limit: float, example: str) -> timedelta:
    """An option's number of ``unit`` (``"hours"`` or ``"days"``) as a timedelta: a finite number above 0 and at most
    ``limit``; otherwise an :class:`InputError` in one sentence naming the ``option`` and an ``example``."""
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0 or number > limit:
        raise InputError(f"{option} {value!r} is not a number of {unit} above 0 and at most {limit:g}, such as "
                         f"{example}.")
    return timedelta(**{unit: number})
