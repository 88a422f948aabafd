"""Where settings come from: the environment, else a .env found from the working directory upwards (or the one
OMS_TOOLKIT_DOTENV names); the session says which file it used. The suite switches discovery off (conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.session import connect


def test_discovery_is_off_in_the_tests() -> None:
    session = connect()
    assert session.dotenv_path is None and session.banner.startswith("Data: the demo sandbox (demo world, fake data). ")
    assert "Settings from" not in session.banner


def test_a_dotenv_above_the_working_directory_is_found_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    (tmp_path / ".env").write_text("# nothing live configured here\nOMS_TOOLKIT_UNUSED=1\n", encoding="utf-8")
    deeper = tmp_path / "a" / "b"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    monkeypatch.delenv("OMS_TOOLKIT_DOTENV")
    session = connect()
    assert session.dotenv_path == (tmp_path / ".env").resolve() and session.mode == "sandbox"
    assert session.banner.endswith(f" Settings from {(tmp_path / '.env').resolve()}.")


def test_a_dotenv_with_half_a_configuration_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text("STRIPE_API_KEY=sk_test_sandbox_fromdotenv00000000\n", encoding="utf-8")
    monkeypatch.setenv("OMS_TOOLKIT_DOTENV", str(env_file))
    with pytest.raises(InputError, match="Stripe is configured"):
        connect()


def test_a_dotenv_setting_that_names_no_file_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_TOOLKIT_DOTENV", str(tmp_path / "missing.env"))
    with pytest.raises(InputError, match="which is not a file"):
        connect()


def test_an_empty_case_is_an_error_never_the_demo_world() -> None:
    with pytest.raises(InputError, match="case file path is empty"):
        connect(case="")
    with pytest.raises(InputError, match="case file path is empty"):
        connect(case="   ")
