"""Benchmark: build a generated world of 10,000 orders (10% anomalies) on the sandbox.

Times ``toolkit.sandbox.world.generate.generate(10000, 0.1, seed=1)`` with ``time.perf_counter`` (best of
``--runs``, default 3): storefront checkouts, connector captures and refunds, Dashboard actions and the
timeline over 30 simulated days, org records loaded once (bulk writer), rollups computed. Also times
saving the result as a case file. Prints the figures and the target (< 60 s); exits 1 when it is missed.
Run: ``python benchmarks/bench_world.py [--orders N] [--runs R]``, from an environment where the project is
installed (``pip install -e .``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from toolkit.sandbox.world.generate import generate

TARGET_SECONDS = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    timings = []
    box = None
    for _ in range(args.runs):
        started = time.perf_counter()
        box, _manifest = generate(args.orders, 0.1, seed=1)
        timings.append(time.perf_counter() - started)
    assert box is not None
    counts = {name: len(rows) for name, rows in box.org.dump_records().items()}
    objects = len(box.stripe.dump_objects())
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = box.save_case(Path(tmp) / "world.json")
        save = time.perf_counter() - started
        size = path.stat().st_size
    best = min(timings)
    print(f"generate({args.orders}, 0.1): best {best:.2f} s; runs: {', '.join(f'{t:.2f}' for t in timings)}")
    print(f"org records: {sum(counts.values())} ({counts}); stripe objects: {objects}")
    print(f"save_case: {save:.2f} s, {size / 1e6:.1f} MB")
    met = best < TARGET_SECONDS
    print(f"target < {TARGET_SECONDS:.0f} s: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
