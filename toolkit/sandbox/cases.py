"""Case files (``docs/case-file.md``): load both halves into a Sandbox, dump them back.

This module reads the file (bounded: regular files only, at most :data:`CASE_MAX_MB` MiB, UTF-8 or UTF-16),
parses its JSON (no NaN or Infinity, no duplicate keys), checks that it holds plain JSON values within the
limits every case file keeps (:func:`check_json_values`), checks the envelope (format, clock, top-level keys)
and delegates each half to its owner: ``CaseRecords`` (``Org.load_records``) and ``check_objects``
(``StripeAccount.load_objects``), which check their own invariants. Every problem is one
:class:`~toolkit.errors.CaseFileError` sentence; everything is checked before the sandbox is touched.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.clock import parse_instant
from toolkit.errors import CaseFileError

if TYPE_CHECKING:
    from toolkit.sandbox.sandbox import Sandbox

__all__ = [
    "CASE_FORMAT",
    "CASE_MAX_MB",
    "CASE_MAX_MB_ENV",
    "MAX_DEPTH",
    "case_size_limit",
    "check_json_values",
    "dump_case",
    "kind_of",
    "load_case",
    "read_case",
    "shown",
]

CASE_FORMAT = 1
#: The largest case file read, in MiB: the generated 10,000-order world is about 174 MiB.
CASE_MAX_MB = 512
#: The environment variable that overrides :data:`CASE_MAX_MB` (a positive number of MiB).
CASE_MAX_MB_ENV = "OMS_TOOLKIT_CASE_MAX_MB"
#: The deepest nesting of objects and lists a case holds (real cases nest about 10 levels).
MAX_DEPTH = 64
#: Integers must fit in 64 bits (Salesforce's and Stripe's widest integers, SQLite's INTEGER).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
#: The window ``now`` must fall in: the Unix epoch to Salesforce's last valid date-time.
NOW_MIN = datetime(1970, 1, 1, tzinfo=UTC)
NOW_MAX = datetime(4000, 12, 31, tzinfo=UTC)

_MIB = 1024 * 1024
_READ_CHUNK = 16 * _MIB
_TOP_KEYS = {"case_format", "title", "description", "now", "salesforce", "stripe"}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")
_LONG_DIGITS = re.compile(r"\d{4000,}")
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))


def shown(value: Any, limit: int = 60) -> str:
    """``value`` for a message: its repr, cut to about ``limit`` characters; containers by their kind only."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"an integer of {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit + 2 else text[:limit] + "..."


def case_size_limit() -> int:
    """The largest case file read, in bytes: :data:`CASE_MAX_MB` MiB, or ``$OMS_TOOLKIT_CASE_MAX_MB`` when set."""
    raw = os.environ.get(CASE_MAX_MB_ENV, "").strip()
    if not raw:
        return CASE_MAX_MB * _MIB
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes > 0):
        raise CaseFileError(f"{CASE_MAX_MB_ENV} is {shown(raw)}, which is not a positive number of MiB; set it to "
                            f"a number such as {CASE_MAX_MB} or unset it.")
    return max(1, int(megabytes * _MIB))


def _limit_text(limit: int) -> str:
    return f"{limit / _MIB:g} MiB" if limit >= _MIB else f"{limit} bytes"


def _read_bytes(path: Path, name: str) -> bytearray:
    """The file's bytes: a regular file only, at most the size limit, read at most limit + 1 bytes."""
    limit = case_size_limit()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CaseFileError(f"Case file {name} does not exist; check the path.") from None
    except ValueError:  # a NUL character in the path
        raise CaseFileError(f"Case file path {name} contains a NUL character; check the path.") from None
    except OSError as exc:
        raise CaseFileError(f"Case file {name} cannot be read ({exc.strerror}); check the path and its "
                            "permissions.") from None
    _check_regular(info, name, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise CaseFileError(f"Case file {name} cannot be read ({exc.strerror}); check its permissions.") from None
    try:
        _check_regular(os.fstat(fd), name, limit)  # the path may have been swapped since os.stat
        buffer = bytearray()
        while len(buffer) <= limit:
            chunk = _read_chunk(fd, min(_READ_CHUNK, limit + 1 - len(buffer)))
            if not chunk:
                break
            buffer += chunk
    except OSError as exc:
        raise CaseFileError(f"Case file {name} cannot be read ({exc.strerror}); check the file.") from None
    finally:
        os.close(fd)
    if len(buffer) > limit:
        raise CaseFileError(f"Case file {name} grew past the {_limit_text(limit)} limit while it was read; load it "
                            "again once it is complete.")
    return buffer


def _read_chunk(fd: int, size: int) -> bytes:
    return os.read(fd, size)


def _check_regular(info: os.stat_result, name: str, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((label for test, label in _FILE_KINDS if test(info.st_mode)), "not a regular file")
        raise CaseFileError(f"Case file {name} is {kind}, not a regular file; give the path of a .json case file.")
    if info.st_size > limit:
        raise CaseFileError(f"Case file {name} is {_limit_text(info.st_size)}, more than the {_limit_text(limit)} "
                            f"limit; split the case or raise {CASE_MAX_MB_ENV}.")


def _decode(raw: bytearray, name: str) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with a BOM; anything else refused naming the byte offset."""
    encoding, skip = "utf-8", 0
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            encoding, skip = codec, len(bom)
            break
    if encoding == "UTF-32":
        raise CaseFileError(f"Case file {name} is UTF-32 (it starts with a UTF-32 byte-order mark); save it as UTF-8.")
    if skip == 0 and raw[:4].count(0):
        raise CaseFileError(f"Case file {name} starts with NUL bytes (UTF-16 or UTF-32 without a byte-order mark?); "
                            "save it as UTF-8.")
    label = {"utf-8": "UTF-8", "utf-16-le": "UTF-16 (little-endian)", "utf-16-be": "UTF-16 (big-endian)"}[encoding]
    try:
        return str(memoryview(raw)[skip:], encoding)
    except UnicodeDecodeError as exc:
        offset = exc.start + skip
        bad = bytes(raw[offset:offset + min(max(exc.end - exc.start, 1), 4)]).hex(" ")
        raise CaseFileError(f"Case file {name} is not valid {label}: the bytes at offset {offset} ({bad}) cannot be "
                            f"decoded ({exc.reason}); save it as UTF-8.") from None


class _Refused(Exception):
    """Raised by the JSON hooks; carries the sentence."""


def _no_constant(literal: str) -> Any:
    raise _Refused(f"holds {literal}, which JSON numbers cannot be; write a number or null instead")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        key = ""
        for key, _ in pairs:
            if key in seen:
                break
            seen.add(key)
        owner = obj.get("Id") or obj.get("id")
        where = f" (in the object with id {shown(owner)})" if isinstance(owner, str) else ""
        raise _Refused(f"has the key {shown(key)} twice in one object{where}; keep only one")
    return obj


def _parse(text: str, name: str) -> Any:
    if not text or text.isspace():
        raise CaseFileError(f"Case file {name} is empty; give a case file (docs/case-file.md).")
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as exc:
        raise CaseFileError(f"Case file {name} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                            f"{exc.msg}); fix the file or capture it again.") from None
    except _Refused as exc:
        raise CaseFileError(f"Case file {name} {exc}.") from None
    except RecursionError:
        raise CaseFileError(f"Case file {name} nests objects and lists too deeply (a case holds at most {MAX_DEPTH} "
                            "levels); fix the file.") from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        found = _LONG_DIGITS.search(text)
        where = ""
        if found:
            line = text.count("\n", 0, found.start()) + 1
            where = f" at line {line}, column {found.start() - text.rfind(chr(10), 0, found.start())}"
        raise CaseFileError(f"Case file {name} holds a number too long to read{where}; integers in a case file have "
                            "at most 19 digits.") from None


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,59}")


def _path_text(path: tuple[Any, ...]) -> str:
    """``stripe.objects[0].metadata['odd key']``: names as they are, other keys quoted and cut short."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        elif _NAME.fullmatch(key):
            out += ("." if out else "") + key
        else:
            out += f"[{shown(key, 30)}]"
    return out or "the top level"


def check_json_values(data: Any, where: str = "the case", *, parsed: bool = False) -> None:
    """Refuse anything a case file cannot hold: non-JSON values (a dict given directly may hold anything), keys
    that are not strings, containers shared between two places (or cycles), nesting deeper than
    :data:`MAX_DEPTH`, integers outside 64 bits, NaN and infinite floats, strings with unpaired surrogates.
    Iterative and linear in the size of the data, so hostile input cannot exhaust the stack or the clock.
    ``parsed``: ``data`` comes from ``json.loads`` (string keys, no shared containers), so those checks are skipped.
    """
    if not isinstance(data, dict | list):
        check_json_values([data], where, parsed=parsed)
        return
    # Each stack entry is (container, depth, parent entry, key): the path is rebuilt only for a message.
    stack: list[tuple[Any, int, Any, Any]] = [(data, 0, None, None)]
    seen = {id(data)}  # parsed JSON never shares a container; a dict built in code might (or even hold a cycle)
    shared = not parsed
    while stack:
        entry = stack.pop()
        node, depth = entry[0], entry[1]
        if depth >= MAX_DEPTH:
            raise CaseFileError(f"{where} nests objects and lists deeper than {MAX_DEPTH} levels (at "
                                f"{_path_text(_entry_path(entry)[:8])}...); fix the file.")
        if type(node) is dict or isinstance(node, dict):
            for key in node:
                if type(key) is not str and not parsed:
                    raise CaseFileError(f"{where} has the key {shown(key)} at {_path_text(_entry_path(entry))}; "
                                        "object keys in a case file are strings.")
                if not key.isascii():
                    _check_text(key, where, _entry_path(entry))
            items: Any = node.items()
        else:
            items = enumerate(node)
        for key, value in items:
            kind = type(value)
            if kind is str:
                if not value.isascii():
                    _check_text(value, where, (*_entry_path(entry), key))
            elif kind is dict or kind is list:
                if shared and id(value) in seen:
                    raise CaseFileError(f"{where} holds the same object or list at "
                                        f"{_path_text((*_entry_path(entry), key))} and at another place (a shared or "
                                        "circular reference); give each place its own copy.")
                if shared:
                    seen.add(id(value))
                stack.append((value, depth + 1, entry, key))
            elif value is None or kind is bool:
                pass
            elif kind is int:
                if not INT_MIN <= value <= INT_MAX:
                    raise CaseFileError(f"{where} holds {shown(value)} at {_path_text((*_entry_path(entry), key))}, "
                                        "outside the 64-bit integers a case file holds; fix the value.")
            elif kind is float:
                if value - value != 0.0:  # inf - inf and nan - nan are nan
                    raise CaseFileError(f"{where} holds {value!r} at {_path_text((*_entry_path(entry), key))}, a "
                                        "number too large (or not a number); write a finite number.")
            else:
                raise CaseFileError(f"{where} holds a Python {kind.__name__} at "
                                    f"{_path_text((*_entry_path(entry), key))}; a case holds only JSON values "
                                    "(objects, lists, strings, numbers, booleans, null).")


def _entry_path(entry: tuple[Any, int, Any, Any]) -> tuple[Any, ...]:
    keys = []
    while entry[2] is not None:
        keys.append(entry[3])
        entry = entry[2]
    return tuple(reversed(keys))


def _check_text(text: str, where: str, path: tuple[Any, ...]) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CaseFileError(f"{where} has a string with an unpaired surrogate ({shown(text[exc.start])}) at "
                            f"{_path_text(path)}; fix the text.") from None


def read_case(case: str | os.PathLike[str] | dict[str, Any]) -> dict[str, Any]:
    """Read a case file (path or already-parsed dict) and check its values and envelope."""
    if isinstance(case, dict):
        data: Any = case
        where = "The case"
    elif isinstance(case, str | os.PathLike):
        path = Path(case)
        name = str(path) if len(str(path)) <= 200 else str(path)[:200] + "..."
        where = f"Case file {name}"
        buffer = _read_bytes(path, name)
        text = _decode(buffer, name)
        del buffer
        data = _parse(text, name)
        del text
    else:
        raise CaseFileError(f"A case must be the path of a case file or a dict holding one, not "
                            f"{type(case).__name__}; pass a path.")
    if not isinstance(data, dict):
        raise CaseFileError(f"{where} must be a JSON object with case_format, salesforce and stripe.")
    check_json_values(data, where, parsed=not isinstance(case, dict))
    fmt = data.get("case_format")
    if type(fmt) is not int or fmt != CASE_FORMAT:
        raise CaseFileError(f"{where} has case_format {shown(fmt)}; this toolkit reads case_format {CASE_FORMAT} only.")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise CaseFileError(f"{where} has unknown top-level key {shown(unknown[0])}; allowed keys are "
                            f"{', '.join(sorted(_TOP_KEYS))}.")
    for key in ("title", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise CaseFileError(f"{where}: {key!r} must be a string, not {kind_of(data[key])}.")
    for key in ("salesforce", "stripe"):
        if key in data and not isinstance(data[key], dict):
            raise CaseFileError(f"{where}: {key!r} must be a JSON object, not {kind_of(data[key])}.")
    return data


def kind_of(value: Any) -> str:
    """What a JSON value is, for a message: ``null``, ``a boolean``, ``a number``, ``a string``, ``a list``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return shown(value)


def case_now(data: dict[str, Any]) -> datetime:
    """The case's clock: ``now``, or the latest timestamp in the file plus one minute."""
    if data.get("now") is not None:
        raw = data["now"]
        example = "an ISO 8601 date-time such as 2026-11-20T15:00:00Z"
        if not isinstance(raw, str):
            raise CaseFileError(f"Case field 'now' is {kind_of(raw)}; it must be {example}.")
        try:
            now = parse_instant(raw)
        except (ValueError, OverflowError):
            raise CaseFileError(f"Case field 'now' ({shown(raw)}) is not {example}.") from None
        if not NOW_MIN <= now <= NOW_MAX:
            raise CaseFileError(f"Case field 'now' ({shown(raw)}) is outside the years 1970 to 4000; give the moment "
                                "the case describes.")
        return now
    latest: datetime | None = None
    stack: list[tuple[Any, str | None]] = [(data.get("salesforce", {}), None), (data.get("stripe", {}), None)]
    while stack:
        value, key = stack.pop()
        candidate: datetime | None = None
        if isinstance(value, dict):
            stack.extend((v, k) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((item, key) for item in value)
        elif (isinstance(value, str) and _ISO_DATETIME.match(value)) or (
                isinstance(value, int) and not isinstance(value, bool) and key in ("created", "canceled_at")):
            candidate = _instant(value)
        if candidate is not None and (latest is None or candidate > latest):
            latest = candidate
    if latest is None:
        raise CaseFileError("The case has no 'now' and no timestamps to derive it from; add \"now\".")
    return latest + timedelta(minutes=1)


def _instant(value: str | int) -> datetime | None:
    """A timestamp for deriving ``now``; malformed or out-of-range ones are ignored here (the halves refuse them)."""
    try:
        moment = parse_instant(value)
    except (ValueError, OverflowError, OSError):
        return None
    return moment if NOW_MIN <= moment <= NOW_MAX else None


def load_case(sandbox: Sandbox, case: str | os.PathLike[str] | dict[str, Any]) -> None:
    """Replace the sandbox's state with the case's, and set its clock to the case's ``now``.

    Everything is checked before the sandbox is touched: a refused case leaves it as it was.
    """
    from toolkit.sandbox.org.schema import CURRENCY_CODES
    from toolkit.sandbox.org.settings import parse_settings
    from toolkit.sandbox.stripe.casefile import check_objects

    data = read_case(case)
    now = case_now(data)
    salesforce = data.get("salesforce") or {}
    unknown = sorted(set(salesforce) - {"records", "user", "currency_types"})
    if unknown:
        raise CaseFileError(f"salesforce has unknown key {shown(unknown[0])}; only 'records', 'user' and "
                            "'currency_types' are allowed.")
    settings = parse_settings(salesforce.get("user"), salesforce.get("currency_types"), codes=CURRENCY_CODES)
    records = salesforce.get("records")
    records = {} if records is None else records
    if not isinstance(records, dict):
        raise CaseFileError(f"salesforce.records is {kind_of(records)}; it must map object API names to lists of "
                            "records.")
    _check_record_currencies(records, settings)
    stripe_part = data.get("stripe") or {}
    unknown = sorted(set(stripe_part) - {"livemode", "objects"})
    if unknown:
        raise CaseFileError(f"stripe has unknown key {shown(unknown[0])}; only 'livemode' and 'objects' are allowed.")
    objects = stripe_part.get("objects")
    objects = [] if objects is None else objects
    if not isinstance(objects, list):
        raise CaseFileError(f"stripe.objects is {kind_of(objects)}; it must be a list of Stripe objects.")
    livemode = stripe_part.get("livemode", False)
    if not isinstance(livemode, bool):
        raise CaseFileError(f"stripe.livemode is {kind_of(livemode)}; it must be true or false.")
    checked = check_objects(objects, livemode=livemode)  # pure: the Stripe half, checked first
    sandbox.org.load_records(records)  # checks every record before it replaces the org's
    sandbox.org.settings = settings
    sandbox.clock.set(now)
    sandbox.stripe.load_checked(checked, livemode=livemode)


def _check_record_currencies(records: dict[str, Any], settings: Any) -> None:
    """In a multi-currency case, every record's CurrencyIsoCode must have a rate in ``salesforce.currency_types``."""
    currencies = settings.currencies
    if currencies is None:
        return
    known = currencies.codes()
    for object_name, items in records.items():
        for index, record in enumerate(items if isinstance(items, list) else []):
            code = record.get("CurrencyIsoCode") if isinstance(record, dict) else None
            if isinstance(code, str) and code not in known:
                raise CaseFileError(f"{object_name} record #{index} has CurrencyIsoCode {code}, which "
                                    "salesforce.currency_types gives no rate for; add a CurrencyType row for it.")


def dump_case(sandbox: Sandbox, *, title: str, description: str | None = None) -> dict[str, Any]:
    """The sandbox's current state as a case file (a dict ready for ``json.dumps``)."""
    data: dict[str, Any] = {"case_format": CASE_FORMAT, "title": title}
    if description:
        data["description"] = description
    data["now"] = sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    data["salesforce"] = {**sandbox.org.settings.to_case(), "records": sandbox.org.dump_records()}
    data["stripe"] = {"livemode": sandbox.stripe.livemode, "objects": sandbox.stripe.dump_objects()}
    return data
