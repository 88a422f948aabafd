"""Trace benchmark: request counts and wall time per subject kind, with 100 ms injected per request.

    /work/venv/bin/python benchmarks/bench_trace.py [--case FILE] [--latency 0.1]

Runs on the demo world by default (the first order whose authorization carries a pi_). Describe is fetched
once per session before timing (``toolkit.trace_fetch.session_schema``), as a session warms it on first use.
Target: at most 3 Salesforce and 4 Stripe requests, and at most 350 ms with 100 ms latency.
"""

from __future__ import annotations

import argparse
import time

from toolkit.session import connect
from toolkit.trace_fetch import session_schema


def subjects(session) -> dict[str, str]:
    sf = session.sf
    pa = sf.query("SELECT Id, GatewayRefNumber, OrderPaymentSummaryId, OrderPaymentSummary.OrderSummaryId, "
                  "OrderPaymentSummary.OrderSummary.OrderNumber FROM PaymentAuthorization "
                  "WHERE GatewayRefNumber LIKE 'pi\\_%' ORDER BY CreatedDate LIMIT 1")["records"][0]
    pi = session.stripe.v1.payment_intents.retrieve(pa["GatewayRefNumber"]).to_dict()
    out = {"pi_": pi["id"], "order number": pa["OrderPaymentSummary"]["OrderSummary"]["OrderNumber"],
           "OrderSummary id": pa["OrderPaymentSummary"]["OrderSummaryId"], "OPS id": pa["OrderPaymentSummaryId"],
           "PaymentAuthorization id": pa["Id"]}
    if pi.get("latest_charge"):
        out["ch_"] = pi["latest_charge"]
    logs = sf.query(f"SELECT Id FROM PaymentGatewayLog WHERE OrderPaymentSummaryId = '{pa['OrderPaymentSummaryId']}' "
                    "LIMIT 1")["records"]
    if logs:
        out["PaymentGatewayLog id"] = logs[0]["Id"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    session = connect(case=args.case) if args.case else connect()
    session_schema(session.sf)
    chosen = subjects(session)
    print(f"{'subject kind':<24} {'SF req':>6} {'Stripe req':>10} {'wall ms':>8}  findings")
    for kind, subject in chosen.items():
        session.sandbox.clear_logs()
        session.sandbox.org.faults.set_latency(args.latency)
        session.sandbox.stripe.faults.set_latency(args.latency)
        start = time.perf_counter()
        t = session.trace(subject)
        wall = (time.perf_counter() - start) * 1000
        session.sandbox.org.faults.set_latency(0)
        session.sandbox.stripe.faults.set_latency(0)
        print(f"{kind:<24} {session.sandbox.org.log.count:>6} {session.sandbox.stripe.log.count:>10} {wall:>8.0f}  "
              f"{','.join(f.code.value for f in t.findings) or '-'}")


if __name__ == "__main__":
    main()
