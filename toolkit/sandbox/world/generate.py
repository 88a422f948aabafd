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

__all__ = ["FAILED_CAPTURE_WEIGHTS", "HEALTHY_WEIGHTS", "generate", "generate_plans"]

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
#: The scenarios of ``failed_captures`` orders (one failed capture each) and their relative frequency: every
#: failed-capture cause, a reference Stripe does not have (a typo) being the rare integration bug it is.
FAILED_CAPTURE_WEIGHTS = {
    "auth_expired_then_capture_failed": 12,
    "auth_canceled_then_capture_failed": 8,
    "second_capture_rejected": 12,
    "timeout_but_captured": 10,
    "timeout_not_captured": 10,
    "already_captured_in_dashboard": 10,
    "capture_above_capturable": 8,
    "rate_limited_then_captured": 10,
    "stripe_api_error": 8,
    "wrong_credentials_then_captured": 6,
    "unknown_gateway_error": 5,
    "payment_intent_typo": 0.5,
}


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


def generate_plans(orders: int, anomaly_share: float, seed: int, failed_captures: int = 0) -> list[OrderPlan]:
    """``failed_captures`` more orders (among ``orders``, on top of the anomalies) each end in one failed capture,
    their scenarios drawn by :data:`FAILED_CAPTURE_WEIGHTS`."""
    if orders < 1:
        raise ValueError("a world needs at least one order")
    if not 0 <= anomaly_share <= 1:
        raise ValueError("anomaly_share is a fraction between 0 and 1")
    rnd = random.Random(seed)
    anomalies = sorted(name for name, spec in SCENARIOS.items() if spec.anomaly)
    healthy = list(HEALTHY_WEIGHTS)
    weights = [HEALTHY_WEIGHTS[name] for name in healthy]
    count = round(orders * anomaly_share)
    if not 0 <= failed_captures <= orders - count:
        raise ValueError(f"failed_captures must be between 0 and {orders - count} (the orders not drawn as anomalies)")
    anomalous = set(rnd.sample(range(orders), count))
    failing = _failing(orders, anomalous, failed_captures, seed)
    plans = []
    drawn = 0  # anomalies go round the catalogue, so every one appears once the share allows it
    offset = rnd.randrange(len(anomalies))
    for index in range(orders):
        number = f"{2000000 + index:08d}"
        if index in anomalous:
            plans.append(OrderPlan(number, anomalies[(offset + drawn) % len(anomalies)]))
            drawn += 1
        elif index in failing:
            plans.append(OrderPlan(number, failing[index]))
        else:
            name = rnd.choices(healthy, weights)[0]
            plans.append(OrderPlan(number, name, _healthy_params(name, rnd)))
    return plans


def _failing(orders: int, anomalous: set[int], count: int, seed: int) -> dict[int, str]:
    """``count`` order indexes outside ``anomalous``, each with a failed-capture scenario (its own random stream,
    so worlds without failed captures are unchanged)."""
    if not count:
        return {}
    rnd = random.Random(f"failed-captures-{seed}")
    names = list(FAILED_CAPTURE_WEIGHTS)
    chosen = rnd.sample([i for i in range(orders) if i not in anomalous], count)
    return {index: rnd.choices(names, [FAILED_CAPTURE_WEIGHTS[n] for n in names])[0] for index in chosen}


def generate(orders: int = 10000, anomaly_share: float = 0.1, seed: int = 1, *, now: str = DEFAULT_NOW,
             out: str | Path | None = None, failed_captures: int = 0) -> tuple[Sandbox, list[dict[str, Any]]]:
    """Build a world of ``orders`` orders over the 30 days before ``now`` (``failed_captures`` of them ending in a
    failed capture: :func:`generate_plans`); optionally save it as a case file.

    Returns the Sandbox and the manifest (one entry per order, as for the demo world).
    """
    world = World(bulk=True)
    manifest = build_orders(world, generate_plans(orders, anomaly_share, seed, failed_captures),
                            now=parse_instant(now), window_days=30, seed=seed)
    if out is not None:
        world.sandbox.save_case(out, title=f"Generated world: {orders} orders, {anomaly_share:.0%} anomalies",
                                description=f"python -m toolkit.sandbox.world generate --orders {orders} "
                                            f"--anomaly-share {anomaly_share} --seed {seed}")
        manifest_path = Path(out).with_suffix(".manifest.json")
        manifest_path.write_text(json.dumps({"world": Path(out).name, "now": now, "orders": manifest}, indent=1)
                                 + "\n", encoding="utf-8")
    return world.sandbox, manifest
