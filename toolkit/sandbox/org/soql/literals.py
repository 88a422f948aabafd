"""SOQL literals: string escapes, LIKE patterns, numbers, dates, datetimes and relative date literals.

Relative date literals (``TODAY``, ``LAST_N_DAYS:7``...) become half-open ranges ``[start, end)`` of aware datetimes
evaluated on the query's ``now`` in the user's time zone (a case file's ``salesforce.user.TimeZoneSidKey``, GMT by
default): ``TODAY`` for a user in Los Angeles starts at midnight in Los Angeles.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation

from toolkit.core.ids import normalize_id

__all__ = [
    "DATE_LITERALS", "PARAMETERIZED_DATE_LITERALS", "DateRange", "date_literal_range", "format_value",
    "like_regex", "parse_date", "parse_datetime", "parse_id", "parse_number", "unescape",
]

_SIMPLE_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}

#: Date literals without a parameter.
DATE_LITERALS = frozenset({
    "YESTERDAY", "TODAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK", "LAST_MONTH", "THIS_MONTH",
    "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS", "THIS_QUARTER", "LAST_QUARTER", "NEXT_QUARTER", "THIS_YEAR",
    "LAST_YEAR", "NEXT_YEAR",
})
#: Date literals written ``NAME:n``.
PARAMETERIZED_DATE_LITERALS = frozenset({
    "LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "LAST_N_HOURS", "NEXT_N_HOURS", "N_HOURS_AGO",
    "LAST_N_WEEKS", "NEXT_N_WEEKS", "N_WEEKS_AGO", "LAST_N_MONTHS", "NEXT_N_MONTHS", "N_MONTHS_AGO",
    "LAST_N_YEARS", "NEXT_N_YEARS", "N_YEARS_AGO",
})


_ID_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def parse_id(text: str) -> str | None:
    """The 18-character id ``text`` names, or None when it is not an id.

    A 15-character id is case-sensitive. An 18-character id is case-safe, as Salesforce reads it: its last
    three characters (in any case) say which of the first fifteen are upper-case, so ``0a6sb...yaa`` names
    the same record as ``0a6SB...YAA``.
    """
    if len(text) == 15:
        return normalize_id(text)
    if len(text) != 18 or not text.isascii() or not text.isalnum():
        return None
    chars = list(text[:15])
    for block, code in enumerate(text[15:].upper()):
        flags = _ID_SUFFIX.find(code)
        if flags < 0:
            return None
        for bit in range(5):
            i = block * 5 + bit
            if flags >> bit & 1:
                if not chars[i].isalpha():
                    return None
                chars[i] = chars[i].upper()
            else:
                chars[i] = chars[i].lower()
    return normalize_id("".join(chars))


class LiteralError(ValueError):
    """A literal that cannot be read; the caller turns it into a located SoqlError."""


def _characters(raw: str, *, like: bool) -> list[tuple[str, bool]]:
    """The characters of a quoted string token, each with whether it was written escaped."""
    body = raw[1:-1]
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append((ch, False))
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in _SIMPLE_ESCAPES and nxt:
            out.append((_SIMPLE_ESCAPES[nxt], True))
            i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2:i + 6]):
            out.append((chr(int(body[i + 2:i + 6], 16)), True))
            i += 6
        elif like and nxt in ("%", "_"):
            out.append((nxt, True))
            i += 2
        else:
            raise LiteralError(f"Invalid string literal '{body}'. "
                               f"Illegal character sequence '\\{nxt}' in string literal.")
    return out


def unescape(raw: str) -> str:
    """The value of a quoted SOQL string token (``raw`` includes the quotes).

    ``\\%`` and ``\\_`` are errors here (they belong to LIKE patterns), as is any backslash sequence SOQL does
    not define.
    """
    body = raw[1:-1]
    if "\\" not in body:
        return body
    return "".join(ch for ch, _ in _characters(raw, like=False))


def like_regex(raw: str) -> re.Pattern[str]:
    """A compiled, case-insensitive full-match regex for a LIKE pattern token (quotes included)."""
    parts: list[str] = []
    for ch, escaped in _characters(raw, like=True):
        if not escaped and ch == "%":
            parts.append(".*")
        elif not escaped and ch == "_":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def parse_number(raw: str) -> Decimal:
    try:
        return Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the grammar only lets numbers through
        raise LiteralError(f"Invalid number: {raw}") from exc


def parse_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise LiteralError(f"Invalid date: {raw}") from exc


_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):?(\d{2}))$"
)


def parse_datetime(raw: str) -> datetime:
    """An aware UTC datetime from ``2026-11-08T10:12:00Z``, ``...00.000+0000`` or ``...00+01:00``."""
    match = _DATETIME.match(raw)
    if not match:
        raise LiteralError(f"Invalid datetime: {raw}")
    year, month, day, hour, minute, second, fraction, zone, sign, zh, zm = match.groups()
    try:
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        tz = UTC
        if zone != "Z":
            offset = timedelta(hours=int(zh), minutes=int(zm))
            tz = timezone(-offset if sign == "-" else offset)
        value = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)
    except ValueError as exc:
        raise LiteralError(f"Invalid datetime: {raw}") from exc
    return value.astimezone(UTC)


class DateRange:
    """A half-open range ``[start, end)`` of aware datetimes a relative date literal stands for."""

    __slots__ = ("end", "start")

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"DateRange({self.start.isoformat()}, {self.end.isoformat()})"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def date_literal_range(name: str, n: int | None, now: datetime, tz: tzinfo = UTC) -> DateRange:
    """The range of a relative date literal on ``now`` for a user in ``tz`` (weeks start on Sunday, quarters on
    Jan/Apr/Jul/Oct)."""
    now = now.astimezone(tz)
    today = now.date()

    def _days(start: date, end: date) -> DateRange:
        return DateRange(datetime.combine(start, time(), tzinfo=tz), datetime.combine(end, time(), tzinfo=tz))

    week = today - timedelta(days=(today.weekday() + 1) % 7)
    month = today.replace(day=1)
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    year = date(today.year, 1, 1)
    one = timedelta(days=1)
    fixed = {
        "YESTERDAY": (today - one, today),
        "TODAY": (today, today + one),
        "TOMORROW": (today + one, today + 2 * one),
        "LAST_WEEK": (week - 7 * one, week),
        "THIS_WEEK": (week, week + 7 * one),
        "NEXT_WEEK": (week + 7 * one, week + 14 * one),
        "LAST_MONTH": (_add_months(month, -1), month),
        "THIS_MONTH": (month, _add_months(month, 1)),
        "NEXT_MONTH": (_add_months(month, 1), _add_months(month, 2)),
        "LAST_90_DAYS": (today - 90 * one, today + one),
        "NEXT_90_DAYS": (today + one, today + 91 * one),
        "LAST_QUARTER": (_add_months(quarter, -3), quarter),
        "THIS_QUARTER": (quarter, _add_months(quarter, 3)),
        "NEXT_QUARTER": (_add_months(quarter, 3), _add_months(quarter, 6)),
        "LAST_YEAR": (_add_months(year, -12), year),
        "THIS_YEAR": (year, _add_months(year, 12)),
        "NEXT_YEAR": (_add_months(year, 12), _add_months(year, 24)),
    }
    if name in fixed:
        return _days(*fixed[name])
    if n is None:
        raise LiteralError(f"unexpected token: '{name}'")
    hour = now.replace(minute=0, second=0, microsecond=0)
    parameterized = {
        # LAST_N_DAYS:n covers today and the n days before it (LAST_N_DAYS:1 is yesterday and today)
        "LAST_N_DAYS": lambda: _days(today - n * one, today + one),
        "NEXT_N_DAYS": lambda: _days(today + one, today + (n + 1) * one),
        "N_DAYS_AGO": lambda: _days(today - n * one, today - (n - 1) * one),
        # hour literals count whole hours back from (and including) the current hour
        "LAST_N_HOURS": lambda: DateRange(hour - timedelta(hours=n), hour + timedelta(hours=1)),
        "NEXT_N_HOURS": lambda: DateRange(hour + timedelta(hours=1), hour + timedelta(hours=n + 1)),
        "N_HOURS_AGO": lambda: DateRange(hour - timedelta(hours=n), hour - timedelta(hours=n - 1)),
        "LAST_N_WEEKS": lambda: _days(week - 7 * n * one, week),
        "NEXT_N_WEEKS": lambda: _days(week + 7 * one, week + 7 * (n + 1) * one),
        "N_WEEKS_AGO": lambda: _days(week - 7 * n * one, week - 7 * (n - 1) * one),
        "LAST_N_MONTHS": lambda: _days(_add_months(month, -n), month),
        "NEXT_N_MONTHS": lambda: _days(_add_months(month, 1), _add_months(month, n + 1)),
        "N_MONTHS_AGO": lambda: _days(_add_months(month, -n), _add_months(month, -n + 1)),
        "LAST_N_YEARS": lambda: _days(_add_months(year, -12 * n), year),
        "NEXT_N_YEARS": lambda: _days(_add_months(year, 12), _add_months(year, 12 * (n + 1))),
        "N_YEARS_AGO": lambda: _days(_add_months(year, -12 * n), _add_months(year, -12 * (n - 1))),
    }
    if name in parameterized:
        return parameterized[name]()
    raise LiteralError(f"unexpected token: '{name}'")  # pragma: no cover - the parser checks names


def format_datetime(value: datetime) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def format_value(value: object) -> object:
    """A typed store value as Salesforce's JSON writes it."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
