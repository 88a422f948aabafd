"""The demo world: the case file the sandbox serves when nothing else is named.

It ships as package data (``toolkit/sandbox/data/demo-world.json``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.sandbox.sandbox import Sandbox

__all__ = ["DEMO_WORLD_RESOURCE", "demo_world_case", "load_demo_world"]

DEMO_WORLD_RESOURCE = "demo-world.json"


@lru_cache(maxsize=1)
def _demo_text() -> str:
    return resources.files("toolkit.sandbox").joinpath("data", DEMO_WORLD_RESOURCE).read_text(encoding="utf-8")


def demo_world_case() -> dict[str, Any]:
    """A fresh copy of the demo world's case file."""
    return json.loads(_demo_text())


def load_demo_world(sandbox: Sandbox) -> None:
    sandbox.load_case(demo_world_case())
