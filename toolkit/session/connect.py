"""``connect()``: the one place that decides between live systems and the embedded sandbox.

Live configuration comes from the environment (or a ``.env`` file in the working directory):

- Salesforce: ``SF_INSTANCE_URL`` + ``SF_SESSION_ID``, or ``SF_USERNAME`` + ``SF_PASSWORD`` +
  ``SF_SECURITY_TOKEN`` (optional ``SF_DOMAIN``, ``login`` or ``test``).
- Stripe: ``STRIPE_API_KEY`` (a restricted ``rk_`` key with read access is enough to investigate).

With neither configured, ``connect()`` serves the embedded sandbox (the demo world). Configuring only one
of the two systems is an error: a half-live session would mix real and fake data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import simple_salesforce
import stripe

from toolkit.core.clock import LiveClock
from toolkit.errors import InputError
from toolkit.session.session import DataSource, Session

__all__ = ["SF_ENV", "STRIPE_ENV", "connect", "key_mode"]

SF_ENV = ("SF_INSTANCE_URL", "SF_SESSION_ID", "SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN", "SF_DOMAIN")
STRIPE_ENV = ("STRIPE_API_KEY",)


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


def connect(
    case: str | Path | dict[str, Any] | None = None,
    *,
    env: dict[str, str] | None = None,
    use_dotenv: bool = True,
    data_dir: str | Path | None = None,
) -> Session:
    """Open a session.

    - ``connect()``: live when the environment configures both systems, else the sandbox's demo world.
    - ``connect(case="path.json")``: the sandbox loaded from that case file (never live).

    ``data_dir``: where the session writes files it is not told where to put (see :attr:`Session.data_dir`).
    """
    given_dir = Path(data_dir).expanduser() if data_dir is not None else None
    if case is not None:
        return _sandbox_session(case, given_dir)
    if env is None:
        if use_dotenv:
            from dotenv import dotenv_values

            file_values = {k: v for k, v in dotenv_values(Path.cwd() / ".env").items() if v}
            env = {**file_values, **os.environ}
        else:
            env = dict(os.environ)
    sf_conf = _configured(SF_ENV, env)
    stripe_conf = _configured(STRIPE_ENV, env)
    if not sf_conf and not stripe_conf:
        return _sandbox_session(None, given_dir)
    if not stripe_conf:
        raise InputError("Salesforce is configured (SF_*) but Stripe is not: set STRIPE_API_KEY, or unset the SF_* "
                         "variables to use the sandbox.")
    if not sf_conf:
        raise InputError("Stripe is configured (STRIPE_API_KEY) but Salesforce is not: set SF_INSTANCE_URL and "
                         "SF_SESSION_ID (or SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN), or unset STRIPE_API_KEY.")
    return _live_session(sf_conf, stripe_conf["STRIPE_API_KEY"], given_dir)


def _sandbox_session(case: str | Path | dict[str, Any] | None, data_dir: Path | None) -> Session:
    from toolkit.sandbox import SANDBOX_SECRET_KEY, Sandbox

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
    return Session(sf=box.salesforce(), stripe=box.stripe_client(), clock=box.clock, mode="sandbox", sandbox=box,
                   source=source, stripe_livemode=key_mode(SANDBOX_SECRET_KEY), data_source=data_source,
                   data_dir_given=data_dir)


def _live_session(sf_conf: dict[str, str], api_key: str, data_dir: Path | None) -> Session:
    if sf_conf.get("SF_INSTANCE_URL") and sf_conf.get("SF_SESSION_ID"):
        sf = simple_salesforce.Salesforce(instance_url=sf_conf["SF_INSTANCE_URL"], session_id=sf_conf["SF_SESSION_ID"])
    elif all(sf_conf.get(k) for k in ("SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN")):
        sf = simple_salesforce.Salesforce(username=sf_conf["SF_USERNAME"], password=sf_conf["SF_PASSWORD"],
                                          security_token=sf_conf["SF_SECURITY_TOKEN"],
                                          domain=sf_conf.get("SF_DOMAIN", "login"))
    else:
        raise InputError("Salesforce configuration is incomplete: set SF_INSTANCE_URL and SF_SESSION_ID, or "
                         "SF_USERNAME, SF_PASSWORD and SF_SECURITY_TOKEN.")
    if not api_key.startswith(("sk_", "rk_")):
        raise InputError("STRIPE_API_KEY does not look like a Stripe secret or restricted key (sk_... or rk_...).")
    client = stripe.StripeClient(api_key, max_network_retries=2)
    livemode = key_mode(api_key)
    instance = urlsplit(f"https://{sf.sf_instance}").hostname or str(sf.sf_instance)
    mode: Literal["test", "live"] | None = None if livemode is None else ("live" if livemode else "test")
    return Session(sf=sf, stripe=client, clock=LiveClock(), mode="live", source="live", stripe_livemode=livemode,
                   data_source=DataSource("live", instance, instance, mode), data_dir_given=data_dir)
