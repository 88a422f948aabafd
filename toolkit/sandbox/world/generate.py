"""Large worlds for benchmarks: mostly healthy orders, a chosen share of anomalies from the catalogue.

Built with the bulk actors (records collected in memory and loaded into the org once, Stripe through the
account's Python operations, the connector's Python entry point): the same rules as the demo world,
without an HTTP round trip per action.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.core.clock import parse_instant
from toolkit.sandbox.sandbox import Sandbox
from toolkit.sandbox.world.builder import SCENARIOS, OrderPlan, World, build_orders

__all__ = ["HEALTHY_WEIGHTS", "generate", "generate_plans"]

DEFAULT_NOW = "2026-11-20T15:00:00Z"
#: Healthy scenarios and their relative frequency.
HEALTHY_WEIGHTS = {
    "healthy_checkout_capture": 40,
    "healthy_oms_capture": 35,
    "healthy_partial_refund": 8,
    "healthy_checkout_refund": 6,
    "healthy_split_shipment_refunds": 4,
    "healthy_split_shipment_full_capture": 5,
    "healthy_async_capture": 1,
    "healthy_async_refund": 1,
}
_CURRENCIES = (("USD", 6), ("EUR", 3), ("JPY", 1))


def _healthy_params(name: str, rnd: random.Random) -> dict[str, Any]:
    currency = rnd.choices([c for c, _ in _CURRENCIES], [w for _, w in _CURRENCIES])[0]
    zero = currency == "JPY"
    amount = Decimal(rnd.randint(10, 400) * 100) if zero else Decimal(rnd.randint(1000, 40000)) / 100
    params: dict[str, Any] = {"amount": str(amount), "currency": currency}
    if name in ("healthy_partial_refund", "healthy_checkout_refund", "healthy_async_refund"):
        params["refund"] = str((amount / 4).quantize(Decimal(1) if zero else Decimal("0.01")))
    elif name == "healthy_split_shipment_refunds":
        unit = Decimal(1) if zero else Decimal("0.01")
        params["first"] = str((amount / 4).quantize(unit))
        params["second"] = str((amount / 7).quantize(unit))
    if name in ("healthy_checkout_capture", "healthy_oms_capture") and rnd.random() < 0.1:
        params["metadata"] = False
    return params


def generate_plans(orders: int, anomaly_share: float, seed: int) -> list[OrderPlan]:
    if orders < 1:
        raise ValueError("a world needs at least one order")
    if not 0 <= anomaly_share <= 1:
        raise ValueError("anomaly_share is a fraction between 0 and 1")
    rnd = random.Random(seed)
    anomalies = sorted(name for name, spec in SCENARIOS.items() if spec.anomaly)
    healthy = list(HEALTHY_WEIGHTS)
    weights = [HEALTHY_WEIGHTS[name] for name in healthy]
    count = round(orders * anomaly_share)
    anomalous = set(rnd.sample(range(orders), count))
    plans = []
    drawn = 0  # anomalies go round the catalogue, so every one appears once the share allows it
    offset = rnd.randrange(len(anomalies))
    for index in range(orders):
        number = f"{2000000 + index:08d}"
        if index in anomalous:
            plans.append(OrderPlan(number, anomalies[(offset + drawn) % len(anomalies)]))
            drawn += 1
        else:
            name = rnd.choices(healthy, weights)[0]
            plans.append(OrderPlan(number, name, _healthy_params(name, rnd)))
    return plans


def generate(orders: int = 10000, anomaly_share: float = 0.1, seed: int = 1, *, now: str = DEFAULT_NOW,
             out: str | Path | None = None) -> tuple[Sandbox, list[dict[str, Any]]]:
    """Build a world of ``orders`` orders over the 30 days before ``now``; optionally save it as a case file.

    Returns the Sandbox and the manifest (one entry per order, as for the demo world).
    """
    world = World(bulk=True)
    manifest = build_orders(world, generate_plans(orders, anomaly_share, seed), now=parse_instant(now),
                            window_days=30, seed=seed)
    if out is not None:
        world.sandbox.save_case(out, title=f"Generated world: {orders} orders, {anomaly_share:.0%} anomalies",
                                description=f"python -m toolkit.sandbox.world generate --orders {orders} "
                                            f"--anomaly-share {anomaly_share} --seed {seed}")
        manifest_path = Path(out).with_suffix(".manifest.json")
        manifest_path.write_text(json.dumps({"world": Path(out).name, "now": now, "orders": manifest}, indent=1)
                                 + "\n", encoding="utf-8")
    return world.sandbox, manifest
