"""Views of the diagnosis and of the expiring list: frames with typed columns, HTML that escapes and opens with what
could not be read, text for a terminal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from toolkit.analysis.capture_causes import CaptureDiagnosis, Cause, Retryable
from toolkit.analysis.expiring import Action, ExpiringAuthorization
from toolkit.core.incomplete import Incomplete
from toolkit.investigate.diagnose import Diagnosis
from toolkit.investigate.expiring import ExpiringAuthorizations
from toolkit.session import connect
from toolkit.views.failed_captures import diagnosis_frame, expiring_frame, summary_frame

T0 = datetime(2026, 11, 1, tzinfo=UTC)
KEY = "sk_test_" + "abcdefghijklmnopqrstuvwx"  # a fake key, built so that no key-shaped literal is committed


def row(cause: Cause, amount: str, currency: str, log: str) -> CaptureDiagnosis:
    return CaptureDiagnosis(log_id=log, log_number=None, created=T0, order_number="<b>1</b>", payment_intent="pi_1",
                            cause=cause, retryable=Retryable.NO, amount_at_risk=Decimal(amount), currency=currency,
                            remediation=f"Mail ops@example.com, key {KEY}", evidence="")


ROWS = [row(Cause.AUTH_EXPIRED, "129.00", "USD", "a"), row(Cause.AUTH_EXPIRED, "4800", "JPY", "b"),
        row(Cause.AUTH_EXPIRED, "1.00", "USD", "c")]


def test_frames_have_typed_columns_and_keep_currencies_apart() -> None:
    frame = diagnosis_frame(ROWS)
    assert isinstance(frame["created"].dtype, pd.DatetimeTZDtype) and frame["amount_at_risk"].tolist() == [
        Decimal("129.00"), Decimal("4800"), Decimal("1.00")]
    assert "abcdefghijklmnop" not in " ".join(frame["remediation"]) and "[redacted]" in frame["remediation"][0]
    summary = summary_frame(ROWS)
    assert summary.to_dict("records") == [
        {"cause": "AUTH_EXPIRED", "currency": "JPY", "count": 1, "amount_at_risk": Decimal("4800")},
        {"cause": "AUTH_EXPIRED", "currency": "USD", "count": 2, "amount_at_risk": Decimal("130.00")}]


def test_html_escapes_redacts_and_opens_with_what_could_not_be_read() -> None:
    missing = Incomplete("Stripe", "the PaymentIntents created from X to Y", "Stripe failed (HTTP 503).")
    diagnosis = Diagnosis(T0 - timedelta(days=1), T0, ROWS, [missing])
    html = diagnosis._repr_html_()
    assert html.index("Incomplete") < html.index("Failed captures from") and "&lt;b&gt;1&lt;/b&gt;" in html
    assert "<b>1</b>" not in html and KEY[:24] not in html and "ops@example.com" not in html
    text = diagnosis.to_text()
    assert text.startswith("INCOMPLETE") and "3 diagnosed" in text and KEY[:24] not in text
    assert list(diagnosis.frame().columns)[:3] == ["created", "log_id", "log_number"]
    empty = Diagnosis(T0 - timedelta(days=1), T0, [])
    assert "No failed captures" in empty._repr_html_()


def test_expiring_views() -> None:
    now = datetime(2026, 11, 20, 15, tzinfo=UTC)
    rows = [ExpiringAuthorization("00001020", "0bM", "pi_x", Decimal("210.00"), "USD", now + timedelta(hours=35),
                                  35.0, Action.CAPTURE_NOW, "requires_capture")]
    result = ExpiringAuthorizations(now, timedelta(hours=48), rows, rows, ["3 order(s) older."])
    text = result.to_text()
    assert "order 00001020 pi_x (requires_capture): 210.00 USD, deadline 2026-11-22 02:00 UTC, in 35 h" in text
    assert "Note: 3 order(s) older." in text and "What to do: Capture it now" in text
    html = result._repr_html_()
    assert "capture now from OMS" in html and "Note: 3 order(s) older." in html
    frame = expiring_frame(rows)
    assert frame.iloc[0]["amount"] == Decimal("210.00") and isinstance(frame["deadline"].dtype, pd.DatetimeTZDtype)
    assert result.to_json()["within_hours"] == 48 and repr(result).endswith("1 rows)")


def test_the_demo_diagnosis_renders_and_charts() -> None:
    pytest.importorskip("matplotlib")
    diagnosis = connect(use_dotenv=False, env={}).diagnose()
    assert "AMOUNT_EXCEEDS_CAPTURABLE" in diagnosis._repr_html_()
    assert [ax.get_title() for ax in diagnosis.money_chart().axes] == ["Money at risk per cause, EUR",
                                                                      "Money at risk per cause, USD"]
    assert diagnosis.causes_chart().axes[0].get_ylabel() == "failed captures"
    assert [r.cause.value for r in diagnosis.retryable_examples()] == [
        "TIMEOUT_NOT_CAPTURED", "AMOUNT_EXCEEDS_CAPTURABLE", "STRIPE_API_ERROR"]
