"""``trace`` and ``diagnose``: the investigations of the command line (``--out FILE`` writes the result as evidence:
``.html``, one self-contained page; ``.csv``, ``.xlsx``, ``.parquet``, its tables)."""

from __future__ import annotations

import argparse

from toolkit.cli.common import (
    Command,
    Result,
    Written,
    add_common_options,
    checked_out,
    instant,
    open_session,
)
from toolkit.cli.progress import TerminalProgress
from toolkit.views.exports import EXPORT_SUFFIXES

__all__ = ["DIAGNOSE", "TRACE"]

_OUT_HELP = "write the result to a .html (evidence page), .csv, .xlsx or .parquet file"


def _add_trace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("subject")
    parser.add_argument("--out", help=_OUT_HELP)
    add_common_options(parser)


def _trace(args: argparse.Namespace) -> Result:
    out = checked_out(getattr(args, "out", None), EXPORT_SUFFIXES)
    result = open_session(args).trace(args.subject)
    return Written(result, result.export(out)) if out is not None else result


def _add_diagnose(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since")
    parser.add_argument("--until")
    parser.add_argument("--out", help=_OUT_HELP)
    add_common_options(parser)


def _diagnose(args: argparse.Namespace) -> Result:
    since, until = instant("--since", args.since), instant("--until", args.until)
    out = checked_out(getattr(args, "out", None), EXPORT_SUFFIXES)
    session = open_session(args)
    with TerminalProgress() as progress:  # a progress line on standard error when it is a terminal
        result = session.diagnose(since, until, progress=progress)
    return Written(result, result.export(out)) if out is not None else result


TRACE = Command("trace", "trace a pi_/ch_/txn_/re_ id, an order number or a Salesforce id", _add_trace, _trace)
DIAGNOSE = Command("diagnose", "diagnose failed captures in a window", _add_diagnose, _diagnose)
