"""connect()'s live path end to end, for every credential source, against the sandbox behind live host names
(toolkit.sandbox.live.LiveHosts as the injected transport): the right clients, the banner, the requests connecting
costs, and no secret in any output, repr, log line or exception."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import simple_salesforce
import stripe
from fake_sf import calls, install_fake_sf

from toolkit import connect
from toolkit.errors import AccessDeniedError, InputError
from toolkit.sandbox import SANDBOX_SECRET_KEY, Sandbox
from toolkit.sandbox.demo import load_demo_world
from toolkit.sandbox.live import LiveHosts
from toolkit.sandbox.stripe.account_object import ACCOUNT_ID

INSTANCE = "https://acme.my.salesforce.com"
PASSWORD, SECURITY_TOKEN = "correct-horse-battery", "TokenFromSalesforce123"
ORG = "Salesforce: OMS Toolkit Sandbox, sandbox org (instance SB0, Enterprise Edition, acme.my.salesforce.com)."
ACCOUNT = f"Stripe: account {ACCOUNT_ID} (OMS Toolkit Demo Store), test mode."


@pytest.fixture()
def box() -> Sandbox:
    sandbox = Sandbox()
    load_demo_world(sandbox)
    return sandbox


@pytest.fixture()
def hosts(box: Sandbox) -> LiveHosts:
    return LiveHosts(box, instance_url=INSTANCE, username="analyst@acme.example", password=PASSWORD,
                     security_token=SECURITY_TOKEN)


def _secrets(box: Sandbox) -> list[str]:
    return [box.org.session_id, box.org.session_id.split("!")[1], SANDBOX_SECRET_KEY, PASSWORD, SECURITY_TOKEN]


def _assert_clean(texts: list[str], box: Sandbox) -> None:
    for text in texts:
        for secret in _secrets(box):
            assert secret not in text
        assert "sk_test_sandbox_0" not in text and "!" + box.org.session_id.split("!")[1][:8] not in text


def _session_env(box: Sandbox) -> dict[str, str]:
    return {"SF_INSTANCE_URL": INSTANCE, "SF_SESSION_ID": box.org.session_id, "STRIPE_API_KEY": SANDBOX_SECRET_KEY}


def _outputs(session) -> list[str]:  # type: ignore[no-untyped-def]
    trace = session.trace("00001017")
    return [session.banner, repr(session), session._repr_html_(), str(trace), repr(trace), trace._repr_html_(),
            json.dumps(trace.to_json()), trace.findings_frame().to_csv(), repr(session.sf.__dict__.keys())]


def test_a_session_id_from_the_environment(box: Sandbox, hosts: LiveHosts, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    box.clear_logs()
    session = connect(env=_session_env(box), transport=hosts)
    assert session.mode == "live" and session.sandbox is None
    assert isinstance(session.sf, simple_salesforce.Salesforce) and isinstance(session.stripe, stripe.StripeClient)
    assert session.sf.base_url.startswith(f"{INSTANCE}/services/data/")
    # connecting read the org and the account: one request each, nothing else
    assert box.org.log.counts() == {"GET /services/data/v59.0/query/": 1}
    assert box.stripe.log.counts() == {"GET /v1/account": 1}
    assert session.banner == (
        "Data: live: Salesforce acme.my.salesforce.com, Stripe test mode. " + ORG + " " + ACCOUNT +
        " Writes off: guided actions are dry runs. Personal data masked. Credentials: Salesforce through a session id "
        "(SF_SESSION_ID), Stripe through a secret key (STRIPE_API_KEY).")
    assert len(box.org.log) == 1 and len(box.stripe.log) == 1  # the banner read nothing more
    outputs = _outputs(session)
    assert session.trace("00001017").to_json()["source"]["kind"] == "live"
    _assert_clean([*outputs, caplog.text], box)


def test_a_username_password_login(box: Sandbox, hosts: LiveHosts, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    box.clear_logs()
    env = {"SF_USERNAME": "analyst@acme.example", "SF_PASSWORD": PASSWORD, "SF_SECURITY_TOKEN": SECURITY_TOKEN,
           "STRIPE_API_KEY": SANDBOX_SECRET_KEY}
    session = connect(env=env, transport=hosts, allow_writes=True)
    assert box.org.log.counts() == {"GET /services/data/v59.0/query/": 1, "POST /services/Soap/u/59.0": 1}
    assert box.stripe.log.counts() == {"GET /v1/account": 1}
    assert ORG in session.banner and ACCOUNT in session.banner
    assert "Writes ARMED: guided actions can move money." in session.banner
    assert "Salesforce through a username-password login (SF_USERNAME)" in session.banner
    _assert_clean([*_outputs(session), caplog.text], box)
    with pytest.raises(AccessDeniedError) as info:
        connect(env={**env, "SF_PASSWORD": "wrong"}, transport=hosts)
    assert str(info.value).startswith("Salesforce refused the login; check SF_USERNAME")
    _assert_clean([str(info.value), repr(info.value), str(info.value.__cause__)], box)


def test_a_dotenv_file(box: Sandbox, hosts: LiveHosts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / "live.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in _session_env(box).items()), encoding="utf-8")
    monkeypatch.setenv("OMS_TOOLKIT_DOTENV", str(env_file))
    session = connect(transport=hosts)
    assert session.mode == "live" and session.dotenv_path == env_file.resolve()
    assert session.banner.endswith(f" Settings from {env_file.resolve()}.") and ORG in session.banner
    _assert_clean(_outputs(session), box)


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_the_salesforce_cli_login(box: Sandbox, hosts: LiveHosts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  caplog: pytest.LogCaptureFixture, how: str) -> None:
    caplog.set_level(logging.DEBUG)
    log = install_fake_sf(tmp_path, monkeypatch, token=box.org.session_id, instance_url=INSTANCE)
    box.clear_logs()
    env = {"STRIPE_API_KEY": SANDBOX_SECRET_KEY}
    session = connect(env=env, sf_alias="acme", transport=hosts) if how == "argument" else \
        connect(env={**env, "SF_ALIAS": "acme"}, transport=hosts)
    assert [c[:3] for c in calls(log)] == [["org", "display", "--target-org"],
                                           ["org", "auth", "show-access-token"]]
    assert box.org.log.counts() == {"GET /services/data/v59.0/query/": 1}
    assert ORG in session.banner and ACCOUNT in session.banner
    assert "Credentials: Salesforce through the Salesforce CLI's login for alias 'acme'" in session.banner
    _assert_clean([*_outputs(session), caplog.text], box)


def test_an_expired_cli_session_is_renewed_through_the_cli_once(box: Sandbox, hosts: LiveHosts, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    log = install_fake_sf(tmp_path, monkeypatch, token=box.org.session_id, instance_url=INSTANCE)
    session = connect(env={"STRIPE_API_KEY": SANDBOX_SECRET_KEY}, sf_alias="acme", transport=hosts)
    box.org.session_id = "00DSB0000000001!renewed" + "x" * 40  # the old token expires; the CLI now has a new one
    install_fake_sf(tmp_path, monkeypatch, token=box.org.session_id, instance_url=INSTANCE)
    assert session.trace("00001017").findings
    assert [c[:3] for c in calls(log)][-1] == ["org", "auth", "show-access-token"] and len(calls(log)) == 3


def test_a_session_the_org_refuses_fails_at_connect_in_one_sentence(box: Sandbox, hosts: LiveHosts, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**_session_env(box), "SF_SESSION_ID": "00DSB0000000001!expiredexpiredexpired"}
    with pytest.raises(AccessDeniedError) as info:
        connect(env=env, transport=hosts)
    assert info.value.system == "Salesforce" and info.value.status == 401
    assert "expiredexpired" not in str(info.value) and "\n" not in str(info.value)
    install_fake_sf(tmp_path, monkeypatch, token="00DSB0000000001!stalestalestalestale", instance_url=INSTANCE)
    with pytest.raises(AccessDeniedError) as info:
        connect(env={"STRIPE_API_KEY": SANDBOX_SECRET_KEY}, sf_alias="acme", transport=hosts)
    assert str(info.value) == ("Salesforce refused the Salesforce CLI's login for alias 'acme' (INVALID_SESSION_ID): "
                               "log in again with sf org login web --alias acme, then retry.")


def test_a_stripe_key_stripe_refuses_fails_at_connect_without_the_key(box: Sandbox, hosts: LiveHosts) -> None:
    bad = "sk_test_" + "notasandboxkey" + "0" * 21  # built, so that no key-shaped literal is committed
    with pytest.raises(AccessDeniedError) as info:
        connect(env={**_session_env(box), "STRIPE_API_KEY": bad}, transport=hosts)
    assert info.value.system == "Stripe" and "check STRIPE_API_KEY" in str(info.value)
    assert bad not in str(info.value) and "notasandboxkey" not in str(info.value)


def test_a_restricted_key_names_the_account_without_its_name(box: Sandbox, hosts: LiveHosts) -> None:
    key = box.stripe.restricted_key({"payment_intents": "read", "charges": "read", "refunds": "read",
                                     "balance_transactions": "read", "events": "read"})
    session = connect(env={**_session_env(box), "STRIPE_API_KEY": key}, transport=hosts)
    assert (f"Stripe: account {ACCOUNT_ID} (its name is not readable with a restricted key), test mode."
            in session.banner)
    assert "Stripe through a restricted key (STRIPE_API_KEY)" in session.banner
    assert session.trace("00001017").findings
    assert key not in session.banner and key[-12:] not in repr(session)


def test_two_salesforce_credential_sources_are_refused(box: Sandbox, hosts: LiveHosts) -> None:
    with pytest.raises(InputError, match="keep one Salesforce credential source"):
        connect(env={**_session_env(box), "SF_ALIAS": "acme"}, transport=hosts)
    with pytest.raises(InputError, match="not both"):
        connect(case={"case_format": 1}, sf_alias="acme")


def test_the_sandbox_reads_its_identity_on_first_use_only() -> None:
    session = connect()
    box = session.sandbox
    assert box is not None
    box.clear_logs()
    assert session.banner == (
        "Data: the demo sandbox (demo world, fake data). Salesforce: OMS Toolkit Sandbox, sandbox org (instance SB0, "
        "Enterprise Edition, org.sandbox.invalid). " + ACCOUNT + " Writes off: guided actions are dry runs. Personal "
        "data masked.")
    assert len(box.org.log) == 1 and len(box.stripe.log) == 1
    assert session.banner.startswith("Data: ")  # read once, kept
    assert len(box.org.log) == 1 and len(box.stripe.log) == 1
    assert "Personal data SHOWN (masking is off)." in connect(mask_personal_data=False).banner


def test_the_command_line_on_a_live_configuration(box: Sandbox, hosts: LiveHosts, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import functools

    import toolkit.cli.common
    from toolkit.cli.main import main

    live = functools.partial(connect, env=_session_env(box), transport=hosts)
    monkeypatch.setattr(toolkit.cli.common, "connect", lambda **kwargs: live(**kwargs))
    assert main(["trace", "00001017", "--format", "json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)  # standard output: the JSON alone
    assert data["source"]["kind"] == "live" and data["source"]["salesforce"] == "acme.my.salesforce.com"
    assert captured.err.count("\n") == 1 and captured.err.startswith("Data: live: Salesforce acme.my.salesforce.com")
    assert ORG in captured.err and ACCOUNT in captured.err and "Personal data masked." in captured.err
    _assert_clean([captured.out, captured.err], box)
