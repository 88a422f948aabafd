"""Stripe object templates, key sets, ids, currencies and fees.

The key set of each object type comes from ``schema_keys.json`` (shipped beside this module; derived from
Stripe's published OpenAPI schemas by ``tools/stripe_key_sets.py``), where every key has a neutral value: null,
false, 0, [], {} or Stripe's default. Objects built here carry every one of those keys, ``id`` and ``object``
first, as Stripe sends them.

Fees (documented choice; Stripe's real pricing varies by country and card): 2.9% + 0.30 of the major
unit for two- and three-decimal currencies (30 or 300 minor units), 3.6% with no fixed part for
zero-decimal currencies (JPY...), rounded half up to whole minor units with ``Decimal``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any

from toolkit.core.money import CURRENCY_EXPONENTS, THREE_DECIMAL_CURRENCIES, ZERO_DECIMAL_CURRENCIES

__all__ = [
    "API_VERSION",
    "AUTHORIZATION_WINDOW_SECONDS",
    "OBJECT_TYPES",
    "THREE_DECIMAL",
    "ZERO_DECIMAL",
    "IdFactory",
    "capture_deadline",
    "clone",
    "compute_fee",
    "currency_exponent",
    "fill_keys",
    "format_amount",
    "key_sets",
    "key_types",
    "minimum_amount",
    "required_keys",
]

API_VERSION = "2026-10-28.endive"
OBJECT_TYPES = ("payment_intent", "charge", "refund", "balance_transaction", "event", "dispute")
ID_PREFIXES = {"payment_intent": "pi", "charge": "ch", "refund": "re", "balance_transaction": "txn",
               "event": "evt", "dispute": "du"}

#: Stripe spells currencies in lower case; the table itself is :mod:`toolkit.core.money`'s.
ZERO_DECIMAL = frozenset(code.lower() for code in ZERO_DECIMAL_CURRENCIES)
THREE_DECIMAL = frozenset(code.lower() for code in THREE_DECIMAL_CURRENCIES)

_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SCHEMA_KEYS: dict[str, dict[str, Any]] | None = None


def _schema_keys() -> dict[str, dict[str, Any]]:
    """``keys``, ``types`` and ``required`` per object type, loaded once from package data."""
    global _SCHEMA_KEYS
    if _SCHEMA_KEYS is None:
        data = json.loads(resources.files(__package__).joinpath("schema_keys.json").read_text(encoding="utf-8"))
        _SCHEMA_KEYS = {
            "keys": {name: data["keys"][name] for name in OBJECT_TYPES},
            "types": {name: data["types"][name] for name in OBJECT_TYPES},
            "required": {name: [k for k in data["required"][name] if k not in ("id", "object")]
                         for name in OBJECT_TYPES},
        }
    return _SCHEMA_KEYS


def key_sets() -> dict[str, dict[str, Any]]:
    """Per object type, its keys mapped to neutral values (``id`` and ``object`` first, then the schema's order)."""
    return _schema_keys()["keys"]


def key_types() -> dict[str, dict[str, str]]:
    """Per object type, the keys that hold only booleans, objects or lists (besides null), by the schemas."""
    return _schema_keys()["types"]


def required_keys() -> dict[str, list[str]]:
    """Per object type, the keys without a neutral value: a case file must give them (besides id and object)."""
    return _schema_keys()["required"]


def clone(value: Any) -> Any:
    """A deep copy of plain JSON data (dicts, lists, scalars), several times faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {key: clone(item) if isinstance(item, dict | list) else item for key, item in value.items()}
    if isinstance(value, list):
        return [clone(item) if isinstance(item, dict | list) else item for item in value]
    return value


def fill_keys(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with every key of its key set it lacks (neutral values), in the key set's order, extras last."""
    template = key_sets().get(obj.get("object", ""))
    if not template:
        return obj
    out = {key: obj[key] if key in obj else clone(neutral) for key, neutral in template.items()}
    for key, value in obj.items():
        if key not in out:
            out[key] = value
    return out


class IdFactory:
    """Deterministic ids (``pi_`` + 24 alphanumerics) from a seeded counter: worlds rebuild identically."""

    def __init__(self, seed: str = "sandbox") -> None:
        self.seed = seed
        self.counter = 0

    def reset(self, seed: str = "sandbox") -> None:
        self.seed = seed
        self.counter = 0

    def new(self, prefix: str) -> str:
        self.counter += 1
        digest = hashlib.sha256(f"{self.seed}:{prefix}:{self.counter}".encode()).digest()
        number = int.from_bytes(digest, "big")
        chars = []
        for _ in range(24):
            number, index = divmod(number, 62)
            chars.append(_ALNUM[index])
        return f"{prefix}_{''.join(chars)}"


#: Stripe's default authorization window for online card payments, used when a charge carries no capture_before.
AUTHORIZATION_WINDOW_SECONDS = 7 * 86400


def capture_deadline(charge: dict[str, Any]) -> int:
    """When an uncaptured charge's authorization is released: ``payment_method_details.card.capture_before``
    (the authority for one payment), else Stripe's default window of 7 days after the charge was created."""
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    before = card.get("capture_before") if isinstance(card, dict) else None
    if isinstance(before, int) and not isinstance(before, bool):
        return before
    return int(charge.get("created") or 0) + AUTHORIZATION_WINDOW_SECONDS


def currency_exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS.get(currency.upper(), 2)


def format_amount(amount: int, currency: str) -> str:
    """``12900, "usd"`` -> ``"$129.00"``-style text used in Stripe's messages (code prefix for non-USD)."""
    exponent = currency_exponent(currency)
    major = Decimal(amount).scaleb(-exponent)
    text = f"{major:.{exponent}f}"
    return f"${text}" if currency.lower() == "usd" else f"{text} {currency.upper()}"


def minimum_amount(currency: str) -> int:
    """Smallest chargeable amount in minor units (Stripe: about 0.50 USD; 50 JPY)."""
    exponent = currency_exponent(currency)
    if exponent == 0:
        return 50
    return 5 * 10 ** (exponent - 1)


def compute_fee(amount: int, currency: str) -> int:
    """Processing fee in minor units: see the module docstring."""
    exponent = currency_exponent(currency)
    if exponent == 0:
        fee = Decimal(amount) * Decimal("0.036")
    else:
        fee = Decimal(amount) * Decimal("0.029") + Decimal(3) * Decimal(10) ** (exponent - 1)
    return int(fee.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- templates -----------------------------------------------------------------------------------

DEFAULT_CARD = {"brand": "visa", "last4": "4242", "country": "US", "exp_month": 12, "exp_year": 2029,
                "funding": "credit", "network": "visa"}
DEFAULT_BILLING = {"name": None, "email": None, "phone": None,
                   "address": {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None,
                               "state": None},
                   "tax_id": None}


def new_payment_intent(*, object_id: str, amount: int, currency: str, capture_method: str, created: int,
                       livemode: bool, metadata: dict[str, str], description: str | None,
                       customer: str | None, payment_method: str | None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": object_id, "object": "payment_intent", "amount": amount, "amount_capturable": 0,
        "amount_details": {"tip": {}}, "amount_received": 0, "application": None, "application_fee_amount": None,
        "automatic_payment_methods": None, "canceled_at": None, "cancellation_reason": None,
        "capture_method": capture_method, "client_secret": None,
        "confirmation_method": "automatic", "created": created, "currency": currency, "customer": customer,
        "description": description, "last_payment_error": None, "latest_charge": None, "livemode": livemode,
        "metadata": metadata, "next_action": None, "on_behalf_of": None, "payment_method": payment_method,
        "payment_method_configuration_details": None, "payment_method_options": None,
        "payment_method_types": ["card"], "processing": None, "receipt_email": None, "review": None,
        "setup_future_usage": None, "shipping": None, "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "requires_confirmation" if payment_method else "requires_payment_method",
        "transfer_data": None, "transfer_group": None, "excluded_payment_method_types": None,
        "customer_account": None, "managed_payments": None,
    }
    return fill_keys(obj)


def new_charge(*, object_id: str, payment_intent: dict[str, Any], payment_method: str, card: dict[str, Any],
               created: int, capture_before: int | None, billing: dict[str, Any] | None) -> dict[str, Any]:
    card_details = {**DEFAULT_CARD, **(card or {})}
    details_card = {
        "brand": card_details["brand"], "last4": card_details["last4"], "country": card_details["country"],
        "exp_month": card_details["exp_month"], "exp_year": card_details["exp_year"],
        "funding": card_details["funding"], "network": card_details.get("network", card_details["brand"]),
    }
    if capture_before is not None:
        details_card["capture_before"] = capture_before
    details_card.update({"extended_authorization": {"status": "disabled"}, "multicapture": {"status": "unavailable"},
                         "amount_authorized": payment_intent["amount"]})
    obj: dict[str, Any] = {
        "id": object_id, "object": "charge", "amount": payment_intent["amount"], "amount_captured": 0,
        "amount_refunded": 0, "application": None, "application_fee": None, "application_fee_amount": None,
        "balance_transaction": None, "billing_details": copy.deepcopy(billing or DEFAULT_BILLING),
        "calculated_statement_descriptor": None, "captured": False, "created": created,
        "currency": payment_intent["currency"], "customer": payment_intent["customer"],
        "description": payment_intent["description"], "disputed": False, "failure_balance_transaction": None,
        "failure_code": None, "failure_message": None, "fraud_details": None, "livemode": payment_intent["livemode"],
        "metadata": {}, "on_behalf_of": None,
        "outcome": {"network_status": "approved_by_network", "reason": None, "risk_level": "normal",
                    "risk_score": 21, "seller_message": "Payment complete.", "type": "authorized",
                    "advice_code": None, "network_advice_code": None, "network_decline_code": None},
        "paid": True, "payment_intent": payment_intent["id"], "payment_method": payment_method,
        "payment_method_details": {"type": "card", "card": details_card}, "receipt_email": None,
        "receipt_number": None, "receipt_url": None, "refunded": False, "review": None, "shipping": None,
        "source_transfer": None, "statement_descriptor": None, "statement_descriptor_suffix": None,
        "status": "succeeded", "transfer_data": None, "transfer_group": None,
    }
    obj = fill_keys(obj)
    obj.pop("refunds", None)  # derived from the refunds when rendered
    return obj


def new_refund(*, object_id: str, charge: dict[str, Any], amount: int, created: int, reason: str | None,
               status: str, metadata: dict[str, str], balance_transaction: str | None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": object_id, "object": "refund", "amount": amount, "balance_transaction": balance_transaction,
        "charge": charge["id"], "created": created, "currency": charge["currency"],
        "destination_details": {"type": "card", "card": {"type": "reversal"}}, "metadata": metadata,
        "payment_intent": charge["payment_intent"], "reason": reason, "receipt_number": None,
        "source_transfer_reversal": None, "status": status, "transfer_reversal": None, "customer": None,
        "customer_account": None, "payment_method": None,
    }
    return fill_keys(obj)


def new_balance_transaction(*, object_id: str, amount: int, currency: str, created: int, source: str,
                            kind: str, fee: int = 0, description: str | None = None,
                            available_on: int | None = None) -> dict[str, Any]:
    fee_details = [] if not fee else [{"amount": fee, "application": None, "currency": currency,
                                       "description": "Stripe processing fees", "type": "stripe_fee"}]
    obj: dict[str, Any] = {
        "id": object_id, "object": "balance_transaction", "amount": amount,
        "available_on": available_on if available_on is not None else created + 2 * 86400, "created": created,
        "currency": currency, "description": description, "exchange_rate": None, "fee": fee,
        "fee_details": fee_details, "net": amount - fee, "reporting_category": kind, "source": source,
        "status": "pending", "type": kind, "balance_type": "payments",
    }
    return fill_keys(obj)


def new_event(*, object_id: str, kind: str, snapshot: dict[str, Any], created: int, livemode: bool,
              request_id: str | None, idempotency_key: str | None,
              previous_attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"object": snapshot}
    if previous_attributes:
        data["previous_attributes"] = previous_attributes
    obj: dict[str, Any] = {
        "api_version": API_VERSION, "created": created, "data": data, "id": object_id, "livemode": livemode,
        "object": "event", "pending_webhooks": 0,
        "request": {"id": request_id, "idempotency_key": idempotency_key}, "type": kind,
    }
    return fill_keys(obj)
