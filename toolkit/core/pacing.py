"""Pacing: at most ``rate`` requests a second to one system, shared by the threads of one operation.

Stripe limits the requests an account may send per second (25 in test mode, 100 in live mode, for most
endpoints) and answers 429 beyond it. An operation that reads hundreds of objects concurrently paces itself
under the limit instead of collecting 429s (the gateways still retry a 429 that happens anyway). A
:class:`Pacer` spaces requests ``1 / rate`` seconds apart, whichever thread sends them: concurrent callers
reserve consecutive slots, so any one-second span holds at most ``rate`` requests (plus the one on its edge).

The monotonic clock and the sleeper are injectable, so tests pace without waiting. This is wall time for
spacing requests apart, never a "now" a rule reads (that is the session clock).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["STRIPE_RATE", "Pacer", "stripe_rate"]

#: Stripe's request rate limit per second by key mode (``docs/reference.md``; Stripe's rate-limit page).
STRIPE_RATE = {"test": 25.0, "live": 100.0}


def stripe_rate(livemode: bool | None) -> float:
    """The rate a Stripe key may use: live mode's when the key is live, else test mode's (the stricter one)."""
    return STRIPE_RATE["live"] if livemode else STRIPE_RATE["test"]


class Pacer:
    """At most ``rate`` requests a second: :meth:`acquire` before each request waits for the caller's slot."""

    def __init__(self, rate: float, *, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("a pacer needs a positive rate")
        self.rate = float(rate)
        self.interval = 1.0 / self.rate
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: float | None = None  # when the next slot opens
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting, over every caller (for reports)
        self.acquired = 0

    def __repr__(self) -> str:
        return f"Pacer(rate={self.rate:g}/s, acquired={self.acquired})"

    def acquire(self) -> float:
        """Wait for this request's slot; returns the seconds waited."""
        with self._lock:
            now = self._monotonic()
            slot = now if self._next is None else max(self._next, now)
            self._next = slot + self.interval
            wait = slot - now
            self.waited += wait
            self.acquired += 1
        if wait > 0:
            self._sleep(wait)
        return wait
