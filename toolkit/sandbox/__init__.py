"""The embedded sandbox: an in-process Salesforce org and Stripe account sharing one clock.

Both are WSGI applications reached through a ``requests.Session`` with transport adapters mounted on
two private origins, so the real ``simple_salesforce.Salesforce`` and ``stripe.StripeClient`` talk to
them exactly as they talk to production. Analysis code never imports this package; only
``toolkit.session.connect()`` does.
"""

from __future__ import annotations

from toolkit.sandbox.sandbox import (
    SALESFORCE_ORIGIN,
    SANDBOX_SECRET_KEY,
    STRIPE_ORIGIN,
    Sandbox,
)

__all__ = ["SALESFORCE_ORIGIN", "SANDBOX_SECRET_KEY", "STRIPE_ORIGIN", "Sandbox"]
