"""The data behind each chart (nbval does not compare images): the plotted series, the labels, the titles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from toolkit.analysis.capture_causes import CaptureDiagnosis, Cause, Retryable
from toolkit.analysis.expiring import Action, ExpiringAuthorization
from toolkit.views.capture_chart_data import expiring_per_day, failures_per_cause, money_at_risk

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
UNTIL = datetime(2026, 11, 4, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 15, tzinfo=UTC)


def row(cause: Cause, day: int, amount: str, currency: str = "USD") -> CaptureDiagnosis:
    return CaptureDiagnosis(log_id=f"log{day}{cause}", log_number=None, created=SINCE + timedelta(days=day, hours=3),
                            order_number=None, payment_intent=None, cause=cause, retryable=Retryable.NO,
                            amount_at_risk=Decimal(amount), currency=currency, remediation="", evidence="")


ROWS = [row(Cause.AUTH_EXPIRED, 0, "129.00"), row(Cause.AUTH_EXPIRED, 2, "10.50"),
        row(Cause.RATE_LIMITED, 2, "5.00"), row(Cause.AUTH_EXPIRED, 3, "4800", "JPY"),
        row(Cause.ALREADY_CAPTURED, 3, "0.00", "EUR")]


def test_failures_per_day_stacked_by_cause_in_rule_order() -> None:
    chart = failures_per_cause(ROWS, SINCE, UNTIL)
    assert chart.as_dict() == {
        "title": "Failed captures per day and cause, 2026-11-01 to 2026-11-04 (UTC)", "x_label": "day (UTC)",
        "y_label": "failed captures", "categories": ["11-01", "11-02", "11-03", "11-04"],
        "series": {"RATE_LIMITED": [0, 0, 1, 0], "AUTH_EXPIRED": [1, 0, 1, 1], "ALREADY_CAPTURED": [0, 0, 0, 1]},
        "stacked": True, "highlight": []}
    assert sum(sum(s.values) for s in chart.series) == len(ROWS)  # every row counted once


def test_long_windows_go_per_week() -> None:
    chart = failures_per_cause(ROWS, SINCE - timedelta(days=90), UNTIL)
    assert chart.x_label == "week starting (UTC)" and chart.title.startswith("Failed captures per week")
    assert sum(sum(s.values) for s in chart.series) == len(ROWS)


def test_money_at_risk_one_chart_per_currency_never_summed_across() -> None:
    charts = money_at_risk(ROWS)
    assert [c.as_dict() for c in charts] == [
        {"title": "Money at risk per cause, JPY", "x_label": "cause", "y_label": "at risk (JPY)",
         "categories": ["AUTH_EXPIRED"], "series": {"JPY": ["4800"]}, "stacked": False, "highlight": []},
        {"title": "Money at risk per cause, USD", "x_label": "cause", "y_label": "at risk (USD)",
         "categories": ["RATE_LIMITED", "AUTH_EXPIRED"], "series": {"USD": ["5.00", "139.50"]}, "stacked": False,
         "highlight": []}]  # EUR has nothing at risk: no chart


def expiring(hours: float, action: Action) -> ExpiringAuthorization:
    return ExpiringAuthorization(order_number="1", ops_id="0bM", payment_intent=f"pi_{hours}", amount=Decimal(1),
                                 currency="USD", deadline=NOW + timedelta(hours=hours), hours_left=hours, action=action,
                                 status="requires_capture")


def test_expiring_per_day_with_the_passed_ones_first_and_the_horizon_highlighted() -> None:
    rows = [expiring(-30, Action.CONTACT_CUSTOMER), expiring(5, Action.CAPTURE_NOW), expiring(10, Action.CAPTURE_NOW),
            expiring(100, Action.CAPTURE_NOW)]
    chart = expiring_per_day(rows, NOW, timedelta(hours=48))
    assert chart.categories == ("passed", "11-20", "11-21", "11-22", "11-23", "11-24")
    assert chart.as_dict()["series"] == {"capture now from OMS": [0, 1, 1, 0, 0, 1],
                                         "contact the customer": [1, 0, 0, 0, 0, 0]}
    assert chart.highlight == ("passed", "11-20", "11-21", "11-22")
    assert chart.title == "Authorizations expiring per day (horizon 48 h from 2026-11-20 15:00 UTC)"
    assert (chart.x_label, chart.y_label) == ("deadline (UTC day)", "authorizations")


def test_charts_draw_with_titles_and_labels() -> None:
    pytest.importorskip("matplotlib")
    from toolkit.views.capture_charts import expiring_chart, failures_chart, money_chart

    fig = money_chart(ROWS)
    assert [ax.get_title() for ax in fig.axes] == ["Money at risk per cause, JPY", "Money at risk per cause, USD"]
    assert [ax.get_xlabel() for ax in fig.axes] == ["at risk (JPY)", "at risk (USD)"]  # sideways bars
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ["RATE_LIMITED", "AUTH_EXPIRED"]
    fig = failures_chart(ROWS, SINCE, UNTIL)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "day (UTC)" and [t.get_text() for t in ax.get_legend().get_texts()] == [
        "RATE_LIMITED", "AUTH_EXPIRED", "ALREADY_CAPTURED"]
    assert len(expiring_chart([], NOW, timedelta(hours=48)).axes) == 1
