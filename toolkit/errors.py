"""The toolkit's errors: one hierarchy, each message one sentence saying what was wrong and what to do.

Every error carries structured fields a caller can act on without parsing the message:

- ``system``: ``"Salesforce"``, ``"Stripe"`` or None (the toolkit itself, or the analyst's input);
- ``subject``: what was being read or asked for (an id, an order number, a file), when known;
- ``request_id``: Stripe's ``Request-Id`` of the failed request, when there is one;
- ``status`` and ``code`` (on :class:`ServiceError`): the HTTP status and the system's error code.

The original exception is chained (``raise ... from exc``), so ``__cause__`` keeps the client's error.
Which exit code the command line gives each class is settled in ``docs/cli.md`` ("Exit codes").
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AccessDeniedError",
    "ActionRefusedError",
    "BudgetExceededError",
    "CaseFileError",
    "InputError",
    "NotFoundError",
    "ServiceError",
    "ServiceUnavailableError",
    "ToolkitError",
]


class ToolkitError(Exception):
    """Base of every error the toolkit raises on purpose."""

    def __init__(self, message: str, *, system: str | None = None, subject: str | None = None,
                 request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.system = system
        self.subject = subject
        self.request_id = request_id

    def to_json(self) -> dict[str, Any]:
        """The error as the command line's JSON reports it."""
        return {"error": type(self).__name__, "message": self.message, "system": self.system,
                "subject": self.subject, "request_id": self.request_id}


class InputError(ToolkitError, ValueError):
    """Bad input from a person: a malformed id, an unknown subject, an unreadable file."""


class CaseFileError(InputError):
    """A case file that cannot be loaded; the message names the object, record and field."""


class NotFoundError(ToolkitError, LookupError):
    """Something asked for does not exist in the system asked (the system answered: it is not there)."""


class BudgetExceededError(ToolkitError):
    """A read would spend more requests than the operation's request budget allows; it was not sent."""


class ServiceError(ToolkitError):
    """Salesforce or Stripe failed to answer a request the way the toolkit needs (after any retries).

    ``status`` is the HTTP status (None when no answer came: unreachable, timed out), ``code`` the system's
    error code (``REQUEST_LIMIT_EXCEEDED``, ``rate_limit``, ``api_error``...), when it gave one.
    """

    def __init__(self, message: str, *, system: str | None = None, subject: str | None = None,
                 request_id: str | None = None, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message, system=system, subject=subject, request_id=request_id)
        self.status = status
        self.code = code

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "status": self.status, "code": self.code}


class ActionRefusedError(ToolkitError):
    """A guided action (refund, re-capture) was refused before anything was sent: writes not allowed, the plan
    blocked, the order number not typed for a live system, or something changed since the preview."""


class ServiceUnavailableError(ServiceError):
    """The system could not be reached, timed out, failed (5xx) or kept refusing for load (429, limits)."""


class AccessDeniedError(ServiceError):
    """The system refused the credentials or their permissions (401, 403): fix the configuration."""
