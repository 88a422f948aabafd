"""Stripe's search query language (the subset this sandbox serves).

``metadata['order_id']:'00001042' AND status:'succeeded'``; ``amount>1000``; ``-currency:'usd'``.
Clauses are joined by ``AND`` or ``OR`` (not both) or by spaces (AND); at most 10 clauses; string values
in single or double quotes; numeric fields take ``:``, ``>``, ``>=``, ``<``, ``<=``. Anything else is a
400 ``invalid_request_error`` with ``param: "query"``, as Stripe answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from toolkit.sandbox.stripe.errors import StripeError

__all__ = ["FIELDS", "Clause", "Query", "parse_query"]

MAX_CLAUSES = 10

# field name -> (kind, getter); kind is "string", "number" or "boolean".
_Getter = Callable[[dict[str, Any]], Any]


def _path(*keys: str) -> _Getter:
    def get(obj: dict[str, Any]) -> Any:
        value: Any = obj
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value
    return get


_COMMON: dict[str, tuple[str, _Getter]] = {
    "amount": ("number", _path("amount")),
    "created": ("number", _path("created")),
    "currency": ("string", _path("currency")),
    "customer": ("string", _path("customer")),
    "status": ("string", _path("status")),
}
FIELDS: dict[str, dict[str, tuple[str, _Getter]]] = {
    "payment_intent": dict(_COMMON),
    "charge": {
        **_COMMON,
        "disputed": ("boolean", _path("disputed")),
        "refunded": ("boolean", _path("refunded")),
        "payment_method_details.card.last4": ("string", _path("payment_method_details", "card", "last4")),
        "payment_method_details.card.brand": ("string", _path("payment_method_details", "card", "brand")),
        "payment_method_details.card.exp_month": ("number", _path("payment_method_details", "card", "exp_month")),
        "payment_method_details.card.exp_year": ("number", _path("payment_method_details", "card", "exp_year")),
        "billing_details.address.postal_code": ("string", _path("billing_details", "address", "postal_code")),
    },
}
_DOC_ANCHOR = {"payment_intent": "payment-intents", "charge": "charges"}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<op>>=|<=|:|>|<|~)
  | (?P<lbracket>\[) | (?P<rbracket>\])
  | (?P<minus>-(?=[A-Za-z]))
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
""", re.VERBOSE)


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    value: Any
    negated: bool
    metadata_key: str | None = None


@dataclass(frozen=True)
class Query:
    resource: str
    clauses: tuple[Clause, ...]
    combinator: str  # "AND" or "OR"

    def matches(self, obj: dict[str, Any]) -> bool:
        results = (_clause_matches(self.resource, clause, obj) for clause in self.clauses)
        return any(results) if self.combinator == "OR" else all(results)


def _error(message: str) -> StripeError:
    return StripeError(400, message, param="query")


def _tokens(query: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None:
            raise _error(f"Invalid query: unexpected character {query[pos]!r} at position {pos}.")
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, match.group()))
        pos = match.end()
    return tokens


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def parse_query(resource: str, query: str) -> Query:
    """Parse ``query`` for ``resource`` ("payment_intent" or "charge") or raise Stripe's 400."""
    if not query or not query.strip():
        raise _error("Missing required param: query.")
    fields = FIELDS[resource]
    tokens = _tokens(query)
    clauses: list[Clause] = []
    combinators: set[str] = set()
    i = 0
    expect_clause = True
    while i < len(tokens):
        kind, text = tokens[i]
        if not expect_clause:
            if kind == "word" and text.upper() in ("AND", "OR"):
                combinators.add(text.upper())
                i += 1
            else:
                combinators.add("AND")  # clauses separated by a space are ANDed
            expect_clause = True
            continue
        negated = False
        if kind == "minus":
            negated = True
            i += 1
            if i >= len(tokens):
                raise _error("Invalid query: a '-' must be followed by a clause.")
            kind, text = tokens[i]
        if kind != "word":
            raise _error(f"Invalid query: expected a field name at {text!r}.")
        field_name = text
        metadata_key = None
        i += 1
        if field_name == "metadata":
            if (i + 2 >= len(tokens) or tokens[i][0] != "lbracket" or tokens[i + 1][0] != "string"
                    or tokens[i + 2][0] != "rbracket"):
                raise _error("Invalid query: metadata fields are written metadata['key'].")
            metadata_key = _unquote(tokens[i + 1][1])
            i += 3
        elif field_name not in fields:
            raise _error(f"Field '{field_name}' is an unsupported search field for resource {resource}. See "
                         f"http://stripe.com/docs/search#query-fields-for-{_DOC_ANCHOR[resource]} for a list of "
                         "supported fields.")
        if i >= len(tokens) or tokens[i][0] != "op":
            raise _error(f"Invalid query: expected an operator after {field_name!r}.")
        op = tokens[i][1]
        i += 1
        if i >= len(tokens):
            raise _error(f"Invalid query: expected a value after {field_name}{op}.")
        value_kind, value_text = tokens[i]
        i += 1
        kind_of_field = "string" if metadata_key is not None else fields[field_name][0]
        value: Any
        if op == "~":
            raise _error(f"Invalid query: the substring operator ~ is not supported for field {field_name!r}.")
        if kind_of_field == "number":
            if value_kind != "number":
                raise _error(f"Invalid query: field {field_name!r} takes a number, not {value_text}.")
            value = float(value_text) if "." in value_text else int(value_text)
        elif kind_of_field == "boolean":
            if value_kind != "word" or value_text not in ("true", "false") or op != ":":
                raise _error(f"Invalid query: field {field_name!r} takes {field_name}:true or {field_name}:false.")
            value = value_text == "true"
        else:
            if op != ":":
                raise _error(f"Invalid query: field {field_name!r} only supports the ':' operator.")
            if value_kind == "word" and value_text == "null" and metadata_key is not None:
                value = None
            elif value_kind != "string":
                raise _error(f"Invalid query: the value of {field_name!r} must be quoted, e.g. "
                             f"{field_name}:'{value_text}'.")
            else:
                value = _unquote(value_text)
        clauses.append(Clause(field_name, op, value, negated, metadata_key))
        expect_clause = False
    if expect_clause:
        raise _error("Invalid query: the query ends where a clause was expected.")
    if len(combinators) > 1:
        raise _error("Invalid query: cannot combine AND and OR in the same query.")
    if len(clauses) > MAX_CLAUSES:
        raise _error(f"Invalid query: a query can have at most {MAX_CLAUSES} clauses; this one has {len(clauses)}.")
    return Query(resource, tuple(clauses), combinators.pop() if combinators else "AND")


def _clause_matches(resource: str, clause: Clause, obj: dict[str, Any]) -> bool:
    if clause.metadata_key is not None:
        actual = (obj.get("metadata") or {}).get(clause.metadata_key)
        result = actual is None if clause.value is None else actual == clause.value
    else:
        kind, getter = FIELDS[resource][clause.field]
        actual = getter(obj)
        if kind == "number":
            result = actual is not None and _compare(actual, clause.op, clause.value)
        elif kind == "string":
            result = actual is not None and str(actual).lower() == str(clause.value).lower()
        else:
            result = bool(actual) == clause.value
    return not result if clause.negated else result


def _compare(actual: Any, op: str, value: Any) -> bool:
    if op == ":":
        return actual == value
    if op == ">":
        return actual > value
    if op == ">=":
        return actual >= value
    if op == "<":
        return actual < value
    return actual <= value
