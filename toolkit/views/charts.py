"""Charts of a batch reconciliation (matplotlib, loaded on first use): disagreements by finding and currency.

:func:`findings_chart_data` is the table a chart draws (tests check it, since notebooks' image outputs are not
compared); :func:`findings_chart` draws it, one panel per currency: amounts of different currencies are never added
together, nor drawn on one axis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from toolkit.investigate.reconcile import Reconciliation

__all__ = ["findings_chart", "findings_chart_data"]


def findings_chart_data(result: Reconciliation) -> pd.DataFrame:
    """Per currency and finding code with an amount: how many rows carry it and the amount (a float, for drawing;
    the summary frame keeps the Decimal). Sorted by currency, then amount, largest first."""
    summary = result.summary_frame()
    data = summary[summary["amount"].notna()].copy()
    data["amount"] = data["amount"].astype(float)
    data = data[["currency", "code", "severity", "rows", "amount"]]
    return data.sort_values(["currency", "amount", "code"], ascending=[True, False, True]).reset_index(drop=True)


def findings_chart(result: Reconciliation, *, width: float = 4.2, height: float = 3.6) -> tuple[Any, pd.DataFrame]:
    """(figure, its data): one horizontal bar chart per currency, a bar per finding code (its amount; errors red,
    warnings amber), the number of rows beside each bar."""
    import matplotlib.pyplot as plt

    data = findings_chart_data(result)
    currencies = list(dict.fromkeys(data["currency"]))
    fig, axes = plt.subplots(1, max(1, len(currencies)), figsize=(width * max(1, len(currencies)), height),
                             squeeze=False)
    for ax, currency in zip(axes[0], currencies, strict=False):
        part = data[data["currency"] == currency].iloc[::-1]
        colours = ["#b3261e" if s == "error" else "#c98a00" for s in part["severity"]]
        ax.barh(part["code"], part["amount"], color=colours)
        for y, (amount, rows) in enumerate(zip(part["amount"], part["rows"], strict=True)):
            ax.annotate(f" {rows} row{'s' if rows != 1 else ''}", (amount, y), va="center", fontsize=8)
        ax.set_title(f"{currency}: amount per finding")
        ax.set_xlabel(currency)
        ax.tick_params(axis="y", labelsize=8)
        ax.margins(x=0.3)
    if not currencies:
        axes[0][0].set_title("No finding with an amount")
    fig.tight_layout()
    return fig, data
