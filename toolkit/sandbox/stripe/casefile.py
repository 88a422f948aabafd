"""The Stripe half of a case file: check a flat list of objects, load it into a store, dump it back.

Invariants (``docs/case-file.md``), each refused with a message naming the object and field:
accepted types only; unique ids; references resolve; ``charge.payment_intent`` agrees with the
PaymentIntent's ``latest_charge``; ``charge.amount_refunded`` is the sum of its refunds whose status is
succeeded, pending or requires_action; ``amount_captured <= amount``; a PaymentIntent's
``amount_received`` equals its charge's ``amount_captured``; currencies agree along a chain; ``livemode``
agrees with the case's; typed fields hold their JSON type and range (integers >= 0 for amounts, Unix seconds
from 0 to year 4000 for timestamps, ids, strings, booleans, objects, lists, metadata of strings), on event
``data.object`` snapshots too (``_field_types``); a dispute's charge is disputed and belongs to its PaymentIntent.

Tolerance (documented choices): keys an object omits are filled with the neutral values of its key set (derived
from Stripe's published schemas), on event ``data.object`` snapshots too; keys outside the key set (fields of newer
API versions) are kept, served and saved back, never refused; ``charge.refunds`` is always derived from the refunds
and ``dispute.balance_transactions`` from the balance transactions whose source is the dispute. The file's
state stands at load: an uncaptured PaymentIntent already past its ``capture_before`` stays
``requires_capture`` (capture answers ``charge_expired_for_capture``) until the clock next moves, when it
expires as Stripe's sweep would. A charge without ``capture_before`` expires 7 days after it was created.
"""

from __future__ import annotations

import json
import re
from typing import Any

from toolkit.errors import CaseFileError
from toolkit.sandbox.cases import shown
from toolkit.sandbox.stripe.objects import (
    OBJECT_TYPES,
    capture_deadline,
    clone,
    fill_keys,
    key_types,
    required_keys,
)
from toolkit.sandbox.stripe.store import ObjectStore

__all__ = ["check_objects", "dump_objects", "load_into"]

_COUNTED = ("succeeded", "pending", "requires_action")
#: Required per type: these, and every key of the schemas without a neutral value (``required_keys``).
_GIVEN = {
    "payment_intent": ("amount", "currency", "status", "created"),
    "charge": ("amount", "currency", "created", "amount_captured", "amount_refunded"),
    "refund": ("amount", "currency", "created", "charge", "status"),
    "balance_transaction": ("amount", "currency", "created", "type"),
    "event": ("type", "created", "data"),
    "dispute": ("amount", "currency", "created", "charge", "status", "reason"),
}
_REQUIRED = {kind: tuple(dict.fromkeys([*given, *required_keys()[kind]])) for kind, given in _GIVEN.items()}
#: Derived when served, never stored: a charge's refunds, a dispute's balance transactions.
_DERIVED = {"charge": "refunds", "dispute": "balance_transactions"}
_MODE_FIELD_TYPES = ("payment_intent", "charge", "event")
#: Stripe timestamps are Unix seconds from the epoch to Salesforce's last valid date-time (4000-12-31).
TIMESTAMP_MAX = 64_060_588_800
_ID = re.compile(r"[A-Za-z0-9_]{1,255}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_STRINGS = ("status", "description", "capture_method", "confirmation_method", "cancellation_reason", "reason",
            "failure_reason", "pending_reason", "failure_code", "failure_message", "type", "reporting_category",
            "receipt_email", "api_version", "balance_type", "statement_descriptor", "statement_descriptor_suffix",
            "calculated_statement_descriptor", "transfer_group", "receipt_number", "receipt_url", "client_secret",
            "setup_future_usage")
_IDS = ("latest_charge", "payment_intent", "charge", "balance_transaction", "failure_balance_transaction",
        "payment_method", "customer")
_EVIDENCE_TYPES = {"due_by": "timestamp", "has_evidence": "boolean", "past_due": "boolean", "submission_count": "count"}
_COUNTS = ("amount", "amount_captured", "amount_refunded", "amount_received", "amount_capturable", "fee",
           "application_fee_amount", "pending_webhooks")
#: What each typed field holds: ``count`` (integer >= 0), ``integer``, ``timestamp`` (Unix seconds), ``string``,
#: ``currency``, ``id``, ``number``, ``metadata`` (object of strings), ``boolean``, ``object``, ``list``.
#: Fields the schemas type as booleans, objects or lists only (``key_types``) are checked as such. Any value may be
#: null unless the field is required (``_REQUIRED``); untyped fields hold any JSON value.
_BASE_TYPES: dict[str, str] = {
    **dict.fromkeys(_STRINGS, "string"), **dict.fromkeys(_IDS, "id"), **dict.fromkeys(_COUNTS, "count"),
    "net": "integer", "created": "timestamp", "canceled_at": "timestamp", "available_on": "timestamp",
    "id": "id", "currency": "currency", "exchange_rate": "number", "metadata": "metadata",
}
_CARD_TYPES = {"capture_before": "timestamp", "brand": "string", "last4": "string", "funding": "string",
               "network": "string", "country": "string", "exp_month": "integer", "exp_year": "integer"}
_ERROR_TYPES = {"code": "string", "message": "string", "type": "string", "decline_code": "string"}
_EXPECTED = {"count": "a whole number >= 0 (minor units)", "integer": "a whole number (minor units)",
             "timestamp": "Unix seconds between 0 and 64060588800 (year 4000)", "string": "a string",
             "currency": "a three-letter currency code such as usd", "id": "a Stripe id such as ch_3Qny...",
             "number": "a number", "metadata": "an object of string values", "boolean": "true or false",
             "object": "an object", "list": "a list"}
_FIELD_TYPES: dict[str, dict[str, str]] = {}


def _field_types(kind: str) -> dict[str, str]:
    """The typed fields of ``kind``: the schemas' booleans, objects and lists, then ``_BASE_TYPES``."""
    types = _FIELD_TYPES.get(kind)
    if types is None:
        types = dict(key_types()[kind])
        types.update(_BASE_TYPES)
        if kind == "balance_transaction":
            types.update(amount="integer", source="id")
        _FIELD_TYPES[kind] = types
    return types


def _type_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` (not null) is not a ``kind`` value, or None when it is one."""
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind in ("count", "integer", "timestamp"):
        if not is_int:
            return f"must be {_EXPECTED[kind]}, not {shown(value)}"
        if (kind == "count" and value < 0) or (kind == "timestamp" and not 0 <= value <= TIMESTAMP_MAX):
            return f"is {value}, but it must be {_EXPECTED[kind]}"
        return None
    if kind in ("string", "currency", "id"):
        if isinstance(value, dict) and kind == "id":
            return "must be an id, not an expanded object"
        if not isinstance(value, str):
            return f"must be {_EXPECTED[kind]}, not {shown(value)}"
        if (kind == "currency" and not _CURRENCY.fullmatch(value)) or (kind == "id" and not _ID.fullmatch(value)):
            return f"is {shown(value)}, but it must be {_EXPECTED[kind]}"
        return None
    if kind == "number":
        return None if is_int or isinstance(value, float) else f"must be a number, not {shown(value)}"
    if kind == "metadata":
        if not isinstance(value, dict):
            return f"must be {_EXPECTED[kind]}, not {shown(value)}"
        bad = next((k for k, v in value.items() if not isinstance(v, str)), None)
        return None if bad is None else f"has {shown(value[bad])} under {shown(bad)}, but metadata values are strings"
    if kind == "boolean":
        return None if isinstance(value, bool) else f"must be true or false, not {shown(value)}"
    if kind == "object":
        return None if isinstance(value, dict) else f"must be an object, not {shown(value)}"
    return None if isinstance(value, list) else f"must be a list, not {shown(value)}"


_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {}


def _groups(kind: str) -> dict[str, tuple[str, ...]]:
    """``_field_types(kind)`` grouped by what the fields hold, for checks that loop without a call per field."""
    groups = _GROUPS.get(kind)
    if groups is None:
        groups = {}
        for field, label in _field_types(kind).items():
            groups[label] = (*groups.get(label, ()), field)
        _GROUPS[kind] = groups
    return groups


def _check_types(obj: dict[str, Any], where: str, prefix: str = "") -> None:
    """Refuse a typed field of the wrong JSON type or range, naming the object and the field."""
    groups = _groups(obj["object"])
    get = obj.get
    bad: str | None = None
    for field in groups.get("string", ()):
        value = get(field)
        if value is not None and type(value) is not str:
            bad = bad or field
    for label in ("count", "integer", "timestamp"):
        for field in groups.get(label, ()):
            value = get(field)
            if value is not None and (type(value) is not int or value < 0 or (
                    label == "timestamp" and value > TIMESTAMP_MAX)) and _type_problem(label, value):
                bad = bad or field
    for label, kinds in (("boolean", bool), ("object", dict), ("list", list)):
        for field in groups.get(label, ()):
            value = get(field)
            if value is not None and type(value) is not kinds and not isinstance(value, kinds):
                bad = bad or field
    for label in ("id", "currency", "number", "metadata"):
        for field in groups.get(label, ()):
            value = get(field)
            if value is not None and _type_problem(label, value):
                bad = bad or field
    if bad is not None:
        problem = _type_problem(_field_types(obj["object"])[bad], obj[bad])
        raise CaseFileError(f"{where}: field {prefix}{bad} {problem}.")
    details = get("payment_method_details")
    if type(details) is dict and details.get("card") is not None:
        _check_nested(details["card"], _CARD_TYPES, where, f"{prefix}payment_method_details.card")
    if get("last_payment_error") is not None:
        _check_nested(obj["last_payment_error"], _ERROR_TYPES, where, f"{prefix}last_payment_error")
    if obj.get("object") == "dispute" and get("evidence_details") is not None:
        _check_nested(obj["evidence_details"], _EVIDENCE_TYPES, where, f"{prefix}evidence_details")


def _check_nested(value: Any, types: dict[str, str], where: str, path: str) -> None:
    if not isinstance(value, dict):
        raise CaseFileError(f"{where}: field {path} must be an object, not {shown(value)}.")
    for field, kind in types.items():
        if value.get(field) is not None:
            problem = _type_problem(kind, value[field])
            if problem:
                raise CaseFileError(f"{where}: field {path}.{field} {problem}.")


def _name(obj: dict[str, Any]) -> str:
    return f"{obj.get('object')} {obj.get('id')}"


def check_objects(objects: Any, *, livemode: bool) -> list[dict[str, Any]]:
    """Validate and normalise (fill missing keys, drop derived ``charge.refunds``); return copies."""
    if not isinstance(objects, list):
        raise CaseFileError("stripe.objects must be a list of Stripe objects.")
    try:
        copies = json.loads(json.dumps(objects))  # one fast deep copy, and proof the objects are plain JSON
    except (TypeError, ValueError, RecursionError) as exc:
        raise CaseFileError(f"stripe.objects must hold plain JSON values ({shown(str(exc), 120)}).") from None
    out: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    given: dict[str, set[str]] = {}  # event id -> the keys its data.object snapshot gave
    for index, raw in enumerate(objects):
        if not isinstance(raw, dict):
            raise CaseFileError(f"stripe.objects[{index}] is {shown(raw)}, not a JSON object.")
        kind = raw.get("object")
        object_id = raw.get("id")
        if not isinstance(kind, str) or kind not in OBJECT_TYPES:
            raise CaseFileError(f"stripe.objects[{index}] ({shown(object_id)}) has object type {shown(kind)}; the "
                                f"sandbox accepts {', '.join(OBJECT_TYPES)}.")
        if object_id is None or object_id == "":
            raise CaseFileError(f"stripe.objects[{index}] ({kind}) has no id.")
        if not isinstance(object_id, str) or not _ID.fullmatch(object_id):
            raise CaseFileError(f"stripe.objects[{index}] ({kind}) has id {shown(object_id)}; Stripe ids are 1 to 255 "
                                "letters, digits and underscores.")
        if object_id in by_id:
            raise CaseFileError(f"{kind} {object_id} appears twice in stripe.objects (field id).")
        if "livemode" in raw and raw["livemode"] is not None and not isinstance(raw["livemode"], bool):
            raise CaseFileError(f"{kind} {object_id}: field livemode must be true or false, not "
                                f"{shown(raw['livemode'])}.")
        if kind in _MODE_FIELD_TYPES and "livemode" in raw and raw["livemode"] is not livemode:
            raise CaseFileError(f"{kind} {object_id}: field livemode is {json.dumps(raw['livemode'])} but the "
                                f"case's stripe.livemode is {str(livemode).lower()}.")
        obj = copies[index]
        derived = _DERIVED.get(kind)
        if derived:
            obj.pop(derived, None)  # derived when served
        obj = fill_keys(obj)
        if derived:
            obj.pop(derived, None)
        if kind in _MODE_FIELD_TYPES:
            obj["livemode"] = livemode
        for field in _REQUIRED[kind]:
            if obj.get(field) is None:
                raise CaseFileError(f"{kind} {object_id}: field {field} is required.")
        _check_types(obj, f"{kind} {object_id}")
        if kind == "event":
            if not (isinstance(obj["data"], dict) and isinstance(obj["data"].get("object"), dict)):
                raise CaseFileError(f"event {object_id}: field data.object must be an object.")
            if obj["data"].get("previous_attributes") is not None and not isinstance(
                    obj["data"]["previous_attributes"], dict):
                raise CaseFileError(f"event {object_id}: field data.previous_attributes must be an object.")
            given[object_id] = set(obj["data"]["object"])
            obj["data"]["object"] = _fill_snapshot(obj["data"]["object"])
            if obj["data"]["object"].get("object") in OBJECT_TYPES:
                _check_types(obj["data"]["object"], f"event {object_id}", "data.object.")
        by_id[object_id] = obj
        out.append(obj)
    _check_references(out, by_id)
    for event_id, keys in given.items():
        _complete_snapshot(by_id[event_id]["data"]["object"], keys, by_id)
    return out


def _complete_snapshot(snapshot: dict[str, Any], given: set[str], by_id: dict[str, dict[str, Any]]) -> None:
    """Keys a snapshot left out take the object's value as the file holds it (the best evidence of what Stripe
    sent), when the file holds that object; otherwise they keep their neutral value."""
    current = by_id.get(snapshot.get("id")) if isinstance(snapshot.get("id"), str) else None
    if current is None or current.get("object") != snapshot.get("object"):
        return
    for key, value in current.items():
        if key not in given and key in snapshot:
            snapshot[key] = clone(value)


def _fill_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """An event's ``data.object`` with the keys it omits filled like a top-level object (a case file may give a
    snapshot with only the fields that matter); ``refunds`` on a charge snapshot only when the file gave it (a
    dispute's ``balance_transactions`` are always part of its snapshot)."""
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
    if not isinstance(target_id, str):
        raise CaseFileError(f"{_name(obj)}: field {field} must be an id, not "
                            f"{'an expanded object' if isinstance(target_id, dict) else shown(target_id)}.")
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
            source = _ref(obj, "source", ("charge", "refund", "dispute"), by_id)
            if source is not None and obj.get("exchange_rate") is None:
                _same_currency(obj, source, "source")
        elif kind == "dispute":
            _check_dispute(obj, by_id)
    for charge_id, total in refunded.items():
        charge = by_id[charge_id]
        if charge["amount_refunded"] != total:
            raise CaseFileError(f"charge {charge_id}: field amount_refunded is {charge['amount_refunded']} but its "
                                f"succeeded, pending and requires_action refunds sum to {total}.")


def _check_dispute(obj: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> None:
    """A dispute's charge exists, is disputed and is in its currency; its PaymentIntent, when given, is the
    charge's."""
    charge = _ref(obj, "charge", ("charge",), by_id, required=True)
    assert charge is not None
    if charge.get("disputed") is not True:
        raise CaseFileError(f"{_name(obj)}: field charge is {charge['id']}, whose disputed is "
                            f"{json.dumps(charge.get('disputed'))}; a disputed charge says disputed: true.")
    pi = _ref(obj, "payment_intent", ("payment_intent",), by_id)
    if pi is not None and charge.get("payment_intent") != pi["id"]:
        raise CaseFileError(f"{_name(obj)}: field payment_intent is {pi['id']} but its charge {charge['id']} "
                            f"belongs to {charge.get('payment_intent')}.")
    _same_currency(obj, charge, "charge")


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
