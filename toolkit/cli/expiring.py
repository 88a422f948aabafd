"""``expiring``: the authorizations Order Management still expects to capture that Stripe is about to release, or
released already."""

from __future__ import annotations

import argparse
from datetime import timedelta

from toolkit.cli.common import Command, Result, add_common_options, open_session
from toolkit.cli.progress import TerminalProgress
from toolkit.core.clock import parse_duration

__all__ = ["EXPIRING", "within_hours"]

#: The longest horizon (hours): Stripe's longest, extended, card authorization lasts 30 days.
MAX_HOURS = 30 * 24


def within_hours(value: str | None) -> timedelta:
    """``--within HOURS`` as a timedelta (48 when not given); one sentence when it is not a usable number."""
    if value is None:
        return timedelta(hours=48)
    return parse_duration(value, option="--within", unit="hours", limit=MAX_HOURS, example="48")


def _add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--within", metavar="HOURS", help="hours ahead to look for deadlines (default 48)")
    add_common_options(parser)


def _run(args: argparse.Namespace) -> Result:
    within = within_hours(args.within)
    session = open_session(args)
    with TerminalProgress() as progress:
        return session.expiring_authorizations(within, progress=progress)


EXPIRING = Command("expiring", "list authorizations still to capture whose Stripe deadline is near or past", _add,
                   _run)
