"""SOQL query templates, kept as data in ``templates.json`` and rendered only through ``format_soql``.

Each template has a name, a description, the object it reads, SOQL text with named ``{param}``
placeholders in :func:`simple_salesforce.format_soql` syntax, and typed parameters with optional defaults.
Every value is validated by its type before it reaches a query; a bad value raises
:class:`toolkit.errors.InputError` with one sentence naming the parameter.

Parameter types:

- ``salesforce_id`` / ``salesforce_id_list``: 15- or 18-character ids, normalised to 18 characters.
- ``string`` / ``string_list``: free text, quoted and escaped by ``format_soql``.
- ``datetime``: an aware ``datetime`` or ISO 8601 text; rendered unquoted in UTC (naive values are UTC).
- ``date_literal``: a SOQL date literal (``TODAY``, ``LAST_N_DAYS:30``...), checked against the grammar.
- ``picklist`` / ``picklist_list``: one (or several) of the template's ``values``.
- ``int``: an integer, optionally bounded by ``min`` / ``max``.

Usage::

    show("payment_authorizations", ops_ids=["0bMHxQNM0000001MHA"])   # the SOQL, nothing runs
    run(session.sf, "payment_authorizations", ops_ids=[...])           # a DataFrame (toolkit.frames)
    help_table()                                                       # every template, as a DataFrame
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from simple_salesforce import format_soql

from toolkit.clock import parse_instant, to_utc
from toolkit.errors import InputError
from toolkit.salesforce_ids import normalize_id

__all__ = [
    "PARAMETER_TYPES",
    "Parameter",
    "Template",
    "describe_template",
    "field_set",
    "get_template",
    "help_table",
    "render",
    "run",
    "show",
    "template_names",
    "validate_value",
]

PARAMETER_TYPES = ("salesforce_id", "salesforce_id_list", "string", "string_list", "datetime", "date_literal",
                   "picklist", "picklist_list", "int")

_FIXED_LITERALS = (
    "YESTERDAY", "TODAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK", "LAST_MONTH", "THIS_MONTH",
    "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS", "THIS_QUARTER", "LAST_QUARTER", "NEXT_QUARTER", "THIS_YEAR",
    "LAST_YEAR", "NEXT_YEAR",
)
_N_LITERALS = (
    "LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "LAST_N_HOURS", "NEXT_N_HOURS", "N_HOURS_AGO", "LAST_N_WEEKS",
    "NEXT_N_WEEKS", "N_WEEKS_AGO", "LAST_N_MONTHS", "NEXT_N_MONTHS", "N_MONTHS_AGO", "LAST_N_QUARTERS",
    "NEXT_N_QUARTERS", "N_QUARTERS_AGO", "LAST_N_YEARS", "NEXT_N_YEARS", "N_YEARS_AGO",
)
_DATE_LITERAL = re.compile(
    r"^(?:" + "|".join(_FIXED_LITERALS) + r"|(?:" + "|".join(_N_LITERALS) + r"):\d{1,4})$", re.IGNORECASE
)
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_MISSING = object()


@dataclass(frozen=True)
class Parameter:
    """One typed template parameter."""

    name: str
    type: str
    description: str = ""
    default: Any = _MISSING
    values: tuple[str, ...] = ()  # picklist values
    min: int | None = None
    max: int | None = None

    @property
    def required(self) -> bool:
        return self.default is _MISSING

    def validate(self, value: Any) -> Any:
        """The value ready for ``format_soql``, or :class:`InputError`."""
        return validate_value(self, value)


@dataclass(frozen=True)
class Template:
    """A named SOQL statement with typed parameters."""

    name: str
    description: str
    object: str
    soql: str
    parameters: dict[str, Parameter] = field(default_factory=dict)

    def render(self, **params: Any) -> str:
        unknown = sorted(set(params) - set(self.parameters))
        if unknown:
            raise InputError(f"Template {self.name!r} has no parameter {unknown[0]!r}; its parameters are: "
                             f"{', '.join(self.parameters) or 'none'}.")
        values: dict[str, Any] = {}
        for name, param in self.parameters.items():
            if name in params and params[name] is not None:
                values[name] = param.validate(params[name])
            elif not param.required:
                values[name] = param.validate(param.default)
            else:
                raise InputError(f"Template {self.name!r} needs the parameter {name!r} ({param.description}).")
        return format_soql(self.soql, **values)


def _err(param: Parameter, value: Any, expected: str) -> InputError:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return InputError(f"Parameter {param.name!r} must be {expected}, not {shown}.")


def _as_list(param: Parameter, value: Any) -> list[Any]:
    values = [value] if isinstance(value, str) or not isinstance(value, Iterable) else list(value)
    if not values:
        raise InputError(f"Parameter {param.name!r} needs at least one value.")
    return values


def _one_id(param: Parameter, value: Any) -> str:
    normalized = normalize_id(value) if isinstance(value, str) else None
    if normalized is None:
        raise _err(param, value, "a 15- or 18-character Salesforce id")
    return normalized


def _one_string(param: Parameter, value: Any) -> str:
    if not isinstance(value, str):
        raise _err(param, value, "text")
    return value


def _one_pick(param: Parameter, value: Any) -> str:
    for allowed in param.values:
        if isinstance(value, str) and value.lower() == allowed.lower():
            return allowed
    raise _err(param, value, "one of " + ", ".join(param.values))


def validate_value(param: Parameter, value: Any) -> Any:
    """Check ``value`` against ``param``'s type; return what ``format_soql`` should receive."""
    kind = param.type
    if kind == "salesforce_id":
        return _one_id(param, value)
    if kind == "salesforce_id_list":
        return list(dict.fromkeys(_one_id(param, v) for v in _as_list(param, value)))
    if kind == "string":
        return _one_string(param, value)
    if kind == "string_list":
        return list(dict.fromkeys(_one_string(param, v) for v in _as_list(param, value)))
    if kind == "picklist":
        return _one_pick(param, value)
    if kind == "picklist_list":
        return list(dict.fromkeys(_one_pick(param, v) for v in _as_list(param, value)))
    if kind == "datetime":
        if isinstance(value, datetime):
            return to_utc(value)
        if isinstance(value, str):
            try:
                return parse_instant(value)
            except ValueError:
                pass
        raise _err(param, value, "an ISO 8601 date-time such as 2026-11-20T15:00:00Z or a datetime")
    if kind == "date_literal":
        if isinstance(value, str) and _DATE_LITERAL.match(value.strip()):
            return value.strip().upper()
        raise _err(param, value, "a SOQL date literal such as TODAY or LAST_N_DAYS:30")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _err(param, value, "an integer")
        if (param.min is not None and value < param.min) or (param.max is not None and value > param.max):
            raise _err(param, value, f"between {param.min} and {param.max}")
        return value
    raise InputError(f"Parameter {param.name!r} has an unknown type {kind!r}.")  # a broken templates.json


def _parameter(name: str, spec: Mapping[str, Any]) -> Parameter:
    if spec.get("type") not in PARAMETER_TYPES:
        raise ValueError(f"templates.json: parameter {name!r} has an unknown type {spec.get('type')!r}")
    return Parameter(name=name, type=spec["type"], description=spec.get("description", ""),
                     default=spec.get("default", _MISSING), values=tuple(spec.get("values", ())),
                     min=spec.get("min"), max=spec.get("max"))


@cache
def _catalog() -> tuple[dict[str, Template], dict[str, tuple[str, ...]]]:
    data = json.loads(resources.files("toolkit.queries").joinpath("templates.json").read_text(encoding="utf-8"))
    templates: dict[str, Template] = {}
    for spec in data["templates"]:
        params = {name: _parameter(name, p) for name, p in spec.get("parameters", {}).items()}
        placeholders = {m.group(1) for m in _PLACEHOLDER.finditer(spec["soql"])}
        if placeholders != set(params):
            raise ValueError(f"templates.json: template {spec['name']!r} placeholders {sorted(placeholders)} do not "
                             f"match its parameters {sorted(params)}")
        templates[spec["name"]] = Template(spec["name"], spec["description"], spec["object"], spec["soql"], params)
    field_sets = {name: tuple(fields) for name, fields in data["field_sets"].items()}
    return templates, field_sets


def template_names() -> list[str]:
    return list(_catalog()[0])


def get_template(name: str) -> Template:
    try:
        return _catalog()[0][name]
    except KeyError:
        raise InputError(f"There is no query template {name!r}; known templates: {', '.join(template_names())}.") \
            from None


def field_set(object_name: str) -> tuple[str, ...]:
    """The fields the toolkit reads from ``object_name`` (the record chain selects these)."""
    try:
        return _catalog()[1][object_name]
    except KeyError:
        raise InputError(f"There is no field set for {object_name!r}.") from None


def render(name: str, **params: Any) -> str:
    """The SOQL of template ``name`` with ``params`` validated and formatted by ``format_soql``."""
    return get_template(name).render(**params)


def show(name: str, **params: Any) -> str:
    """The render-only path: the SOQL that :func:`run` would send, without sending it."""
    return render(name, **params)


def run(sf: Any, name: str, **params: Any) -> Any:
    """Run template ``name`` with ``query_all`` (all pages) and return a DataFrame (see :mod:`toolkit.frames`)."""
    from toolkit.frames import records_frame

    soql = render(name, **params)
    return records_frame(sf.query_all(soql)["records"], soql=soql)


def _param_text(param: Parameter) -> str:
    text = param.type
    if param.values:
        text += " (" + " | ".join(param.values) + ")"
    if not param.required:
        text += f", default {param.default!r}"
    return text


def describe_template(name: str) -> str:
    """A few lines of help: what the template reads, its parameters and its SOQL."""
    tpl = get_template(name)
    lines = [f"{tpl.name}: {tpl.description}", f"  object: {tpl.object}"]
    if tpl.parameters:
        lines.append("  parameters:")
        for param in tpl.parameters.values():
            note = f": {param.description}" if param.description else ""
            lines.append(f"    {param.name} ({_param_text(param)}){note}")
    else:
        lines.append("  parameters: none")
    lines.append(f"  soql: {tpl.soql}")
    return "\n".join(lines)


def help_table() -> Any:
    """Every template as a DataFrame (name, object, description, parameters), msticpy-style."""
    import pandas as pd

    rows = [{"name": t.name, "object": t.object, "description": t.description,
             "parameters": ", ".join(f"{p.name}: {_param_text(p)}" for p in t.parameters.values())}
            for t in _catalog()[0].values()]
    return pd.DataFrame(rows, columns=["name", "object", "description", "parameters"])
