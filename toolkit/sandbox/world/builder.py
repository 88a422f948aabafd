"""The world builder: actors over one Sandbox, and scenario scripts laid out on a timeline.

A :class:`World` wraps a Sandbox with the actors of production:

- ``storefront``: checkout (:class:`~toolkit.sandbox.storefront.Storefront`);
- ``oms``: Order Management capturing and refunding through the connector (its REST endpoints through
  the real simple-salesforce client, or its Python entry point in bulk worlds), with fault modes;
- ``dashboard``: a Stripe Dashboard user acting on Stripe directly (capture, cancel, refund, dispute,
  a refund's later status);
- ``admin``: direct record edits in the org (integration bugs: a Payment written by hand, amounts 100x...);
- ``advance(...)``: time passes (Stripe expires authorizations through its clock listener).

A scenario is a function ``(w, order, **params)`` registered with :func:`scenario`; it is *recorded*
(every actor call becomes a step at the script's current offset, ``w.advance`` moves the offset) so the
builder can interleave many orders on one timeline (:func:`build_orders`). Actions name the order by its
number; the actors find its records.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from toolkit.core.money import from_salesforce, to_minor
from toolkit.sandbox.connector import CONNECTOR_FAULTS, Connector, ConnectorResult
from toolkit.sandbox.org_writer import BulkWriter, OrgWriter, sf_amount, sf_datetime
from toolkit.sandbox.sandbox import Sandbox
from toolkit.sandbox.storefront import PlacedOrder, Storefront
from toolkit.sandbox.stripe_calls import StripeCalls

__all__ = ["SCENARIOS", "STRIPE_FAULTS", "OrderPlan", "Scenario", "World", "build_orders", "scenario"]

#: Faults Stripe itself answers (scheduled on the account's fault plan for the next capture/refund).
STRIPE_FAULTS = ("rate_limit", "lock_timeout", "server_error", "unavailable", "timeout")


# --- actors ----------------------------------------------------------------------------------------
class World:
    """A Sandbox and its actors. ``bulk=True``: in-memory org writes and direct Stripe calls (call
    :meth:`finish` to load the records into the org)."""

    def __init__(self, sandbox: Sandbox | None = None, *, bulk: bool = False) -> None:
        self.sandbox = sandbox if sandbox is not None else Sandbox()
        self.bulk = bulk
        if bulk:
            self.writer: OrgWriter | BulkWriter = BulkWriter(self.sandbox.org)
            self.connector = Connector(self.sandbox, writer=self.writer, mode="direct")
        else:
            self.writer = OrgWriter(self.sandbox.org)
            self.connector = self.sandbox.connector
        self.storefront = Storefront(self.sandbox, writer=self.writer)
        self.oms = Oms(self)
        self.dashboard = Dashboard(self)
        self.admin = Admin(self)

    def __repr__(self) -> str:
        return f"World(bulk={self.bulk}, orders={len(self.storefront.orders)}, now={self.now().isoformat()})"

    def now(self) -> datetime:
        return self.sandbox.clock.now()

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0) -> None:
        self.sandbox.clock.advance(days=days, hours=hours, minutes=minutes)

    def order(self, order_number: str) -> PlacedOrder:
        try:
            return self.storefront.orders[order_number]
        except KeyError:
            raise KeyError(f"order {order_number} was not placed in this world") from None

    def finish(self) -> None:
        if isinstance(self.writer, BulkWriter):
            self.writer.flush()


class Oms:
    """Order Management's captures and refunds through the connector."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.results: list[ConnectorResult] = []

    def _schedule(self, fault: str | None, path: str, sf_result_code: str) -> None:
        if fault is None:
            return
        if fault in CONNECTOR_FAULTS:
            self.world.connector.fault(fault, sf_result_code=sf_result_code)
        elif fault in STRIPE_FAULTS:
            self.world.sandbox.stripe.faults.fail(path, fault, method="POST")
        else:
            raise ValueError(f"unknown fault {fault!r}")

    def capture(self, order_number: str, amount: Decimal | None = None, *, fault: str | None = None,
                async_adapter: bool = False, key: str | None = None,
                sf_result_code: str = "Indeterminate") -> ConnectorResult:
        placed = self.world.order(order_number)
        if placed.authorization_id is None:
            raise ValueError(f"order {order_number} was captured at checkout: it has no authorization")
        auth = self.world.writer.get("PaymentAuthorization", placed.authorization_id) or {}
        value = amount if amount is not None else from_salesforce(auth.get("Amount"), placed.currency)
        self._schedule(fault, "/v1/payment_intents/*/capture", sf_result_code)
        return self._run(lambda: self._post(f"authorizations/{placed.authorization_id}/captures", value, key,
                                            lambda: self.world.connector.capture(placed.authorization_id or "",
                                                                                 value, idempotency_key=key)),
                         async_adapter)

    def refund(self, order_number: str, amount: Decimal, *, fault: str | None = None, async_adapter: bool = False,
               key: str | None = None, sf_result_code: str = "Indeterminate") -> ConnectorResult:
        payment_id = self.payment_of(order_number)
        self._schedule(fault, "/v1/refunds", sf_result_code)
        return self._run(lambda: self._post(f"payments/{payment_id}/refunds", amount, key,
                                            lambda: self.world.connector.refund(payment_id, amount,
                                                                                idempotency_key=key)),
                         async_adapter)

    def notify(self) -> int:
        """The async adapter's notifications arrive (Stripe's webhooks reach Salesforce)."""
        return self.world.connector.deliver_notifications()

    def payment_of(self, order_number: str) -> str:
        placed = self.world.order(order_number)
        if placed.payment_id is not None:
            return placed.payment_id
        payments = [p for p in self.world.writer.find("Payment", "PaymentAuthorizationId", placed.authorization_id)
                    if p.get("Status") in ("Processed", "Draft")]
        if not payments:
            raise ValueError(f"order {order_number} has no payment to refund")
        return str(payments[0]["Id"])

    def _run(self, call: Callable[[], ConnectorResult], async_adapter: bool) -> ConnectorResult:
        connector = self.world.connector
        previous = connector.async_mode
        connector.async_mode = async_adapter
        try:
            result = call()
        finally:
            connector.async_mode = previous
        self.results.append(result)
        return result

    def _post(self, path: str, amount: Decimal, key: str | None, direct: Callable[[], ConnectorResult]
              ) -> ConnectorResult:
        if self.world.bulk:
            return direct()
        import simple_salesforce.exceptions as sf_errors

        body: dict[str, Any] = {"amount": float(amount)}
        if key is not None:
            body["idempotencyKey"] = key
        sf = self.world.sandbox.salesforce()
        try:
            answer = sf.restful(f"commerce/payments/{path}", method="POST", json=body)
            return ConnectorResult(201, dict(answer))
        except sf_errors.SalesforceMalformedRequest as exc:
            return ConnectorResult(400, dict(exc.content) if isinstance(exc.content, dict) else {"error": exc.content})


class Dashboard:
    """A Stripe Dashboard user: direct actions on the account (its own key, deterministic idempotency keys)."""

    def __init__(self, world: World) -> None:
        from toolkit.sandbox.sandbox import SANDBOX_SECRET_KEY

        self.world = world
        self.calls = StripeCalls(world.sandbox, SANDBOX_SECRET_KEY, mode="direct" if world.bulk else "http")
        self._count = 0

    def _key(self) -> str:
        self._count += 1
        return f"dashboard-{self._count:06d}"

    @staticmethod
    def _check(outcome: Any, what: str) -> dict[str, Any]:
        if not outcome.ok:
            raise RuntimeError(f"Dashboard {what} failed: {outcome.error_fields.get('message')}")
        return dict(outcome.obj or {})

    def capture(self, order_number: str, amount: Decimal | None = None) -> dict[str, Any]:
        placed = self.world.order(order_number)
        minor = None if amount is None else to_minor(amount, placed.currency)
        return self._check(self.calls.capture(placed.payment_intent, minor, self._key()), "capture")

    def cancel(self, order_number: str, reason: str | None = "requested_by_customer") -> dict[str, Any]:
        placed = self.world.order(order_number)
        return self._check(self.calls.cancel(placed.payment_intent, reason, self._key()), "cancel")

    def refund(self, order_number: str, amount: Decimal | None = None, *, reason: str | None = "requested_by_customer"
               ) -> dict[str, Any]:
        placed = self.world.order(order_number)
        minor = None if amount is None else to_minor(amount, placed.currency)
        return self._check(self.calls.refund(placed.payment_intent, minor, self._key(), reason=reason), "refund")

    def dispute(self, order_number: str, reason: str = "fraudulent") -> dict[str, Any]:
        """The cardholder's bank disputes the order's charge (a chargeback: the money is withdrawn)."""
        placed = self.world.order(order_number)
        return self.world.sandbox.stripe.dispute_charge(placed.charge, reason=reason)

    def dispute_evidence(self, order_number: str, text: str) -> dict[str, Any]:
        """The merchant answers the order's open dispute with evidence."""
        return self.world.sandbox.stripe.submit_dispute_evidence(self._dispute(order_number)["id"],
                                                                 {"uncategorized_text": text})

    def close_dispute(self, order_number: str, outcome: str) -> dict[str, Any]:
        """The bank decides the order's dispute: ``won`` or ``lost``."""
        return self.world.sandbox.stripe.close_dispute(self._dispute(order_number)["id"], outcome)

    def _dispute(self, order_number: str) -> dict[str, Any]:
        account = self.world.sandbox.stripe
        with account.lock:
            disputes = account.store.disputes_of(self.world.order(order_number).charge)
        if not disputes:
            raise ValueError(f"order {order_number} has no dispute at Stripe")
        return disputes[-1]

    def refund_status(self, order_number: str, status: str, *, failure_reason: str | None = None,
                      pending_reason: str | None = None) -> dict[str, Any]:
        """The bank answers later: the order's latest money-moving refund changes status."""
        account = self.world.sandbox.stripe
        placed = self.world.order(order_number)
        with account.lock:
            refunds = [r for r in account.store.refunds_of(placed.charge) if r.get("balance_transaction")]
        if not refunds:
            raise ValueError(f"order {order_number} has no refund at Stripe")
        return account.set_refund_status(refunds[-1]["id"], status, failure_reason=failure_reason,
                                         pending_reason=pending_reason)


class Admin:
    """Direct record edits in the org: the integration bugs analysts meet."""

    def __init__(self, world: World) -> None:
        self.world = world

    def scale_amounts(self, order_number: str, factor: int) -> None:
        """Multiply the order's OMS amounts by ``factor`` (a zero-decimal order sent in minor units)."""
        w = self.world.writer
        placed = self.world.order(order_number)
        summary = w.get("OrderSummary", placed.order_summary_id) or {}
        w.update("OrderSummary", placed.order_summary_id, {
            "GrandTotalAmount": summary["GrandTotalAmount"] * factor, "TotalAmount": summary["TotalAmount"] * factor})
        for name, record_id in (("PaymentAuthorization", placed.authorization_id), ("Payment", placed.payment_id)):
            if record_id:
                row = w.get(name, record_id) or {}
                w.update(name, record_id, {"Amount": row["Amount"] * factor})

    def relabel_currency(self, order_number: str, currency: str) -> None:
        """Write another currency on the order's Order Management records, numbers unchanged (a site-currency
        misconfiguration: Stripe charged one currency, Order Management records the same figures in another)."""
        w = self.world.writer
        placed = self.world.order(order_number)
        for name, record_id in (("OrderSummary", placed.order_summary_id), ("OrderPaymentSummary", placed.ops_id),
                                ("PaymentAuthorization", placed.authorization_id), ("Payment", placed.payment_id)):
            if record_id:
                w.update(name, record_id, {"CurrencyIsoCode": currency})

    def corrupt_reference(self, order_number: str) -> str:
        """Rewrite the order's ``pi_`` with a typo (the last four characters changed); returns the bad id."""
        placed = self.world.order(order_number)
        good = placed.payment_intent
        bad = good[:-4] + "".join(chr(ord("a") + (ord(c) + 7) % 26) for c in good[-4:])
        if placed.authorization_id is None:
            raise ValueError("only an authorization's pi_ can be corrupted")
        self.world.writer.update("PaymentAuthorization", placed.authorization_id, {"GatewayRefNumber": bad})
        placed.extra["bad_reference"] = bad
        return bad

    def payment(self, order_number: str, amount: Decimal | None = None) -> str:
        """A Payment written by hand (Processed, External, no gateway call): a capture Stripe never saw."""
        placed = self.world.order(order_number)
        now = sf_datetime(self.world.now())
        value = sf_amount(amount if amount is not None else placed.amount)
        return self.world.writer.create("Payment", {
            "Amount": value, "Status": "Processed", "Type": "Capture", "ProcessingMode": "External",
            "SfResultCode": "Success", "PaymentAuthorizationId": placed.authorization_id,
            "OrderPaymentSummaryId": placed.ops_id, "AccountId": placed.account_id, "Date": now, "EffectiveDate": now,
            "CurrencyIsoCode": placed.currency})

    def refund(self, order_number: str, amount: Decimal) -> str:
        """A Refund recorded by hand in OMS (Processed) that never reached Stripe."""
        placed = self.world.order(order_number)
        w = self.world.writer
        payment_id = self.world.oms.payment_of(order_number)
        now = sf_datetime(self.world.now())
        refund_id = w.create("Refund", {
            "Amount": sf_amount(amount), "Status": "Processed", "Type": "Referenced", "ProcessingMode": "External",
            "SfResultCode": "Success", "OrderPaymentSummaryId": placed.ops_id, "AccountId": placed.account_id,
            "Date": now, "EffectiveDate": now, "CurrencyIsoCode": placed.currency,
            "Comments": "Refund recorded manually by customer service"})
        w.create("RefundLinePayment", {"Amount": sf_amount(amount), "Type": "Applied", "RefundId": refund_id,
                                       "PaymentId": payment_id, "Date": now, "EffectiveDate": now,
                                       "HasBeenUnapplied": "No"})
        return refund_id

    def gateway_log(self, order_number: str, **fields: Any) -> str:
        """A PaymentGatewayLog row on the order's summary (about its authorization unless told otherwise)."""
        placed = self.world.order(order_number)
        values = {"IsNotification": "No", "GatewayDate": sf_datetime(self.world.now()),
                  "OrderPaymentSummaryId": placed.ops_id,
                  "ReferencedEntityId": placed.authorization_id or placed.payment_id, **fields}
        log_id = self.world.writer.create("PaymentGatewayLog", values)
        self.world.writer.update("OrderPaymentSummary", placed.ops_id, {
            "LastPaymentGatewayLogId": log_id, "LastPaymentGatewayMessage": values.get("GatewayMessage")})
        return log_id


# --- scenarios -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """A registered script: what it expects the trace to find and the failed-capture causes it produces.

    ``within_days``: the script must end within that many days before the world's clock (None: anywhere
    in the window). Scripts whose PaymentIntent must still await capture at the end use it.
    """

    name: str
    script: Callable[..., None]
    expects: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()
    within_days: float | None = None
    anomaly: bool = True


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, *, expects: list[str] | tuple[str, ...] = (), causes: list[str] | tuple[str, ...] = (),
             within_days: float | None = None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a scenario script under ``name``."""
    def register(script: Callable[..., None]) -> Callable[..., None]:
        if name in SCENARIOS:
            raise ValueError(f"scenario {name!r} is already registered")
        SCENARIOS[name] = Scenario(name, script, tuple(sorted(expects)), tuple(causes), within_days,
                                   anomaly=bool(expects or causes))
        return script
    return register


@dataclass(frozen=True)
class Step:
    offset: timedelta
    actor: str
    action: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class _ActorRecorder:
    def __init__(self, recorder: _Recorder, actor: str) -> None:
        self._recorder = recorder
        self._actor = actor

    def __getattr__(self, action: str) -> Callable[..., None]:
        def record(*args: Any, **kwargs: Any) -> None:
            self._recorder.steps.append(Step(self._recorder.offset, self._actor, action, args, kwargs))
        return record


class _Recorder:
    """What a scenario script sees as ``w`` while it is recorded."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.offset = timedelta()
        self.storefront = _ActorRecorder(self, "storefront")
        self.oms = _ActorRecorder(self, "oms")
        self.dashboard = _ActorRecorder(self, "dashboard")
        self.admin = _ActorRecorder(self, "admin")

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0) -> None:
        self.offset += timedelta(days=days, hours=hours, minutes=minutes)


@dataclass
class OrderPlan:
    """One order of a world: its number, its scenario and the scenario's parameters."""

    order_number: str
    scenario: str
    params: dict[str, Any] = field(default_factory=dict)


def record(plan: OrderPlan) -> list[Step]:
    recorder = _Recorder()
    SCENARIOS[plan.scenario].script(recorder, plan.order_number, **plan.params)
    return [*recorder.steps, Step(recorder.offset, "world", "end", (), {})]


def build_orders(world: World, plans: list[OrderPlan], *, now: datetime, window_days: float = 30,
                 seed: int = 0) -> list[dict[str, Any]]:
    """Lay the plans' steps on one timeline ending at ``now``, run them, set the clock to ``now``.

    Returns the manifest: one entry per order (number, scenario, PaymentIntent ids, expected findings and
    causes).
    """
    rnd = random.Random(seed)
    start_of_window = now - timedelta(days=window_days)
    timeline: list[tuple[datetime, int, int, Step]] = []
    for index, plan in enumerate(plans):
        steps = record(plan)
        duration = steps[-1].offset
        spec = SCENARIOS[plan.scenario]
        if spec.within_days is not None:
            start = now - duration - timedelta(days=spec.within_days * rnd.random())
        else:
            earliest = start_of_window + timedelta(hours=1)
            latest = now - duration - timedelta(hours=1)
            if latest < earliest:
                raise ValueError(f"scenario {plan.scenario} lasts {duration}, longer than the window")
            start = earliest + (latest - earliest) * rnd.random()
        start = start.replace(second=0, microsecond=0)
        for number, step in enumerate(steps[:-1]):
            timeline.append((start + step.offset, index, number, step))
    timeline.sort(key=lambda item: (item[0], item[1], item[2]))
    clock = world.sandbox.clock
    if timeline:
        clock.set(min(timeline[0][0], start_of_window))
    actors = {"storefront": world.storefront, "oms": world.oms, "dashboard": world.dashboard, "admin": world.admin}
    for moment, _index, _number, step in timeline:
        if moment > clock.now():
            clock.set(moment)
        getattr(actors[step.actor], step.action)(*step.args, **step.kwargs)
    clock.set(now)
    world.finish()
    manifest = []
    for plan in plans:
        placed = world.storefront.orders.get(plan.order_number)
        spec = SCENARIOS[plan.scenario]
        manifest.append({
            "order_number": plan.order_number, "scenario": plan.scenario,
            "currency": placed.currency if placed else None,
            "amount": str(placed.amount) if placed else None,
            "payment_intents": [placed.payment_intent] if placed else [],
            "expected_findings": list(spec.expects), "expected_causes": list(spec.causes)})
    return manifest
