"""Which org a session is connected to: the ``Organization`` record (name, sandbox or production, instance, edition),
read in one statement (``session.organization`` in ``templates.json``) for the session's banner."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.templates import statement

__all__ = ["OrgIdentity", "read_organization"]


@dataclass(frozen=True)
class OrgIdentity:
    """The org: its Id, Name, whether it is a sandbox (None when unknown), instance and edition, and the host the
    session talks to."""

    host: str
    id: str | None = None
    name: str | None = None
    is_sandbox: bool | None = None
    instance: str | None = None
    edition: str | None = None

    def describe(self) -> str:
        """``Acme Inc, production org (instance NA224, Enterprise Edition, acme.my.salesforce.com)``."""
        kind = {True: "sandbox org", False: "production org", None: "org"}[self.is_sandbox]
        details = ", ".join(part for part in (f"instance {self.instance}" if self.instance else None, self.edition,
                                              self.host) if part)
        return f"{self.name or 'unnamed org'}, {kind} ({details})"


def read_organization(gateway: SalesforceGateway) -> OrgIdentity:
    """The connected org (one request). Raises what the gateway raises when the statement fails."""
    base = getattr(gateway.sf, "base_url", "") or ""
    host = urlsplit(base).hostname or str(getattr(gateway.sf, "sf_instance", "") or "unknown host")
    rows = gateway.query(statement("session.organization"))
    if not rows:
        return OrgIdentity(host)
    row = rows[0]
    sandbox = row.get("IsSandbox")
    return OrgIdentity(host, row.get("Id"), row.get("Name"), sandbox if isinstance(sandbox, bool) else None,
                       row.get("InstanceName"), row.get("OrganizationType"))
