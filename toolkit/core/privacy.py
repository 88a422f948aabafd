"""Personal data: which fields hold it, and masking it before anything is shown, exported or captured.

The toolkit masks personal data *as it is read*: both gateways pass every record and object through this module
when the session masks (``connect(mask_personal_data=True)``, the default), so no view, export, notebook output or
case file built from them can hold any. What is masked:

- **names**: a person's name (``FullName``, ``CardHolderName``, ``FirstName``, an Account's or Contact's ``Name``;
  Stripe's ``name`` in ``billing_details``, ``shipping``, ``customer_details``);
- **emails** (``PersonEmail``, ``BillingEmailAddress``...; Stripe's ``email``, ``receipt_email``...);
- **phone numbers** (``Phone``, ``BillingPhoneNumber``...; Stripe's ``phone``);
- **street addresses**: street, second line, city, state and postal code (``BillingStreet``..., Stripe's
  ``address.line1``...), and geolocations. The country stays, and so do what identifies a payment but not a person:
  the card's brand, last four digits, expiry and funding, and every id and amount.

Masks keep each value's type and stay valid where a case file checks them: an email becomes
``redacted@example.invalid`` (an email field must hold an email address), text becomes ``[name redacted]``,
``[phone redacted]`` or ``[address redacted]``, a latitude or longitude becomes null. Masking is idempotent.
Free text (a gateway message, a refund's comments, JSON kept in ``Request``/``Response``) loses the personal values
found in the same record, and JSON text its personal keys; email addresses anywhere are redacted by the views too
(:func:`toolkit.core.text.redact`). Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

__all__ = ["MASKS", "mask_json_text", "mask_record", "mask_records", "mask_stripe", "personal_kind",
           "personal_values", "scrub"]

#: What each kind of personal value becomes.
MASKS: dict[str, str | None] = {
    "name": "[name redacted]",
    "email": "redacted@example.invalid",
    "phone": "[phone redacted]",
    "address": "[address redacted]",
    "tax_id": "[tax id redacted]",
    "location": None,
}
#: Salesforce objects whose ``Name`` is a person's name.
_PERSON_OBJECTS = frozenset({"Account", "Contact", "Lead", "Individual", "User", "PersonAccount"})
#: Relationship names that lead to a person object, for flattened parent paths (``Account.Name``, ``Owner.Name``).
_RELATIONSHIP_OBJECTS = {"Account": "Account", "Contact": "Contact", "BillToContact": "Contact",
                         "ShipToContact": "Contact", "Owner": "User", "CreatedBy": "User", "LastModifiedBy": "User",
                         "Individual": "Individual", "Lead": "Lead"}
_ADDRESS_PREFIX = r"(?:Billing|Shipping|Mailing|PersonMailing|Other|PersonOther|DeliverTo|PaymentMethod|Payer)"
_SF_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^{_ADDRESS_PREFIX}(?:Street|City|State|PostalCode)$"), "address"),
    (re.compile(rf"^{_ADDRESS_PREFIX}(?:Latitude|Longitude)$"), "location"),
    (re.compile(r"^(?:\w*Email|\w*EmailAddress)$"), "email"),
    (re.compile(r"^(?:\w*Phone|\w*PhoneNumber|Fax|PersonFax)$"), "phone"),
    (re.compile(r"^(?:FullName|CardHolderName|CardHolderFirstName|CardHolderLastName|FirstName|LastName|MiddleName"
                r"|Suffix|DeliverToName|PayerName|PersonName|NickName)$"), "name"),
)
#: Stripe hashes that describe a person (``billing_details``...) and the personal keys inside them.
_STRIPE_PERSON_HASHES = frozenset({"billing_details", "shipping", "customer_details", "owner", "verified_owner",
                                   "billing", "individual"})
_STRIPE_PERSON_KEYS = {"name": "name", "email": "email", "phone": "phone", "tax_id": "tax_id"}
_STRIPE_ADDRESS_KEYS = frozenset({"line1", "line2", "city", "state", "postal_code", "town"})
#: Keys personal wherever they stand in a Stripe object.
_STRIPE_ANYWHERE = {"email": "email", "receipt_email": "email", "customer_email": "email", "customer_name": "name",
                    "customer_phone": "phone", "cardholder_name": "name"}
_MIN_SCRUB = 3  # shorter values (initials, "NY") are left in free text: too likely to match something else


@lru_cache(maxsize=4096)
def personal_kind(object_name: str | None, field: str) -> str | None:
    """The kind of personal value a Salesforce field holds (``name``, ``email``, ``phone``, ``address``,
    ``location``), or None. ``Name`` is personal only on person objects (an Account, a Contact...)."""
    if field == "Name":
        return "name" if object_name in _PERSON_OBJECTS else None
    for pattern, kind in _SF_RULES:
        if pattern.match(field):
            return kind
    return None


def _masked(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return value
    return MASKS[kind]


def personal_values(record: Any, object_name: str | None = None) -> set[str]:
    """The personal values of a Salesforce record tree (parents and child subqueries included, objects named by their
    ``attributes``, else ``object_name``) or of a Stripe object (its person hashes) that :func:`scrub` removes from
    free text: names, emails, phones and street lines. Cities, states and postal codes are masked in their fields
    but not looked for in free text (short, and too likely to be part of something else)."""
    found: set[str] = set()
    _collect(record, object_name, None, found)
    return {value for value in found if _scrubbable(value)}


def _scrubbable(value: str) -> bool:
    """Long enough, and not a mask; a value that could be part of an id (one short ASCII word) is left alone."""
    if len(value) < _MIN_SCRUB or value in MASKS.values():
        return False
    return len(value) >= 6 or not (value.isascii() and value.isalnum())


def _collect(value: Any, object_name: str | None, container: str | None, found: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, object_name, container, found)
        return
    if not isinstance(value, dict):
        return
    attributes = value.get("attributes")
    sf_type = attributes.get("type") if isinstance(attributes, dict) else None
    sf_object = sf_type or (object_name if container is None else None)
    for key, item in value.items():
        if key == "attributes":
            continue
        if isinstance(item, dict) and isinstance(item.get("records"), list):  # a Salesforce child subquery
            _collect(item["records"], None, None, found)
        elif isinstance(item, dict | list):
            _collect(item, None, key, found)
        elif isinstance(item, str) and item:
            kind = _kind(sf_object, container, key)
            if kind in ("name", "email", "phone"):
                found.add(item)
            elif kind == "address" and (key.endswith("Street") or key in ("line1", "line2")):
                found.update(line.strip() for line in item.split("\n") if line.strip())


def _kind(sf_object: str | None, container: str | None, key: str) -> str | None:
    """The kind of personal value under ``key``: by the Salesforce field when the dict is a record of ``sf_object``,
    else by Stripe's shapes (inside a person hash, its address, or a personal key anywhere)."""
    if sf_object is not None:
        if "." not in key:
            return personal_kind(sf_object, key)
        parent, _, field = key.rpartition(".")  # a flattened parent path (Bulk API 2.0 columns): Account.Name
        return personal_kind(_RELATIONSHIP_OBJECTS.get(parent.rsplit(".", 1)[-1]), field)
    if container in _STRIPE_PERSON_HASHES and key in _STRIPE_PERSON_KEYS:
        return _STRIPE_PERSON_KEYS[key]
    if container == "address" and key in _STRIPE_ADDRESS_KEYS:
        return "address"
    return _STRIPE_ANYWHERE.get(key)


def scrub(text: str, values: Iterable[str]) -> str:
    """``text`` with each of ``values`` (from :func:`personal_values`) replaced by ``[personal data redacted]`` (an
    email by the email mask), longest first, so a full name goes before a part of it."""
    for value in sorted(set(values), key=len, reverse=True):
        if value in text:
            text = text.replace(value, str(MASKS["email"]) if "@" in value else "[personal data redacted]")
    return text


def mask_json_text(text: str, values: Iterable[str] = ()) -> str:
    """JSON kept as text (a gateway log's ``Request`` or ``Response``) with its Stripe-shaped personal keys masked and
    ``values`` scrubbed; text that is not a JSON object or list is only scrubbed. Unchanged text is returned as is."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict | list):
            masked = mask_stripe(parsed, values)
            if masked != parsed:
                return json.dumps(masked)
            return text
    return scrub(text, values) if values else text


def mask_record(record: dict[str, Any], object_name: str | None = None, *, values: Iterable[str] | None = None
                ) -> dict[str, Any]:
    """A copy of a Salesforce record with its personal fields masked and their values scrubbed from its free text.

    The object is the record's ``attributes.type`` (as the REST API returns it) or ``object_name``; parent records
    (``OrderSummary: {...}``) and child subqueries (``{"records": [...]}``) are masked with their own object."""
    known = set(values) if values is not None else personal_values(record, object_name)
    return _mask_sf(record, object_name, known)


def mask_records(records: Iterable[dict[str, Any]], object_name: str | None = None) -> list[dict[str, Any]]:
    """:func:`mask_record` of each record (each scrubbed of its own personal values)."""
    return [mask_record(record, object_name) for record in records]


def _mask_sf(record: dict[str, Any], object_name: str | None, values: set[str]) -> dict[str, Any]:
    attributes = record.get("attributes")
    kind_of = attributes.get("type") if isinstance(attributes, dict) and attributes.get("type") else object_name
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes":
            out[key] = value
        elif isinstance(value, dict) and isinstance(value.get("records"), list):  # a child subquery
            out[key] = {**value, "records": [_mask_sf(child, None, values) if isinstance(child, dict) else child
                                             for child in value["records"]]}
        elif isinstance(value, dict):  # a parent record read through a relationship
            out[key] = _mask_sf(value, None, values)
        else:
            kind = _kind(kind_of, None, key) if kind_of else personal_kind(None, key.rsplit(".", 1)[-1])
            if kind is not None:
                out[key] = _masked(kind, value)
            elif isinstance(value, str) and value and (values or value[:1] in "{["):
                out[key] = mask_json_text(value, values)
            else:
                out[key] = value
    return out


def mask_stripe(value: Any, values: Iterable[str] | None = None) -> Any:
    """A copy of a Stripe object (or list, or list object) with the personal data of its person hashes
    (``billing_details``, ``shipping``...) and personal keys anywhere (``receipt_email``...) masked, nested objects
    and event snapshots included, and those values scrubbed from its free text. Country, card brand and last4 stay."""
    if values is None:  # a list or a list object: each item scrubbed of its own values (not every item's)
        if isinstance(value, list):
            return [mask_stripe(item) for item in value]
        if isinstance(value, dict) and isinstance(value.get("data"), list):
            return {key: [mask_stripe(item) for item in item_list] if key == "data" else item_list
                    for key, item_list in value.items()}
    known = set(values) if values is not None else personal_values(value)
    return _mask_st(value, None, known)


def _mask_st(value: Any, container: str | None, values: set[str]) -> Any:
    if isinstance(value, list):
        return [_mask_st(item, container, values) for item in value]
    if isinstance(value, str):
        return scrub(value, values) if values else value
    if not isinstance(value, dict):
        return value
    person = container in _STRIPE_PERSON_HASHES
    out: dict[str, Any] = {}
    for key, item in value.items():
        kind = None if isinstance(item, dict | list) else _kind(None, container, key)
        if kind is not None:
            out[key] = _masked(kind, item)
        elif key in ("id", "object") and isinstance(item, str):  # an event's data.object is a dict: masked below
            out[key] = item
        else:
            nested = key if (person and key == "address") or key in _STRIPE_PERSON_HASHES else None
            out[key] = _mask_st(item, nested, values)
    return out
