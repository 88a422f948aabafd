"""What a session is connected to, for its banner: the org (``Organization``) and the Stripe account (``GET
/v1/account``), read once through the gateways (one Salesforce and one Stripe request, sent together).

Against live systems :func:`toolkit.connect` reads them at once, so bad or expired credentials fail there, in one
sentence; in the sandbox they are read the first time the banner is shown. Nothing here holds a secret: ids, names,
the instance and the mode.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from toolkit.core.budget import RequestBudget
from toolkit.errors import AccessDeniedError, BudgetExceededError, NotFoundError, ServiceError
from toolkit.salesforce.organization import OrgIdentity, read_organization
from toolkit.stripe.account import AccountIdentity, read_account

if TYPE_CHECKING:
    from toolkit.session.session import Session

__all__ = ["Identity", "read_identity"]

T = TypeVar("T")


@dataclass(frozen=True)
class Identity:
    """The org and the Stripe account, or why either could not be read (one sentence)."""

    org: OrgIdentity | None
    account: AccountIdentity | None
    org_problem: str | None = None
    account_problem: str | None = None

    def salesforce_text(self) -> str:
        if self.org is not None:
            return self.org.describe()
        return f"the org could not be read ({self.org_problem})"

    def stripe_text(self, livemode: bool | None) -> str:
        mode = {True: "live mode", False: "test mode", None: "mode unknown"}[livemode]
        if self.account is not None:
            return f"{self.account.describe()}, {mode}"
        return f"the account could not be read ({self.account_problem}), {mode}"


def _short(error: Exception) -> str:
    return " ".join(str(error).split()).rstrip(".")


def read_identity(session: Session, *, strict: bool) -> Identity:
    """Read the org and the account (concurrently). ``strict`` (live, at connect): credentials that are refused or a
    system that cannot be reached raise, so a bad configuration fails at once; a read the user may not make (the org's
    details without permission) never does, it is only said in the banner."""
    salesforce = session.salesforce_gateway(RequestBudget("Salesforce", 1))
    stripe = session.stripe_gateway(RequestBudget("Stripe", 1))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="identity") as pool:
        org_future = pool.submit(read_organization, salesforce)
        account_future = pool.submit(read_account, stripe)
        org: OrgIdentity | None = None
        account: AccountIdentity | None = None
        org_problem = _outcome(org_future, strict)
        if org_problem is None:
            org = org_future.result()
        account_problem = _outcome(account_future, strict)
        if account_problem is None:
            account = account_future.result()
    return Identity(org, account, org_problem, account_problem)


def _outcome(future: Future[T], strict: bool) -> str | None:
    """None when the read answered, else why it failed; in ``strict`` mode refused credentials (401) and a system that
    could not be reached raise, while a refused statement (400, 403: no permission to read it) is only reported."""
    try:
        future.result()
        return None
    except AccessDeniedError as exc:
        if strict and exc.status in (None, 401):
            raise
        return _short(exc)
    except ServiceError as exc:
        if strict and exc.status not in (400, 403, 404):
            raise
        return _short(exc)
    except (NotFoundError, BudgetExceededError) as exc:
        return _short(exc)
