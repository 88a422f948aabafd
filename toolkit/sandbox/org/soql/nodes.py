"""The small syntax tree the parser builds: frozen dataclasses, safe to cache and share between threads."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "And", "Compare", "Condition", "FieldRef", "FunctionCall", "InList", "InQuery", "Like", "Not", "Operand", "Or",
    "OrderItem", "Query", "SelectField", "SelectFunction", "SelectItem", "SelectSubquery", "SelectTypeof",
    "TypeofWhen", "Value",
]


@dataclass(frozen=True)
class FieldRef:
    path: tuple[str, ...]
    line: int
    column: int

    @property
    def text(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class FunctionCall:
    name: str  # as written
    arg: FieldRef | FunctionCall | None  # a call only for convertTimezone() inside a date function
    line: int
    column: int

    @property
    def upper(self) -> str:
        return self.name.upper()

    @property
    def text(self) -> str:
        return f"{self.name}({self.arg.text if self.arg else ''})"


Operand = FieldRef | FunctionCall


@dataclass(frozen=True)
class Value:
    """A literal. ``kind``: string, number, date, datetime, boolean, null, date_literal, currency (``USD100``)."""

    kind: str
    raw: str  # token text (strings keep their quotes and escapes)
    line: int
    column: int
    literal_name: str = ""  # date_literal: upper-cased name without ``:n``
    literal_n: int | None = None


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: str
    value: Value


@dataclass(frozen=True)
class Like:
    left: Operand
    value: Value


@dataclass(frozen=True)
class InList:
    left: Operand
    values: tuple[Value, ...]
    negated: bool


@dataclass(frozen=True)
class InQuery:
    left: Operand
    query: Query
    negated: bool
    line: int
    column: int


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Compare | Like | InList | InQuery | And | Or | Not


@dataclass(frozen=True)
class SelectField:
    ref: FieldRef
    alias: str | None = None


@dataclass(frozen=True)
class SelectFunction:
    call: FunctionCall
    alias: str | None = None


@dataclass(frozen=True)
class SelectSubquery:
    query: Query


@dataclass(frozen=True)
class TypeofWhen:
    object_name: str
    line: int
    column: int
    fields: tuple[FieldRef, ...]


@dataclass(frozen=True)
class SelectTypeof:
    """``TYPEOF ref WHEN Object THEN fields ... [ELSE fields] END``."""

    ref: FieldRef
    whens: tuple[TypeofWhen, ...]
    else_fields: tuple[FieldRef, ...] | None
    line: int
    column: int


SelectItem = SelectField | SelectFunction | SelectSubquery | SelectTypeof


@dataclass(frozen=True)
class OrderItem:
    operand: Operand
    descending: bool
    nulls_first: bool | None  # None: the default (first when ascending, last when descending)


@dataclass(frozen=True)
class Query:
    select: tuple[SelectItem, ...]
    object_name: str
    object_line: int
    object_column: int
    where: Condition | None = None
    group_by: tuple[FieldRef | FunctionCall, ...] = ()
    with_mode: str | None = None  # WITH SECURITY_ENFORCED / USER_MODE / SYSTEM_MODE
    having: Condition | None = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None
    line: int = 1
    column: int = 1
