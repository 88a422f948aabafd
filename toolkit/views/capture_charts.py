"""Charts of the failed-capture diagnosis and the expiring list, an analyst would rather look at than read: the
:class:`~toolkit.views.capture_chart_data.BarChart` data drawn with matplotlib (an optional dependency:
``pip install ".[notebooks]"``, loaded on first use).

Each function returns a ``matplotlib.figure.Figure`` built without pyplot (no global state, nothing shown twice);
JupyterLab displays it as a static PNG. Every chart has a title and labelled axes; money is drawn one panel per
currency, never added across currencies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from toolkit.analysis.capture_causes import CaptureDiagnosis, Cause
from toolkit.analysis.expiring import Action, ExpiringAuthorization
from toolkit.views.capture_chart_data import BarChart, expiring_per_day, failures_per_cause, money_at_risk

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["draw", "expiring_chart", "failures_chart", "figure", "money_chart"]

#: One colour per series label, stable across charts (a cause keeps its colour).
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf", "#393b79", "#637939")
_ORDER = [str(c) for c in Cause] + [str(a) for a in Action]


def _colour(label: str, labels: Sequence[str]) -> str:
    index = _ORDER.index(label) if label in _ORDER else list(labels).index(label)
    return _PALETTE[index % len(_PALETTE)]


def draw(chart: BarChart, ax: Axes) -> None:
    """Draw ``chart`` on ``ax``: bars (stacked or not, upright or sideways), the highlighted categories shaded, title,
    axis labels, a legend naming the series (outside the plot when there are several)."""
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(chart.categories)))
    labels = [s.label for s in chart.series]
    base = [0.0] * len(positions)
    for series in chart.series:
        sizes = [float(v) for v in series.values]
        colour = _colour(series.label, labels)
        if chart.horizontal:
            ax.barh(positions, sizes, left=base if chart.stacked else None, label=series.label, color=colour)
        else:
            ax.bar(positions, sizes, bottom=base if chart.stacked else None, label=series.label, color=colour,
                   width=0.8)
        if chart.stacked:
            base = [b + h for b, h in zip(base, sizes, strict=True)]
    shade = ax.axhspan if chart.horizontal else ax.axvspan
    shaded = False
    for index, category in enumerate(chart.categories):
        if category in chart.highlight:
            shade(index - 0.5, index + 0.5, color="#fdecea", zorder=0,
                  label=chart.highlight_label if chart.highlight_label and not shaded else None)
            shaded = True
    many = len(chart.categories) > 8
    ax.set_title(chart.title, fontsize=10)
    category_axis, value_axis = (ax.yaxis, ax.xaxis) if chart.horizontal else (ax.xaxis, ax.yaxis)
    category_axis.set_label_text(chart.x_label)
    value_axis.set_label_text(chart.y_label)
    if chart.horizontal:
        ax.set_yticks(positions)
        ax.set_yticklabels(chart.categories, fontsize=8)
        ax.invert_yaxis()  # the first category on top
    else:
        ax.set_xticks(positions)
        ax.set_xticklabels(chart.categories, rotation=60 if many else 0, ha="right" if many else "center",
                           fontsize=8)
    if chart.stacked:  # counts: whole numbers on the axis
        value_axis.set_major_locator(MaxNLocator(integer=True))
    if len(chart.series) > 1 or (chart.series and chart.stacked):
        if len(chart.series) > 3:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        else:
            ax.legend(fontsize=7, loc="upper left")
    if not chart.series:
        ax.text(0.5, 0.5, "nothing to show", transform=ax.transAxes, ha="center", va="center", color="#555")


def figure(charts: Sequence[BarChart], *, width: float = 10.0, height: float = 4.0) -> Figure:
    """The charts side by side in one figure (one row)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, max(1, len(charts)), squeeze=False)[0]
    for chart, ax in zip(charts, axes, strict=False):
        draw(chart, ax)
    if not charts:
        axes[0].set_axis_off()
        axes[0].text(0.5, 0.5, "nothing to show", ha="center", va="center", color="#555")
    return fig


def failures_chart(rows: Sequence[CaptureDiagnosis], since: datetime, until: datetime) -> Figure:
    """Failed captures per day and cause over the window."""
    return figure([failures_per_cause(rows, since, until)], width=10.0, height=4.0)


def money_chart(rows: Sequence[CaptureDiagnosis]) -> Figure:
    """Money at risk per cause, one panel per currency."""
    charts = money_at_risk(rows)
    return figure(charts, width=max(6.0, 5.5 * len(charts)), height=3.5)


def expiring_chart(rows: Sequence[ExpiringAuthorization], now: datetime, within: timedelta) -> Figure:
    """Authorizations expiring per day, the horizon shaded."""
    return figure([expiring_per_day(rows, now, within)], width=8.0, height=3.5)
