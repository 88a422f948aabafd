"""The sandbox behind live host names, so ``connect()``'s live path runs end to end without a network.

``connect(env={...live settings...}, transport=LiveHosts(box, ...))`` builds the live clients exactly as it does for a
real org and account (``simple_salesforce.Salesforce`` on the configured instance, ``stripe.StripeClient`` on
``api.stripe.com``), and this ``requests`` adapter answers their requests from the sandbox:

- the instance's host (``https://acme.my.salesforce.com`` by default) -> the sandbox org;
- ``api.stripe.com`` -> the sandbox Stripe account;
- ``login.salesforce.com`` / ``test.salesforce.com`` ``POST /services/Soap/u/{version}`` -> a SOAP login that accepts
  the one username, password and security token given here and answers the org's session id and the instance's
  server URL, as Salesforce's partner API does (anything else: ``INVALID_LOGIN``, HTTP 500);
- any other host -> a connection error, as an unknown host would give.

Requests are counted in the org's and the account's request logs (the login in the org's), so tests can assert how
many requests connecting costs.
"""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import requests
from requests.adapters import BaseAdapter

from toolkit.sandbox.sandbox import SALESFORCE_ORIGIN, STRIPE_ORIGIN
from toolkit.sandbox.transport import LoggedRequest, WSGIAdapter, endpoint_of

if TYPE_CHECKING:
    from toolkit.sandbox.sandbox import Sandbox

__all__ = ["LOGIN_HOSTS", "LiveHosts"]

LOGIN_HOSTS = ("login.salesforce.com", "test.salesforce.com")
_SOAP_LOGIN = re.compile(r"^/services/Soap/u/(\d+\.\d+)$")
_FIELD = {name: re.compile(rf"<(?:\w+:)?{name}>(.*?)</(?:\w+:)?{name}>", re.S) for name in ("username", "password")}


class LiveHosts(BaseAdapter):
    """A transport for ``connect(transport=...)``: live host names answered by ``box`` (see the module docstring)."""

    def __init__(self, box: Sandbox, *, instance_url: str = "https://acme.my.salesforce.com",
                 stripe_host: str = "api.stripe.com", username: str | None = None, password: str | None = None,
                 security_token: str | None = None) -> None:
        super().__init__()
        self.box = box
        self.instance_url = instance_url.rstrip("/")
        self.salesforce_host = urlsplit(self.instance_url).hostname or ""
        self.stripe_host = stripe_host
        self._login = (username, (password or "") + (security_token or "")) if username else None
        org = box.http.get_adapter(SALESFORCE_ORIGIN)
        account = box.http.get_adapter(STRIPE_ORIGIN)
        assert isinstance(org, WSGIAdapter) and isinstance(account, WSGIAdapter)
        self._org, self._stripe = org, account

    def __repr__(self) -> str:  # no password
        return f"LiveHosts(salesforce={self.salesforce_host!r}, stripe={self.stripe_host!r})"

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        url = urlsplit(request.url or "")
        options = {"stream": stream, "timeout": timeout, "verify": verify, "cert": cert, "proxies": proxies}
        if url.hostname == self.salesforce_host:
            return self._org.send(request, **options)
        if url.hostname == self.stripe_host:
            return self._stripe.send(request, **options)
        if url.hostname in LOGIN_HOSTS and _SOAP_LOGIN.match(url.path):
            return self._soap_login(request, url.path, timeout)
        raise requests.exceptions.ConnectionError(f"sandbox: no live host {url.hostname} here", request=request)

    def _soap_login(self, request: requests.PreparedRequest, path: str, timeout: Any) -> requests.Response:
        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else str(request.body or "")
        given = {name: (found.group(1) if (found := pattern.search(body)) else None)
                 for name, pattern in _FIELD.items()}
        accepted = self._login is not None and (unescape(given["username"] or ""),
                                                unescape(given["password"] or "")) == self._login
        matched = _SOAP_LOGIN.match(path)
        version = matched.group(1) if matched else "59.0"
        if accepted:
            status = 200
            payload = (
                '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
                'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com">'
                "<soapenv:Body><loginResponse><result>"
                f"<metadataServerUrl>{escape(self.instance_url)}/services/Soap/m/{version}</metadataServerUrl>"
                "<passwordExpired>false</passwordExpired><sandbox>true</sandbox>"
                f"<serverUrl>{escape(self.instance_url)}/services/Soap/u/{version}</serverUrl>"
                f"<sessionId>{escape(self.box.org.session_id)}</sessionId>"
                "</result></loginResponse></soapenv:Body></soapenv:Envelope>")
        else:
            status = 500
            payload = (
                '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
                'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
                'xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>'
                "<faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, "
                "security token; or user locked out.</faultstring><detail><sf:LoginFault>"
                "<sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid username, "
                "password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault></detail>"
                "</soapenv:Fault></soapenv:Body></soapenv:Envelope>")
        self.box.org.log.add(LoggedRequest("POST", path, "", status, endpoint_of("POST", path), None, timeout))
        return WSGIAdapter._build_response(request, status, {"Content-Type": "text/xml;charset=UTF-8"},
                                           payload.encode("utf-8"))

    def close(self) -> None:  # nothing to release
        pass
