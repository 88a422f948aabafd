"""The Salesforce CLI's stored login (toolkit.session.sf_cli), driven through a fake ``sf`` on the PATH."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_sf import calls, install_fake_sf

from toolkit.errors import AccessDeniedError, InputError, ServiceError, ServiceUnavailableError
from toolkit.session.sf_cli import access_token, sf_cli_login

TOKEN = "00DSB0000000001!AQ8AQFakeTokenForTheTestsOnly.0123456789abcdefghij"


def _no_secret(text: str) -> None:
    assert TOKEN not in text and "AQ8AQFake" not in text


def test_a_modern_cli_gives_the_instance_from_org_display_and_the_token_from_show_access_token(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = install_fake_sf(tmp_path, monkeypatch, token=TOKEN)
    login = sf_cli_login("acme")
    assert login.instance_url == "https://acme.my.salesforce.com" and login.access_token == TOKEN
    assert calls(log) == [["org", "display", "--target-org", "acme", "--json"],
                          ["org", "auth", "show-access-token", "--target-org", "acme", "--json"]]
    _no_secret(repr(login))


def test_an_older_cli_without_show_access_token_falls_back_to_org_display(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    log = install_fake_sf(tmp_path, monkeypatch, token=TOKEN, mode="legacy")
    login = sf_cli_login("acme")
    assert login.access_token == TOKEN and len(calls(log)) == 2


def test_an_unknown_alias_is_one_sentence_saying_how_to_log_in(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_sf(tmp_path, monkeypatch, token=TOKEN)
    with pytest.raises(InputError) as info:
        sf_cli_login("nosuch")
    message = str(info.value)
    assert message == ("The Salesforce CLI has no login for alias 'nosuch': log in with sf org login web --alias "
                       "nosuch (sf org list shows the logins it has), or fix SF_ALIAS.")
    assert info.value.system == "Salesforce"


def test_an_expired_login_is_refused_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = install_fake_sf(tmp_path, monkeypatch, token=TOKEN, mode="expired")
    with pytest.raises(AccessDeniedError) as info:
        sf_cli_login("acme")
    assert "no longer works" in str(info.value) and "sf org login web --alias acme" in str(info.value)
    assert info.value.status == 401 and len(calls(log)) == 1  # no token asked for
    _no_secret(str(info.value))


def test_a_missing_cli_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(InputError, match=r"^The Salesforce CLI \(sf\) is not installed or not on the PATH"):
        sf_cli_login("acme")


def test_a_cli_that_does_not_answer_in_time_is_an_outage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_sf(tmp_path, monkeypatch, token=TOKEN, mode="slow")
    with pytest.raises(ServiceUnavailableError, match=r"did not answer within 0\.5 s"):
        sf_cli_login("acme", timeout=0.5)


def test_output_that_is_not_json_is_a_failure_without_the_output(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_sf(tmp_path, monkeypatch, token=TOKEN, mode="no_json")
    with pytest.raises(ServiceError) as info:
        sf_cli_login("acme")
    assert "printed no JSON" in str(info.value) and "Something went wrong" not in str(info.value)


@pytest.mark.parametrize("alias", ["", "  ", "--json", "two words"])
def test_an_alias_that_cannot_be_one_is_bad_input(alias: str) -> None:
    with pytest.raises(InputError, match="is not a Salesforce CLI alias"):
        sf_cli_login(alias)


def test_asking_again_for_the_token_runs_only_show_access_token(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    log = install_fake_sf(tmp_path, monkeypatch, token=TOKEN)
    assert access_token("acme") == TOKEN
    assert calls(log) == [["org", "auth", "show-access-token", "--target-org", "acme", "--json"]]
