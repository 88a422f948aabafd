"""Stripe: the gateway every request goes through (plain dicts, budget, errors), and the lookups by order
number and of events over it."""

from __future__ import annotations

from toolkit.stripe.gateway import StripeGateway, StripeObjectMissing

__all__ = ["StripeGateway", "StripeObjectMissing"]
