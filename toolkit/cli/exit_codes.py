"""The command line's exit codes, one per thing a caller (a person, cron, CI) acts on differently.

Settled in ``docs/cli.md`` ("Exit codes"); every command of ``python -m toolkit`` uses them.
"""

from __future__ import annotations

from enum import IntEnum

from toolkit.errors import (
    AccessDeniedError,
    ActionRefusedError,
    BudgetExceededError,
    InputError,
    NotFoundError,
    ServiceError,
    ToolkitError,
)

__all__ = ["ExitCode", "exit_code_for"]


class ExitCode(IntEnum):
    OK = 0  #: the command ran and read everything it needed, whatever it found
    FAILURE = 1  #: an unexpected failure inside the toolkit (a bug: report it)
    BAD_INPUT = 2  #: bad input: a malformed id, an unknown subject, an unreadable case file, a bad option
    UNAVAILABLE = 3  #: a system was unreachable, timed out or failed, or the result is incomplete
    ACCESS_DENIED = 4  #: a system refused the credentials or their permissions
    BLOCKED = 5  #: a guided action (refund, re-capture) was refused by a check and nothing was sent
    INTERRUPTED = 130  #: stopped by Ctrl-C


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code of a command that ended with ``error``."""
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(error, ActionRefusedError):
        return ExitCode.BLOCKED
    if isinstance(error, InputError | NotFoundError):
        return ExitCode.BAD_INPUT
    if isinstance(error, AccessDeniedError):
        return ExitCode.ACCESS_DENIED
    if isinstance(error, ServiceError | BudgetExceededError):
        return ExitCode.UNAVAILABLE
    if isinstance(error, ToolkitError):
        return ExitCode.FAILURE
    return ExitCode.FAILURE
