"""The analyst's own SOQL: the one statement the toolkit runs that does not come from ``templates.json``.

The notebook's ``%%soql`` cell magic (:mod:`toolkit.notebook.magics`) takes the statement an analyst writes, with
``{name}`` placeholders naming the notebook's variables, and :func:`render_analyst_soql` fills them in through
:func:`simple_salesforce.format_soql` (never by concatenating text):

- ``{name}``: the value quoted by ``format_soql`` (text in quotes with ``'`` and ``\\`` escaped, numbers, booleans,
  ``null``, aware datetimes in UTC, dates, lists as ``(..., ...)``), so no value can change the statement's
  structure: ``name = "x' OR Id != '"`` stays one string. Written bare, never inside quotes.
- ``{name:like}``: the value escaped for a ``LIKE`` pattern, inside the analyst's quotes: ``LIKE '%{name:like}%'``.
- ``{{`` and ``}}``: literal braces.

Refused in one sentence (:class:`~toolkit.errors.InputError`, nothing sent): a name the notebook does not have, a
positional ``{}``, attribute or index access (``{x.y}``, ``{x[0]}``), conversions (``{x!r}``), ``{name:literal}``
(unquoted text could change the statement), ``{name}`` inside quotes or ``{name:like}`` outside them, a naive
datetime (its time zone would be guessed), a value ``format_soql`` cannot quote.

The result is an :class:`AnalystSoql`, which only
:meth:`toolkit.salesforce.gateway.SalesforceGateway.query_analyst_soql` runs (with the operation's budget, retries
and error translation, as every statement); :meth:`~toolkit.salesforce.gateway.SalesforceGateway.query` refuses
it, so the exception to "every statement is a template" stays in one method.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from string import Formatter
from typing import Any

from simple_salesforce import format_soql

from toolkit.errors import InputError
from toolkit.salesforce.templates import Soql

__all__ = ["ANALYST_TEMPLATE", "AnalystSoql", "placeholders", "render_analyst_soql"]

#: The ``template`` an :class:`AnalystSoql` carries (it names the statement in errors and in ``statements``).
ANALYST_TEMPLATE = "analyst SOQL"


class AnalystSoql(Soql):
    """An analyst's own statement, its values filled in by ``format_soql`` (:func:`render_analyst_soql`)."""

    def __new__(cls, text: str, template: str = ANALYST_TEMPLATE) -> AnalystSoql:
        made = super().__new__(cls, text, template)
        return made  # type: ignore[return-value]


def _quote_state(text: str, quoted: bool) -> bool:
    """Whether the SOQL is inside a quoted string after ``text`` (a backslash escapes the next character)."""
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == "'":
            quoted = not quoted
    return quoted


def placeholders(text: str) -> list[tuple[str, str, bool]]:
    """The placeholders of ``text`` in order: (name, format spec, inside quotes); InputError when one is not a plain
    ``{name}`` or ``{name:like}``."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        raise InputError("The SOQL has a lone { or }: write {{ and }} for literal braces, {name} for a notebook "
                         "variable.") from None
    found: list[tuple[str, str, bool]] = []
    quoted = False
    for literal, name, spec, conversion in parts:
        quoted = _quote_state(literal, quoted)
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if not name.isidentifier() or conversion:
            raise InputError(f"The placeholder {shown} is not a plain variable name: write {{name}} with a variable "
                             "of the notebook (no positions, attributes, indexes or conversions).")
        if spec not in ("", "like"):
            raise InputError(f"The placeholder {shown} is not allowed: write {{{name}}} for a value (quoted by the "
                             f"toolkit) or {{{name}:like}} inside a quoted LIKE pattern.")
        if spec == "" and quoted:
            raise InputError(f"{shown} is inside quotes, but the toolkit quotes values itself: remove the quotes "
                             f"around it (inside a LIKE pattern write {{{name}:like}}).")
        if spec == "like" and not quoted:
            raise InputError(f"{shown} must sit inside a quoted pattern, such as LIKE '%{{{name}:like}}%'.")
        found.append((name, spec, quoted))
    return found


def _value(name: str, value: Any) -> Any:
    """``value`` as ``format_soql`` quotes it, or InputError naming the variable."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":  # a numpy scalar: its Python value
        value = item()
    if isinstance(value, list | tuple | set | frozenset):
        if not value:
            raise InputError(f"The variable {name} is an empty collection: SOQL's IN () needs at least one value.")
        return [_value(name, member) for member in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"The variable {name} is {value}, which SOQL cannot compare with.")
        return value
    if isinstance(value, Decimal):
        as_float = float(value)
        if not value.is_finite() or Decimal(repr(as_float)) != value:
            raise InputError(f"The variable {name} is {value}, which SOQL cannot take exactly; round it first.")
        return as_float
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InputError(f"The variable {name} is a datetime without a time zone; give it one (UTC, say) so its "
                             "moment is not guessed.")
        return value
    if isinstance(value, date):
        return value
    raise InputError(f"The variable {name} is a {type(value).__name__}, which SOQL cannot take as a value: use text, "
                     "a number, a boolean, None, a date, an aware datetime or a list of them.")


def render_analyst_soql(text: str, variables: Mapping[str, Any]) -> AnalystSoql:
    """``text`` with its ``{name}`` placeholders filled from ``variables`` through ``format_soql`` (see the module
    docstring); InputError in one sentence when the statement or a value cannot be used."""
    statement = text.strip()
    if not statement:
        raise InputError("There is no SOQL to run: write a statement such as SELECT Id FROM PaymentGatewayLog.")
    values: dict[str, Any] = {}
    for name, spec, _ in placeholders(statement):
        if name not in variables:
            raise InputError(f"The SOQL names {{{name}}}, but the notebook has no variable {name}.")
        values[name] = _value(name, variables[name]) if spec == "" else str(variables[name])
    try:
        return AnalystSoql(format_soql(statement, **values))
    except (ValueError, TypeError) as exc:
        raise InputError(f"The SOQL's values could not be quoted: {exc}.") from None
