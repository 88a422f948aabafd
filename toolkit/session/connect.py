"""``connect()``: the one place that decides between live systems and the embedded sandbox.

Live configuration comes from the environment, or from a ``.env`` file: the one named by
``OMS_TOOLKIT_DOTENV``, else the first found from the working directory upwards (``OMS_TOOLKIT_DOTENV=off``
switches the file off; the environment always wins over the file):

- Salesforce: ``SF_INSTANCE_URL`` + ``SF_SESSION_ID``, or ``SF_USERNAME`` + ``SF_PASSWORD`` +
  ``SF_SECURITY_TOKEN`` (optional ``SF_DOMAIN``, ``login`` or ``test``), or ``SF_ALIAS`` (``connect(sf_alias=...)``):
  the Salesforce CLI's stored login for that alias (:mod:`toolkit.session.sf_cli`).
- Stripe: ``STRIPE_API_KEY`` (a restricted ``rk_`` key with read access is enough to investigate).

With neither configured, ``connect()`` serves the embedded sandbox (the demo world). Configuring only one
of the two systems is an error: a half-live session would mix real and fake data. A live session reads the org's
and the account's identity at once (the banner's), so credentials that do not work fail here, in one sentence.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import requests
import simple_salesforce
import stripe
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

from toolkit.core.clock import LiveClock
from toolkit.core.retry import RetryPolicy
from toolkit.errors import AccessDeniedError, CaseFileError, InputError
from toolkit.salesforce.gateway import salesforce_error
from toolkit.session.identity import read_identity
from toolkit.session.session import DataSource, Session
from toolkit.session.sf_cli import SfCliLogin, access_token, sf_cli_login

if TYPE_CHECKING:
    from toolkit.sandbox import Sandbox

__all__ = ["DOTENV_ENV", "SF_ENV", "STRIPE_ENV", "connect", "key_mode"]

SF_ENV = ("SF_INSTANCE_URL", "SF_SESSION_ID", "SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN", "SF_DOMAIN",
          "SF_ALIAS")
STRIPE_ENV = ("STRIPE_API_KEY",)
#: Names the .env file to read, or ``off`` (tests set it so no developer's own .env leaks into them).
DOTENV_ENV = "OMS_TOOLKIT_DOTENV"


def key_mode(api_key: str) -> bool | None:
    """Whether a Stripe key is a live key (``sk_live_``/``rk_live_``: True; test: False; None when it cannot be
    told). Only the prefix is read; the key itself is never kept or shown."""
    if api_key.startswith(("sk_live_", "rk_live_")):
        return True
    if api_key.startswith(("sk_test_", "rk_test_")):
        return False
    return None


def _configured(names: tuple[str, ...], env: dict[str, str]) -> dict[str, str]:
    return {name: env[name] for name in names if env.get(name)}


def _dotenv() -> tuple[dict[str, str], Path | None]:
    """The settings of the .env file in use (see the module docstring) and its path."""
    from dotenv import dotenv_values, find_dotenv

    setting = os.environ.get(DOTENV_ENV, "").strip()
    if setting.lower() in ("off", "0", "no", "false", "none"):
        return {}, None
    if setting:
        path = Path(setting).expanduser()
        if not path.is_file():
            raise InputError(f"{DOTENV_ENV} names {path}, which is not a file: point it at a .env file, or set it "
                             "to off.")
    else:
        found = find_dotenv(usecwd=True)
        if not found:
            return {}, None
        path = Path(found)
    return {k: v for k, v in dotenv_values(path).items() if v}, path.resolve()


class _TimeoutAdapter(requests.adapters.HTTPAdapter):
    """Every request through it carries a timeout (the login at ``connect()`` included): the given one, else
    the session's policy's. ``transport``: an adapter that answers instead of the network (tests)."""

    def __init__(self, timeout: float, transport: requests.adapters.BaseAdapter | None = None) -> None:
        super().__init__()
        self.timeout = timeout
        self.transport = transport

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if self.transport is not None:
            return self.transport.send(request, *args, **kwargs)
        return super().send(request, *args, **kwargs)


def _http(timeout: float, transport: requests.adapters.BaseAdapter | None = None) -> requests.Session:
    http = requests.Session()
    adapter = _TimeoutAdapter(timeout, transport)
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    return http


def _record_limit_info(sf: simple_salesforce.Salesforce) -> None:
    """Keep the last ``Sforce-Limit-Info`` header Salesforce sent on ``sf`` (``last_limit_info``), errors
    included, so a REQUEST_LIMIT_EXCEEDED can say how much of the allowance is used."""
    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        info = response.headers.get("Sforce-Limit-Info")
        if info:
            setattr(sf, "last_limit_info", info)  # noqa: B010 - an attribute of our own on the client

    sf.session.hooks.setdefault("response", []).append(hook)


def connect(
    case: str | Path | dict[str, Any] | None = None,
    *,
    env: dict[str, str] | None = None,
    use_dotenv: bool = True,
    data_dir: str | Path | None = None,
    retry: RetryPolicy | None = None,
    allow_writes: bool = False,
    sandbox: Sandbox | None = None,
    sf_alias: str | None = None,
    mask_personal_data: bool = True,
    transport: requests.adapters.BaseAdapter | None = None,
) -> Session:
    """Open a session.

    - ``connect()``: live when the environment configures both systems, else the sandbox's demo world.
    - ``connect(case="path.json")``: the sandbox loaded from that case file (never live).
    - ``connect(sf_alias="acme")``: Salesforce through the Salesforce CLI's login for that alias (as ``SF_ALIAS``),
      Stripe from ``STRIPE_API_KEY``.

    ``data_dir``: where the session writes files it is not told where to put (see :attr:`Session.data_dir`);
    ``retry``: how both gateways retry and how long each request may take (:class:`RetryPolicy`);
    ``allow_writes``: guided actions may move money (still each only when confirmed; without it they stay dry runs);
    ``sandbox``: a new session over an existing :class:`toolkit.sandbox.Sandbox` (its state kept), e.g. after a
    restart, with the same ``data_dir`` for the same journal;
    ``mask_personal_data`` (default True): names, emails, phone numbers and street addresses are masked as they are
    read, so nothing the session shows or exports holds them (:mod:`toolkit.core.privacy`); ``session.mask_personal_data
    = False`` shows them from the next read on;
    ``transport``: a ``requests`` adapter that answers live requests instead of the network (tests put the sandbox
    behind live host names with it: :class:`toolkit.sandbox.live.LiveHosts`).
    """
    given_dir = Path(data_dir).expanduser() if data_dir is not None else None
    policy = retry if retry is not None else RetryPolicy()
    if sf_alias is not None and (case is not None or sandbox is not None):
        raise InputError("Give a case file or a sandbox, or a Salesforce CLI alias for a live org, not both.")
    if sandbox is not None:
        if case is not None:
            raise InputError("Give a case file or a sandbox, not both.")
        session = _over_sandbox(sandbox, "sandbox", DataSource("case", "an existing sandbox", "sandbox", "test"),
                                given_dir, policy)
        session.allow_writes, session.mask_personal_data = allow_writes, mask_personal_data
        return session
    if case is not None:
        if not isinstance(case, dict) and not str(case).strip():
            raise CaseFileError("The case file path is empty: give the path of a case file, or leave the case out "
                                "to use the configured connection.")
        session = _sandbox_session(case, given_dir, policy)
        session.allow_writes, session.mask_personal_data = allow_writes, mask_personal_data
        return session
    dotenv_path: Path | None = None
    if env is None:
        file_values: dict[str, str] = {}
        if use_dotenv:
            file_values, dotenv_path = _dotenv()
        env = {**file_values, **os.environ}
    sf_conf = _configured(SF_ENV, env)
    if sf_alias is not None:  # the argument wins over the environment's Salesforce settings
        sf_conf = {"SF_ALIAS": sf_alias}
    stripe_conf = _configured(STRIPE_ENV, env)
    if not sf_conf and not stripe_conf:
        session = _sandbox_session(None, given_dir, policy)
        session.dotenv_path = dotenv_path
        session.allow_writes, session.mask_personal_data = allow_writes, mask_personal_data
        return session
    if not stripe_conf:
        raise InputError("Salesforce is configured (SF_*) but Stripe is not: set STRIPE_API_KEY, or unset the SF_* "
                         "variables to use the sandbox.")
    if not sf_conf:
        raise InputError("Stripe is configured (STRIPE_API_KEY) but Salesforce is not: set SF_INSTANCE_URL and "
                         "SF_SESSION_ID (or SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN, or SF_ALIAS), or unset "
                         "STRIPE_API_KEY.")
    session = _live_session(sf_conf, stripe_conf["STRIPE_API_KEY"], given_dir, policy, transport)
    session.dotenv_path = dotenv_path
    session.allow_writes, session.mask_personal_data = allow_writes, mask_personal_data
    _check_identity(session, sf_conf.get("SF_ALIAS"))
    return session


def _check_identity(session: Session, alias: str | None) -> None:
    """Read the org and the account now (the banner's): credentials that do not work fail at connect, in one
    sentence saying what to do about the source they came from."""
    try:
        session._identity = read_identity(session, strict=True)
    except AccessDeniedError as exc:
        if exc.system == "Salesforce" and alias:
            raise AccessDeniedError(f"Salesforce refused the Salesforce CLI's login for alias {alias!r} "
                                    f"({exc.code or exc.status or 'refused'}): log in again with sf org login web "
                                    f"--alias {alias}, then retry.", system="Salesforce", status=exc.status,
                                    code=exc.code) from exc
        raise


def _sandbox_session(case: str | Path | dict[str, Any] | None, data_dir: Path | None,
                     policy: RetryPolicy) -> Session:
    from toolkit.sandbox import Sandbox

    box = Sandbox()
    if case is None:
        from toolkit.sandbox.demo import load_demo_world

        load_demo_world(box)
        source = "demo world"
        data_source = DataSource("demo", "demo world", "sandbox", "test")
    else:
        box.load_case(case)
        source = str(case) if not isinstance(case, dict) else str(case.get("title", "case"))
        name = Path(case).name if not isinstance(case, dict) else source
        data_source = DataSource("case", name, "sandbox", "test")
    return _over_sandbox(box, source, data_source, data_dir, policy)


def _over_sandbox(box: Sandbox, source: str, data_source: DataSource, data_dir: Path | None,
                  policy: RetryPolicy) -> Session:
    from toolkit.sandbox import SANDBOX_SECRET_KEY

    sf = box.salesforce()
    _record_limit_info(sf)

    def login_again() -> None:  # a new login in the sandbox: the org's current session id
        sf.session_id = box.org.session_id
        sf._generate_headers()

    return Session(sf=sf, stripe=box.stripe_client(timeout=policy.timeout), clock=box.clock, mode="sandbox",
                   sandbox=box, source=source, stripe_livemode=key_mode(SANDBOX_SECRET_KEY), data_source=data_source,
                   data_dir_given=data_dir, retry=policy, reauthenticate=login_again)


def _live_session(sf_conf: dict[str, str], api_key: str, data_dir: Path | None, policy: RetryPolicy,
                  transport: requests.adapters.BaseAdapter | None = None) -> Session:
    alias = sf_conf.get("SF_ALIAS")
    others = sorted(name for name in sf_conf if name not in ("SF_ALIAS", "SF_DOMAIN"))
    if alias and others:
        raise InputError(f"SF_ALIAS and {others[0]} are both set: keep one Salesforce credential source (the "
                         "Salesforce CLI's login, a session id, or a username and password).")
    relogin: Callable[[], None] | None
    if alias:
        login = sf_cli_login(alias, timeout=max(policy.timeout, 60.0))
        sf = simple_salesforce.Salesforce(instance_url=login.instance_url, session_id=login.access_token,
                                          session=_http(policy.timeout, transport))
        relogin = _cli_relogin(sf, login, policy)
        how = f"Salesforce through the Salesforce CLI's login for alias {alias!r}"
    elif sf_conf.get("SF_INSTANCE_URL") and sf_conf.get("SF_SESSION_ID"):
        sf = simple_salesforce.Salesforce(instance_url=sf_conf["SF_INSTANCE_URL"], session_id=sf_conf["SF_SESSION_ID"],
                                          session=_http(policy.timeout, transport))
        relogin = None  # a bare session id cannot be renewed
        how = "Salesforce through a session id (SF_SESSION_ID)"
    elif all(sf_conf.get(k) for k in ("SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN")):
        try:
            sf = simple_salesforce.Salesforce(username=sf_conf["SF_USERNAME"], password=sf_conf["SF_PASSWORD"],
                                              security_token=sf_conf["SF_SECURITY_TOKEN"],
                                              domain=sf_conf.get("SF_DOMAIN", "login"),
                                              session=_http(policy.timeout, transport))
        except SalesforceAuthenticationFailed as exc:
            raise AccessDeniedError("Salesforce refused the login; check SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN "
                                    "and SF_DOMAIN (test for a sandbox org).", system="Salesforce",
                                    status=401) from exc
        except requests.RequestException as exc:
            raise salesforce_error(exc, "the login") from exc
        # a username-password login can log in again when the session expires
        relogin = sf._refresh_session if getattr(sf, "_salesforce_login_partial", None) is not None else None
        how = "Salesforce through a username-password login (SF_USERNAME)"
    else:
        raise InputError("Salesforce configuration is incomplete: set SF_INSTANCE_URL and SF_SESSION_ID, or "
                         "SF_USERNAME, SF_PASSWORD and SF_SECURITY_TOKEN, or SF_ALIAS.")
    if not api_key.startswith(("sk_", "rk_")):
        raise InputError("STRIPE_API_KEY does not look like a Stripe secret or restricted key (sk_... or rk_...).")
    # the gateways retry (RetryPolicy); the library's own retries would multiply them
    http_client = stripe.RequestsClient(timeout=policy.timeout) if transport is None else \
        stripe.RequestsClient(timeout=policy.timeout, session=_http(policy.timeout, transport))
    client = stripe.StripeClient(api_key, max_network_retries=0, http_client=http_client)
    livemode = key_mode(api_key)
    _record_limit_info(sf)
    instance = urlsplit(f"https://{sf.sf_instance}").hostname or str(sf.sf_instance)
    mode: Literal["test", "live"] | None = None if livemode is None else ("live" if livemode else "test")
    key = "a restricted key" if api_key.startswith("rk_") else "a secret key"
    return Session(sf=sf, stripe=client, clock=LiveClock(), mode="live", source="live", stripe_livemode=livemode,
                   data_source=DataSource("live", instance, instance, mode), data_dir_given=data_dir, retry=policy,
                   reauthenticate=relogin, credentials=f"{how}, Stripe through {key} (STRIPE_API_KEY)")


def _cli_relogin(sf: simple_salesforce.Salesforce, login: SfCliLogin, policy: RetryPolicy) -> Callable[[], None]:
    """On INVALID_SESSION_ID: ask the Salesforce CLI for the alias's token again (it refreshes it) and use it."""
    def relogin() -> None:
        sf.session_id = access_token(login.alias, timeout=max(policy.timeout, 60.0))
        sf._generate_headers()

    return relogin
