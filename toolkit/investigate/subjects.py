"""Subjects: what an analyst holds (a Stripe id, an order number, a Salesforce record id) and its kind.

Stripe ids are recognised by their prefix (``pi_``, ``ch_``, ``txn_``, ``re_``). A Salesforce id's object
comes from its key prefix as the org's global ``describe`` reports it (never from a hard-coded list): an
OrderSummary, OrderPaymentSummary, PaymentAuthorization, Payment, Refund or PaymentGatewayLog id is a
subject; any other object is refused. Anything else shaped like an order number is taken as one.
Malformed input raises :class:`~toolkit.errors.InputError` with a one-sentence message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from toolkit.core.ids import normalize_id
from toolkit.errors import InputError

__all__ = [
    "SALESFORCE_SUBJECT_OBJECTS",
    "Subject",
    "SubjectKind",
    "parse_subject",
    "salesforce_key_prefixes",
]


class SubjectKind(StrEnum):
    PAYMENT_INTENT = "payment_intent"
    CHARGE = "charge"
    BALANCE_TRANSACTION = "balance_transaction"
    REFUND = "refund"
    ORDER_NUMBER = "order_number"
    ORDER_SUMMARY = "OrderSummary"
    ORDER_PAYMENT_SUMMARY = "OrderPaymentSummary"
    PAYMENT_AUTHORIZATION = "PaymentAuthorization"
    PAYMENT = "Payment"
    SALESFORCE_REFUND = "Refund"
    PAYMENT_GATEWAY_LOG = "PaymentGatewayLog"


#: Salesforce objects whose record id can start a trace.
SALESFORCE_SUBJECT_OBJECTS: frozenset[str] = frozenset(
    {"OrderSummary", "OrderPaymentSummary", "PaymentAuthorization", "Payment", "Refund", "PaymentGatewayLog"}
)
_STRIPE_KINDS = {
    "pi_": SubjectKind.PAYMENT_INTENT,
    "ch_": SubjectKind.CHARGE,
    "txn_": SubjectKind.BALANCE_TRANSACTION,
    "re_": SubjectKind.REFUND,
}
_STRIPE_ID = re.compile(r"^(pi|ch|txn|re)_[A-Za-z0-9]{6,}$")
_OTHER_STRIPE = re.compile(r"^(cus|pm|py|pyr|src|card|evt|in|sub|seti|dp|du|acct|po|tr|ch|pi|re|txn)_")
_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$")
_ALNUM = re.compile(r"^[A-Za-z0-9]+$")


@dataclass(frozen=True)
class Subject:
    """A parsed subject: its kind, its value (18-character for Salesforce ids) and the text given."""

    kind: SubjectKind
    value: str
    text: str

    @property
    def system(self) -> str:
        """``"Stripe"``, ``"Salesforce"`` (a record id) or ``"order"`` (an order number, both systems)."""
        if self.kind in _STRIPE_KINDS.values():
            return "Stripe"
        if self.kind is SubjectKind.ORDER_NUMBER:
            return "order"
        return "Salesforce"

    @property
    def is_salesforce_record(self) -> bool:
        return self.system == "Salesforce"

    def __str__(self) -> str:
        return self.value


def salesforce_key_prefixes(sf: Any) -> dict[str, str]:
    """Key prefix -> object name from the org's global describe (one request; a session keeps them in
    ``session.schema.prefixes()``)."""
    described = sf.describe()
    return {str(o["keyPrefix"]): str(o["name"]) for o in described.get("sobjects", []) if o.get("keyPrefix")}


def parse_subject(text: str, prefixes: Mapping[str, str]) -> Subject:
    """Parse ``text`` into a :class:`Subject`; ``prefixes`` is :func:`salesforce_key_prefixes`' map."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("Give a subject: a pi_, ch_, txn_ or re_ id, an order number, or a Salesforce record id.")
    value = text.strip()
    head = value.split("_", 1)[0] + "_" if "_" in value else ""
    if head in _STRIPE_KINDS:
        if not _STRIPE_ID.match(value):
            raise InputError(f"{value!r} is not a well-formed Stripe id: expected {head} followed by letters and "
                             "digits.")
        return Subject(_STRIPE_KINDS[head], value, text)
    if _OTHER_STRIPE.match(value):
        raise InputError(f"{value!r} is a Stripe {head[:-1]} id; trace takes a pi_, ch_, txn_ or re_ id.")
    if len(value) in (15, 18) and _ALNUM.match(value):
        obj = prefixes.get(value[:3])
        if obj is not None:
            record_id = normalize_id(value)
            if record_id is None:
                raise InputError(f"{value!r} is not a valid Salesforce id: its 18-character checksum does not match.")
            if obj not in SALESFORCE_SUBJECT_OBJECTS:
                raise InputError(f"{value!r} is a {obj} id; trace takes an OrderSummary, OrderPaymentSummary, "
                                 "PaymentAuthorization, Payment, Refund or PaymentGatewayLog id.")
            return Subject(SubjectKind(obj), record_id, text)
    if _ORDER_NUMBER.match(value):
        return Subject(SubjectKind.ORDER_NUMBER, value, text)
    raise InputError(f"{value!r} is neither a Stripe id (pi_, ch_, txn_, re_), an order number nor a Salesforce "
                     "record id.")
