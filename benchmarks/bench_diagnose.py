"""Failed-capture diagnosis benchmark: requests, wall time and memory on generated worlds, 50 ms per request.

    python benchmarks/bench_diagnose.py [--latency 0.05] [--failed 1000] [--sizes 1500,20000] [--seed 11] [--no-naive]

Run it from an environment where the project is installed (``pip install -e .``). For each size M it builds a world
with the bulk generator (``toolkit.sandbox.world.generate``: M orders over 30 days, ``--failed`` of them ending in one
failed capture, their causes drawn from every failed-capture scenario; one PaymentIntent per order, so M
PaymentIntents from 7 days before the 30-day window's start to its end), then diagnoses the default window:

1. without latency (the answers are checked against the world's manifest: every row its scenario's cause);
2. with ``--latency`` seconds on every request of both systems: requests per system (the sandbox's request logs),
   wall time, against the budget (at most ceil(k/2000) + 5 Salesforce and min(k, ceil(M/100)) + 10 Stripe requests)
   and against the floor;
3. without latency under ``tracemalloc``: the peak of Python memory allocated during the diagnosis (the in-process
   sandbox's own allocations included, so it is pessimistic);
4. unless ``--no-naive``, with latency again, retrieving each PaymentIntent on its own (the diagnosis's
   ``strategy="retrieve"``, i.e. the naive per-row retrieval, concurrent and paced);
5. the expiring list (48 hours) with latency: requests against its budget (ceil(N/2000) + 5, ceil(M'/100) + 10).

The floor is the sum over the diagnosis's sequential phases of max(requests x latency / C, requests / R) per
system, with the concurrency the toolkit allows itself (C: 8 Salesforce statements at once; Stripe: 4 listing spans
at once, 8 retrievals at once) and the rate limit R (Stripe: 25 requests a second in test mode; Salesforce: none).
Phases: Salesforce round 1 (the summaries with their failed captures, the rows without a summary, the count per day),
Stripe's listing (or retrievals), the retrievals of references the listing did not show, Salesforce's read of the
Requests some rows need. Targets: the budget met, and the wall time with latency <= 1.5 x the floor + the same run's
wall time without latency. Exits 1 when a target is missed or an answer is wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus

from toolkit.analysis.read_plan import diagnosis_budget, expiring_budget
from toolkit.core.pacing import STRIPE_RATE
from toolkit.investigate.diagnose import CONCURRENCY, LISTING_SPANS, Diagnosis, diagnose
from toolkit.sandbox import Sandbox
from toolkit.sandbox.world.generate import generate
from toolkit.session import DataSource, Session

RATE = STRIPE_RATE["test"]


@dataclass
class Run:
    wall: float
    salesforce: int
    stripe: int
    floor: float
    phases: str
    diagnosis: Diagnosis


def session_over(box: Sandbox) -> Session:
    session = Session(sf=box.salesforce(), stripe=box.stripe_client(), clock=box.clock, mode="sandbox", sandbox=box,
                      stripe_livemode=False, data_source=DataSource("case", "a generated world", "sandbox", "test"))
    session.schema.prefixes()  # describe: once per session, not counted below
    return session


def phase_floor(requests: int, latency: float, concurrency: int, rate: float | None) -> float:
    if not requests:
        return 0.0
    return max(requests * latency / concurrency, requests / rate if rate else 0.0)


def floor_of(box: Sandbox, latency: float) -> tuple[float, str]:
    """The floor of the run the logs hold, and its phases' request counts."""
    queries = [unquote_plus(e.query) for e in box.org.log.entries]
    requests_read = sum("Request FROM PaymentGatewayLog" in q for q in queries)
    round_one = len(queries) - requests_read
    stripe = Counter(e.endpoint for e in box.stripe.log.entries)
    listing = stripe.get("GET /v1/payment_intents", 0)
    retrieved = stripe.get("GET /v1/payment_intents/{id}", 0) + stripe.get("GET /v1/balance_transactions/{id}", 0)
    phases = [("SF round 1", round_one, CONCURRENCY, None)]
    if listing:
        phases += [("Stripe listing", listing, LISTING_SPANS, RATE), ("Stripe retrievals after it", retrieved,
                                                                      CONCURRENCY, RATE)]
    else:
        phases += [("Stripe retrievals", retrieved, CONCURRENCY, RATE)]
    phases += [("SF Requests", requests_read, CONCURRENCY, None)]
    floor = sum(phase_floor(n, latency, c, r) for _, n, c, r in phases)
    text = ", ".join(f"{name} {n}" for name, n, _, _ in phases if n)
    return floor, text


def run(session: Session, latency: float, strategy: str = "auto") -> Run:
    box = session.sandbox
    assert box is not None
    box.clear_logs()
    box.org.faults.set_latency(latency)
    box.stripe.faults.set_latency(latency)
    try:
        start = time.perf_counter()
        result = diagnose(session, strategy=strategy)  # type: ignore[arg-type]
        wall = time.perf_counter() - start
    finally:
        box.org.faults.set_latency(0)
        box.stripe.faults.set_latency(0)
    floor, phases = floor_of(box, latency)
    return Run(wall, box.org.log.count, box.stripe.log.count, floor, phases, result)


def check_answers(result: Diagnosis, manifest: list[dict[str, Any]]) -> list[str]:
    expected = {o["order_number"]: sorted(o["expected_causes"]) for o in manifest if o["expected_causes"]}
    found: dict[str | None, list[str]] = {}
    for row in result.rows:
        found.setdefault(row.order_number, []).append(str(row.cause))
    wrong = [number for number in sorted(set(expected) | {n for n in found if n}) if
             sorted(found.get(number, [])) != expected.get(number, [])]
    if result.incomplete:
        wrong.append(f"{len(result.incomplete)} incomplete")
    return wrong


def peak_memory(session: Session) -> float:
    tracemalloc.start()
    try:
        diagnose(session)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2 ** 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds injected per request (default 0.05)")
    parser.add_argument("--failed", type=int, default=1000, help="failed captures in the window (k)")
    parser.add_argument("--sizes", default="1500,20000", help="PaymentIntents in the lookback window (M), commas")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-naive", action="store_true", help="skip the per-row retrieval comparison")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    latency = args.latency
    print(f"k = {args.failed} failed captures; {latency * 1000:.0f} ms injected per request on both systems; C = "
          f"{CONCURRENCY} Salesforce statements, {LISTING_SPANS} Stripe listing spans, {CONCURRENCY} Stripe "
          f"retrievals at once; R = {RATE:g} Stripe requests a second.\n")
    missed = 0
    rows = []
    for size in sizes:
        started = time.perf_counter()
        box, manifest = generate(size, 0.0, args.seed, failed_captures=args.failed)
        built = time.perf_counter() - started
        session = session_over(box)
        bare = run(session, 0.0)
        wrong = check_answers(bare.diagnosis, manifest)
        timed = run(session, latency)
        k = timed.diagnosis.stats["failed_logs"]
        m = sum(1 for o in manifest if o["payment_intents"])
        budget = diagnosis_budget(k, m)
        memory = peak_memory(session)
        naive = run(session, latency, "retrieve") if not args.no_naive else None
        target = 1.5 * timed.floor + bare.wall
        budget_met = timed.salesforce <= budget.salesforce and timed.stripe <= budget.stripe
        met = budget_met and timed.wall <= target and not wrong
        missed += not met
        box.clear_logs()
        box.org.faults.set_latency(latency)
        box.stripe.faults.set_latency(latency)
        started = time.perf_counter()
        expiring = session.expiring_authorizations(timedelta(hours=48))
        expiring_wall = time.perf_counter() - started
        box.org.faults.set_latency(0)
        box.stripe.faults.set_latency(0)
        lookback = session.now() - timedelta(hours=48) - timedelta(days=7)
        m_expiring = sum(1 for pi in box.stripe.store.objects.values()
                         if pi.get("object") == "payment_intent" and pi["created"] >= lookback.timestamp())
        e_budget = expiring_budget(expiring.stats["open_summaries"], m_expiring)
        e_met = box.org.log.count <= e_budget.salesforce and box.stripe.log.count <= e_budget.stripe
        missed += not e_met
        rows.append((size, k, built, bare, timed, budget, memory, naive, target, met, wrong, expiring, expiring_wall,
                     (box.org.log.count, box.stripe.log.count), e_budget, e_met, m_expiring))
        print(f"M = {size}: world built in {built:.0f} s; plan: {timed.diagnosis.stats['reason']}", flush=True)
    print("\n| M | k | SF requests (budget) | Stripe requests (budget) | phases | wall s, 50 ms latency | wall s, no "
          "latency | floor s | target s | peak MB | result |")
    print("|---:|---:|---|---|---|---:|---:|---:|---:|---:|---|")
    for (size, k, _built, bare, timed, budget, memory, _naive, target, met, wrong, *_rest) in rows:
        verdict = "met" if met else "MISSED" + (f" (wrong: {', '.join(wrong[:5])})" if wrong else "")
        print(f"| {size:,} | {k:,} | {timed.salesforce} ({budget.salesforce}) | {timed.stripe} ({budget.stripe}) | "
              f"{timed.phases} | {timed.wall:.1f} | {bare.wall:.1f} | {timed.floor:.2f} | {target:.1f} | "
              f"{memory:.0f} | {verdict} |")
    if not args.no_naive:
        print("\nNaive per-row retrieval (one request per PaymentIntent, concurrent and paced), same latency:\n")
        print("| M | SF requests | Stripe requests | wall s | floor s | vs the diagnosis's Stripe requests |")
        print("|---:|---:|---:|---:|---:|---|")
        for (size, _k, _b, _bare, timed, _bud, _mem, naive, *_rest) in rows:
            print(f"| {size:,} | {naive.salesforce} | {naive.stripe} | {naive.wall:.1f} | {naive.floor:.2f} | "
                  f"{naive.stripe / max(1, timed.stripe):.1f} x more |")
    print("\nExpiring authorizations (48 h), same latency:\n")
    print("| M | open summaries (N) | PaymentIntents in its lookback (M') | SF requests (budget) | Stripe requests "
          "(budget) | rows | wall s | result |")
    print("|---:|---:|---:|---|---|---:|---:|---|")
    for (size, *_a, expiring, e_wall, counts, e_budget, e_met, m_expiring) in rows:
        print(f"| {size:,} | {expiring.stats['open_summaries']:,} | {m_expiring:,} | {counts[0]} "
              f"({e_budget.salesforce}) | {counts[1]} ({e_budget.stripe}) | {len(expiring.rows)} | {e_wall:.1f} | "
              f"{'met' if e_met else 'MISSED'} |")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
