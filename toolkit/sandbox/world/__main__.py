"""``python -m toolkit.sandbox.world demo`` | ``generate --orders N --anomaly-share F --out FILE [--seed S]
[--failed-captures K]``."""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit.sandbox.world", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="rebuild toolkit/sandbox/data/demo-world.json and its manifest")
    gen = sub.add_parser("generate", help="write a large generated world as a case file")
    gen.add_argument("--orders", type=int, default=10000)
    gen.add_argument("--anomaly-share", type=float, default=0.1)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--failed-captures", type=int, default=0,
                     help="how many of the orders end in a failed capture (besides the anomalies)")
    gen.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.command == "demo":
        from toolkit.sandbox.world.demo import write_demo

        for path in write_demo():
            print(f"wrote {path}")
        return 0
    from toolkit.sandbox.world.generate import generate

    started = time.perf_counter()
    try:
        generate(args.orders, args.anomaly_share, args.seed, out=args.out, failed_captures=args.failed_captures)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {args.orders} orders in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
