"""The embedded Stripe account: the Stripe half of the sandbox.

``StripeAccount(clock)`` holds PaymentIntents, charges, refunds, balance transactions and events, follows
Stripe's rules (status machine, captures, releases, expiry, refunds, idempotency, keys, test/live
separation), and serves them over HTTP to the real ``stripe`` client through ``app``.
"""

from __future__ import annotations

from toolkit.sandbox.stripe.account import StripeAccount
from toolkit.sandbox.stripe.errors import StripeError
from toolkit.sandbox.stripe.objects import API_VERSION

__all__ = ["API_VERSION", "StripeAccount", "StripeError"]
