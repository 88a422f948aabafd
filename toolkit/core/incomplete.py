"""What an investigation could not read: one entry per failed read, shown first in every output.

A read that failed after its retries is never taken as "not found" or "no rows": it becomes an
:class:`Incomplete` entry, and nothing that depends on it is concluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toolkit.core.text import redact
from toolkit.errors import AccessDeniedError, BudgetExceededError, ToolkitError

__all__ = ["Incomplete"]


@dataclass(frozen=True)
class Incomplete:
    """``system`` (Salesforce or Stripe) could not give ``what``; ``error`` says why (one sentence, no secret);
    ``kind`` is ``"unavailable"``, ``"access_denied"`` or ``"budget"``."""

    system: str
    what: str
    error: str
    request_id: str | None = None
    kind: str = "unavailable"

    @classmethod
    def from_error(cls, error: ToolkitError, what: str | None = None, system: str | None = None) -> Incomplete:
        kind = ("access_denied" if isinstance(error, AccessDeniedError) else
                "budget" if isinstance(error, BudgetExceededError) else "unavailable")
        return cls(system=system or error.system or "the toolkit", what=what or error.subject or "a read",
                   error=redact(" ".join(str(error).split())), request_id=error.request_id, kind=kind)

    def to_json(self) -> dict[str, Any]:
        """An entry of the ``incomplete`` list every command's JSON carries."""
        return {"system": self.system, "what": self.what, "error": self.error, "request_id": self.request_id}

    def sentence(self) -> str:
        ref = f" (request {self.request_id})" if self.request_id else ""
        return f"{self.system}: {self.what} could not be read{ref}. {self.error}"
