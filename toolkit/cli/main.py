"""``python -m toolkit``: the commands, argument parsing, printing a result's text or JSON, the exit code.

A command is a :class:`~toolkit.cli.common.Command` in its own module of this package, listed in
:data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from toolkit.cli.actions import RECAPTURE, REFUND
from toolkit.cli.capture import CAPTURE
from toolkit.cli.common import Command, Parser, Result
from toolkit.cli.exit_codes import ExitCode, exit_code_for
from toolkit.cli.expiring import EXPIRING
from toolkit.cli.investigations import DIAGNOSE, TRACE
from toolkit.cli.reconcile import RECONCILE
from toolkit.cli.report import REPORT
from toolkit.errors import ToolkitError

__all__ = ["COMMANDS", "exit_code_of", "main"]

#: Every subcommand, in the order ``--help`` lists them.
COMMANDS: list[Command] = [TRACE, DIAGNOSE, EXPIRING, REFUND, RECAPTURE, RECONCILE, REPORT, CAPTURE]


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m toolkit", description="Investigate orders paid through the Stripe Connector "
                                                          "for Salesforce Order Management.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add(subparsers.add_parser(command.name, help=command.help))
    return parser


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
        command = next(c for c in COMMANDS if c.name == args.command)
        result = command.run(args)
    except (ToolkitError, KeyboardInterrupt) as exc:
        message = " ".join(str(exc).split()) or "interrupted"
        print(f"error: {message}", file=sys.stderr)
        return int(exit_code_for(exc))
    text = json.dumps(result.to_json(), indent=1) + "\n" if getattr(args, "format", "text") == "json" \
        else result.to_text()
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (``| head``): nothing more to say, no traceback
        _silence_stdout()
    specific = getattr(result, "exit_code", None)  # a command may know better (a blocked action: 5)
    return int(specific if specific is not None else exit_code_of(result))


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush cannot raise BrokenPipeError again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a captured stream): nothing left to flush there
        pass
