"""``capture``: what a trace touched, personal data masked, written as a case file an engineer can replay.

``python -m toolkit capture SUBJECT --out case.json [--case FILE] [--format text|json]``: traces SUBJECT (anything
``trace`` takes) through the configured connection (or a case file), then writes the Order Management records and
the Stripe objects it read as a case file (``docs/case-file.md``), personal data masked whatever the session shows
(:mod:`toolkit.investigate.capture`). ``--out`` is checked before anything is read. The file replays with
``--case case.json`` (or ``connect(case=...)``) and gives the same findings; the output says so, or why the sandbox
could not load it. Exit 3 when a read failed (the file holds what could be read, ``incomplete`` says what is
missing), as every command.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from toolkit.cli.common import Command, add_common_options, checked_out, open_session
from toolkit.errors import InputError
from toolkit.investigate.capture import CaseCapture

__all__ = ["CAPTURE"]


def _add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("subject")
    parser.add_argument("--out", help="the case file to write (.json)")
    add_common_options(parser)


def _run(args: argparse.Namespace) -> CaseCapture:
    if not (args.out or "").strip():
        raise InputError("capture needs --out FILE.json: the case file to write.")
    out = checked_out(args.out, (".json",))
    assert out is not None
    captured = open_session(args).capture(args.subject)
    return replace(captured, out=captured.save(out))


CAPTURE = Command("capture", "write what a trace touched, personal data masked, as a case file", _add, _run)
