"""Failed-capture diagnosis over a window, on the example case."""

from __future__ import annotations

from datetime import UTC, datetime

from repo_paths import EXAMPLE_CASE

from toolkit.investigate.diagnose import diagnose
from toolkit.session import connect

CASE = EXAMPLE_CASE


def test_expired_authorization_is_auth_expired():
    result = diagnose(connect(case=CASE))
    assert [row.cause.value for row in result.rows] == ["AUTH_EXPIRED"]
    row = result.rows[0].to_json()
    assert row["order_number"] == "00001042" and row["retryable"] == "no" and row["amount_at_risk"] == "129.00"


def test_window_excludes_rows_outside_it():
    session = connect(case=CASE)
    result = diagnose(session, since=datetime(2026, 11, 1, tzinfo=UTC), until=datetime(2026, 11, 18, tzinfo=UTC))
    assert result.rows == [] and result.to_json()["summary"] == []


def test_retryable_causes_overridden_by_the_payment_intent_say_why():
    """Demo world: rate-limited and wrong-credentials captures that later succeeded are 'no', and say why."""
    rows = {row.cause.value: row for row in diagnose(connect()).rows}
    for cause in ("RATE_LIMITED", "AUTHENTICATION_FAILED"):
        row = rows[cause]
        assert row.to_json()["retryable"] == "no"
        assert row.remediation.startswith(f"Retryable: no, although {cause} alone would be")
        assert "has since been captured" in row.remediation
    assert rows["STRIPE_API_ERROR"].to_json()["retryable"] == "yes"
    assert not rows["STRIPE_API_ERROR"].remediation.startswith("Retryable")


def test_the_request_is_read_only_for_the_rows_that_need_it_and_its_failure_is_not_guessed_over():
    from toolkit.core.retry import RetryPolicy

    session = connect(use_dotenv=False, env={}, retry=RetryPolicy(sleep=lambda seconds: None))
    session.schema.prefixes()
    box = session.sandbox
    baseline = {row.log_id: row for row in session.diagnose().rows}
    box.clear_logs()
    session.diagnose()
    queries = [e.query for e in box.org.log.entries]
    assert len(queries) == 4 and "Request" in queries[-1] and "Request" not in "".join(queries[:3])
    box.org.faults.fail_requests(4, "unavailable", count=3)  # the Request read, every try
    result = session.diagnose()
    lost = {row.log_id for row in baseline.values() if row.cause.value in ("STRIPE_API_ERROR", "UNKNOWN")}
    assert {row.log_id for row in result.rows} == set(baseline) - lost
    # AMOUNT_EXCEEDS_CAPTURABLE keeps its cause (only its evidence no longer names the amount asked for)
    assert all(row.to_json() == baseline[row.log_id].to_json() for row in result.rows)
    whats = [item.what for item in result.incomplete]
    assert whats[0] == "the Request of the failed captures whose cause depends on it" and len(whats) == 1 + len(lost)
