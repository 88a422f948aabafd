"""SOQL text to a :mod:`nodes` tree, with the LALR grammar in ``grammar.lark``.

Parse failures become Salesforce's ``MALFORMED_QUERY`` (``unexpected token: 'X'``) with the row and column
of the offending token. Parsed trees are immutable and cached on the query text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

from toolkit.sandbox.org.soql import nodes as n
from toolkit.sandbox.org.soql.errors import SoqlError, located
from toolkit.sandbox.org.soql.literals import (
    DATE_LITERALS,
    PARAMETERIZED_DATE_LITERALS,
    LiteralError,
    parse_date,
    parse_datetime,
)

__all__ = ["WITH_MODES", "parse"]

_GRAMMAR = Path(__file__).with_name("grammar.lark")
_PARSER = Lark(_GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="contextual", maybe_placeholders=True)

_AND_OR = {"AND", "OR"}
#: ``WITH`` filters the sandbox answers. Its one user sees every record and field, so each reads the same rows.
WITH_MODES = frozenset({"SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"})


class _Build(Transformer[Token, Any]):
    def __init__(self, soql: str) -> None:
        super().__init__()
        self.soql = soql

    def _error(self, token: Token, message: str) -> SoqlError:
        return SoqlError("MALFORMED_QUERY", located(self.soql, token.line, token.column, message))

    # --- select ----------------------------------------------------------------------------------
    def start(self, children: list[Any]) -> n.Query:
        return children[0]

    def query(self, children: list[Any]) -> n.Query:
        select_token, select = children[0]
        object_token = children[1]
        parts: dict[str, Any] = {}
        for child in children[2:]:
            key, value = child
            parts[key] = value
        return n.Query(
            select=tuple(select), object_name=str(object_token), object_line=object_token.line,
            object_column=object_token.column, line=select_token.line, column=select_token.column, **parts,
        )

    def select_clause(self, children: list[Any]) -> tuple[Token, list[n.SelectItem]]:
        return children[0], children[1:]

    def select_field(self, children: list[Any]) -> n.SelectField:
        return n.SelectField(children[0], children[1] if len(children) > 1 else None)

    def select_function(self, children: list[Any]) -> n.SelectFunction:
        return n.SelectFunction(children[0], children[1] if len(children) > 1 else None)

    def select_subquery(self, children: list[Any]) -> n.SelectSubquery:
        return n.SelectSubquery(children[0])

    def select_typeof(self, children: list[Any]) -> n.SelectTypeof:
        token, ref = children[0], children[1]
        whens = tuple(c for c in children[2:] if isinstance(c, n.TypeofWhen))
        otherwise = next((c for c in children[2:] if isinstance(c, tuple)), None)
        return n.SelectTypeof(ref, whens, otherwise, token.line, token.column)

    def typeof_when(self, children: list[Any]) -> n.TypeofWhen:
        name = children[1]
        return n.TypeofWhen(str(name), name.line, name.column, tuple(children[3:]))

    def typeof_else(self, children: list[Any]) -> tuple[n.FieldRef, ...]:
        return tuple(children[1:])

    def alias(self, children: list[Token]) -> str:
        return str(children[0])

    def function_call(self, children: list[Any]) -> n.FunctionCall:
        name, arg = children
        return n.FunctionCall(str(name), arg, name.line, name.column)

    def from_clause(self, children: list[Token]) -> Token:
        return children[1]

    def field_path(self, children: list[Token]) -> n.FieldRef:
        return n.FieldRef(tuple(str(t) for t in children), children[0].line, children[0].column)

    # --- conditions ------------------------------------------------------------------------------
    def where_clause(self, children: list[Any]) -> tuple[str, n.Condition]:
        return "where", children[1]

    def with_clause(self, children: list[Any]) -> tuple[str, str]:
        token = children[1]
        mode = str(token).upper()
        if mode not in WITH_MODES:
            raise self._error(token, f"unexpected token: '{token}'")
        return "with_mode", mode

    def having_clause(self, children: list[Any]) -> tuple[str, n.Condition]:
        return "having", children[1]

    def and_cond(self, children: list[Any]) -> n.And:
        return n.And(tuple(c for c in children if not (isinstance(c, Token) and c.type in _AND_OR)))

    def or_cond(self, children: list[Any]) -> n.Or:
        return n.Or(tuple(c for c in children if not (isinstance(c, Token) and c.type in _AND_OR)))

    def not_cond(self, children: list[Any]) -> n.Not:
        return n.Not(children[1])

    def compare(self, children: list[Any]) -> n.Compare:
        left, op, value = children
        return n.Compare(left, "!=" if op == "<>" else str(op), value)

    def like(self, children: list[Any]) -> n.Like:
        return n.Like(children[0], children[2])

    def in_list(self, children: list[Any]) -> n.InList:
        return n.InList(children[0], tuple(children[2:]), negated=False)

    def not_in_list(self, children: list[Any]) -> n.InList:
        return n.InList(children[0], tuple(children[3:]), negated=True)

    def in_query(self, children: list[Any]) -> n.InQuery:
        token = children[1]
        return n.InQuery(children[0], children[2], False, token.line, token.column)

    def not_in_query(self, children: list[Any]) -> n.InQuery:
        token = children[1]
        return n.InQuery(children[0], children[3], True, token.line, token.column)

    def value(self, children: list[Token]) -> n.Value:
        token = children[0]
        raw = str(token)
        where = (token.line, token.column)
        if token.type == "STRING":
            return n.Value("string", raw, *where)
        if token.type == "NUMBER":
            return n.Value("number", raw, *where)
        if token.type == "CURRENCY":
            return n.Value("currency", raw, *where)
        if token.type in ("DATE", "DATETIME"):
            try:
                (parse_date if token.type == "DATE" else parse_datetime)(raw)
            except LiteralError as exc:
                raise self._error(token, str(exc)) from None
            return n.Value(token.type.lower(), raw, *where)
        word = raw.upper()
        if word in ("TRUE", "FALSE"):
            return n.Value("boolean", word.lower(), *where)
        if word == "NULL":
            return n.Value("null", "null", *where)
        name, _, count = word.partition(":")
        if count and name in PARAMETERIZED_DATE_LITERALS:
            return n.Value("date_literal", raw, *where, literal_name=name, literal_n=int(count))
        if not count and name in DATE_LITERALS:
            return n.Value("date_literal", raw, *where, literal_name=name)
        if name in PARAMETERIZED_DATE_LITERALS or name in DATE_LITERALS:
            raise self._error(token, f"Invalid date literal: {raw}")
        raise self._error(token, f"unexpected token: '{raw}'")

    # --- grouping, ordering, paging ------------------------------------------------------------
    def group_by_clause(self, children: list[Any]) -> tuple[str, tuple[n.FieldRef | n.FunctionCall, ...]]:
        return "group_by", tuple(c for c in children[2:])

    def order_by_clause(self, children: list[Any]) -> tuple[str, tuple[n.OrderItem, ...]]:
        return "order_by", tuple(children[2:])

    def order_item(self, children: list[Any]) -> n.OrderItem:
        operand = children[0]
        kinds = {t.type for t in children[1:] if isinstance(t, Token)}
        descending = "DESC" in kinds
        nulls_first = True if "FIRST" in kinds else False if "LAST" in kinds else None
        return n.OrderItem(operand, descending, nulls_first)

    def limit_clause(self, children: list[Token]) -> tuple[str, int]:
        return "limit", int(children[1])

    def offset_clause(self, children: list[Token]) -> tuple[str, int]:
        return "offset", int(children[1])


def _unexpected(soql: str, exc: UnexpectedInput) -> SoqlError:
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        text = "<EOF>" if token.type == "$END" else str(token)
        line = token.line if token.type != "$END" else None
        column = token.column if token.type != "$END" else None
        if line is None:
            lines = soql.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        return SoqlError("MALFORMED_QUERY", located(soql, line, column, f"unexpected token: '{text}'"))
    if isinstance(exc, UnexpectedCharacters):
        char = soql[exc.pos_in_stream] if exc.pos_in_stream < len(soql) else "<EOF>"
        if char == "'":
            message = f"line {exc.line}:{exc.column - 1} no viable alternative at character '''"
            return SoqlError("MALFORMED_QUERY", located(soql, exc.line, exc.column, message))
        return SoqlError("MALFORMED_QUERY", located(soql, exc.line, exc.column, f"unexpected token: '{char}'"))
    return SoqlError("MALFORMED_QUERY", "unexpected token: '<EOF>'")  # pragma: no cover


@lru_cache(maxsize=512)
def parse(soql: str) -> n.Query:
    """The syntax tree of ``soql``; raises :class:`SoqlError` (MALFORMED_QUERY) when it is not SOQL we read."""
    if not soql or not soql.strip():
        raise SoqlError("MALFORMED_QUERY", "unexpected token: '<EOF>'")
    try:
        tree = _PARSER.parse(soql)
    except UnexpectedInput as exc:
        raise _unexpected(soql, exc) from None
    try:
        return _Build(soql).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, SoqlError):
            raise exc.orig_exc from None
        raise
