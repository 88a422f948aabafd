"""The session: where its data comes from, where it writes, the gateways it hands out."""

from __future__ import annotations

from pathlib import Path

from repo_paths import EXAMPLE_CASE

from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.session import connect, key_mode
from toolkit.stripe.gateway import StripeGateway


def test_each_sandbox_session_writes_to_a_fresh_directory_of_its_own() -> None:
    first, second = connect(case=EXAMPLE_CASE), connect(case=EXAMPLE_CASE)
    assert first.data_dir.is_dir() and second.data_dir.is_dir() and first.data_dir != second.data_dir
    assert not any(first.data_dir.iterdir())


def test_a_given_data_directory_is_used(tmp_path: Path) -> None:
    session = connect(case=EXAMPLE_CASE, data_dir=tmp_path / "journals")
    assert session.data_dir == tmp_path / "journals" and session.data_dir.is_dir()


def test_the_data_source_names_what_is_read() -> None:
    demo = connect(use_dotenv=False, env={})
    assert demo.data_source is not None and demo.data_source.to_json() == {
        "kind": "demo", "name": "demo world", "salesforce": "sandbox", "stripe_mode": "test",
        "label": "the demo sandbox (demo world, fake data)"}
    case = connect(case=EXAMPLE_CASE)
    assert case.data_source is not None and case.data_source.name == "expired-authorization.json"
    assert "case file expired-authorization.json" in case.data_source.label


def test_the_key_mode_is_recorded_by_connect_not_read_from_the_client() -> None:
    assert connect(case=EXAMPLE_CASE).stripe_livemode is False
    assert (key_mode("sk_live_x"), key_mode("rk_test_x"), key_mode("pk_x")) == (True, False, None)


def test_gateways_are_one_per_operation() -> None:
    session = connect(case=EXAMPLE_CASE)
    first, second = session.salesforce_gateway(), session.salesforce_gateway()
    assert isinstance(first, SalesforceGateway) and first.budget is not second.budget
    stripe = session.stripe_gateway()
    assert isinstance(stripe, StripeGateway) and stripe.key_livemode is False
