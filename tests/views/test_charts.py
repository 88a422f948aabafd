"""The data notebook 04's chart draws (nbval does not compare images): per currency, never added together."""

from __future__ import annotations

import matplotlib

from toolkit.session import connect
from toolkit.views.charts import findings_chart, findings_chart_data

matplotlib.use("Agg")


def test_the_chart_draws_the_summary_per_currency() -> None:
    result = connect(use_dotenv=False, env={}).reconcile(progress=False)
    data = findings_chart_data(result)
    assert list(data["currency"].unique()) == ["EUR", "JPY", "USD"]
    assert not data.duplicated(["currency", "code"]).any() and data["amount"].gt(0).all()
    by_key = {(r.currency, r.code): float(r.amount) for r in result.summary if r.amount is not None}
    assert {(c, k): a for c, k, a in zip(data["currency"], data["code"], data["amount"], strict=True)} == by_key
    assert data[data["currency"] == "JPY"][["code", "amount"]].values.tolist() == [["AMOUNT_SCALE_MISMATCH", 475200.0]]
    usd = data[data["currency"] == "USD"]
    assert usd["amount"].is_monotonic_decreasing and usd.iloc[0]["code"] == "CHARGE_DISPUTED"
    fig, drawn = findings_chart(result)
    assert len(fig.axes) == 3 and [ax.get_xlabel() for ax in fig.axes] == ["EUR", "JPY", "USD"]
    # EUR: three codes, plus CHARGE_DISPUTED of the won dispute (order 00001049)
    assert [len(ax.patches) for ax in fig.axes] == [4, 1, 13] and drawn.equals(data)


def test_the_largest_disagreement_is_found_per_currency() -> None:
    result = connect(use_dotenv=False, env={}).reconcile(progress=False)
    assert [getattr(result.largest(c), "order_number", None) for c in ("USD", "EUR", "JPY", "GBP")] == [
        "00001022", "00001045", "00001034", None]
