"""What every command of ``python -m toolkit`` shares: the result protocol, the parser that fails in one line,
the common options (``--case``, ``--format``, ``--out``), option parsing helpers, the session it opens (and its banner
on standard error), and a result written to a file."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, Protocol

from toolkit.core.clock import parse_instant
from toolkit.core.incomplete import Incomplete
from toolkit.errors import InputError
from toolkit.session import Session, connect

__all__ = ["Command", "Exportable", "Parser", "Result", "Written", "add_common_options", "checked_out", "instant",
           "open_session"]


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
    parser.add_argument("--show-personal-data", action="store_true",
                        help="show names, emails, phone numbers and street addresses (masked by default)")


def instant(option: str, value: str | None) -> datetime | None:
    """An ISO 8601 option value, or one sentence saying what is expected."""
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not an ISO 8601 date-time such as 2026-11-20T15:00:00Z.") from None


def open_session(args: argparse.Namespace, *, allow_writes: bool = False) -> Session:
    """The session of a command: the case file's sandbox with ``--case``, else the configured connection; personal
    data masked unless ``--show-personal-data``. Its banner (the data, the org, the Stripe account and mode, whether
    writes are armed and personal data masked) goes to standard error, one line, so the JSON on standard output stays
    clean."""
    case = getattr(args, "case", None)
    mask = not getattr(args, "show_personal_data", False)
    if case is not None:
        if not case.strip():
            raise InputError("--case needs the path of a case file; leave --case out to use the configured "
                             "connection.")
        session = connect(case=case, allow_writes=allow_writes, mask_personal_data=mask)
    else:
        session = connect(allow_writes=allow_writes, mask_personal_data=mask)
    with contextlib.suppress(OSError):  # standard error closed: the banner is for a person, nothing is lost
        print(session.banner, file=sys.stderr, flush=True)
    return session


class Exportable(Result, Protocol):
    """A result that writes itself to a file by the file's suffix (``Trace``, ``Diagnosis``, ``Reconciliation``)."""

    def export(self, path: str | Path) -> Path: ...


def checked_out(value: str | None, suffixes: Sequence[str]) -> Path | None:
    """``--out FILE`` checked before anything is read: a known suffix, in a folder that exists (one sentence if not)."""
    if value is None:
        return None
    out = Path(value).expanduser()
    if out.suffix.lower() not in suffixes:
        names = ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
        raise InputError(f"--out {value}: name a {names} file.")
    if not out.parent.is_dir():
        raise InputError(f"--out {value}: the folder {out.parent} does not exist.")
    return out


@dataclass(frozen=True)
class Written:
    """A result as the command line reports it after ``--out FILE`` wrote it: its JSON gains ``out`` (before ``source``
    and ``incomplete``), its text a last line naming the file."""

    result: Exportable
    out: Path

    @property
    def incomplete(self) -> Sequence[Incomplete]:
        return self.result.incomplete

    @property
    def exit_code(self) -> Any:
        return getattr(self.result, "exit_code", None)

    def to_json(self) -> dict[str, Any]:
        data = self.result.to_json()
        own = {key: value for key, value in data.items() if key not in ("source", "incomplete")}
        return {**own, "out": str(self.out), "source": data.get("source"), "incomplete": data.get("incomplete", [])}

    def to_text(self) -> str:
        return self.result.to_text() + f"Wrote {self.out}.\n"
