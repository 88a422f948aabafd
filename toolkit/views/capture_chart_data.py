"""The data behind each chart of the failed-capture diagnosis and the expiring list: small pure functions, so tests
check what is plotted (the series, the labels, the titles) without looking at images.

Each function returns a :class:`BarChart` (or one per currency): categories along the x axis and one or more
series of the same length. Amounts in different currencies are never added: money gets one chart per currency.
:mod:`toolkit.views.capture_charts` draws them with matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from toolkit.analysis.capture_causes import CaptureDiagnosis, Cause
from toolkit.analysis.expiring import Action, ExpiringAuthorization
from toolkit.core.clock import to_utc

__all__ = ["BarChart", "Series", "expiring_per_day", "failures_per_cause", "money_at_risk"]

#: Up to this many days a window is shown per day; longer windows per week (Monday to Sunday).
DAILY_UP_TO = 62


@dataclass(frozen=True)
class Series:
    """One coloured set of bars: ``values[i]`` belongs to the chart's ``categories[i]``."""

    label: str
    values: tuple[int | Decimal, ...]


@dataclass(frozen=True)
class BarChart:
    """A bar chart: ``stacked`` series over ``categories``; ``highlight``: categories to shade (a horizon), named by
    ``highlight_label``. ``x_label`` names the categories' axis and ``y_label`` the values' axis; ``horizontal``
    draws the bars sideways (long category names)."""

    title: str
    x_label: str
    y_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = True
    highlight: tuple[str, ...] = ()
    highlight_label: str = ""
    horizontal: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain values (amounts as strings), for tests and for a reader who wants the numbers."""
        return {"title": self.title, "x_label": self.x_label, "y_label": self.y_label,
                "categories": list(self.categories),
                "series": {s.label: [str(v) if isinstance(v, Decimal) else v for v in s.values] for s in self.series},
                "stacked": self.stacked, "highlight": list(self.highlight)}  # drawing hints left out


def _bins(since: datetime, until: datetime) -> tuple[list[date], str]:
    first, last = to_utc(since).date(), to_utc(until).date()
    if (last - first).days + 1 <= DAILY_UP_TO:
        return [first + timedelta(days=i) for i in range((last - first).days + 1)], "day"
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks, "week"


def failures_per_cause(rows: Iterable[CaptureDiagnosis], since: datetime, until: datetime) -> BarChart:
    """Failed captures per day (per week beyond 62 days) of the window, stacked by cause in rule order; only the
    causes that occur."""
    rows = list(rows)
    bins, unit = _bins(since, until)
    index = {start: i for i, start in enumerate(bins)}
    counts: dict[Cause, list[int]] = {}
    for row in rows:
        day = to_utc(row.created).date()
        start = day if unit == "day" else day - timedelta(days=day.weekday())
        if start in index:
            counts.setdefault(row.cause, [0] * len(bins))[index[start]] += 1
    label = "%m-%d"
    return BarChart(
        title=f"Failed captures per {unit} and cause, {to_utc(since):%Y-%m-%d} to {to_utc(until):%Y-%m-%d} (UTC)",
        x_label=f"{unit} (UTC)" if unit == "day" else "week starting (UTC)", y_label="failed captures",
        categories=tuple(start.strftime(label) for start in bins),
        series=tuple(Series(str(cause), tuple(counts[cause])) for cause in Cause if cause in counts))


def money_at_risk(rows: Iterable[CaptureDiagnosis]) -> list[BarChart]:
    """Money at risk per cause, one chart per currency (currencies are never added together), causes in rule
    order; only the causes that put money at risk in that currency."""
    totals: dict[str, dict[Cause, Decimal]] = {}
    for row in rows:
        if row.amount_at_risk > 0:
            per_cause = totals.setdefault(row.currency, {})
            per_cause[row.cause] = per_cause.get(row.cause, Decimal(0)) + row.amount_at_risk
    charts = []
    for currency in sorted(totals):
        causes = [cause for cause in Cause if cause in totals[currency]]
        charts.append(BarChart(title=f"Money at risk per cause, {currency}", x_label="cause",
                               y_label=f"at risk ({currency})", categories=tuple(str(c) for c in causes),
                               series=(Series(currency, tuple(totals[currency][c] for c in causes)),),
                               stacked=False, horizontal=True))
    return charts


def expiring_per_day(rows: Sequence[ExpiringAuthorization], now: datetime, within: timedelta) -> BarChart:
    """Authorizations Order Management still expects to capture, per day of their Stripe deadline (UTC), stacked by
    action: "passed" for deadlines already gone, then each day from today to the last deadline (at least to the
    horizon). The days inside the horizon are highlighted."""
    now = to_utc(now)
    today = now.date()
    horizon_end = (now + within).date()
    last = max([horizon_end, *(to_utc(r.deadline).date() for r in rows)])
    days = [today + timedelta(days=i) for i in range((last - today).days + 1)]
    categories = ["passed", *(d.strftime("%m-%d") for d in days)]
    counts: dict[Action, list[int]] = {}
    for row in rows:
        deadline = to_utc(row.deadline)
        slot = 0 if deadline <= now else 1 + (deadline.date() - today).days
        counts.setdefault(row.action, [0] * len(categories))[slot] += 1
    inside = tuple(d.strftime("%m-%d") for d in days if d <= horizon_end)
    hours = within.total_seconds() / 3600
    return BarChart(title=f"Authorizations expiring per day (horizon {hours:g} h from {now:%Y-%m-%d %H:%M} UTC)",
                    x_label="deadline (UTC day)", y_label="authorizations", categories=tuple(categories),
                    series=tuple(Series(str(action), tuple(counts[action])) for action in Action if action in counts),
                    highlight=("passed", *inside), highlight_label=f"passed or within {hours:g} h")
