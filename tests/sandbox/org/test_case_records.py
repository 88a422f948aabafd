"""The Salesforce half of case files: validation messages, placeholders, computed rollups, round trip."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from toolkit.core.ids import to_18
from toolkit.errors import CaseFileError
from toolkit.sandbox import Sandbox

OS_ID = "1OsHxK0E0000001KFA"
OPS_ID = "0bMHxQNM0000001MHA"
PA_ID = "0XcHxM130000001KBA"
LOG_ID = "0XtHxG8C0000001KFA"

Edit = Callable[[dict[str, list[dict[str, Any]]]], None]


def _first(records: dict, name: str) -> dict[str, Any]:
    return records[name][0]


def _set(name: str, field: str, value: Any) -> Edit:
    return lambda records: _first(records, name).__setitem__(field, value)


def _drop(name: str, field: str) -> Edit:
    return lambda records: _first(records, name).pop(field)


BAD_FILES: list[tuple[str, Edit, list[str]]] = [
    ("unknown object", lambda r: r.__setitem__("Opportunity", []), ["Opportunity"]),
    ("unknown field", _set("PaymentAuthorization", "Colour", "red"),
     ["PaymentAuthorization", PA_ID, "Colour"]),
    ("wrong field case", _set("PaymentAuthorization", "amount", 1),
     ["PaymentAuthorization", PA_ID, "amount", "Amount"]),
    ("attributes", _set("PaymentGatewayLog", "attributes", {"type": "PaymentGatewayLog"}),
     ["PaymentGatewayLog", LOG_ID, "attributes"]),
    ("missing Id", _drop("OrderSummary", "Id"), ["OrderSummary", "#0", "Id"]),
    ("invalid Id", _set("OrderSummary", "Id", "1OsHxK0E0000001KFZ"), ["OrderSummary", "#0", "Id"]),
    ("prefix", _set("PaymentAuthorization", "Id", to_18("0a6HxM130000001")),
     ["PaymentAuthorization", to_18("0a6HxM130000001"), "Id", "0Xc"]),
    ("missing CreatedDate", _drop("PaymentGatewayLog", "CreatedDate"), ["PaymentGatewayLog", LOG_ID, "CreatedDate"]),
    ("bad datetime", _set("PaymentAuthorization", "ExpirationDate", "2026-11-18 15:00"),
     ["PaymentAuthorization", PA_ID, "ExpirationDate"]),
    ("impossible datetime", _set("PaymentAuthorization", "ExpirationDate", "2026-02-30T15:00:00Z"),
     ["PaymentAuthorization", PA_ID, "ExpirationDate"]),
    ("bad number", _set("PaymentAuthorization", "Amount", "129.00"), ["PaymentAuthorization", PA_ID, "Amount"]),
    ("null required", _set("PaymentAuthorization", "Amount", None), ["PaymentAuthorization", PA_ID, "Amount"]),
    ("missing required", _drop("PaymentAuthorization", "Amount"), ["PaymentAuthorization", PA_ID, "Amount"]),
    ("bad boolean", _set("PaymentGatewayLog", "IsDeleted", "no"), ["PaymentGatewayLog", LOG_ID, "IsDeleted"]),
    ("bad picklist", _set("PaymentAuthorization", "Status", "Expired"),
     ["PaymentAuthorization", PA_ID, "Status", "Expired"]),
    ("bad currency", _set("OrderSummary", "CurrencyIsoCode", "usd"), ["OrderSummary", OS_ID, "CurrencyIsoCode"]),
    ("dangling lookup", _set("PaymentGatewayLog", "ReferencedEntityId", to_18("0a6HxM130000009")),
     ["PaymentGatewayLog", LOG_ID, "ReferencedEntityId", to_18("0a6HxM130000009")]),
    ("lookup to wrong object", _set("PaymentAuthorization", "OrderPaymentSummaryId", OS_ID),
     ["PaymentAuthorization", PA_ID, "OrderPaymentSummaryId", "OrderSummary"]),
    ("placeholder of wrong kind", _set("PaymentAuthorization", "AccountId", to_18("0a6HxM130000009")),
     ["PaymentAuthorization", PA_ID, "AccountId"]),
    ("duplicate Id", lambda r: r["PaymentGatewayLog"].append(copy.deepcopy(r["PaymentGatewayLog"][0])),
     ["PaymentGatewayLog", LOG_ID, "Id"]),
    ("not a list", lambda r: r.__setitem__("Refund", {}), ["Refund"]),
    ("too long", _set("PaymentGatewayLog", "GatewayMessage", "x" * 256),
     ["PaymentGatewayLog", LOG_ID, "GatewayMessage"]),
]


@pytest.mark.parametrize(("edit", "names"), [pytest.param(e, n, id=label) for label, e, n in BAD_FILES])
def test_bad_files_are_refused_with_a_message_naming_object_record_and_field(
        case: dict, edit: Edit, names: list[str]) -> None:
    box = Sandbox.from_case(copy.deepcopy(case))
    before = box.org.dump_records()
    records = case["salesforce"]["records"]
    edit(records)
    with pytest.raises(CaseFileError) as raised:
        box.org.load_records(records)
    message = str(raised.value)
    for name in names:
        assert name in message
    assert message.endswith((".", "?")) and message.count(". ") == 0, message  # one sentence
    assert box.org.dump_records() == before  # a refused file leaves the org untouched


def test_fifteen_character_ids_are_extended(case: dict) -> None:
    records = case["salesforce"]["records"]
    _first(records, "PaymentAuthorization")["Id"] = PA_ID[:15]
    _first(records, "PaymentGatewayLog")["ReferencedEntityId"] = PA_ID[:15]
    box = Sandbox.from_case(case)
    assert box.org.store.get("PaymentAuthorization", PA_ID) is not None
    assert box.org.store.get("PaymentGatewayLog", LOG_ID)["ReferencedEntityId"] == PA_ID


def test_dangling_account_gateway_and_method_get_placeholders(case: dict) -> None:
    account, gateway, method = to_18("001HxAAA0000001"), to_18("0b0HxAAA0000001"), to_18("03OHxAAA0000001")
    records = case["salesforce"]["records"]
    _first(records, "OrderSummary")["AccountId"] = account
    _first(records, "PaymentAuthorization").update(AccountId=account, PaymentGatewayId=gateway,
                                                   PaymentMethodId=method)
    box = Sandbox.from_case(case)
    sf = box.salesforce()
    assert sf.Account.get(account)["Name"].startswith("Placeholder")
    assert sf.PaymentGateway.get(gateway)["PaymentGatewayName"].startswith("Placeholder")
    assert sf.CardPaymentMethod.get(method)["CreatedDate"] == "2026-11-11T15:02:00.000+0000"
    dumped = box.org.dump_records()
    assert not {"Account", "PaymentGateway", "CardPaymentMethod"} & set(dumped)
    assert dumped["PaymentAuthorization"][0]["AccountId"] == account


def test_real_account_records_are_kept(case: dict) -> None:
    account = to_18("001HxAAA0000002")
    records = case["salesforce"]["records"]
    records["Account"] = [{"Id": account, "Name": "Sam Shopper", "CreatedDate": "2026-01-01T00:00:00Z"}]
    _first(records, "OrderSummary")["AccountId"] = account
    box = Sandbox.from_case(case)
    assert box.org.dump_records()["Account"] == [{"Id": account, "Name": "Sam Shopper",
                                                  "CreatedDate": "2026-01-01T00:00:00.000+0000"}]


def test_given_rollups_stand_until_a_write_touches_the_summary(case: dict) -> None:
    ops = _first(case["salesforce"]["records"], "OrderPaymentSummary")
    ops["AvailableToCaptureAmount"] = 100.0  # what a captured org showed, inconsistent with the children
    box = Sandbox.from_case(case)
    sf = box.salesforce()
    assert sf.OrderPaymentSummary.get(OPS_ID)["AvailableToCaptureAmount"] == 100.0
    sf.PaymentGatewayLog.create({"OrderPaymentSummaryId": OPS_ID, "InteractionType": "Capture"})
    assert sf.OrderPaymentSummary.get(OPS_ID)["AvailableToCaptureAmount"] == 100.0  # logs feed no rollup
    sf.OrderPaymentSummary.update(OPS_ID, {"LastPaymentGatewayMessage": "retry"})
    assert sf.OrderPaymentSummary.get(OPS_ID)["AvailableToCaptureAmount"] == 129.0


def test_omitted_rollups_are_computed_from_children(case: dict) -> None:
    records = case["salesforce"]["records"]
    ops = _first(records, "OrderPaymentSummary")
    for name in list(ops):
        if name.endswith("Amount"):
            del ops[name]
    ops["AuthorizationReversalAmount"] = 4.0  # a kept value feeds the derived ones
    payment = {"Id": to_18("0a6HxPAY0000001"), "Amount": 100.0, "Status": "Processed", "Type": "Capture",
               "PaymentAuthorizationId": PA_ID, "OrderPaymentSummaryId": OPS_ID, "CreatedDate": "2026-11-12T00:00:00Z"}
    refund = {"Id": to_18("0a7HxREF0000001"), "Amount": 30.0, "Status": "Processed", "OrderPaymentSummaryId": OPS_ID,
              "CreatedDate": "2026-11-13T00:00:00Z"}
    pending = {"Id": to_18("0a7HxREF0000002"), "Amount": 10.0, "Status": "Pending", "OrderPaymentSummaryId": OPS_ID,
               "CreatedDate": "2026-11-13T00:00:00Z"}
    line = {"Id": to_18("0a8HxRLP0000001"), "Amount": 30.0, "Type": "Applied", "RefundId": refund["Id"],
            "PaymentId": payment["Id"], "CreatedDate": "2026-11-13T00:00:00Z"}
    records.update(Payment=[payment], Refund=[refund, pending], RefundLinePayment=[line])
    box = Sandbox.from_case(case)
    got = box.org.store.get("OrderPaymentSummary", OPS_ID)
    assert {k: got[k] for k in ("AuthorizationAmount", "CapturedAmount", "RefundedAmount", "PendingRefundAmount",
                                "BalanceAmount", "AvailableToCaptureAmount", "AvailableToRefundAmount",
                                "AuthorizationReversalAmount", "PendingReverseAuthAmount")} == {
        "AuthorizationAmount": 129.0, "CapturedAmount": 100.0, "RefundedAmount": 30.0, "PendingRefundAmount": 10.0,
        "BalanceAmount": 70.0, "AvailableToCaptureAmount": 25.0, "AvailableToRefundAmount": 60.0,
        "AuthorizationReversalAmount": 4.0, "PendingReverseAuthAmount": 0.0}
    pay = box.org.store.get("Payment", payment["Id"])
    assert (pay["TotalRefundApplied"], pay["NetRefundApplied"], pay["Balance"]) == (30.0, 30.0, 70.0)
    assert box.org.store.get("Refund", refund["Id"])["Balance"] == 0.0
    assert box.org.store.get("Refund", pending["Id"])["Balance"] == 10.0
    auth = box.org.store.get("PaymentAuthorization", PA_ID)
    assert (auth["TotalPaymentCaptureAmount"], auth["Balance"]) == (100.0, 29.0)


def test_save_and_reload_round_trip(box: Sandbox, tmp_path: Path) -> None:
    sf = box.salesforce()
    box.clock.advance(hours=1)
    sf.Payment.create({"Amount": 12.5, "Status": "Processed", "OrderPaymentSummaryId": OPS_ID,
                       "PaymentAuthorizationId": PA_ID})
    sf.PaymentGatewayLog.update(LOG_ID, {"GatewayMessage": "seen"})
    sf.PaymentGatewayLog.create({"OrderPaymentSummaryId": OPS_ID, "InteractionType": "Capture"})
    dumped = box.org.dump_records()
    first_log = dumped["PaymentGatewayLog"][0]
    assert first_log["LastModifiedDate"] == "2026-11-20T16:00:00.000+0000"
    assert "IsDeleted" not in first_log and "GatewayRefNumber" not in first_log  # None values omitted
    assert dumped["OrderPaymentSummary"][0]["CapturedAmount"] == 12.5  # rollups included
    path = box.save_case(tmp_path / "case.json")
    again = Sandbox.from_case(path)
    assert again.org.dump_records() == dumped
    for name in dumped:
        assert again.org.store.rows(name, include_deleted=True) == box.org.store.rows(name, include_deleted=True)
    assert json.loads(path.read_text())["salesforce"]["records"] == dumped


def test_dump_matches_the_case_file(case_data: dict, box: Sandbox) -> None:
    dumped = box.org.dump_records()
    original = case_data["salesforce"]["records"]
    assert list(dumped) == list(original)
    for name, records in original.items():
        for given, got in zip(records, dumped[name], strict=True):
            assert {k: v for k, v in given.items() if v is not None}.items() <= got.items()


def test_a_large_world_loads_quickly(case: dict) -> None:
    records: dict[str, list] = {"OrderSummary": [], "OrderPaymentSummary": [], "PaymentAuthorization": [],
                                "Payment": []}
    for n in range(10_000):
        os_id, ops_id = to_18(f"1OsLW{n:010d}"), to_18(f"0bMLW{n:010d}")
        pa_id, pay_id = to_18(f"0XcLW{n:010d}"), to_18(f"0a6LW{n:010d}")
        created = "2026-11-01T00:00:00.000+0000"
        records["OrderSummary"].append({"Id": os_id, "OrderNumber": f"{n:08d}", "CreatedDate": created})
        records["OrderPaymentSummary"].append({"Id": ops_id, "OrderSummaryId": os_id, "CurrencyIsoCode": "JPY",
                                               "CreatedDate": created})
        records["PaymentAuthorization"].append({"Id": pa_id, "Amount": 1000.4, "Status": "Processed",
                                                "OrderPaymentSummaryId": ops_id, "CreatedDate": created})
        records["Payment"].append({"Id": pay_id, "Amount": 600, "Status": "Processed", "PaymentAuthorizationId": pa_id,
                                   "OrderPaymentSummaryId": ops_id, "CreatedDate": created})
    box = Sandbox()
    box.org.load_records(records)  # 40,000 records; the benchmark measures the time
    ops = box.org.store.get("OrderPaymentSummary", to_18(f"0bMLW{9999:010d}"))
    assert ops["AuthorizationAmount"] == 1000.0  # JPY has no decimals
    assert ops["AvailableToCaptureAmount"] == 400.0
    assert box.org.store.count("Payment") == 10_000
