"""``refund`` and ``recapture``: guided actions from the command line, a dry run unless ``--confirm``.

``python -m toolkit refund SUBJECT [--amount A] --reason R --case-ref REF [--via oms|stripe] --dry-run|--confirm``
previews (and with ``--confirm`` executes) exactly what the library's ``session.plan_refund`` does; against a
live system ``--confirm-order NUMBER`` must repeat the order number. Exit codes: 0 done (or a dry run that could
be done), 5 blocked or refused (nothing sent), 3 when the outcome is unknown or only half done.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.actions.guided import GuidedAction
from toolkit.analysis.refund_plan import ACKNOWLEDGEABLE, REFUND_REASONS
from toolkit.cli.common import Command, Result, add_common_options, open_session
from toolkit.cli.exit_codes import ExitCode
from toolkit.core.incomplete import Incomplete
from toolkit.session import Session

__all__ = ["RECAPTURE", "REFUND", "ActionOutcome"]


@dataclass
class ActionOutcome:
    """A guided action as the command line reports it: the preview, and the result when it was executed."""

    action: GuidedAction

    @property
    def incomplete(self) -> Sequence[Incomplete]:
        result = self.action.result
        if result is not None and result.status in ("unknown", "partial"):
            return [Incomplete("the toolkit", f"the outcome of {self.action.plan.kind} {result.key}", result.message)]
        return self.action.incomplete

    @property
    def exit_code(self) -> ExitCode:
        """5 when blocked or not done (nothing moved), 3 when the outcome is unknown or half done, else 0."""
        result = self.action.result
        if self.action.blocked or (result is not None and result.status == "not_done"):
            return ExitCode.BLOCKED
        if result is not None and result.status in ("unknown", "partial"):
            return ExitCode.UNAVAILABLE
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return self.action.to_json()

    def to_text(self) -> str:
        return self.action.to_text()


def _add(parser: argparse.ArgumentParser, *, refund: bool) -> None:
    parser.add_argument("subject", help="an order number, a Payment (or PaymentAuthorization) id, a pi_ or ch_ id")
    parser.add_argument("--amount", help="in major units (45.50; 4800 for JPY); all that is available when omitted")
    parser.add_argument("--case-ref", required=True, help="the support case the action is journaled under")
    if refund:
        parser.add_argument("--reason", required=True, choices=REFUND_REASONS)
        parser.add_argument("--via", choices=("oms", "stripe"), default="oms",
                            help="through Order Management (default), or directly at Stripe")
    parser.add_argument("--acknowledge", action="append", default=[], choices=ACKNOWLEDGEABLE,
                        help="unblock deliberately: a repeat, a failed refund, a refund Order Management lacks")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="show what would be sent, send nothing")
    mode.add_argument("--confirm", action="store_true", help="send it (once)")
    parser.add_argument("--confirm-order", help="against a live system: the order number again, to confirm")
    add_common_options(parser)


def _session(args: argparse.Namespace) -> Session:
    return open_session(args, allow_writes=args.confirm)


def _finish(action: GuidedAction, args: argparse.Namespace) -> Result:
    """The preview is printed whatever happens; ``--confirm`` executes it unless it is blocked."""
    if args.confirm and not action.blocked:
        action.execute(confirm_order_number=args.confirm_order)
    return ActionOutcome(action)


def _refund(args: argparse.Namespace) -> Result:
    session = _session(args)
    action = session.plan_refund(args.subject, args.amount, reason=args.reason, case_reference=args.case_ref,
                                 via=args.via, acknowledge=args.acknowledge)
    return _finish(action, args)


def _recapture(args: argparse.Namespace) -> Result:
    session = _session(args)
    action = session.plan_recapture(args.subject, args.amount, case_reference=args.case_ref,
                                    acknowledge=args.acknowledge)
    return _finish(action, args)


REFUND = Command("refund", "plan (and with --confirm make) a refund, through Order Management by default",
                 lambda parser: _add(parser, refund=True), _refund)
RECAPTURE = Command("recapture", "plan (and with --confirm make) a new capture after a retryable failed capture",
                    lambda parser: _add(parser, refund=False), _recapture)
