"""Which Stripe account a session is connected to: ``GET /v1/account``, for the session's banner.

A restricted key cannot read the account (Stripe refuses it whatever the key's permissions: 403). Stripe's refusal
still names the account (``... on account 'acct_...'``), so the banner can say which account the key belongs to
without its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.errors import AccessDeniedError
from toolkit.stripe.gateway import StripeGateway

__all__ = ["AccountIdentity", "read_account"]

_ACCOUNT_IN_MESSAGE = re.compile(r"on account '(acct_[A-Za-z0-9]+)'")


@dataclass(frozen=True)
class AccountIdentity:
    """The account's id and name (``settings.dashboard.display_name``, else ``business_profile.name``); ``readable``
    is False when the key may not read the account (a restricted key)."""

    id: str | None
    name: str | None = None
    readable: bool = True

    def describe(self) -> str:
        """``account acct_... (Acme Store)``."""
        if not self.readable:
            who = f"account {self.id}" if self.id else "an account"
            return f"{who} (its name is not readable with a restricted key)"
        return f"account {self.id}" + (f" ({self.name})" if self.name else "")


def read_account(gateway: StripeGateway) -> AccountIdentity:
    """The key's account (one request). A restricted key's refusal gives the account id only; any other failure
    raises what the gateway raises."""
    try:
        account = gateway.call("retrieve account", "the Stripe account (GET /v1/account)",
                               gateway.client.v1.accounts.retrieve_current)
    except AccessDeniedError as exc:
        if exc.status != 403:
            raise
        found = _ACCOUNT_IN_MESSAGE.search(str(getattr(exc.__cause__, "user_message", None) or exc.__cause__ or ""))
        return AccountIdentity(found.group(1) if found else None, readable=False)
    settings = account.get("settings") or {}
    name = ((settings.get("dashboard") or {}).get("display_name")
            or (account.get("business_profile") or {}).get("name"))
    return AccountIdentity(account.get("id"), name if isinstance(name, str) else None)
