"""The request budget of one operation, and its accounting: how many requests it may send to a system,
how many it sent, and what each was for.

Both gateways (:class:`toolkit.salesforce.SalesforceGateway`, :class:`toolkit.stripe.StripeGateway`) own
one. A request is *spent* before it is sent; when the limit is reached :meth:`RequestBudget.spend` raises
:class:`~toolkit.errors.BudgetExceededError` naming what was not fetched, and nothing is sent.
Thread-safe: concurrent requests of one operation share it.
"""

from __future__ import annotations

import threading
from collections import Counter

from toolkit.errors import BudgetExceededError

__all__ = ["RequestBudget"]


class RequestBudget:
    """A thread-safe count of the requests an operation may still send to one system (``limit`` None: no cap).

    ``used`` counts every request the operation planned (query pages included); ``retries`` the extra tries of
    those that failed for a passing reason; ``by_kind`` counts both by what they were (``"query"``,
    ``"query_more"``, ``"retrieve payment_intent"``, ``"list events"``, ``"query (retry)"``...).
    """

    def __init__(self, system: str, limit: int | None = None) -> None:
        self.system = system
        self.limit = limit
        self.used = 0
        self.retries = 0
        self.by_kind: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RequestBudget({self.system!r}, used={self.used}, limit={self.limit})"

    @property
    def remaining(self) -> int | None:
        """Requests left (None: no cap)."""
        with self._lock:
            return None if self.limit is None else max(0, self.limit - self.used)

    def spend(self, kind: str, what: str) -> None:
        """Reserve one request of ``kind`` for ``what``, or raise BudgetExceededError (nothing is sent)."""
        with self._lock:
            if self.limit is not None and self.used >= self.limit:
                raise BudgetExceededError(
                    f"The {self.system} request budget of this operation ({self.limit}) is spent, so {what} was "
                    "not fetched.", system=self.system, subject=what)
            self.used += 1
            self.by_kind[kind] += 1

    def note_retry(self, kind: str) -> None:
        """Count one more try of a request already spent (a retry does not spend the plan's budget: the plan
        still gets every read it was given; the retries are accounted apart)."""
        with self._lock:
            self.retries += 1
            self.by_kind[f"{kind} (retry)"] += 1
