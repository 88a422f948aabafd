"""The Salesforce CLI's stored login as a credential source: ``connect(sf_alias="acme")`` or ``SF_ALIAS=acme``.

Analysts who already use the Salesforce CLI (``sf org login web --alias acme``) need no session id in a file: the
toolkit asks the CLI, each time it connects, for

- the org's instance URL: ``sf org display --target-org ALIAS --json`` (``result.instanceUrl``; its
  ``result.connectedStatus`` says whether the login still works);
- the access token: ``sf org auth show-access-token --target-org ALIAS --json`` (``result.accessToken``). Since the
  CLI's 2026 security update ``sf org display`` shows ``[REDACTED] Use 'sf org auth show-access-token' to view`` in
  place of the token; an older CLI has no ``show-access-token`` command but still shows the token there, and the
  toolkit falls back to it.

Each call runs with a timeout (:data:`SF_TIMEOUT`), reads only the JSON the CLI prints, and fails in one sentence
(CLI missing, alias unknown, login expired, no token) that never holds the token or the CLI's raw output. The token is
kept only by the ``simple_salesforce.Salesforce`` client (never in a repr, a log or an error). When Salesforce later
answers ``INVALID_SESSION_ID``, the session asks the CLI again (it refreshes the token) and retries once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

from toolkit.core.text import redact
from toolkit.errors import AccessDeniedError, InputError, ServiceError, ServiceUnavailableError

__all__ = ["SF_EXECUTABLE_ENV", "SF_TIMEOUT", "SfCliLogin", "access_token", "sf_cli_login"]

#: Seconds each CLI call may take (the CLI starts slowly, and refreshes the token over the network).
SF_TIMEOUT = 60.0
#: Names another executable than ``sf`` (on the PATH) when set.
SF_EXECUTABLE_ENV = "OMS_TOOLKIT_SF"
_REDACTED = "[REDACTED]"
_NO_LOGIN = ("NamedOrgNotFoundError", "NoAuthInfoFound", "NoOrgFound", "AuthInfoCreationError",
             "NoDefaultEnvError", "NoUsernameFoundError")
_EXPIRED = ("RefreshTokenAuthError", "INVALID_SESSION_ID", "expired", "invalid_grant", "revoked", "noAccessToken",
            "No access token")


@dataclass(frozen=True)
class SfCliLogin:
    """What the CLI gave for an alias: the instance URL and the access token (left out of the repr)."""

    alias: str
    instance_url: str
    access_token: str = field(repr=False)


def _executable() -> str:
    name = os.environ.get(SF_EXECUTABLE_ENV) or "sf"
    found = shutil.which(name)
    if found is None:
        raise InputError(f"The Salesforce CLI ({name}) is not installed or not on the PATH: install it (npm install "
                         "--global @salesforce/cli) and log in with sf org login web --alias ALIAS, or set "
                         "SF_INSTANCE_URL and SF_SESSION_ID instead of SF_ALIAS.", system="Salesforce")
    return found


def _one_line(text: Any, limit: int = 200) -> str:
    return " ".join(redact(str(text or "")).split())[:limit]


def _run(alias: str, command: list[str], timeout: float) -> dict[str, Any]:
    """The JSON the CLI printed for ``sf <command> --target-org ALIAS --json`` (its error JSON included), or one
    sentence when there is none. Nothing the CLI printed goes into an error but its error's name and message."""
    shown = f"sf {' '.join(command)} --target-org {alias}"
    args = [_executable(), *command, "--target-org", alias, "--json"]
    env = {**os.environ, "SF_JSON_TO_STDOUT": "true", "NO_COLOR": "1", "SF_AUTOUPDATE_DISABLE": "true"}
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ServiceUnavailableError(f"The Salesforce CLI did not answer within {timeout:g} s ({shown}); try again, "
                                      "or check that sf org list works.", system="Salesforce") from None
    except OSError as exc:
        raise InputError(f"The Salesforce CLI could not be run ({exc.strerror or type(exc).__name__}); check the sf "
                         "installation, or set SF_INSTANCE_URL and SF_SESSION_ID instead of SF_ALIAS.",
                         system="Salesforce") from None
    for stream in (done.stdout, done.stderr):
        try:
            answer = json.loads(stream)
        except ValueError:
            continue
        if isinstance(answer, dict):
            answer["_exit"] = done.returncode
            return answer
    return {"_exit": done.returncode, "name": "NoJson", "message": f"{shown} printed no JSON (exit code "
                                                                   f"{done.returncode})"}


def _failed(answer: dict[str, Any]) -> bool:
    return answer.get("_exit") != 0 or answer.get("status") not in (0, None) or not isinstance(answer.get("result"),
                                                                                                  dict)


def _problem(answer: dict[str, Any]) -> str:
    name, message = _one_line(answer.get("name"), 60), _one_line(answer.get("message"))
    return f"{name}: {message}" if name and message else name or message or "no reason given"


def _expired(alias: str, why: str) -> AccessDeniedError:
    return AccessDeniedError(f"The Salesforce CLI's login for alias {alias!r} no longer works ({why}): log in again "
                             f"with sf org login web --alias {alias}, then retry.", system="Salesforce", status=401)


def _usable(token: Any) -> bool:
    return isinstance(token, str) and bool(token) and not token.startswith(_REDACTED) and " " not in token


def access_token(alias: str, *, timeout: float = SF_TIMEOUT, fallback: Any = None) -> str:
    """The alias's access token from ``sf org auth show-access-token`` (which refreshes it first); ``fallback`` is
    what an older CLI's ``sf org display`` showed as the token, used when that command does not exist."""
    answer = _run(alias, ["org", "auth", "show-access-token"], timeout)
    if not _failed(answer):
        token = answer["result"].get("accessToken")
        if _usable(token):
            return str(token)
    problem = _problem(answer)
    if _usable(fallback):
        return str(fallback)  # an older CLI: no show-access-token command, the token is still in org display
    if any(mark.lower() in problem.lower() for mark in _EXPIRED):
        raise _expired(alias, problem)
    raise ServiceError(f"The Salesforce CLI gave no access token for alias {alias!r} (sf org auth show-access-token: "
                       f"{problem}); update the CLI (npm update --global @salesforce/cli) and log in again with sf "
                       f"org login web --alias {alias}.", system="Salesforce")


def sf_cli_login(alias: str, *, timeout: float = SF_TIMEOUT) -> SfCliLogin:
    """The instance URL and access token the Salesforce CLI holds for ``alias`` (see the module docstring)."""
    alias = alias.strip()
    if not alias or alias.startswith("-") or any(ch.isspace() for ch in alias):
        raise InputError(f"{alias!r} is not a Salesforce CLI alias or username: give the alias you used with sf org "
                         "login web --alias.", system="Salesforce")
    display = _run(alias, ["org", "display"], timeout)
    if _failed(display):
        problem = _problem(display)
        if any(name in problem for name in _NO_LOGIN) or "No authorization information" in problem:
            raise InputError(f"The Salesforce CLI has no login for alias {alias!r}: log in with sf org login web "
                             f"--alias {alias} (sf org list shows the logins it has), or fix SF_ALIAS.",
                             system="Salesforce")
        if any(mark.lower() in problem.lower() for mark in _EXPIRED):
            raise _expired(alias, problem)
        raise ServiceError(f"The Salesforce CLI could not show the org of alias {alias!r} ({problem}); run sf org "
                           f"display --target-org {alias} to see why.", system="Salesforce")
    result = display["result"]
    status = result.get("connectedStatus")
    if isinstance(status, str) and status and status != "Connected":
        raise _expired(alias, f"sf org display says {_one_line(status, 120)}")
    instance_url = result.get("instanceUrl")
    if not isinstance(instance_url, str) or not instance_url.startswith("https://"):
        raise ServiceError(f"The Salesforce CLI shows no instance URL for alias {alias!r}; log in again with sf org "
                           f"login web --alias {alias}.", system="Salesforce")
    token = access_token(alias, timeout=timeout, fallback=result.get("accessToken"))
    return SfCliLogin(alias, instance_url.rstrip("/"), token)
