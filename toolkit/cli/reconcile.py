"""``reconcile``: every payment summary of the orders created in a window, Order Management beside Stripe.

``python -m toolkit reconcile [--since ISO] [--until ISO] [--case FILE] [--out FILE.csv|.xlsx|.parquet|.html]
[--format text|json]``: the window as ``diagnose`` reads it (default: the last 30 days of the session clock), the
result printed as text or JSON (``docs/cli.md``), and with ``--out`` written to a file, one row per payment summary
with its order number and finding codes (Excel: also the findings and the summary, on their own sheets; HTML: the
evidence page, with the chart). Progress bars (records fetched per system) go to standard error when it is a
terminal.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.cli.common import Command, add_common_options, instant, open_session
from toolkit.core.incomplete import Incomplete
from toolkit.errors import InputError
from toolkit.investigate.reconcile import Reconciliation
from toolkit.views.exports import EXPORT_SUFFIXES

__all__ = ["RECONCILE", "ReconcileOutcome"]


@dataclass(frozen=True)
class ReconcileOutcome:
    """A reconciliation as the command line reports it, with the file it wrote (if any)."""

    result: Reconciliation
    out: Path | None = None

    @property
    def incomplete(self) -> Sequence[Incomplete]:
        return self.result.incomplete

    def to_json(self) -> dict[str, Any]:
        data = self.result.to_json()
        own = {key: value for key, value in data.items() if key not in ("source", "incomplete")}
        return {**own, "out": str(self.out) if self.out is not None else None, "source": data["source"],
                "incomplete": data["incomplete"]}

    def to_text(self) -> str:
        text = self.result.to_text()
        return text + (f"Wrote {self.out}.\n" if self.out is not None else "")


def _add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since")
    parser.add_argument("--until")
    parser.add_argument("--out", help="write the rows to a .csv, .xlsx or .parquet file, or the evidence page to .html")
    add_common_options(parser)


def _run(args: argparse.Namespace) -> ReconcileOutcome:
    since, until = instant("--since", args.since), instant("--until", args.until)
    out = Path(args.out).expanduser() if args.out is not None else None
    if out is not None:  # checked before anything is read
        if out.suffix.lower() not in EXPORT_SUFFIXES:
            raise InputError(f"--out {args.out}: name a .csv, .xlsx, .parquet or .html file.")
        if not out.parent.is_dir():
            raise InputError(f"--out {args.out}: the folder {out.parent} does not exist.")
    result = open_session(args).reconcile(since, until)
    return ReconcileOutcome(result, result.export(out) if out is not None else None)


RECONCILE = Command("reconcile", "reconcile every payment summary of a window's orders with Stripe", _add, _run)
