"""What every command of ``python -m toolkit`` shares: the result protocol, the parser that fails in one line,
the common options (``--case``, ``--format``), option parsing helpers, and the session it opens."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn, Protocol

from toolkit.core.clock import parse_instant
from toolkit.core.incomplete import Incomplete
from toolkit.errors import InputError
from toolkit.session import Session, connect

__all__ = ["Command", "Parser", "Result", "add_common_options", "instant", "open_session"]


class Result(Protocol):
    """What a command returns: its JSON (its own fields, then ``source`` and ``incomplete``), its text, and what
    could not be read."""

    @property
    def incomplete(self) -> Sequence[Incomplete]: ...

    def to_json(self) -> dict[str, Any]: ...

    def to_text(self) -> str: ...


@dataclass(frozen=True)
class Command:
    """One subcommand: ``add`` declares its arguments on the subparser, ``run`` returns its result."""

    name: str
    help: str
    add: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], Result]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        raise InputError(f"{message} (see python -m toolkit --help)")


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--case", help="a case file to load into the sandbox (never a live system)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def instant(option: str, value: str | None) -> datetime | None:
    """An ISO 8601 option value, or one sentence saying what is expected."""
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not an ISO 8601 date-time such as 2026-11-20T15:00:00Z.") from None


def open_session(args: argparse.Namespace) -> Session:
    """The session of a command: the case file's sandbox with ``--case``, else the configured connection."""
    case = getattr(args, "case", None)
    if case is not None:
        if not case.strip():
            raise InputError("--case needs the path of a case file; leave --case out to use the configured "
                             "connection.")
        return connect(case=case)
    return connect()
