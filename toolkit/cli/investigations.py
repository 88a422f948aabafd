"""``trace`` and ``diagnose``: the investigations of the command line."""

from __future__ import annotations

import argparse

from toolkit.cli.common import Command, Result, add_common_options, instant, open_session
from toolkit.cli.progress import TerminalProgress

__all__ = ["DIAGNOSE", "TRACE"]


def _add_trace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("subject")
    add_common_options(parser)


def _trace(args: argparse.Namespace) -> Result:
    return open_session(args).trace(args.subject)


def _add_diagnose(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since")
    parser.add_argument("--until")
    add_common_options(parser)


def _diagnose(args: argparse.Namespace) -> Result:
    since, until = instant("--since", args.since), instant("--until", args.until)
    session = open_session(args)
    with TerminalProgress() as progress:  # a progress line on standard error when it is a terminal
        return session.diagnose(since, until, progress=progress)


TRACE = Command("trace", "trace a pi_/ch_/txn_/re_ id, an order number or a Salesforce id", _add_trace, _trace)
DIAGNOSE = Command("diagnose", "diagnose failed captures in a window", _add_diagnose, _diagnose)
