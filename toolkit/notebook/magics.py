"""IPython magics for the analyst's everyday loop, loaded with ``%load_ext toolkit``.

- ``%connect [--case FILE]``: open a session (live when configured, else the demo sandbox; ``--case``: the sandbox
  loaded from a case file), kept as the notebook's variable ``session``;
- ``%trace SUBJECT``: the trace's rich view (a ``pi_``/``ch_``/``txn_``/``re_`` id, an order number, a Salesforce id);
- ``%diagnose [--since ISO] [--until ISO]``: the failed captures of a window (default: the last 30 days);
- ``%expiring [--within HOURS]``: the authorizations about to expire (default: 48 hours);
- ``%%soql [-o NAME] [--max-requests N] [--show]``: the cell's own SOQL as a DataFrame, its ``{name}`` placeholders
  filled from the notebook's variables through ``format_soql``.

**Which session.** Every magic uses the notebook's variable ``session`` when it holds a toolkit
:class:`~toolkit.session.Session` (one you opened with ``connect(...)``, or the one ``%connect`` made); without one
the first magic opens ``connect()`` and keeps it as ``session``. A ``session`` variable holding anything else is
never overwritten: the magic says so instead.

**Errors** are one sentence on standard error (``error: ...``), never a traceback: a bad option, an unknown subject,
a system that failed (every :class:`~toolkit.errors.ToolkitError`). A bug still shows its traceback.

**``%%soql``** is the one statement the toolkit runs that does not come from ``templates.json``
(:mod:`toolkit.salesforce.analyst_soql`): it goes through the session's Salesforce gateway
(:meth:`~toolkit.salesforce.gateway.SalesforceGateway.query_analyst_soql`), so every page is counted against a
budget (``--max-requests``, 50 by default: 100,000 rows), passing failures are retried and failures are translated.
The records come back as :func:`toolkit.salesforce.frames.records_frame` gives them (parent paths as dotted columns,
datetimes in UTC, money as Decimal, gateway-log payloads parsed). ``-o NAME`` also keeps the frame as the notebook
variable ``NAME``; ``--show`` prints the statement as it would be sent, and sends nothing.

A magic's result is the cell's value, so ``t = %trace 00001017`` keeps the trace.
"""

from __future__ import annotations

import argparse
import keyword
import shlex
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, NoReturn, TypeVar

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

from toolkit.core.budget import RequestBudget
from toolkit.core.clock import parse_duration
from toolkit.errors import InputError, ToolkitError
from toolkit.investigate.expiring import MAX_WITHIN
from toolkit.salesforce.analyst_soql import AnalystSoql, render_analyst_soql
from toolkit.salesforce.frames import records_frame
from toolkit.session import Session
from toolkit.session import connect as toolkit_connect

__all__ = ["SESSION_VARIABLE", "SOQL_MAX_REQUESTS", "ToolkitMagics", "load_ipython_extension"]

#: The notebook variable the magics read their session from, and keep the one they open in.
SESSION_VARIABLE = "session"
#: Requests a ``%%soql`` cell may send by default (each page of 2,000 rows is one).
SOQL_MAX_REQUESTS = 50
T = TypeVar("T")


class _Parser(argparse.ArgumentParser):
    """A magic's options: a mistake is one sentence (InputError), never a usage dump or an exit."""

    def error(self, message: str) -> NoReturn:
        raise InputError(f"%{self.prog}: {message} (see %{self.prog}? for its options).")

    def parse(self, line: str) -> argparse.Namespace:
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise InputError(f"%{self.prog}: {exc} in {line.strip()!r}.") from None
        return self.parse_args(words)


def _parser(name: str, *options: tuple[Sequence[str], dict[str, Any]]) -> _Parser:
    parser = _Parser(prog=name, add_help=False)
    for flags, settings in options:
        parser.add_argument(*flags, **settings)
    return parser


CONNECT = _parser("connect", (["--case"], {"metavar": "FILE"}))
TRACE = _parser("trace", (["subject"], {"nargs": "?"}))
DIAGNOSE = _parser("diagnose", (["--since"], {}), (["--until"], {}))
EXPIRING = _parser("expiring", (["--within"], {"metavar": "HOURS"}))
SOQL = _parser("soql", (["-o", "--out"], {"dest": "name", "metavar": "NAME"}),
               (["--max-requests"], {"metavar": "N"}), (["--show"], {"action": "store_true"}))


def within(value: str | None) -> timedelta | None:
    """``--within HOURS`` as a timedelta (None when not given); one sentence when it is not a usable number."""
    if value is None:
        return None
    return parse_duration(value, option="--within", unit="hours", limit=MAX_WITHIN.total_seconds() / 3600,
                          example="48")


def _variable_name(value: str | None) -> str | None:
    if value is not None and (not value.isidentifier() or keyword.iskeyword(value)):
        raise InputError(f"-o {value!r} is not a Python variable name.")
    return value


def _max_requests(value: str | None) -> int:
    if value is None:
        return SOQL_MAX_REQUESTS
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"--max-requests {value!r} is not a whole number of requests above 0, such as 50.")
    return int(value)


@magics_class
class ToolkitMagics(Magics):
    """The magics of the module docstring; ``last_statement`` is the last ``%%soql`` statement sent (or shown)."""

    last_statement: AnalystSoql | None = None

    # --- the session --------------------------------------------------------------------------------
    def _namespace(self) -> dict[str, Any]:
        return self.shell.user_ns if self.shell is not None else {}

    def _refuse_foreign(self, current: Any) -> None:
        if current is not None and not isinstance(current, Session):
            raise InputError(f"The notebook's variable {SESSION_VARIABLE} holds a {type(current).__name__}, not a "
                             f"toolkit session: rename it (or del {SESSION_VARIABLE}), then run the magic again.")

    def session(self) -> Session:
        """The notebook's ``session``, or a new ``connect()`` kept as ``session`` (see the module docstring)."""
        namespace = self._namespace()
        current = namespace.get(SESSION_VARIABLE)
        self._refuse_foreign(current)
        if isinstance(current, Session):
            return current
        opened = toolkit_connect()
        namespace[SESSION_VARIABLE] = opened
        return opened

    @staticmethod
    def _run(work: Callable[[], T]) -> T | None:
        """``work()``, or its ToolkitError as one line on standard error (and no value)."""
        try:
            return work()
        except ToolkitError as exc:
            print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
            return None

    # --- the magics ---------------------------------------------------------------------------------
    @line_magic
    def connect(self, line: str) -> Session | None:
        """``%connect [--case FILE]``: open a session and keep it as the notebook's variable ``session`` (live when
        the environment configures both systems, else the demo sandbox; ``--case``: the sandbox loaded from a case
        file). Its banner names the data it reads."""

        def work() -> Session:
            args = CONNECT.parse(line)
            namespace = self._namespace()
            self._refuse_foreign(namespace.get(SESSION_VARIABLE))
            if args.case is not None and not args.case.strip():
                raise InputError("--case needs the path of a case file; leave it out to use the configured "
                                 "connection.")
            opened = toolkit_connect(case=args.case) if args.case is not None else toolkit_connect()
            namespace[SESSION_VARIABLE] = opened
            return opened

        return self._run(work)

    @line_magic
    def trace(self, line: str) -> Any:
        """``%trace SUBJECT``: trace a ``pi_``/``ch_``/``txn_``/``re_`` id, an order number or a Salesforce id (the
        rich view in JupyterLab; ``print(_)`` for the text)."""

        def work() -> Any:
            args = TRACE.parse(line)
            if not args.subject:
                raise InputError("%trace needs a subject: a pi_, ch_, txn_ or re_ id, an order number or a "
                                 "Salesforce id, such as %trace 00001017.")
            return self.session().trace(args.subject)

        return self._run(work)

    @line_magic
    def diagnose(self, line: str) -> Any:
        """``%diagnose [--since ISO] [--until ISO]``: every failed capture of the window with its cause, retryability,
        money at risk and what to do (default: the last 30 days of the session clock)."""

        def work() -> Any:
            args = DIAGNOSE.parse(line)
            return self.session().diagnose(args.since, args.until)

        return self._run(work)

    @line_magic
    def expiring(self, line: str) -> Any:
        """``%expiring [--within HOURS]``: the authorizations Order Management still expects to capture whose Stripe
        deadline is less than HOURS away (default 48) or has passed, soonest first."""

        def work() -> Any:
            args = EXPIRING.parse(line)
            return self.session().expiring_authorizations(within(args.within))

        return self._run(work)

    @cell_magic
    def soql(self, line: str, cell: str) -> Any:
        """``%%soql [-o NAME] [--max-requests N] [--show]``, then a SOQL statement: its records as a DataFrame.
        ``{name}`` is the notebook variable ``name``, quoted by ``format_soql`` (``{name:like}`` inside a quoted LIKE
        pattern; ``{{``/``}}`` for literal braces)."""

        def work() -> Any:
            args = SOQL.parse(line)
            name = _variable_name(args.name)
            budget = RequestBudget("Salesforce", _max_requests(args.max_requests))
            statement = render_analyst_soql(cell, self._namespace())
            self.last_statement = statement
            if args.show:
                print(statement)
                return None
            records = self.session().salesforce_gateway(budget).query_analyst_soql(statement)
            frame = records_frame(records, soql=statement)
            if name is not None:
                self._namespace()[name] = frame
            return frame

        return self._run(work)


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics (``%load_ext toolkit`` calls it through ``toolkit.load_ipython_extension``)."""
    ipython.register_magics(ToolkitMagics)
