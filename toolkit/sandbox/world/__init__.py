"""Worlds for the sandbox: scenario scripts over simulated time, the demo world, large generated worlds.

``python -m toolkit.sandbox.world demo`` rebuilds the shipped demo world; ``python -m toolkit.sandbox.world
generate --orders 10000 --anomaly-share 0.1 --out FILE`` writes a large one.
"""

from __future__ import annotations

from toolkit.sandbox.world import scenarios as _scenarios  # noqa: F401  (registers the catalogue)
from toolkit.sandbox.world.builder import SCENARIOS, OrderPlan, Scenario, World, build_orders, scenario

__all__ = ["SCENARIOS", "OrderPlan", "Scenario", "World", "build_orders", "scenario"]
