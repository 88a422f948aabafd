"""Freshly generated, seeded worlds for the batch investigations' tests (not a test module), and the ground truth the
tests compare with, read straight from the sandbox's stores (not through the code under test)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from toolkit.sandbox import Sandbox
from toolkit.sandbox.world.generate import generate
from toolkit.session import DataSource, Session


@cache
def world(orders: int, anomaly_share: float, seed: int, failed_captures: int) -> tuple[Sandbox, list[dict[str, Any]]]:
    """A generated world (built once per test process): its sandbox and its manifest."""
    return generate(orders, anomaly_share, seed, failed_captures=failed_captures)


def session_over(box: Sandbox) -> Session:
    """A session over an existing sandbox, describe fetched and the request logs cleared."""
    session = Session(sf=box.salesforce(), stripe=box.stripe_client(), clock=box.clock, mode="sandbox", sandbox=box,
                      stripe_livemode=False, data_source=DataSource("case", "a generated world", "sandbox", "test"))
    session.schema.prefixes()
    box.clear_logs()
    return session


def stripe_objects(box: Sandbox, kind: str) -> list[dict[str, Any]]:
    """Every object of ``kind`` in the sandbox's Stripe account, as stored."""
    store = box.stripe.store
    with box.stripe.lock:
        return [dict(store.objects[object_id]) for object_id in store.by_type[kind]]


def created_between(box: Sandbox, since: datetime, until: datetime) -> int:
    """How many PaymentIntents Stripe created in [since, until] (M of the request budgets)."""
    low, high = since.timestamp(), until.timestamp()
    return sum(1 for pi in stripe_objects(box, "payment_intent") if low <= pi["created"] <= high)


def capture_before(box: Sandbox, pi: dict[str, Any]) -> datetime:
    """The deadline of a PaymentIntent's authorization as Stripe stores it."""
    charge = box.stripe.store.objects[pi["latest_charge"]]
    return datetime.fromtimestamp(charge["payment_method_details"]["card"]["capture_before"], UTC)


def open_authorizations(box: Sandbox) -> dict[str, dict[str, Any]]:
    """pi_ -> {"ops_id", "order_number", "created"} of every authorization Order Management still expects to capture on
    (its summary's AvailableToCaptureAmount > 0, the authorization not canceled), by a direct query."""
    sf = box.salesforce()
    rows = sf.query_all("SELECT Id, GatewayRefNumber, Status, CreatedDate, OrderPaymentSummaryId, "
                        "OrderPaymentSummary.AvailableToCaptureAmount, OrderPaymentSummary.OrderSummary.OrderNumber "
                        "FROM PaymentAuthorization")["records"]
    out = {}
    for row in rows:
        summary = row["OrderPaymentSummary"] or {}
        ref = row["GatewayRefNumber"] or ""
        if ref.startswith("pi_") and (summary.get("AvailableToCaptureAmount") or 0) > 0 and row["Status"] not in (
                "Canceled", "Failed"):
            out[ref] = {"ops_id": row["OrderPaymentSummaryId"], "order_number": summary["OrderSummary"]["OrderNumber"],
                        "created": datetime.strptime(row["CreatedDate"], "%Y-%m-%dT%H:%M:%S.%f%z")}
    return out


def week_before(moment: datetime) -> datetime:
    return moment - timedelta(days=7)
