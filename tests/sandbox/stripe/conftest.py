"""Fixtures for the embedded Stripe account's tests: a fresh Sandbox and its real StripeClient."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import stripe

from toolkit.sandbox import Sandbox

CASES = Path(__file__).resolve().parents[2] / "data" / "cases"
EXPIRED_CASE = CASES / "expired-authorization.json"


@pytest.fixture
def box() -> Sandbox:
    return Sandbox()


@pytest.fixture
def client(box: Sandbox) -> stripe.StripeClient:
    return box.stripe_client()


@pytest.fixture
def expired_case() -> dict[str, Any]:
    return json.loads(EXPIRED_CASE.read_text(encoding="utf-8"))


@pytest.fixture
def manual_pi(client: stripe.StripeClient) -> Callable[..., Any]:
    """Create and confirm a manual-capture PaymentIntent through the API."""

    def make(amount: int = 12900, currency: str = "usd", **extra: Any) -> Any:
        params = {"amount": amount, "currency": currency, "capture_method": "manual", "confirm": True,
                  "payment_method": "pm_card_visa", **extra}
        return client.v1.payment_intents.create(params=params)
    return make


@pytest.fixture
def auto_pi(client: stripe.StripeClient) -> Callable[..., Any]:
    """Create and confirm an automatic-capture PaymentIntent through the API."""

    def make(amount: int = 5000, currency: str = "usd", **extra: Any) -> Any:
        params = {"amount": amount, "currency": currency, "confirm": True, "payment_method": "pm_card_visa", **extra}
        return client.v1.payment_intents.create(params=params)
    return make
