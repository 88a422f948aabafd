"""The toolkit's errors. Each message is one sentence: what was wrong and what to do."""

from __future__ import annotations

__all__ = ["CaseFileError", "InputError", "NotFoundError", "ToolkitError"]


class ToolkitError(Exception):
    """Base of every error the toolkit raises on purpose."""


class InputError(ToolkitError, ValueError):
    """Bad input from a person: a malformed id, an unknown subject, an unreadable file."""


class CaseFileError(InputError):
    """A case file that cannot be loaded; the message names the object, record and field."""


class NotFoundError(ToolkitError, LookupError):
    """Something asked for does not exist in the system asked."""
