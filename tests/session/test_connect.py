"""connect(): sandbox by default, case files into both halves, live configuration checks."""

import copy
import json

import pytest
import simple_salesforce
import stripe
from repo_paths import CASES, EXAMPLE_CASE

from toolkit.core.ids import to_18
from toolkit.errors import CaseFileError, InputError
from toolkit.session import connect

CASE_FILES = sorted(p for p in [*CASES.glob("*.json"), *(CASES / "handwritten").glob("*.json")]
                    if p.name != "expected.json")
EXAMPLE = EXAMPLE_CASE


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_connect_loads_every_case_file(path):
    session = connect(case=path)
    assert session.mode == "sandbox"
    assert isinstance(session.sf, simple_salesforce.Salesforce)
    assert isinstance(session.stripe, stripe.StripeClient)
    data = json.loads(path.read_text())
    if data.get("now"):
        assert session.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ") == data["now"]
    records = data["salesforce"]["records"]
    for object_name, rows in records.items():
        result = session.sf.query_all(f"SELECT Id FROM {object_name}")
        assert {r["Id"] for r in result["records"]} >= {to_18(row["Id"]) for row in rows}
    for obj in data["stripe"]["objects"]:
        if obj["object"] == "payment_intent" and not data["stripe"].get("livemode"):  # a test key sees no live object
            assert session.stripe.v1.payment_intents.retrieve(obj["id"]).id == obj["id"]


def _example():
    return json.loads(EXAMPLE.read_text())


def test_a_dangling_reference_is_refused_naming_it():
    case = _example()
    case["salesforce"]["records"]["PaymentGatewayLog"][0]["OrderPaymentSummaryId"] = "0bMHxQNM0000009MHA"
    with pytest.raises(CaseFileError) as info:
        connect(case=case)
    message = str(info.value)
    assert "PaymentGatewayLog" in message and "OrderPaymentSummaryId" in message and "0XtHxG8C0000001KFA" in message


def test_a_bad_picklist_value_is_refused_naming_it():
    case = _example()
    case["salesforce"]["records"]["PaymentGatewayLog"][0]["InteractionStatus"] = "Exploded"
    with pytest.raises(CaseFileError) as info:
        connect(case=case)
    message = str(info.value)
    assert "InteractionStatus" in message and "Exploded" in message and "PaymentGatewayLog" in message


def test_a_dangling_stripe_reference_is_refused_naming_it():
    case = _example()
    for obj in case["stripe"]["objects"]:
        if obj["object"] == "refund":
            obj["charge"] = "ch_doesnotexist000000000000"
    with pytest.raises(CaseFileError) as info:
        connect(case=case)
    assert "re_3Q6wlMpLvBjvj4IZUxRtRk2P" in str(info.value) and "charge" in str(info.value)


def test_case_format_and_unreadable_files_are_one_sentence(tmp_path):
    case = _example()
    case["case_format"] = 2
    with pytest.raises(CaseFileError, match="case_format 1"):
        connect(case=case)
    with pytest.raises(CaseFileError, match="does not exist"):
        connect(case=tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CaseFileError, match="not valid JSON"):
        connect(case=bad)


def test_now_defaults_to_latest_timestamp_plus_a_minute():
    case = copy.deepcopy(_example())
    del case["now"]
    session = connect(case=case)
    # the latest timestamp in the file is the expiry (canceled_at 1795014001 = 2026-11-18T15:00:01Z) or the
    # failed capture log at 2026-11-19T15:00:00Z
    assert session.clock.now().isoformat() == "2026-11-19T15:01:00+00:00"


def test_connect_without_configuration_serves_the_sandbox():
    session = connect(env={})
    assert session.is_sandbox and session.source == "demo world"
    assert "sk_test" not in repr(session)


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"SF_INSTANCE_URL": "https://x.my.salesforce.com", "SF_SESSION_ID": "00Dxx!hunter2"}, "set STRIPE_API_KEY"),
        ({"STRIPE_API_KEY": "sk_test_sandbox_abc"}, "Salesforce is not"),
        ({"SF_USERNAME": "a@b.c", "STRIPE_API_KEY": "sk_test_sandbox_abc"}, "incomplete"),
        ({"SF_INSTANCE_URL": "https://x.my.salesforce.com", "SF_SESSION_ID": "00Dxx!hunter2",
          "STRIPE_API_KEY": "pk_test_123"}, "sk_... or rk_"),
    ],
)
def test_half_configured_live_sessions_are_refused_without_echoing_secrets(env, fragment):
    with pytest.raises(InputError) as info:
        connect(env=env)
    assert fragment in str(info.value)
    assert "hunter2" not in str(info.value) and "abc" not in str(info.value)
