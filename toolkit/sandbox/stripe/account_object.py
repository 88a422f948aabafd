"""The sandbox's own Stripe account as ``GET /v1/account`` returns it: the ``account`` object.

Its keys are those of Stripe's published fixture of ``account`` (``tests/data/stripe/stripe-openapi-fixtures3.json``),
in the same order, with the values of a standard account that can take card payments in test mode. A restricted key
cannot read it (Stripe answers 403: the permission is not available to restricted keys), so the toolkit's banner
falls back to the account id Stripe's refusal names.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["ACCOUNT_ID", "ACCOUNT_NAME", "account_object"]

#: The sandbox account's id (``acct_`` and 16 characters, as Stripe's).
ACCOUNT_ID = "acct_1SandboxToolkit0"
#: What the Dashboard shows as the account's name (``settings.dashboard.display_name``).
ACCOUNT_NAME = "OMS Toolkit Demo Store"
_CREATED = 1577836800  # 2020-01-01T00:00:00Z
_NO_REQUIREMENTS = {"alternatives": [], "current_deadline": None, "currently_due": [], "disabled_reason": None,
                    "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []}
_ACCOUNT: dict[str, Any] = {
    "business_profile": {
        "annual_revenue": None, "estimated_worker_count": None, "mcc": "5691", "name": ACCOUNT_NAME,
        "product_description": "Clothing sold online through Salesforce B2C Commerce",
        "support_address": None, "support_email": None, "support_phone": None,
        "support_url": None, "url": "https://store.example.com", "minority_owned_business_designation": None,
    },
    "business_type": "company",
    "capabilities": {"card_payments": "active", "transfers": "active"},
    "charges_enabled": True,
    "controller": {"type": "account"},
    "country": "US",
    "created": _CREATED,
    "default_currency": "usd",
    "details_submitted": True,
    "email": None,
    "external_accounts": {"data": [], "has_more": False, "object": "list",
                          "url": f"/v1/accounts/{ACCOUNT_ID}/external_accounts"},
    "future_requirements": _NO_REQUIREMENTS,
    "id": ACCOUNT_ID,
    "metadata": {},
    "object": "account",
    "payouts_enabled": True,
    "requirements": _NO_REQUIREMENTS,
    "settings": {
        "bacs_debit_payments": {"display_name": None, "service_user_number": None},
        "branding": {"icon": None, "logo": None, "primary_color": None, "secondary_color": None},
        "card_issuing": {"tos_acceptance": {"date": None, "ip": None}},
        "card_payments": {"decline_on": {"avs_failure": False, "cvc_failure": True},
                          "statement_descriptor_prefix": "OMSDEMO", "statement_descriptor_prefix_kana": None,
                          "statement_descriptor_prefix_kanji": None},
        "dashboard": {"display_name": ACCOUNT_NAME, "timezone": "Etc/UTC"},
        "invoices": {"default_account_tax_ids": None, "hosted_payment_method_save": None},
        "payments": {"statement_descriptor": "OMS TOOLKIT DEMO", "statement_descriptor_kana": None,
                     "statement_descriptor_kanji": None, "statement_descriptor_prefix_kana": None,
                     "statement_descriptor_prefix_kanji": None},
        "payouts": {"debit_negative_balances": True, "schedule": {"delay_days": 2, "interval": "daily"},
                    "statement_descriptor": None},
        "sepa_debit_payments": {},
    },
    "tos_acceptance": {"date": _CREATED, "ip": None, "user_agent": None},
    "type": "standard",
}


def account_object() -> dict[str, Any]:
    """A fresh copy of the account object (callers may change it)."""
    return copy.deepcopy(_ACCOUNT)
