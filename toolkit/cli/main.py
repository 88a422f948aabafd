"""``python -m toolkit``: argument parsing, running a command, printing its text or JSON, the exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NoReturn, Protocol

from toolkit.cli.exit_codes import ExitCode, exit_code_for
from toolkit.core.clock import parse_instant
from toolkit.core.incomplete import Incomplete
from toolkit.errors import InputError, ToolkitError
from toolkit.session import Session, connect

__all__ = ["main"]


class Result(Protocol):
    """What a command returns: its JSON (its own fields, then ``source`` and ``incomplete``), its text, and what
    could not be read."""

    @property
    def incomplete(self) -> Sequence[Incomplete]: ...

    def to_json(self) -> dict[str, Any]: ...

    def to_text(self) -> str: ...


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        raise InputError(f"{message} (see python -m toolkit --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m toolkit", description="Investigate orders paid through the Stripe Connector "
                                                           "for Salesforce Order Management.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    trace = commands.add_parser("trace", help="trace a pi_/ch_/txn_/re_ id, an order number or a Salesforce id")
    trace.add_argument("subject")
    diagnose = commands.add_parser("diagnose", help="diagnose failed captures in a window")
    diagnose.add_argument("--since")
    diagnose.add_argument("--until")
    for sub in (trace, diagnose):
        sub.add_argument("--case", help="a case file to load into the sandbox")
        sub.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _instant(option: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not an ISO 8601 date-time such as 2026-11-20T15:00:00Z.") from None


def _session(args: argparse.Namespace) -> Session:
    if args.case is not None:
        if not args.case.strip():
            raise InputError("--case needs the path of a case file; leave --case out to use the configured "
                             "connection.")
        return connect(case=args.case)
    return connect()


def _run(args: argparse.Namespace) -> tuple[Session, Result]:
    if args.command == "diagnose":
        since, until = _instant("--since", args.since), _instant("--until", args.until)
        session = _session(args)
        return session, session.diagnose(since, until)
    session = _session(args)
    return session, session.trace(args.subject)


def exit_code_of(result: Result) -> ExitCode:
    """0 when everything was read; else 3, or 4 when a system refused the credentials (``docs/cli.md``)."""
    if not result.incomplete:
        return ExitCode.OK
    if any(item.kind == "access_denied" for item in result.incomplete):
        return ExitCode.ACCESS_DENIED
    return ExitCode.UNAVAILABLE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
        _, result = _run(args)
    except (ToolkitError, KeyboardInterrupt) as exc:
        message = " ".join(str(exc).split()) or "interrupted"
        print(f"error: {message}", file=sys.stderr)
        return int(exit_code_for(exc))
    text = json.dumps(result.to_json(), indent=1) + "\n" if args.format == "json" else result.to_text()
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (``| head``): nothing more to say, no traceback
        _silence_stdout()
    return int(exit_code_of(result))


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush cannot raise BrokenPipeError again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a captured stream): nothing left to flush there
        pass
