"""Reading case files: every malformed file is refused with one sentence, bounded in time and memory.

One regression test per class of bad input a hostile tester found (special files, size, encodings, hostile
JSON, wrong types in the envelope, the records and the Stripe objects), plus the atomicity of a refused load.
The property-based test that mutates the example case at random is ``test_cases_properties.py``.
"""

from __future__ import annotations

import codecs
import json
import os
import socket
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from repo_paths import EXAMPLE_CASE

from toolkit import connect
from toolkit.cli.main import main
from toolkit.core.ids import to_18
from toolkit.errors import CaseFileError
from toolkit.sandbox import Sandbox
from toolkit.sandbox import cases as cases_module
from toolkit.sandbox.cases import CASE_MAX_MB, CASE_MAX_MB_ENV, MAX_DEPTH, case_size_limit, read_case

PI_ID = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
CH_ID = "ch_3QnysWH7Oztf1TICzFD2Ou3q"
PA_ID = "0XcHxM130000001KBA"
OS_ID = "1OsHxK0E0000001KFA"
TEXT = EXAMPLE_CASE.read_text(encoding="utf-8")


def _example() -> dict[str, Any]:
    return json.loads(TEXT)


def _refused(case: Any, *needles: str) -> str:
    """Loading ``case`` raises one CaseFileError sentence containing every needle; returns the message."""
    with pytest.raises(CaseFileError) as info:
        Sandbox.from_case(case)
    message = str(info.value)
    assert "\n" not in message and message.endswith("."), message
    assert len(message) < 400, message
    for needle in needles:
        assert needle in message, message
    return message


def _write(tmp_path: Path, data: bytes, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- files that are not regular files, and the size limit ---------------------------------------------------

def test_dev_zero_is_refused_before_reading() -> None:
    _refused("/dev/zero", "/dev/zero", "character device", "not a regular file")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, str(tmp_path), "a directory")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    _refused(fifo, "named pipe")  # opening it to read would wait for a writer forever


def test_a_socket_is_refused() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # a short path: AF_UNIX paths are limited to ~100 bytes
        path = Path(folder) / "case.sock"
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(str(path))
            _refused(path, "socket")
        finally:
            server.close()


def test_a_missing_file_and_a_nul_in_the_path_are_refused(tmp_path: Path) -> None:
    _refused(tmp_path / "missing.json", "does not exist")
    _refused(str(tmp_path / "a\0b.json"), "NUL")


def test_a_case_that_is_neither_a_path_nor_a_dict_is_refused() -> None:
    _refused(5, "int")
    with pytest.raises(CaseFileError, match="list"):
        connect(case=[_example()])  # type: ignore[arg-type]


def test_the_size_limit_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert case_size_limit() == CASE_MAX_MB * 1024 * 1024
    path = _write(tmp_path, TEXT.encode())
    monkeypatch.setenv(CASE_MAX_MB_ENV, "0.001")  # 1,048 bytes; the example is about 16 kB
    read: list[int] = []

    def recording_read(fd: int, size: int) -> bytes:
        read.append(size)
        return b""

    monkeypatch.setattr(cases_module, "_read_chunk", recording_read)
    _refused(path, "more than the 1048 bytes limit", CASE_MAX_MB_ENV)
    assert not read


def test_the_read_is_bounded_even_when_stat_lies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CASE_MAX_MB_ENV, "1")
    monkeypatch.setattr(cases_module, "_check_regular", lambda *args: None)  # stat says: a small regular file
    got: list[int] = []

    def counting_read(fd: int, size: int) -> bytes:
        chunk = os.read(fd, size)
        got.append(len(chunk))
        return chunk

    monkeypatch.setattr(cases_module, "_read_chunk", counting_read)
    _refused("/dev/zero", "grew past the 1 MiB limit")
    assert sum(got) == 1024 * 1024 + 1


@pytest.mark.parametrize("value", ["lots", "0", "-3", "nan", "inf"])
def test_a_bad_size_limit_setting_is_one_sentence(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CASE_MAX_MB_ENV, value)
    _refused(_write(tmp_path, TEXT.encode()), CASE_MAX_MB_ENV, "positive number")


def test_a_raised_size_limit_reads_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CASE_MAX_MB_ENV, "1024")
    assert Sandbox.from_case(_write(tmp_path, TEXT.encode())).stripe.get(PI_ID) is not None


# --- encodings ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "bom"), [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_utf8_with_or_without_bom_and_utf16_with_bom_are_read(encoding: str, bom: bytes, tmp_path: Path) -> None:
    case = _example()
    case["title"] = "Autorisation expirée — 期限切れ 🕐"
    path = _write(tmp_path, bom + json.dumps(case, ensure_ascii=False).encode(encoding))
    assert read_case(path)["title"] == case["title"]
    assert Sandbox.from_case(path).stripe.get(PI_ID) is not None


def test_utf32_and_utf16_without_bom_are_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path, codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le")), "UTF-32", "UTF-8")
    _refused(_write(tmp_path, TEXT.encode("utf-16-le")), "NUL bytes", "UTF-8")


def test_undecodable_bytes_are_refused_naming_the_offset(tmp_path: Path) -> None:
    raw = TEXT.encode()
    offset = raw.index(b"Authorization expired")
    _refused(_write(tmp_path, raw[:offset] + b"\xff\xfe" + raw[offset:]), "not valid UTF-8", f"offset {offset}",
             "ff")
    latin1 = TEXT.replace("Authorization expired", "Autorisation expirée").encode("latin-1")
    e_acute = latin1.index("é".encode("latin-1"))
    _refused(_write(tmp_path, latin1), "not valid UTF-8", f"offset {e_acute}")
    _refused(_write(tmp_path, codecs.BOM_UTF8 + raw[:offset] + b"\xc3"), "not valid UTF-8", f"offset {offset + 3}")
    odd = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le") + b"\x00"
    _refused(_write(tmp_path, odd), "not valid UTF-16 (little-endian)", f"offset {len(odd) - 1}")
    surrogate = codecs.BOM_UTF16_BE + b"\x00{\xdc\x00\x00}"
    _refused(_write(tmp_path, surrogate), "not valid UTF-16 (big-endian)", "offset 4")


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path, b""), "is empty")
    _refused(_write(tmp_path, b" \n\t"), "is empty")
    _refused(_write(tmp_path, codecs.BOM_UTF8), "is empty")


# --- hostile JSON -------------------------------------------------------------------------------------------

def test_deep_nesting_in_a_file_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path, b"[" * 100_000 + b"]" * 100_000), "too deeply")
    deep = TEXT.replace('"title": "Authorization expired before Order Management captured it"',
                        '"title": ' + "[" * 70 + "]" * 70)
    _refused(_write(tmp_path, deep.encode()), f"deeper than {MAX_DEPTH} levels", "title[0][0]")
    _refused(_write(tmp_path, b'{"case_format": 1, "x": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b"}"),
             "too deeply")


def test_deep_nesting_in_a_dict_is_refused() -> None:
    case = _example()
    value: Any = "bottom"
    for _ in range(100_000):
        value = {"a": value}
    case["stripe"]["objects"][0]["metadata"] = value
    _refused(case, f"deeper than {MAX_DEPTH} levels", "stripe.objects[0].metadata.a.a")


def test_a_5000_digit_number_is_refused(tmp_path: Path) -> None:
    text = TEXT.replace('"amount": 12900', '"amount": ' + "9" * 5000, 1)
    line = text[:text.index("9" * 5000)].count("\n") + 1
    _refused(_write(tmp_path, text.encode()), "number too long", f"line {line}")
    case = _example()
    case["stripe"]["objects"][0]["amount"] = 10**5000
    _refused(case, "5001 digits", "stripe.objects[0].amount", "64-bit")
    case["stripe"]["objects"][0]["amount"] = 2**63
    _refused(case, "64-bit")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_refused(literal: str, tmp_path: Path) -> None:
    text = TEXT.replace('"GrandTotalAmount": 129.0', f'"GrandTotalAmount": {literal}')
    _refused(_write(tmp_path, text.encode()), literal, "number or null")


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1" * 400 + ".5"])
def test_numbers_that_overflow_to_infinity_are_refused(number: str, tmp_path: Path) -> None:
    text = TEXT.replace('"GrandTotalAmount": 129.0', f'"GrandTotalAmount": {number}')
    _refused(_write(tmp_path, text.encode()), "inf", "salesforce.records.OrderSummary[0].GrandTotalAmount")


def test_nan_and_infinity_in_a_dict_are_refused() -> None:
    for value in (float("nan"), float("inf")):
        case = _example()
        case["salesforce"]["records"]["OrderSummary"][0]["GrandTotalAmount"] = value
        _refused(case, "GrandTotalAmount", "finite")


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    text = TEXT.replace('"GrandTotalAmount": 129.0,', '"GrandTotalAmount": 129.0, "GrandTotalAmount": 1.0,')
    _refused(_write(tmp_path, text.encode()), "'GrandTotalAmount' twice", OS_ID)
    text = TEXT.replace('"case_format": 1,', '"case_format": 1, "case_format": 1,')
    _refused(_write(tmp_path, text.encode()), "'case_format' twice")


def test_lone_surrogates_are_refused(tmp_path: Path) -> None:
    text = TEXT.replace('"Sam Shopper"', '"Sam \\ud800 Shopper"', 1)
    _refused(_write(tmp_path, text.encode()), "unpaired surrogate", "FullName")
    case = _example()
    case["stripe"]["objects"][0]["metadata"]["\udfff"] = "x"
    _refused(case, "unpaired surrogate", "stripe.objects[0].metadata")


def test_control_characters_and_unicode_in_strings_are_kept(tmp_path: Path) -> None:
    case = _example()
    case["salesforce"]["records"]["PaymentGatewayLog"][0]["GatewayMessage"] = "tab\tnul\x00 bell\x07 ünï 🕐"
    case["stripe"]["objects"][0]["metadata"]["note"] = "\x1b[31mred\u2028line"
    for given in (case, _write(tmp_path, json.dumps(case).encode())):
        box = Sandbox.from_case(given)
        assert box.stripe.get(PI_ID)["metadata"]["note"] == "\x1b[31mred\u2028line"


@pytest.mark.parametrize(("value", "needle"), [
    ((1, 2), "tuple"), ({1, 2}, "set"), (Decimal("1.5"), "Decimal"), (datetime(2026, 1, 1, tzinfo=UTC), "datetime"),
    (b"bytes", "bytes"), (object(), "object"),
])
def test_values_json_cannot_hold_are_refused_in_a_dict(value: Any, needle: str) -> None:
    case = _example()
    case["stripe"]["objects"][0]["metadata"]["order_id"] = value
    _refused(case, needle, "stripe.objects[0].metadata.order_id", "JSON values")


def test_keys_that_are_not_strings_are_refused_in_a_dict() -> None:
    case = _example()
    case["salesforce"]["records"]["OrderSummary"][0][7] = "x"
    _refused(case, "key 7", "salesforce.records.OrderSummary[0]", "strings")


# --- the envelope -------------------------------------------------------------------------------------------

ENVELOPE: list[tuple[str, Callable[[dict[str, Any]], None], list[str]]] = [
    ("now is a list", lambda c: c.__setitem__("now", []), ["'now'", "a list", "ISO 8601"]),
    ("now is not a date", lambda c: c.__setitem__("now", "not a date"), ["'now'", "'not a date'", "ISO 8601"]),
    ("now is a number", lambda c: c.__setitem__("now", 1795014001), ["'now'", "a number"]),
    ("now is a boolean", lambda c: c.__setitem__("now", True), ["'now'", "a boolean"]),
    ("now is an object", lambda c: c.__setitem__("now", {"at": 1}), ["'now'", "an object"]),
    ("now in year 9999", lambda c: c.__setitem__("now", "9999-12-31T23:59:59Z"), ["'now'", "1970 to 4000"]),
    ("now overflows with its offset", lambda c: c.__setitem__("now", "9999-12-31T23:59:59-05:00"), ["'now'"]),
    ("now before 1970", lambda c: c.__setitem__("now", "1960-01-01T00:00:00Z"), ["'now'", "1970 to 4000"]),
    ("case_format true", lambda c: c.__setitem__("case_format", True), ["case_format True", "case_format 1 only"]),
    ("case_format 1.0", lambda c: c.__setitem__("case_format", 1.0), ["case_format 1.0"]),
    ("case_format string", lambda c: c.__setitem__("case_format", "1"), ["case_format '1'"]),
    ("case_format missing", lambda c: c.pop("case_format"), ["case_format None"]),
    ("title not a string", lambda c: c.__setitem__("title", ["x"]), ["'title'", "string"]),
    ("description not a string", lambda c: c.__setitem__("description", 5), ["'description'", "string"]),
    ("unknown top-level key", lambda c: c.__setitem__("extra" * 100, 1), ["unknown top-level key", "..."]),
    ("salesforce is a list", lambda c: c.__setitem__("salesforce", []), ["'salesforce'", "JSON object"]),
    ("stripe is null", lambda c: c.__setitem__("stripe", None), ["'stripe'", "null"]),
    ("records is a list", lambda c: c["salesforce"].__setitem__("records", [1]), ["salesforce.records", "a list"]),
    ("records is a string", lambda c: c["salesforce"].__setitem__("records", "x"), ["salesforce.records", "string"]),
    ("records is an empty list", lambda c: c["salesforce"].__setitem__("records", []), ["salesforce.records", "list"]),
    ("objects is an empty object", lambda c: c["stripe"].__setitem__("objects", {}), ["stripe.objects", "object"]),
    ("unknown salesforce key", lambda c: c["salesforce"].__setitem__("objects", {}), ["salesforce", "'objects'"]),
    ("objects is an object", lambda c: c["stripe"].__setitem__("objects", {"a": 1}), ["stripe.objects", "object"]),
    ("livemode is a string", lambda c: c["stripe"].__setitem__("livemode", "false"), ["stripe.livemode", "string"]),
    ("unknown stripe key", lambda c: c["stripe"].__setitem__("account", "acct_1"), ["stripe", "'account'"]),
]


@pytest.mark.parametrize(("edit", "needles"), [pytest.param(e, n, id=label) for label, e, n in ENVELOPE])
def test_wrong_envelope_values_are_one_sentence(edit: Callable[[dict[str, Any]], None], needles: list[str],
                                                tmp_path: Path) -> None:
    case = _example()
    edit(case)
    _refused(case, *needles)
    _refused(_write(tmp_path, json.dumps(case).encode()), *needles)


def test_a_file_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    for text in (b"[]", b"5", b'"case"', b"null"):
        _refused(_write(tmp_path, text), "must be a JSON object")


def test_timestamps_out_of_range_are_ignored_when_deriving_now() -> None:
    case = _example()
    del case["now"]
    case["stripe"]["objects"][0]["metadata"]["note"] = "9999-12-31T23:59:59Z"
    assert Sandbox.from_case(case).clock.now().isoformat() == "2026-11-19T15:01:00+00:00"


# --- Salesforce records -------------------------------------------------------------------------------------

def _record(case: dict[str, Any], name: str) -> dict[str, Any]:
    return case["salesforce"]["records"][name][0]


RECORDS: list[tuple[str, str, str, Any, list[str]]] = [
    ("record is a number", "PaymentAuthorization", "", 5, ["PaymentAuthorization record #0", "a number"]),
    ("record is a list", "PaymentAuthorization", "", [], ["PaymentAuthorization record #0", "a list"]),
    ("Id is a number", "PaymentAuthorization", "Id", 5, ["PaymentAuthorization record #0", "Id 5"]),
    ("Amount is a boolean", "PaymentAuthorization", "Amount", True, [PA_ID, "Amount", "True", "a number"]),
    ("Amount is an object", "PaymentAuthorization", "Amount", {"value": 1}, [PA_ID, "Amount", "an object"]),
    ("Amount is huge", "PaymentAuthorization", "Amount", 1e20, [PA_ID, "Amount", "16 digits"]),
    ("Amount is a huge integer", "PaymentAuthorization", "Amount", 10**17, [PA_ID, "Amount", "16 digits"]),
    ("Status is a number", "PaymentAuthorization", "Status", 3, [PA_ID, "Status", "a string"]),
    ("text is a list", "PaymentAuthorization", "GatewayRefNumber", ["pi"], [PA_ID, "GatewayRefNumber", "a list"]),
    ("lookup is a number", "PaymentAuthorization", "OrderPaymentSummaryId", 7, [PA_ID, "OrderPaymentSummaryId"]),
    ("lookup malformed", "PaymentAuthorization", "OrderPaymentSummaryId", "x" * 500,
     [PA_ID, "OrderPaymentSummaryId", "500 characters", "Salesforce id"]),
    ("datetime year 9999", "PaymentAuthorization", "ExpirationDate", "9999-12-31T00:00:00Z",
     [PA_ID, "ExpirationDate", "1700-01-01 to 4000-12-31"]),
    ("datetime overflows with its offset", "PaymentAuthorization", "ExpirationDate", "9999-12-31T23:00:00-05:00",
     [PA_ID, "ExpirationDate", "1700-01-01 to 4000-12-31"]),
    ("datetime year 1", "PaymentAuthorization", "CreatedDate", "0001-01-01T00:00:00Z",
     [PA_ID, "CreatedDate", "1700-01-01"]),
    ("datetime underflows with its offset", "PaymentAuthorization", "CreatedDate", "0001-01-01T00:00:00+05:00",
     [PA_ID, "CreatedDate"]),
    ("datetime is a number", "PaymentAuthorization", "CreatedDate", 1794409200, [PA_ID, "CreatedDate", "a date-time"]),
    ("boolean is a string", "PaymentGatewayLog", "IsDeleted", "false", ["IsDeleted", "true or false"]),
    ("unknown field with a huge name", "OrderSummary", "F" * 5000, 1, [OS_ID, "does not exist", "..."]),
    ("picklist with a huge value", "PaymentAuthorization", "Status", "Q" * 100_000, [PA_ID, "Status", "characters"]),
]


@pytest.mark.parametrize(("name", "field", "value", "needles"),
                         [pytest.param(n, f, v, s, id=label) for label, n, f, v, s in RECORDS])
def test_wrong_record_values_are_one_sentence(name: str, field: str, value: Any, needles: list[str]) -> None:
    case = _example()
    if field:
        _record(case, name)[field] = value
    else:
        case["salesforce"]["records"][name][0] = value
    _refused(case, *needles)


def test_an_int_field_out_of_range_is_refused() -> None:
    case = _example()
    case["salesforce"]["records"]["CardPaymentMethod"] = [{
        "Id": to_18("03OHxK0E0000001"), "CreatedDate": "2026-11-11T15:02:00.000+0000", "ExpiryYear": 2**40}]
    _refused(case, "CardPaymentMethod", "ExpiryYear", "32-bit")


# --- Stripe objects -----------------------------------------------------------------------------------------

def _stripe(case: dict[str, Any], object_id: str) -> dict[str, Any]:
    return next(o for o in case["stripe"]["objects"] if o["id"] == object_id)


STRIPE: list[tuple[str, str, str, Any, list[str]]] = [
    ("amount is a float", PI_ID, "amount", 129.0, [PI_ID, "amount", "129.0", "whole number"]),
    ("amount is a string", PI_ID, "amount", "12900", [PI_ID, "amount", "'12900'"]),
    ("amount is a boolean", PI_ID, "amount", True, [PI_ID, "amount", "True"]),
    ("amount is negative", PI_ID, "amount", -1, [PI_ID, "amount", ">= 0"]),
    ("amount_refunded is a list", CH_ID, "amount_refunded", [1], [CH_ID, "amount_refunded", "a list"]),
    ("created in year 9999", PI_ID, "created", 253402300799, [PI_ID, "created", "year 4000"]),
    ("created negative", PI_ID, "created", -86400 * 365 * 100, [PI_ID, "created", "between 0"]),
    ("created is a date string", PI_ID, "created", "2026-11-11T15:00:00Z", [PI_ID, "created", "Unix seconds"]),
    ("canceled_at far future", PI_ID, "canceled_at", 10**15, [PI_ID, "canceled_at"]),
    ("currency is a number", PI_ID, "currency", 840, [PI_ID, "currency", "840"]),
    ("currency is not a code", PI_ID, "currency", "dollars", [PI_ID, "currency", "three-letter"]),
    ("status is a list", PI_ID, "status", ["canceled"], [PI_ID, "status", "a string"]),
    ("latest_charge is a list", PI_ID, "latest_charge", [CH_ID], [PI_ID, "latest_charge", "id"]),
    ("latest_charge is expanded", PI_ID, "latest_charge", {"id": CH_ID}, [PI_ID, "latest_charge", "expanded"]),
    ("payment_method is an object", PI_ID, "payment_method", {"id": "pm_1"}, [PI_ID, "payment_method"]),
    ("metadata is a list", PI_ID, "metadata", ["order_id"], [PI_ID, "metadata", "object of string values"]),
    ("metadata value is a number", PI_ID, "metadata", {"order_id": 1042}, [PI_ID, "metadata", "1042", "'order_id'"]),
    ("livemode is a string", PI_ID, "livemode", "false", [PI_ID, "livemode", "true or false"]),
    ("captured is a string", CH_ID, "captured", "no", [CH_ID, "captured", "true or false"]),
    ("payment_method_details is a list", CH_ID, "payment_method_details", [], [CH_ID, "payment_method_details"]),
    ("payment_method_types is an object", PI_ID, "payment_method_types", {}, [PI_ID, "payment_method_types"]),
    ("last_payment_error is a string", PI_ID, "last_payment_error", "declined", [PI_ID, "last_payment_error"]),
    ("id with spaces", PI_ID, "id", "pi 1", ["stripe.objects[0]", "'pi 1'", "letters, digits"]),
    ("id is a number", PI_ID, "id", 5, ["stripe.objects[0]", "id 5"]),
    ("object type is a list", PI_ID, "object", ["charge"], ["stripe.objects[0]", "object type a list"]),
]


@pytest.mark.parametrize(("object_id", "field", "value", "needles"),
                         [pytest.param(o, f, v, s, id=label) for label, o, f, v, s in STRIPE])
def test_wrong_stripe_values_are_one_sentence(object_id: str, field: str, value: Any, needles: list[str]) -> None:
    case = _example()
    _stripe(case, object_id)[field] = value
    _refused(case, *needles)


def test_a_stripe_object_that_is_not_an_object_is_refused() -> None:
    case = _example()
    case["stripe"]["objects"].append("pi_1")
    _refused(case, "stripe.objects[", "'pi_1'", "not a JSON object")


def test_nested_stripe_fields_are_typed() -> None:
    case = _example()
    _stripe(case, CH_ID)["payment_method_details"] = {"type": "card", "card": {"capture_before": "soon"}}
    _refused(case, CH_ID, "payment_method_details.card.capture_before", "'soon'")
    case = _example()
    _stripe(case, CH_ID)["payment_method_details"] = {"type": "card", "card": {"capture_before": 10**13}}
    _refused(case, CH_ID, "payment_method_details.card.capture_before", "year 4000")
    case = _example()
    _stripe(case, CH_ID)["payment_method_details"] = {"type": "card", "card": ["visa"]}
    _refused(case, CH_ID, "payment_method_details.card", "an object")
    case = _example()
    _stripe(case, PI_ID)["last_payment_error"] = {"code": 402}
    _refused(case, PI_ID, "last_payment_error.code", "a string")


def test_event_snapshots_are_typed() -> None:
    case = _example()
    event = next(o for o in case["stripe"]["objects"] if o["object"] == "event")
    event["data"]["object"]["amount"] = "a lot"
    _refused(case, event["id"], "data.object.amount")
    case = _example()
    event = next(o for o in case["stripe"]["objects"] if o["object"] == "event")
    event["data"]["object"]["id"] = {"id": "pi_1"}
    _refused(case, event["id"], "data.object.id")
    case = _example()
    event = next(o for o in case["stripe"]["objects"] if o["object"] == "event")
    event["data"]["previous_attributes"] = "status"
    _refused(case, event["id"], "data.previous_attributes")


# --- a refused case changes nothing; the command line -------------------------------------------------------

def test_a_refused_case_leaves_the_sandbox_as_it_was() -> None:
    box = Sandbox.from_case(EXAMPLE_CASE)
    records, objects, now = box.org.dump_records(), box.stripe.dump_objects(), box.clock.now()
    other = _example()
    other["now"] = "2027-01-01T00:00:00Z"
    other["salesforce"]["records"]["OrderSummary"][0]["OrderNumber"] = "99999999"
    _stripe(other, PI_ID)["amount"] = "bad"  # the Stripe half is refused after the Salesforce half passed
    with pytest.raises(CaseFileError):
        box.load_case(other)
    assert box.org.dump_records() == records and box.stripe.dump_objects() == objects and box.clock.now() == now


def test_the_command_line_refuses_dev_zero_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", PI_ID, "--case", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "character device" in err and "Traceback" not in err



def test_shared_and_circular_references_in_a_dict_are_refused() -> None:
    case = _example()
    case["stripe"]["objects"][0]["metadata"] = case["stripe"]["objects"][1]["metadata"]
    _refused(case, "shared or circular", "metadata")
    case = _example()
    case["stripe"]["objects"][0]["metadata"]["self"] = case["stripe"]["objects"][0]
    _refused(case, "shared or circular", "stripe.objects[0].metadata.self")
    layer: list[Any] = ["leaf"]
    for _ in range(40):  # 2**40 paths through 40 lists: a walk that followed them all would never end
        layer = [layer, layer]
    case = _example()
    case["description"] = layer
    _refused(case, "shared or circular")
