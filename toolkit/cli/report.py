"""``report``: the scheduled triage report, notebook 02 run on a window and written as one self-contained HTML file.

``python -m toolkit report [--window DAYS] [--within HOURS] [--case FILE] --out report.html [--format text|json]``.
Every option is checked, and the session opened (a case file or the configured connection), before the notebook
runs: bad input is exit 2 in one sentence and nothing is started. The window is the ``--window`` days (30 by
default) ending at the session clock's now; ``--within`` is ``expiring``'s horizon (48 hours by default). The
notebook then opens its own session on the same data (:func:`toolkit.notebook.report.run_report`), personal data
masked: ``--show-personal-data`` is refused, as the file is meant to be shared. Exit 3 (4 for refused credentials)
when the notebook reported a read it could not make, as every command.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from toolkit.cli.common import Command, add_common_options, checked_out, open_session
from toolkit.cli.expiring import within_hours
from toolkit.core.clock import parse_duration
from toolkit.errors import InputError
from toolkit.notebook.report import Report, run_report

__all__ = ["MAX_DAYS", "REPORT", "window_days"]

#: The longest window, in days.
MAX_DAYS = 366
HTML_SUFFIXES = (".html", ".htm")


def window_days(value: str | None) -> timedelta:
    """``--window DAYS`` as a timedelta (30 days when not given); one sentence when it is not a usable number."""
    if value is None:
        return timedelta(days=30)
    return parse_duration(value, option="--window", unit="days", limit=MAX_DAYS, example="1 or 30")


def _out(value: str | None) -> Path:
    out = checked_out(value, HTML_SUFFIXES) if value is not None and value.strip() else None
    if out is None:
        raise InputError("report needs --out FILE.html: the file to write the report to.")
    return out


def _add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--window", metavar="DAYS", help="the days of failed captures to report, ending now (30)")
    parser.add_argument("--within", metavar="HOURS", help="hours ahead to look for authorization deadlines (48)")
    parser.add_argument("--out", metavar="FILE", help="the HTML file to write (required)")
    add_common_options(parser)


def _run(args: argparse.Namespace) -> Report:
    window, within, out = window_days(args.window), within_hours(args.within), _out(args.out)
    if getattr(args, "show_personal_data", False):
        raise InputError("report always masks personal data (its file is meant to be shared and kept): leave "
                         "--show-personal-data out.")
    session = open_session(args)  # checks the case file (or the configuration) before the notebook starts
    until = session.now().replace(microsecond=0)
    return run_report(out, since=until - window, until=until, within=within, case=args.case)


REPORT = Command("report", "run notebook 02 on a window and write a self-contained HTML triage report", _add, _run)
