"""The command line: ``python -m toolkit trace SUBJECT`` and ``python -m toolkit diagnose``.

Exit status 0 when the command ran (whatever it found); 2 with a one-line message on standard error for
bad input (unknown subject, malformed id, unreadable case file, a malformed date). Never a traceback for
bad input, nor when the reader of standard output stops early (``python -m toolkit trace ... | head``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from toolkit.clock import parse_instant
from toolkit.errors import ToolkitError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise _BadInput(f"{message} (see python -m toolkit --help)")


class _BadInput(Exception):
    pass


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


def _instant(option: str, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise _BadInput(f"{option} {value!r} is not an ISO 8601 date-time such as 2026-11-20T15:00:00Z.") from None


def _run(args: argparse.Namespace) -> Any:
    from toolkit.session import connect

    since, until = (_instant("--since", args.since), _instant("--until", args.until)) if args.command == "diagnose" \
        else (None, None)
    session = connect(case=args.case) if args.case else connect()
    if args.command == "trace":
        return session.trace(args.subject)
    from toolkit.diagnose import diagnose

    return diagnose(session, since, until)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
        result = _run(args)
    except (_BadInput, ToolkitError) as exc:
        message = " ".join(str(exc).split())
        print(f"error: {message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot read {getattr(exc, 'filename', None) or 'the file'}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    text = json.dumps(result.to_json(), indent=1) + "\n" if args.format == "json" else result.to_text()
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (``| head``): nothing more to say, no traceback
        _silence_stdout()
    return 0


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush cannot raise BrokenPipeError again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a captured stream): nothing left to flush there
        pass
