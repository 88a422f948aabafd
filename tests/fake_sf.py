"""A fake Salesforce CLI (``sf``) on the PATH, for the tests of the CLI's stored login as a credential source.

:func:`install_fake_sf` writes an executable ``sf`` (a Python script) into a temporary directory put first on the
PATH. It answers ``sf org display --target-org ALIAS --json`` and ``sf org auth show-access-token --target-org ALIAS
--json`` with the JSON the real CLI prints (``{"status": 0, "result": {...}, "warnings": [...]}``, or its error
object), as configured, and appends each call's arguments to a log (one JSON list per line).

Behaviours (``mode``): ``modern`` (org display redacts the token, show-access-token gives it), ``legacy`` (an older
CLI: no show-access-token command, org display shows the token), ``unknown_alias``, ``expired`` (org display's
connectedStatus is an auth error), ``no_json`` (prints text), ``slow`` (sleeps past any short timeout).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

__all__ = ["calls", "install_fake_sf"]

_SCRIPT = r'''#!{python}
import json, sys, time
config = json.load(open({config!r}, encoding="utf-8"))
args = sys.argv[1:]
with open(config["log"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\n")
mode = config["mode"]
alias = args[args.index("--target-org") + 1] if "--target-org" in args else None
command = " ".join(a for a in args if not a.startswith("-") and a != alias)

def out(payload, code=0):
    print(json.dumps(payload, indent=2))
    sys.exit(code)

if mode == "slow":
    time.sleep(30)
if mode == "no_json":
    print("Something went wrong: the CLI printed text")
    sys.exit(1)
if alias not in config["aliases"] or mode == "unknown_alias":
    out({{"code": 1, "context": "OrgDisplay", "commandName": "OrgDisplayCommand",
         "message": "No authorization information found for " + str(alias) + ".", "name": "NamedOrgNotFoundError",
         "status": 1, "stack": "NamedOrgNotFoundError: ...", "exitCode": 1, "warnings": []}}, 1)
if command == "org display":
    token = config["token"] if mode == "legacy" else "[REDACTED] Use 'sf org auth show-access-token' to view"
    status = "RefreshTokenAuthError" if mode == "expired" else "Connected"
    out({{"status": 0, "result": {{"id": "00DSB0000000001AAA", "apiVersion": "62.0", "accessToken": token,
          "instanceUrl": config["instance_url"], "username": "analyst@acme.example", "clientId": "PlatformCLI",
          "connectedStatus": status, "alias": alias}},
         "warnings": ["Secrets are now hidden from 'sf org display' command output."]}})
if command == "org auth show-access-token":
    if mode == "legacy":
        sys.stderr.write("Warning: org auth show-access-token is not a sf command.\n")
        sys.exit(127)
    out({{"status": 0, "result": {{"accessToken": config["token"]}},
         "warnings": ["This command exposes a sensitive Access Token."]}})
out({{"name": "CommandNotFound", "message": "unknown command " + command, "status": 1, "exitCode": 1}}, 1)
'''


def install_fake_sf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, token: str,
                    instance_url: str = "https://acme.my.salesforce.com", mode: str = "modern",
                    aliases: tuple[str, ...] = ("acme",)) -> Path:
    """Put a fake ``sf`` first on the PATH; returns the log of its calls."""
    folder = tmp_path / "fake-sf-bin"
    folder.mkdir(exist_ok=True)
    log = tmp_path / "fake-sf-calls.jsonl"
    config = tmp_path / "fake-sf.json"
    config.write_text(json.dumps({"mode": mode, "token": token, "instance_url": instance_url, "aliases": aliases,
                                  "log": str(log)}), encoding="utf-8")
    script = folder / "sf"
    script.write_text(_SCRIPT.format(python=sys.executable, config=str(config)), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return log


def calls(log: Path) -> list[list[str]]:
    """The fake CLI's calls, oldest first (its arguments)."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
