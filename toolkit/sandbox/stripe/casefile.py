"""The Stripe half of a case file: check a flat list of objects, load it into a store, dump it back.

Invariants (``docs/case-file.md``), each refused with a message naming the object and field:
accepted types only; unique ids; references resolve; ``charge.payment_intent`` agrees with the
PaymentIntent's ``latest_charge``; ``charge.amount_refunded`` is the sum of its refunds whose status is
succeeded, pending or requires_action; ``amount_captured <= amount``; a PaymentIntent's
``amount_received`` equals its charge's ``amount_captured``; currencies agree along a chain; ``livemode``
agrees with the case's.

Tolerance (documented choices): keys an object omits are filled with the fixture's neutral values, on
event ``data.object`` snapshots too; keys the fixture lacks (fields of newer API versions) are kept,
served and saved back, never refused; ``charge.refunds`` is always derived from the refunds. The file's
state stands at load: an uncaptured PaymentIntent already past its ``capture_before`` stays
``requires_capture`` (capture answers ``charge_expired_for_capture``) until the clock next moves, when it
expires as Stripe's sweep would. A charge without ``capture_before`` expires 7 days after it was created.
"""

from __future__ import annotations

import json
from typing import Any

from toolkit.errors import CaseFileError
from toolkit.sandbox.stripe.objects import OBJECT_TYPES, capture_deadline, clone, fill_keys
from toolkit.sandbox.stripe.store import ObjectStore

__all__ = ["check_objects", "dump_objects", "load_into"]

_COUNTED = ("succeeded", "pending", "requires_action")
_REQUIRED = {
    "payment_intent": ("amount", "currency", "status", "created"),
    "charge": ("amount", "currency", "created", "amount_captured", "amount_refunded"),
    "refund": ("amount", "currency", "created", "charge", "status"),
    "balance_transaction": ("amount", "currency", "created", "type"),
    "event": ("type", "created", "data"),
}
_INTEGER_FIELDS = ("amount", "created", "amount_captured", "amount_refunded", "amount_received",
                   "amount_capturable", "fee", "net")
_MODE_FIELD_TYPES = ("payment_intent", "charge", "event")


def _name(obj: dict[str, Any]) -> str:
    return f"{obj.get('object')} {obj.get('id')}"


def check_objects(objects: Any, *, livemode: bool) -> list[dict[str, Any]]:
    """Validate and normalise (fill missing keys, drop derived ``charge.refunds``); return copies."""
    if not isinstance(objects, list):
        raise CaseFileError("stripe.objects must be a list of Stripe objects.")
    try:
        copies = json.loads(json.dumps(objects))  # one fast deep copy, and proof the objects are plain JSON
    except (TypeError, ValueError) as exc:
        raise CaseFileError(f"stripe.objects must hold plain JSON values ({exc}).") from None
    out: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(objects):
        if not isinstance(raw, dict):
            raise CaseFileError(f"stripe.objects[{index}] is not a JSON object.")
        kind = raw.get("object")
        object_id = raw.get("id")
        if kind not in OBJECT_TYPES:
            raise CaseFileError(f"stripe.objects[{index}] ({object_id}) has object type {kind!r}; the sandbox "
                                f"accepts {', '.join(OBJECT_TYPES)}.")
        if not isinstance(object_id, str) or not object_id:
            raise CaseFileError(f"stripe.objects[{index}] ({kind}) has no id.")
        if object_id in by_id:
            raise CaseFileError(f"{kind} {object_id} appears twice in stripe.objects (field id).")
        if kind in _MODE_FIELD_TYPES and "livemode" in raw and raw["livemode"] is not livemode:
            raise CaseFileError(f"{kind} {object_id}: field livemode is {str(raw['livemode']).lower()} but the "
                                f"case's stripe.livemode is {str(livemode).lower()}.")
        obj = copies[index]
        if kind == "charge":
            obj.pop("refunds", None)  # derived from the refunds
        obj = fill_keys(obj)
        if kind == "charge":
            obj.pop("refunds", None)
        if kind in _MODE_FIELD_TYPES:
            obj["livemode"] = livemode
        for field in _REQUIRED[kind]:
            if obj.get(field) is None:
                raise CaseFileError(f"{kind} {object_id}: field {field} is required.")
        for field in _INTEGER_FIELDS:
            value = obj.get(field)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise CaseFileError(f"{kind} {object_id}: field {field} must be an integer (minor units or Unix "
                                    f"seconds), not {value!r}.")
        if kind == "event":
            if not (isinstance(obj["data"], dict) and isinstance(obj["data"].get("object"), dict)):
                raise CaseFileError(f"event {object_id}: field data.object must be an object.")
            obj["data"]["object"] = _fill_snapshot(obj["data"]["object"])
        by_id[object_id] = obj
        out.append(obj)
    _check_references(out, by_id)
    return out


def _fill_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """An event's ``data.object`` with the keys it omits filled like a top-level object (a case file may give a
    snapshot with only the fields that matter); ``refunds`` on a charge snapshot only when the file gave it."""
    if snapshot.get("object") not in OBJECT_TYPES or snapshot.get("object") == "event":
        return snapshot
    filled = fill_keys(snapshot)
    if snapshot["object"] == "charge" and "refunds" not in snapshot:
        filled.pop("refunds", None)
    return filled


def _ref(obj: dict[str, Any], field: str, kinds: tuple[str, ...], by_id: dict[str, dict[str, Any]],
         *, required: bool = False) -> dict[str, Any] | None:
    target_id = obj.get(field)
    if target_id is None:
        if required:
            raise CaseFileError(f"{_name(obj)}: field {field} is required.")
        return None
    if isinstance(target_id, dict):
        raise CaseFileError(f"{_name(obj)}: field {field} must be an id, not an expanded object.")
    target = by_id.get(target_id)
    if target is None or target["object"] not in kinds:
        raise CaseFileError(f"{_name(obj)}: field {field} refers to {target_id}, which is not a "
                            f"{' or '.join(kinds)} in the case.")
    return target


def _same_currency(obj: dict[str, Any], other: dict[str, Any], field: str) -> None:
    if str(obj["currency"]).lower() != str(other["currency"]).lower():
        raise CaseFileError(f"{_name(obj)}: field currency is {obj['currency']} but {field} {other['id']} is in "
                            f"{other['currency']}.")


def _check_references(objects: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> None:
    refunded: dict[str, int] = {}
    for obj in objects:
        kind = obj["object"]
        if kind == "payment_intent":
            charge = _ref(obj, "latest_charge", ("charge",), by_id)
            if charge is not None:
                if charge.get("payment_intent") != obj["id"]:
                    raise CaseFileError(f"{_name(obj)}: field latest_charge is {charge['id']}, whose payment_intent "
                                        f"is {charge.get('payment_intent')}.")
                _same_currency(obj, charge, "latest_charge")
                if obj.get("amount_received") is not None and obj["amount_received"] != charge["amount_captured"]:
                    raise CaseFileError(f"{_name(obj)}: field amount_received is {obj['amount_received']} but its "
                                        f"charge {charge['id']} has amount_captured {charge['amount_captured']}.")
        elif kind == "charge":
            if obj["amount_captured"] > obj["amount"]:
                raise CaseFileError(f"{_name(obj)}: field amount_captured ({obj['amount_captured']}) exceeds amount "
                                    f"({obj['amount']}).")
            pi = _ref(obj, "payment_intent", ("payment_intent",), by_id)
            if pi is not None:
                if pi.get("latest_charge") is None:
                    raise CaseFileError(f"{_name(obj)}: field payment_intent is {pi['id']}, whose latest_charge is "
                                        "null.")
                _same_currency(obj, pi, "payment_intent")
            for field in ("balance_transaction", "failure_balance_transaction"):
                _ref(obj, field, ("balance_transaction",), by_id)
            refunded.setdefault(obj["id"], 0)
        elif kind == "refund":
            charge = _ref(obj, "charge", ("charge",), by_id, required=True)
            assert charge is not None
            pi = _ref(obj, "payment_intent", ("payment_intent",), by_id)
            if pi is not None and charge.get("payment_intent") != pi["id"]:
                raise CaseFileError(f"{_name(obj)}: field payment_intent is {pi['id']} but its charge {charge['id']} "
                                    f"belongs to {charge.get('payment_intent')}.")
            for field in ("balance_transaction", "failure_balance_transaction"):
                _ref(obj, field, ("balance_transaction",), by_id)
            _same_currency(obj, charge, "charge")
            if obj["status"] in _COUNTED:
                refunded[charge["id"]] = refunded.get(charge["id"], 0) + obj["amount"]
        elif kind == "balance_transaction":
            source = _ref(obj, "source", ("charge", "refund"), by_id)
            if source is not None and obj.get("exchange_rate") is None:
                _same_currency(obj, source, "source")
    for charge_id, total in refunded.items():
        charge = by_id[charge_id]
        if charge["amount_refunded"] != total:
            raise CaseFileError(f"charge {charge_id}: field amount_refunded is {charge['amount_refunded']} but its "
                                f"succeeded, pending and requires_action refunds sum to {total}.")


def load_into(store: ObjectStore, objects: list[dict[str, Any]], *, livemode: bool) -> None:
    """Replace the store's objects with already checked ``objects``, rebuilding the indexes."""
    store.clear()
    for obj in objects:
        store.add(obj, live=livemode)
        if obj["object"] in ("charge", "payment_intent") and obj.get("payment_method"):
            store.payment_methods.add(obj["payment_method"])
    for pi_id in store.by_type["payment_intent"]:
        pi = store.objects[pi_id]
        if pi["status"] != "requires_capture" or not pi.get("latest_charge"):
            continue
        charge = store.objects[pi["latest_charge"]]
        if not charge["captured"]:
            store.uncaptured[charge["id"]] = capture_deadline(charge)


def dump_objects(store: ObjectStore) -> list[dict[str, Any]]:
    """Every object in insertion order, in case-file shape (ids for expandables, no derived refunds)."""
    return [clone(store.objects[object_id]) for object_id in store.seq]
