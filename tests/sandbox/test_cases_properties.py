"""Property: a case file mutated at random either loads or is refused with CaseFileError, never anything else.

Hypothesis takes the example case (``tests/data/cases/expired-authorization.json``) and applies one to three
structural mutations: a value at a random JSON path replaced by a random JSON value (often of another type),
a key deleted, an unknown key inserted, a value nested deeply, a huge number, NaN or Infinity, strings with
control characters, unicode and unpaired surrogates. The mutated case is loaded both as a dict
(``connect(case=...)``) and as a file written in UTF-8, UTF-8 with a BOM or UTF-16, sometimes with one byte
flipped.
"""

from __future__ import annotations

import codecs
import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from repo_paths import EXAMPLE_CASE

from toolkit import connect
from toolkit.errors import CaseFileError
from toolkit.sandbox import Sandbox

BASE: dict[str, Any] = json.loads(EXAMPLE_CASE.read_text(encoding="utf-8"))
#: Written into the file text in place of the sentinel strings: values json.dumps cannot write.
RAW_LITERALS = {"\x00HUGE\x00": "9" * 5000, "\x00NAN\x00": "NaN", "\x00INF\x00": "-Infinity",
                "\x00BIGFLOAT\x00": "1e999"}

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**63, -(2**63) - 1, 1794409200, 253402300800, -62135596800]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=5),
    st.sampled_from(["", "\ud800", "a\udfffb", "🕐 ünï", "\u2028", "2026-11-20T15:00:00Z", "9999-12-31T23:59:59Z",
                     "0001-01-01T00:00:00+05:00", "usd", "USD", "canceled", "requires_capture", "charge", "event",
                     "pi_3Q0SM8zJpqHmSKkAdDeUpQyU", "ch_3QnysWH7Oztf1TICzFD2Ou3q", "1OsHxK0E0000001KFA",
                     "0XcHxM130000001KBA", "x" * 300, *RAW_LITERALS]),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=10)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every JSON path in ``value`` (iterative: mutations may nest deeply)."""
    out: list[tuple[Any, ...]] = []
    stack = [(value, path)]
    while stack:
        node, where = stack.pop()
        out.append(where)
        if isinstance(node, dict):
            stack.extend((child, (*where, key)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, (*where, index)) for index, child in enumerate(node))
    return sorted(out, key=lambda p: (len(p) > 0, repr(p)))


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def _nest(value: Any, depth: int, as_list: bool) -> Any:
    for _ in range(depth):
        value = [value] if as_list else {"n": value}
    return value


@st.composite
def mutated_cases(draw: st.DrawFn) -> dict[str, Any]:
    doc: Any = copy.deepcopy(BASE)
    nested = 0  # json.dumps (writing the file) recurses: keep the total nesting well below the recursion limit
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(doc)[1:] or [()]  # the root itself is left to test_cases.py (a file that is not an object)
        path = draw(st.sampled_from(paths))
        operation = draw(st.sampled_from(["replace", "replace", "replace", "delete", "insert", "nest", "literal"]))
        target = _get(doc, path)
        if operation == "replace":
            doc = _set(doc, path, draw(json_values))
        elif operation == "delete" and path:
            parent = _get(doc, path[:-1])
            del parent[path[-1]]
        elif operation == "insert" and isinstance(target, dict | list):
            if isinstance(target, dict):
                target[draw(st.text(max_size=12))] = draw(json_values)
            else:
                target.insert(draw(st.integers(min_value=0, max_value=len(target))), draw(json_values))
        elif operation == "nest" and nested < 300:
            depth = draw(st.sampled_from([2, 10, 63, 64, 65, 100, 300]))
            nested += depth
            doc = _set(doc, path, _nest(target, depth, draw(st.booleans())))
        elif operation == "literal":
            doc = _set(doc, path, draw(st.sampled_from(sorted(RAW_LITERALS))))
    return doc


def _as_dict(doc: Any) -> Any:
    """The value handed to connect(): sentinel strings become the values they stand for."""
    values = {"\x00HUGE\x00": 10**5000, "\x00NAN\x00": math.nan, "\x00INF\x00": -math.inf, "\x00BIGFLOAT\x00": math.inf}
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in list(items):
            if isinstance(value, str) and value in values:
                node[key] = values[value]
            elif isinstance(value, dict | list):
                stack.append(value)
    return values.get(doc, doc) if isinstance(doc, str) else doc


def _as_text(doc: Any) -> str:
    text = json.dumps(doc)
    for sentinel, literal in RAW_LITERALS.items():
        text = text.replace(json.dumps(sentinel), literal)
    return text


def _load(case: Any) -> None:
    """connect(case=...) for a dict or a path; a root mutated into something else goes to the sandbox directly
    (connect() treats None as "no case" and refuses an empty path itself)."""
    try:
        if isinstance(case, dict | Path):
            connect(case=case)
        else:
            Sandbox.from_case(case)
    except CaseFileError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 600, message


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated-cases")


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=mutated_cases(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       flip=st.one_of(st.none(), st.none(), st.none(), st.integers(min_value=0)))
def test_mutated_case_loads_or_is_refused_with_case_file_error(doc: Any, encoding: str, flip: int | None,
                                                                folder: Path) -> None:
    text = _as_text(doc)
    _load(_as_dict(json.loads(json.dumps(doc))))  # a deep copy that cannot exhaust the stack
    raw = bytearray(text.encode("utf-16") if encoding == "utf-16" else
                    (codecs.BOM_UTF8 if encoding == "utf-8-sig" else b"") + text.encode("utf-8"))
    if flip is not None and raw:
        raw[flip % len(raw)] ^= 0xFF
    path = folder / "case.json"
    path.write_bytes(bytes(raw))
    _load(path)
