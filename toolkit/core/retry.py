"""How the gateways retry a read that failed for a passing reason, and how long they wait for an answer.

One :class:`RetryPolicy` per session (``connect(retry=...)``), used by both gateways: a request that timed
out, could not connect, got a 5xx, a 429 (Stripe's ``rate_limit`` and ``lock_timeout`` included) or Salesforce's
``UNABLE_TO_LOCK_ROW`` is sent again after an exponential backoff, up to ``attempts`` tries in all; every request
carries ``timeout`` seconds (connect and read). The sleeper is injectable, so tests run the whole fault matrix
without waiting. The Stripe library's own retries are switched off: this policy is the only one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all; before try ``n`` (n >= 2) wait ``min(max_delay, base_delay * 2 ** (n - 2))``."""

    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    timeout: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_delay < 0 or self.max_delay < 0 or self.timeout <= 0:
            raise ValueError("a retry policy needs attempts >= 1, delays >= 0 and a positive timeout")

    def delay(self, attempt: int) -> float:
        """Seconds to wait before try number ``attempt`` (2, 3, ...)."""
        return min(self.max_delay, self.base_delay * 2 ** max(0, attempt - 2))

    def wait(self, attempt: int, at_least: float = 0.0) -> None:
        """Wait before try ``attempt`` (``at_least`` seconds when the system asked for it, capped at max_delay)."""
        self.sleep(min(self.max_delay, max(self.delay(attempt), at_least)))

    @property
    def longest_wait(self) -> float:
        """The most a read can take: every try timing out, plus the waits between them."""
        return self.attempts * self.timeout + sum(self.delay(n) for n in range(2, self.attempts + 1))
