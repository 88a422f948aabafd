"""The bridge between the systems: references Stripe does not find, summaries without any reference, failed gateway
log rows."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import analysis_builders as b
import pytest

from toolkit.analysis.findings import rule_gateway_failures, rule_no_stripe_reference, rule_payment_intent_not_found

NOW = b.NOW


def not_found_message(**reference: object) -> str:
    ref = b.pi_reference(missing=True, **reference)  # type: ignore[arg-type]
    (finding,) = rule_payment_intent_not_found(b.evidence(None, references=[ref]), NOW)
    return finding.message


@pytest.mark.parametrize(("other_mode", "key_livemode", "tail"), [
    (True, False, " with this test-mode key; Stripe says it exists in live mode, so the key's mode differs from the "
                  "reference's."),
    (True, True, " with this live-mode key; Stripe says it exists in test mode, so the key's mode differs from the "
                 "reference's."),
    (True, None, "; Stripe says it exists in the other mode, so the key's mode differs from the reference's."),
    (False, False, " with this test-mode key, and does not report it in the other mode: the mode is not the cause, "
                   "so check the account and the reference."),
    (False, None, " with this key, and does not report it in the other mode: the mode is not the cause, so check "
                  "the account and the reference."),
    (None, True, "; whether it exists in the other mode is not known."),
])
def test_payment_intent_not_found_says_whether_the_mode_is_the_cause(
    other_mode: bool | None, key_livemode: bool | None, tail: str
) -> None:
    head = f"PaymentAuthorization {b.PA_ID} references {b.PI_ID}, which Stripe does not find"
    assert not_found_message(other_mode=other_mode, key_livemode=key_livemode) == head + tail


def test_payment_intent_not_found_only_for_missing_references() -> None:
    ev = b.evidence(b.payment_intent(), b.charge())
    assert rule_payment_intent_not_found(ev, NOW) == []
    found = rule_payment_intent_not_found(
        replace(ev, references=[*ev.references, b.pi_reference(value="pi_gone", missing=True, amount="10.5")]), NOW)
    assert [(f.subject, f.amount, f.currency) for f in found] == [("pi_gone", Decimal("10.50"), "USD")]


def test_no_stripe_reference_is_held_back_by_any_stripe_id() -> None:
    ev = b.evidence(None, references=[])
    assert [f.code for f in rule_no_stripe_reference(ev, NOW)] == ["NO_STRIPE_REFERENCE"]
    assert rule_no_stripe_reference(replace(ev, payments=[{"GatewayRefNumber": " txn_1"}]), NOW) == []
    assert rule_no_stripe_reference(replace(ev, authorizations=[], gateway_logs=[{"GatewayRefNumber": "pi_1"}]),
                                    NOW) == []
    for value in ("SF0000001", None, 12, "ch_1", "re_1"):
        assert len(rule_no_stripe_reference(replace(ev, payments=[{"GatewayRefNumber": value}]), NOW)) == 1, value
    assert rule_no_stripe_reference(replace(ev, references=[b.pi_reference(missing=True)]), NOW) == []


def test_gateway_failures_latest_by_created_date_then_id() -> None:
    logs = [b.gateway_log("0Xt1", message="first id"), b.gateway_log("0Xt2", message="second id"),
            {**b.gateway_log("0Xt9", message="no date"), "CreatedDate": None},
            {**b.gateway_log("0Xt8", message="bad date"), "CreatedDate": "yesterday"}]
    (finding,) = rule_gateway_failures(b.evidence(None, logs=logs), NOW)
    assert finding.message == ('4 payment gateway log rows failed or timed out; the latest, a Capture (Failed) at '
                               '2026-11-13 15:00 UTC, said: "second id".')


def test_gateway_failures_of_one_row_without_message_type_or_date() -> None:
    log = {**b.gateway_log(status="Timeout", message=None), "InteractionType": None, "CreatedDate": None}
    (finding,) = rule_gateway_failures(b.evidence(None, logs=[log]), NOW)
    assert finding.message == ("1 payment gateway log row failed or timed out; the latest, a interaction (Timeout), "
                               "recorded no GatewayMessage.")


@pytest.mark.parametrize(("message", "ending"), [("Declined.", '"Declined."'), ("Stop!", '"Stop!"'),
                                                 ("Why?", '"Why?"'), ("Declined", '"Declined".')])
def test_gateway_failures_quote_ends_with_one_full_stop(message: str, ending: str) -> None:
    (finding,) = rule_gateway_failures(b.evidence(None, logs=[b.gateway_log(message=message)]), NOW)
    assert finding.message.endswith("said: " + ending)


def test_only_failed_or_timed_out_rows_are_gateway_failures() -> None:
    logs = [b.gateway_log(status=s) for s in ("Success", "Pending", "Noop")]
    assert rule_gateway_failures(b.evidence(None, logs=logs), NOW) == []
