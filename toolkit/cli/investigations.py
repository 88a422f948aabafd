"""``trace`` and ``diagnose``: the investigations of the command line."""

from __future__ import annotations

import argparse

from toolkit.cli.common import Command, Result, add_common_options, instant, open_session

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
    return open_session(args).diagnose(since, until)


TRACE = Command("trace", "trace a pi_/ch_/txn_/re_ id, an order number or a Salesforce id", _add_trace, _trace)
DIAGNOSE = Command("diagnose", "diagnose failed captures in a window", _add_diagnose, _diagnose)
