"""Batch reconciliation benchmark: a generated world of 10,000 orders, 50 ms injected per request.

    python benchmarks/bench_reconcile.py [--orders 10000] [--anomaly-share 0.05] [--seed 1] [--latency 0.05]
                                         [--sample 200]

Run it from an environment where the project is installed (``pip install -e .``). It takes a few minutes (building
the world is most of it).

The world: ``toolkit.sandbox.world.generate`` (as ``python -m toolkit.sandbox.world generate``), its orders over the
30 days before its clock; the window reconciled is those 30 days. Describe is fetched and the org's tables are read
once before timing (as in a session after its first query); the world's construction is excluded from everything.

Measured, for ``session.reconcile()``:

1. requests per system (the sandbox's request logs), and the wall time without latency and without the Stripe
   pacer (the toolkit's own work plus the sandbox serving it);
2. the wall time with ``--latency`` on every request of both systems and Stripe's test-mode rate limit (25 a
   second) enforced by the toolkit's pacer;
3. the peak memory ``reconcile()`` allocates (tracemalloc, started after the world was built; it counts the
   in-process sandbox's transient responses too, so it is pessimistic);

and for the naive loop (``session.trace(order)`` per order) on ``--sample`` orders with the same latency: requests
and wall time, extrapolated to every order.

Targets (exit 1 when one is missed):

- the request budget: Salesforce <= ceil(N/2000) x 3 + 3, Stripe lists <= ceil(M/100) + ceil(R/100) + 5;
- at least 100 times fewer requests than the naive loop;
- wall time with latency <= 1.5 x floor + the wall time without latency, where the floor is the sum over the
  sequential phases of the slowest system's max(requests x latency / C, requests / R): phase 1 the Salesforce count
  and read beside Stripe's lists, phase 2 the orphan lookups beside the single retrieves; C the concurrency the
  toolkit allows itself (Salesforce 2 statements at once, Stripe 5 spans at once), R Stripe's 25 requests a second
  (Salesforce has no per-second limit);
- peak memory of reconcile() under 500 MB.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import sys
import time
import tracemalloc
from typing import Any

from toolkit.core.pacing import STRIPE_RATE
from toolkit.core.retry import RetryPolicy
from toolkit.investigate.reconcile import Reconciliation
from toolkit.investigate.reconcile_fetch import LOOKBACK, PI_SLICES, REFUND_SLICES
from toolkit.session import DataSource, Session
from toolkit.session.connect import key_mode

SF_CONCURRENCY = 2  # the summaries beside the refund lines (REST API)
STRIPE_CONCURRENCY = PI_SLICES + REFUND_SLICES
RATE = STRIPE_RATE["test"]
MEMORY_TARGET_MB = 500.0
RATIO_TARGET = 100.0


def build(orders: int, share: float, seed: int) -> tuple[Session, list[dict[str, Any]], float]:
    from toolkit.sandbox import SANDBOX_SECRET_KEY
    from toolkit.sandbox.world.generate import generate

    started = time.perf_counter()
    box, manifest = generate(orders, share, seed)
    built = time.perf_counter() - started
    session = Session(sf=box.salesforce(), stripe=box.stripe_client(), clock=box.clock, mode="sandbox", sandbox=box,
                      source="generated world", stripe_livemode=key_mode(SANDBOX_SECRET_KEY),
                      data_source=DataSource("case", "generated world", "sandbox", "test"), retry=RetryPolicy())
    session.schema.prefixes()
    for name in ("OrderSummary", "OrderPaymentSummary", "PaymentAuthorization", "Payment", "Refund",
                 "RefundLinePayment", "PaymentGatewayLog"):
        session.sf.query(f"SELECT Id FROM {name} LIMIT 1")  # the org reads its table into memory once
    return session, manifest, built


def counts(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    box = session.sandbox
    assert box is not None
    return box.org.log.counts(), box.stripe.log.counts()


def run(session: Session, latency: float, rate: float | None) -> tuple[Reconciliation, float]:
    box = session.sandbox
    assert box is not None
    box.clear_logs()
    box.org.faults.set_latency(latency)
    box.stripe.faults.set_latency(latency)
    try:
        gc.collect()
        started = time.perf_counter()
        result = session.reconcile(progress=False, stripe_rate_limit=rate)
        return result, time.perf_counter() - started
    finally:
        box.org.faults.set_latency(0)
        box.stripe.faults.set_latency(0)


def floor(sf_log: dict[str, int], stripe_log: dict[str, int], latency: float) -> float:
    """Phase 1: Salesforce's requests (count, read, orphan lookups) beside Stripe's lists; phase 2: the single
    retrieves (they need both systems' answers)."""
    lists = stripe_log.get("GET /v1/payment_intents", 0) + stripe_log.get("GET /v1/refunds", 0)
    retrieves = sum(n for endpoint, n in stripe_log.items() if endpoint.endswith("/{id}"))

    def stripe_phase(n: int) -> float:
        return max(n * latency / STRIPE_CONCURRENCY, n / RATE)

    return max(sum(sf_log.values()) * latency / SF_CONCURRENCY, stripe_phase(lists)) + stripe_phase(retrieves)


def naive(session: Session, manifest: list[dict[str, Any]], sample: int, latency: float,
          seed: int) -> tuple[int, int, float]:
    box = session.sandbox
    assert box is not None
    orders = random.Random(seed).sample([o["order_number"] for o in manifest], min(sample, len(manifest)))
    box.clear_logs()
    box.org.faults.set_latency(latency)
    box.stripe.faults.set_latency(latency)
    try:
        started = time.perf_counter()
        for order in orders:
            session.trace(order)
        wall = time.perf_counter() - started
    finally:
        box.org.faults.set_latency(0)
        box.stripe.faults.set_latency(0)
    sf_log, stripe_log = counts(session)
    return sum(sf_log.values()), sum(stripe_log.values()), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--anomaly-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds injected per request (default 0.05)")
    parser.add_argument("--sample", type=int, default=200, help="orders traced one by one for the naive loop")
    args = parser.parse_args()

    session, manifest, built = build(args.orders, args.anomaly_share, args.seed)
    print(f"World: {args.orders:,} orders, {args.anomaly_share:.0%} anomalies, seed {args.seed} (built in "
          f"{built:.0f} s, excluded). Latency {args.latency * 1000:.0f} ms per request on both systems.\n")

    bare, bare_wall = run(session, 0.0, 1e9)
    bare_sf, bare_stripe = (sum(log.values()) for log in counts(session))
    result, wall = run(session, args.latency, RATE)
    sf_log, stripe_log = counts(session)
    assert result.to_json()["rows"] == bare.to_json()["rows"], "the answer changed with latency"

    gc.collect()
    tracemalloc.start()
    session.reconcile(progress=False, stripe_rate_limit=1e9)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = peak / 2**20

    n = sum(1 for row in result.rows if row.ops_id is not None)
    box = session.sandbox
    assert box is not None
    store = box.stripe.store
    low, high = int((result.since - LOOKBACK).timestamp()), int(result.until.timestamp())
    m = sum(1 for pi in store.visible("payment_intent") if low <= pi["created"] <= high)
    r = sum(1 for re in store.visible("refund") if int(result.since.timestamp()) <= re["created"] <= high)
    sf_total = sum(sf_log.values())
    lists = stripe_log.get("GET /v1/payment_intents", 0) + stripe_log.get("GET /v1/refunds", 0)
    retrieves = sum(count for endpoint, count in stripe_log.items() if endpoint.endswith("/{id}"))
    sf_budget = math.ceil(n / 2000) * 3 + 3
    list_budget = math.ceil(m / 100) + math.ceil(r / 100) + 5
    low_floor = floor(sf_log, stripe_log, args.latency)
    wall_target = 1.5 * low_floor + bare_wall

    print("| run | Salesforce requests | Stripe requests | wall s | peak MB |")
    print("|---|---:|---:|---:|---:|")
    print(f"| reconcile(), no latency, no pacer | {bare_sf} | {bare_stripe} | {bare_wall:.1f} | |")
    print(f"| reconcile(), {args.latency * 1000:.0f} ms, 25/s pacer | {sf_total} | {lists + retrieves} "
          f"({lists} lists + {retrieves} retrieves) | {wall:.1f} | {peak_mb:.0f} |")
    sys.stdout.flush()
    naive_sf, naive_stripe, naive_wall = naive(session, manifest, args.sample, args.latency, args.seed)
    scale = args.orders / min(args.sample, args.orders)
    naive_total = (naive_sf + naive_stripe) * scale
    ratio = naive_total / (sf_total + lists + retrieves)

    print(f"| naive trace loop, {min(args.sample, args.orders)} orders, {args.latency * 1000:.0f} ms "
          f"| {naive_sf} | {naive_stripe} | {naive_wall:.1f} | |")
    print(f"| naive trace loop extrapolated to {args.orders:,} orders | {naive_sf * scale:,.0f} | "
          f"{naive_stripe * scale:,.0f} | {naive_wall * scale:,.0f} (at least {naive_stripe * scale / RATE:,.0f} under "
          "Stripe's 25/s) | |")
    print()
    print(f"Path: {result.path}; N={n:,} payment summaries, M={m:,} PaymentIntents, R={r:,} refunds; "
          f"{sum(1 for row in result.rows if row.findings):,} rows with findings; "
          f"Salesforce by kind {result.requests_by_kind['Salesforce']}; Stripe by kind "
          f"{result.requests_by_kind['Stripe']}.")
    checks = [
        (f"Salesforce requests {sf_total} <= ceil(N/2000) x 3 + 3 = {sf_budget}", sf_total <= sf_budget),
        (f"Stripe list requests {lists} <= ceil(M/100) + ceil(R/100) + 5 = {list_budget}", lists <= list_budget),
        (f"{ratio:,.0f} times fewer requests than the naive loop (target >= {RATIO_TARGET:.0f})",
         ratio >= RATIO_TARGET),
        (f"wall {wall:.1f} s <= 1.5 x floor {low_floor:.2f} s + no-latency wall {bare_wall:.1f} s = "
         f"{wall_target:.1f} s",
         wall <= wall_target),
        (f"reconcile() peak memory {peak_mb:.0f} MB < {MEMORY_TARGET_MB:.0f} MB", peak_mb < MEMORY_TARGET_MB),
    ]
    print()
    for text, met in checks:
        print(f"- {text}: {'met' if met else 'MISSED'}")
    return 0 if all(met for _, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
