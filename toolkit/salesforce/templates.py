"""SOQL as data: every statement the toolkit runs is a template in ``templates.json``, rendered only through
:func:`simple_salesforce.format_soql`.

The file holds two catalogues with one syntax:

- ``templates``: the analysts' queries (``queries.help_table()`` lists them, ``queries.run`` runs them);
- ``statements``: the toolkit's own, which the trace, the record chain, the locate step, the gateway-log
  helper and the diagnosis run (``help_table(statements=True)``); some are *fragments* (a condition, a
  child subquery) that other statements take as parameters.

Each template has a name, a description, the object it reads, SOQL text with named ``{param}``
placeholders, and typed parameters with optional defaults. Values are validated by type before they
reach a query (a bad value raises :class:`~toolkit.errors.InputError` naming the parameter) and quoted by
``format_soql``. Parameter types:

- values, quoted: ``salesforce_id`` / ``salesforce_id_list`` (normalised to 18 characters), ``string`` /
  ``string_list``, ``datetime`` (aware datetime or ISO 8601, rendered unquoted in UTC), ``int`` (bounded by
  ``min``/``max``);
- checked against a closed set, so safe to write unquoted with ``{name:literal}``: ``picklist`` /
  ``picklist_list`` (one or more of ``values``), ``date_literal`` (``TODAY``, ``LAST_N_DAYS:30``...);
- structure, written unquoted: ``identifier`` (an object, field or relationship name, or a dotted path of
  them, as describe reports them: ``[A-Za-z][A-Za-z0-9_]*`` joined by dots, optionally one of ``values``),
  ``path_prefix`` (such a path followed by a dot, or empty), ``fields`` (filled by the renderer, never by
  the caller: the field set of ``object``, or of the object named by the parameter ``object_from``, each
  field prefixed by the path in the parameter ``prefix`` when given), ``fragment`` and ``fragment_list``
  (a :class:`Soql` rendered from another template of this file, never a plain string; a list is joined by
  ``join``, and preceded by ``lead`` when it is not empty).

So no text a caller passes can change a statement's structure: values are quoted, structure comes from
this file or from describe, checked by shape.

Usage::

    show("payment_authorizations", ops_ids=["0bMHxQNM0000001MHA"])   # the SOQL, nothing runs
    run(session.sf, "payment_authorizations", ops_ids=[...])           # a DataFrame (toolkit.salesforce.frames)
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
from typing import TYPE_CHECKING, Any

from simple_salesforce import format_soql

from toolkit.core.clock import parse_instant, to_utc
from toolkit.core.ids import normalize_id
from toolkit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PARAMETER_TYPES",
    "Parameter",
    "Soql",
    "Template",
    "describe_template",
    "field_set",
    "get_statement",
    "get_template",
    "help_table",
    "render",
    "show",
    "statement",
    "statement_names",
    "template_names",
    "validate_value",
]

VALUE_TYPES = ("salesforce_id", "salesforce_id_list", "string", "string_list", "datetime", "int")
CLOSED_TYPES = ("picklist", "picklist_list", "date_literal")
STRUCTURE_TYPES = ("identifier", "path_prefix", "fields", "fragment", "fragment_list")
PARAMETER_TYPES = (*VALUE_TYPES, *CLOSED_TYPES, *STRUCTURE_TYPES)

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
_NAME = r"[A-Za-z][A-Za-z0-9_]*"
_IDENTIFIER = re.compile(rf"^{_NAME}(?:\.{_NAME})*$")
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_MISSING = object()


class Soql(str):
    """SOQL rendered from a template of ``templates.json`` (``.template`` names it). Only a Soql can be a
    fragment of another statement or be run by :class:`toolkit.salesforce.SalesforceGateway`."""

    template: str

    def __new__(cls, text: str, template: str) -> Soql:
        made = super().__new__(cls, text)
        made.template = template
        return made


@dataclass(frozen=True)
class Parameter:
    """One typed template parameter (see the module docstring for the types and their attributes)."""

    name: str
    type: str
    description: str = ""
    default: Any = _MISSING
    values: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    object: str | None = None
    object_from: str | None = None
    prefix: str | None = None
    join: str = ", "
    lead: str = ""

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.type != "fields"

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
    kind: str = "template"  # "template" (the analysts'), "statement" or "fragment" (the toolkit's own)

    def render(self, **params: Any) -> Soql:
        unknown = sorted(set(params) - {n for n, p in self.parameters.items() if p.type != "fields"})
        if unknown:
            raise InputError(f"Template {self.name!r} has no parameter {unknown[0]!r}; its parameters are: "
                             f"{', '.join(self.parameters) or 'none'}.")
        values: dict[str, Any] = {}
        for name, param in self.parameters.items():
            if param.type == "fields":
                continue
            if name in params and params[name] is not None:
                values[name] = param.validate(params[name])
            elif not param.required:
                values[name] = param.validate(param.default)
            else:
                raise InputError(f"Template {self.name!r} needs the parameter {name!r} ({param.description}).")
        for name, param in self.parameters.items():
            if param.type == "fields":
                values[name] = _fields_text(param, values)
        return Soql(format_soql(self.soql, **values), self.name)


def _fields_text(param: Parameter, values: Mapping[str, Any]) -> str:
    object_name = values[param.object_from] if param.object_from else param.object
    prefix = values.get(param.prefix, "") if param.prefix else ""
    if prefix and not prefix.endswith("."):
        prefix += "."
    return ", ".join(prefix + name for name in field_set(str(object_name)))


def _err(param: Parameter, value: Any, expected: str) -> InputError:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return InputError(f"Parameter {param.name!r} must be {expected}, not {shown}.")


def _as_list(param: Parameter, value: Any, *, allow_empty: bool = False) -> list[Any]:
    values = [value] if isinstance(value, str) or not isinstance(value, Iterable) else list(value)
    if not values and not allow_empty:
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


def _identifier(param: Parameter, value: Any) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise _err(param, value, "an object, field or relationship name (letters, digits, '_', dotted paths)")
    if param.values:
        return _one_pick(param, value)
    return value


def _fragment(param: Parameter, value: Any) -> str:
    if not isinstance(value, Soql):
        raise _err(param, value, "SOQL rendered from a template of templates.json")
    return str(value)


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
    if kind == "identifier":
        return _identifier(param, value)
    if kind == "path_prefix":
        if value == "":
            return ""
        return _identifier(param, value[:-1] if isinstance(value, str) and value.endswith(".") else value) + "."
    if kind == "fragment":
        return _fragment(param, value)
    if kind == "fragment_list":
        parts = [_fragment(param, v) for v in _as_list(param, value, allow_empty=True)]
        return param.lead + param.join.join(parts) if parts else ""
    raise InputError(f"Parameter {param.name!r} has an unknown type {kind!r}.")  # a broken templates.json


_RAW_TYPES = frozenset({*CLOSED_TYPES, *STRUCTURE_TYPES, "int"})


def _parameter(template: str, name: str, spec: Mapping[str, Any]) -> Parameter:
    if spec.get("type") not in PARAMETER_TYPES:
        raise ValueError(f"templates.json: {template}.{name} has an unknown type {spec.get('type')!r}")
    return Parameter(name=name, type=spec["type"], description=spec.get("description", ""),
                     default=spec.get("default", _MISSING), values=tuple(spec.get("values", ())),
                     min=spec.get("min"), max=spec.get("max"), object=spec.get("object"),
                     object_from=spec.get("object_from"), prefix=spec.get("prefix"), join=spec.get("join", ", "),
                     lead=spec.get("lead", ""))


def _compile(spec: Mapping[str, Any], kind: str) -> Template:
    """A template of the file, its structural placeholders written ``{name:literal}``; a value placeholder
    marked literal, or a placeholder without a parameter, is refused (a broken templates.json)."""
    name = spec["name"]
    params = {p: _parameter(name, p, s) for p, s in spec.get("parameters", {}).items()}

    def placeholder(match: re.Match[str]) -> str:
        param, format_spec = match.group(1), match.group(2)
        if param not in params:
            raise ValueError(f"templates.json: {name} uses {{{param}}}, which is not one of its parameters")
        if format_spec == "literal" and params[param].type not in _RAW_TYPES:
            raise ValueError(f"templates.json: {name} writes the value {param!r} unquoted")
        return f"{{{param}:literal}}" if params[param].type in STRUCTURE_TYPES else match.group(0)

    soql = _PLACEHOLDER.sub(placeholder, spec["soql"])
    used = {m.group(1) for m in _PLACEHOLDER.finditer(soql)}
    used |= {ref for p in params.values() if p.type == "fields" for ref in (p.object_from, p.prefix) if ref}
    if used != set(params):
        raise ValueError(f"templates.json: {name} placeholders {sorted(used)} do not match its parameters "
                         f"{sorted(params)}")
    return Template(name, spec["description"], spec["object"], soql, params, spec.get("kind", kind))


@cache
def _catalog() -> tuple[dict[str, Template], dict[str, Template], dict[str, tuple[str, ...]]]:
    text = resources.files("toolkit.salesforce").joinpath("templates.json").read_text(encoding="utf-8")
    data = json.loads(text)
    templates = {spec["name"]: _compile(spec, "template") for spec in data["templates"]}
    statements = {spec["name"]: _compile(spec, "statement") for spec in data["statements"]}
    field_sets = {name: tuple(fields) for name, fields in data["field_sets"].items()}
    return templates, statements, field_sets


def template_names() -> list[str]:
    """The analysts' templates."""
    return list(_catalog()[0])


def statement_names() -> list[str]:
    """The toolkit's own statements and fragments."""
    return list(_catalog()[1])


def get_template(name: str) -> Template:
    templates, statements, _ = _catalog()
    found = templates.get(name) or statements.get(name)
    if found is None:
        raise InputError(f"There is no query template {name!r}; known templates: {', '.join(template_names())}.")
    return found


def get_statement(name: str) -> Template:
    """One of the toolkit's own statements (a KeyError is a programming error, not an analyst's)."""
    return _catalog()[1][name]


def statement(name: str, **params: Any) -> Soql:
    """Render one of the toolkit's own statements or fragments."""
    return get_statement(name).render(**params)


def field_set(object_name: str) -> tuple[str, ...]:
    """The fields the toolkit reads from ``object_name`` (the record chain selects these)."""
    try:
        return _catalog()[2][object_name]
    except KeyError:
        raise InputError(f"There is no field set for {object_name!r}.") from None


def render(name: str, **params: Any) -> Soql:
    """The SOQL of template ``name`` with ``params`` validated and formatted by ``format_soql``."""
    return get_template(name).render(**params)


def show(name: str, **params: Any) -> str:
    """The render-only path: the SOQL that ``queries.run`` would send, without sending it."""
    return str(render(name, **params))


def _param_text(param: Parameter) -> str:
    text = param.type
    if param.values:
        text += " (" + " | ".join(param.values) + ")"
    if param.type != "fields" and not param.required:
        text += f", default {param.default!r}"
    return text


def describe_template(name: str) -> str:
    """A few lines of help: what the template reads, its parameters and its SOQL."""
    tpl = get_template(name)
    lines = [f"{tpl.name}: {tpl.description}", f"  object: {tpl.object}"]
    shown = [p for p in tpl.parameters.values() if p.type != "fields"]
    if shown:
        lines.append("  parameters:")
        for param in shown:
            note = f": {param.description}" if param.description else ""
            lines.append(f"    {param.name} ({_param_text(param)}){note}")
    else:
        lines.append("  parameters: none")
    lines.append(f"  soql: {tpl.soql.replace(':literal}', '}')}")
    return "\n".join(lines)


def help_table(*, statements: bool = False) -> pd.DataFrame:
    """Every analyst template as a DataFrame (name, object, description, parameters), msticpy-style;
    ``statements=True`` lists the toolkit's own statements and fragments instead."""
    import pandas as pd

    templates, own, _ = _catalog()
    chosen = (own if statements else templates).values()
    rows = [{"name": t.name, "object": t.object, "description": t.description,
             "parameters": ", ".join(f"{p.name}: {_param_text(p)}" for p in t.parameters.values()
                                     if p.type != "fields")}
            for t in chosen]
    return pd.DataFrame(rows, columns=["name", "object", "description", "parameters"])
