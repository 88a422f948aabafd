"""Stripe's published OpenAPI schemas (``tests/data/stripe-openapi/``) as JSON Schema validators, and the key sets
the embedded Stripe account fills in, derived from them.

- :func:`validator` / :func:`list_validator` / :func:`error_validator`: ``jsonschema`` validators of one object type,
  of a list or search envelope, of an error body. OpenAPI's ``nullable: true`` becomes JSON Schema's ``null`` (in
  ``type``, ``anyOf`` and ``enum``), and an object schema with ``properties`` is closed (``additionalProperties:
  false``, unless it says otherwise): a key the current schema lacks (``source`` on PaymentIntents) is a violation.
- :func:`derive_key_sets`: per object type, the keys every object the sandbox serves carries and each key's neutral
  value (what a case file that leaves the key out gets), with the JSON type the case-file loader checks; the result
  is shipped as ``toolkit/sandbox/stripe/schema_keys.json`` (``python tools/stripe_key_sets.py`` writes it; a test
  compares).

The schemas are Stripe's (MIT licence, ``tests/data/stripe-openapi/LICENSE-stripe-openapi.txt``); nothing here is
product code: the sandbox never reads the schemas, only the key sets derived from them.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

DATA = Path(__file__).resolve().parent / "data" / "stripe-openapi"
EXCERPT = DATA / "stripe-openapi-schemas-excerpt.json"
#: Envelopes the excerpt's ``paths`` lack (disputes, charge search), from the published spec.
ADDED_PATHS = DATA / "paths-added.json"
BASE = "urn:stripe-openapi"
#: The object types the sandbox serves.
SERVED = ("payment_intent", "charge", "refund", "balance_transaction", "event", "dispute")

#: Optional, non-nullable properties present only when a feature the sandbox does not model is in use, or only in
#: some states (the sandbox adds those itself when the state applies). Left out of the key sets.
CONDITIONAL: dict[str, dict[str, str]] = {
    "payment_intent": {
        "hooks": "async workflows are not modelled",
        "payment_details": "industry-specific payment details are not modelled",
        "presentment_details": "Adaptive Pricing is not modelled (a case file may carry it)",
    },
    "charge": {
        "presentment_details": "Adaptive Pricing is not modelled",
        "radar_options": "present only when a Radar session is given",
        "transfer": "Connect destination charges are not modelled",
    },
    "refund": {
        "description": "present only when set",
        "destination_details": "its shape depends on the payment method: the sandbox fills it for its own refunds",
        "failure_balance_transaction": "present only on a failed or canceled refund",
        "failure_reason": "present only on a failed refund",
        "instructions_email": "present only for refunds to non-card methods",
        "next_action": "present only on a refund that requires action",
        "pending_reason": "present only on a pending refund",
        "presentment_details": "Adaptive Pricing is not modelled",
    },
    "balance_transaction": {},
    "event": {
        "account": "Connect events only",
        "context": "present only for events of a connected account",
    },
    "dispute": {
        "payment_method_details": "the sandbox fills it for its own disputes (card brand and case type)",
    },
}
#: Neutral values where the schema offers none (no null, false, 0, [] or {} is valid): Stripe's defaults.
DEFAULTS: dict[str, dict[str, Any]] = {
    "payment_intent": {"capture_method": "automatic", "confirmation_method": "automatic"},
    "balance_transaction": {"balance_type": "payments"},
}
#: Sub-objects filled with every property's neutral value (Stripe sends each key, null when empty).
FULL = {("dispute", "evidence"), ("dispute", "evidence_details")}
_NONE = object()


@cache
def excerpt() -> dict[str, Any]:
    return json.loads(EXCERPT.read_text(encoding="utf-8"))


def schemas() -> dict[str, Any]:
    return excerpt()["components"]["schemas"]


def _convert(node: Any) -> Any:
    """OpenAPI 3.0 to JSON Schema: ``nullable``, closed objects, local ``$ref`` to the base URI."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _convert(value) for key, value in node.items() if key != "nullable"}
    if "$ref" in out and out["$ref"].startswith("#/"):
        out["$ref"] = BASE + out["$ref"]
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "anyOf" in out:
            out["anyOf"] = [*out["anyOf"], {"type": "null"}]
        if "$ref" in out:
            out = {"anyOf": [{"$ref": out.pop("$ref")}, {"type": "null"}], **out}
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


@cache
def _registry() -> referencing.Registry[Any]:
    doc = copy.deepcopy(excerpt())
    extra = json.loads(ADDED_PATHS.read_text(encoding="utf-8"))
    doc["paths"].update(extra["paths"])
    converted = _convert(doc)
    converted["$id"] = BASE
    return referencing.Registry().with_resource(BASE, DRAFT202012.create_resource(converted))


@cache
def _validator(pointer: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": f"{BASE}#{pointer}"}, registry=_registry())


def validator(kind: str) -> jsonschema.Draft202012Validator:
    """The validator of one object type (``charge``, ``dispute``...)."""
    return _validator(f"/components/schemas/{kind}")


def list_validator(path: str) -> jsonschema.Draft202012Validator:
    """The validator of the list (or search) envelope ``GET path`` answers, e.g. ``/v1/refunds``."""
    escaped = path.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D")
    return _validator(f"/paths/{escaped}/get/responses/200/content/application~1json/schema")


def error_validator() -> jsonschema.Draft202012Validator:
    return validator("error")


def property_validator(kind: str, key: str) -> jsonschema.Draft202012Validator:
    """The validator of one property of an object type (``payment_intent``, ``amount_details``)."""
    return _validator(f"/components/schemas/{kind}/properties/{key}")


def violations(checker: jsonschema.Draft202012Validator, value: Any) -> list[str]:
    """Every violation as one line: where in the object, and what is wrong (the most specific cause)."""
    lines = []
    for error in checker.iter_errors(value):
        best = jsonschema.exceptions.best_match([error])
        where = "/".join(str(p) for p in best.absolute_path) or "(top)"
        lines.append(f"{where}: {best.message[:300]}")
    return lines


# --- key sets ------------------------------------------------------------------------------------------------
def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schemas()[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _neutral(prop: dict[str, Any], full: bool = False) -> Any:
    """The value a key holds when empty (null, false, 0, [], {} or an object of required neutrals), or _NONE."""
    if prop.get("nullable"):
        return {} if prop.get("type") == "object" and "additionalProperties" in prop else None
    if "anyOf" in prop:
        for branch in prop["anyOf"]:
            value = _neutral(branch)
            if value is not _NONE and value != "":
                return value
        return _NONE
    node = _resolve(prop)
    kind = node.get("type")
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return 0
    if kind == "array":
        return []
    if kind == "object":
        if "additionalProperties" in node and not node.get("properties"):
            return {}
        keys = node.get("properties", {}) if full else {k: node["properties"][k] for k in node.get("required", [])}
        out = {}
        for key, sub in keys.items():
            value = _neutral(sub)
            if value is _NONE:
                return _NONE
            out[key] = value
        return out
    return _NONE


def _json_type(prop: dict[str, Any]) -> str | None:
    """``boolean``, ``object`` or ``list`` when that is all the property can hold (besides null)."""
    if "anyOf" in prop:
        kinds = {_json_type(branch) for branch in prop["anyOf"]}
        return kinds.pop() if len(kinds) == 1 else None
    node = _resolve(prop)
    return {"boolean": "boolean", "object": "object", "array": "list"}.get(node.get("type", ""))


def derive_key_sets() -> dict[str, Any]:
    """Per served type: ``keys`` (key -> neutral value; ``id`` and ``object`` first, then the schema's order),
    ``types`` (key -> boolean/object/list) and ``required`` (keys with no neutral value: a case file must give
    them)."""
    out: dict[str, Any] = {"keys": {}, "types": {}, "required": {}}
    for kind in SERVED:
        schema = schemas()[kind]
        props = schema["properties"]
        order = ["id", "object", *(k for k in props if k not in ("id", "object"))]
        keys: dict[str, Any] = {}
        types: dict[str, str] = {}
        required: list[str] = []
        for key in order:
            if key in CONDITIONAL[kind]:
                continue
            if key in DEFAULTS.get(kind, {}):
                value = DEFAULTS[kind][key]
            else:
                value = _neutral(props[key], full=(kind, key) in FULL)
            if value is _NONE:
                required.append(key)
                value = None
            keys[key] = value
            json_type = _json_type(props[key])
            if json_type is not None:
                types[key] = json_type
        out["keys"][kind] = keys
        out["types"][kind] = types
        out["required"][kind] = required
    return out
