"""Guided refunds and re-captures: plan, preview, then move money once, with both systems agreeing after.

``session.plan_refund(...)`` / ``session.plan_recapture(...)`` trace the subject (both systems read now), build
the pure plan (:mod:`toolkit.analysis.refund_plan`) and return a :class:`GuidedAction`: a dry run until
:meth:`GuidedAction.execute` is called. Executing:

1. refuses (:class:`~toolkit.errors.ActionRefusedError`, nothing sent) without ``connect(allow_writes=True)``,
   when the plan is blocked, when a live system's order number was not typed to confirm, or when a re-read of
   both systems shows anything changed since the preview;
2. writes the intent to the journal (flushed to disk) before the request;
3. sends one request with the plan's idempotency key: through Order Management (the connector refunds or
   captures at Stripe and records it), or directly at Stripe for a refund (then the toolkit records it in Order
   Management as an External Refund, so the two agree);
4. when the answer is lost (a timeout, a failure after retries) looks the key up in both systems: a refund or
   capture Stripe made is completed in Order Management, one that never happened is reported not done (a new
   attempt then uses a fresh key: the connector replays an old key's answer);
5. writes the result, traces the order again and says whether both systems agree.

Executing twice (or double-clicking) returns the first result; an intent left without a result by a crash is
resolved when the next session opens the journal (:func:`resolve_open_intents`).
"""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from toolkit.actions.journal import Journal
from toolkit.actions.settle import Settlement, record_in_oms, verify
from toolkit.analysis.refund_plan import ActionPlan
from toolkit.core.text import redact_json
from toolkit.errors import ActionRefusedError, BudgetExceededError, ServiceError
from toolkit.views import actions as action_views

if TYPE_CHECKING:
    from toolkit.investigate.trace import Trace
    from toolkit.session import Session

__all__ = ["ActionResult", "GuidedAction", "analyst_name", "resolve_open_intents"]

Status = Literal["done", "not_done", "unknown", "partial"]
ANALYST_ENV = "OMS_TOOLKIT_ANALYST"
#: How the agreement check reads the trace after the action: these findings mean the systems disagree.
_DISAGREE = frozenset({"REFUND_MISSING_IN_OMS", "REFUND_MISSING_IN_STRIPE", "CAPTURE_MISSING_IN_OMS",
                       "CAPTURE_MISSING_IN_STRIPE"})


def analyst_name() -> str:
    """Who acts: ``$OMS_TOOLKIT_ANALYST``, else the operating-system user."""
    try:
        return os.environ.get(ANALYST_ENV) or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class ActionResult:
    """What an executed action did: ``status`` (done, not_done, unknown, partial), the ids it made, the trace before
    and after, and whether the two systems agree now."""

    status: Status
    message: str
    key: str
    stripe_id: str | None = None
    oms_id: str | None = None
    before: Trace | None = field(default=None, repr=False)
    after: Trace | None = field(default=None, repr=False)
    agree: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return redact_json({"status": self.status, "message": self.message, "idempotency_key": self.key,
                            "stripe_id": self.stripe_id, "oms_id": self.oms_id, "agree": self.agree,
                            "after": self.after.to_json() if self.after is not None else None})

    def to_text(self) -> str:
        return action_views.result_text(self)

    def _repr_html_(self) -> str:
        return action_views.result_html(self)


class GuidedAction:
    """A planned refund or re-capture: the preview (``plan``) and, once confirmed, the one execution."""

    def __init__(self, session: Session, plan: ActionPlan, before: Trace, rebuild: Callable[[], tuple[ActionPlan,
                 Trace]], *, analyst: str, checkpoint: Callable[[str], None] | None = None) -> None:
        self.session = session
        self.plan = plan
        self.before = before
        self.analyst = analyst
        self.result: ActionResult | None = None
        self.checkpoint = checkpoint
        self._rebuild = rebuild
        self._lock = threading.Lock()

    # --- the preview --------------------------------------------------------------------------------------
    @property
    def blocked(self) -> str | None:
        return self.plan.blocked

    @property
    def amount(self) -> Any:
        return self.plan.amount

    @property
    def currency(self) -> str:
        return self.plan.currency

    @property
    def idempotency_key(self) -> str:
        return self.plan.idempotency_key

    @property
    def oms_available(self) -> Any:
        return self.plan.oms_available

    @property
    def stripe_available(self) -> Any:
        return self.plan.stripe_available

    @property
    def incomplete(self) -> list[Any]:
        return list(self.before.incomplete)

    def to_json(self) -> dict[str, Any]:
        return redact_json({**self.plan.to_json(), "dry_run": self.result is None,
                            "result": self.result.to_json() if self.result else None,
                            "source": self.before.source.to_json() if self.before.source else None,
                            "incomplete": [i.to_json() for i in self.before.incomplete]})

    def to_text(self) -> str:
        return action_views.plan_text(self.plan, self.before.source, self.result)

    def __repr__(self) -> str:
        state = "blocked" if self.blocked else ("executed" if self.result else "dry run")
        return f"GuidedAction({self.plan.kind} {self.plan.amount} {self.plan.currency} on {self.plan.target}, {state})"

    def _repr_html_(self) -> str:
        return action_views.plan_html(self.plan, self.before.source, self.result)

    # --- the execution ---------------------------------------------------------------------------------------
    def _mark(self, point: str) -> None:
        if self.checkpoint is not None:
            self.checkpoint(point)

    def execute(self, *, confirm_order_number: str | None = None) -> ActionResult:
        """Move the money once (see the module docstring); a second call returns the first result."""
        with self._lock:
            if self.result is not None:
                return self.result
            session, plan = self.session, self.plan
            if not session.allow_writes:
                raise ActionRefusedError("This session may not move money: connect with allow_writes=True (on the "
                                         "command line, --confirm) after reviewing the preview.")
            if plan.blocked:
                raise ActionRefusedError(plan.blocked, subject=plan.target)
            if session.mode == "live" and (confirm_order_number or "").strip() != (plan.order_number or ""):
                raise ActionRefusedError(f"This is a live system: type the order number ({plan.order_number}) to "
                                         "confirm the action.", subject=plan.target)
            journal = session.journal
            done = _done_before(journal, plan.idempotency_key)
            if done is not None:
                self.result = ActionResult("done", f"Already done on {done.get('at')}: nothing sent again.",
                                           plan.idempotency_key, done.get("stripe_id"), done.get("oms_id"),
                                           self.before, self.before, None)
                return self.result
            fresh, _ = self._rebuild()
            if fresh.blocked:
                raise ActionRefusedError(f"Since the preview, this can no longer be done: {fresh.blocked}",
                                         subject=plan.target)
            if fresh.snapshot != plan.snapshot or fresh.idempotency_key != plan.idempotency_key:
                raise ActionRefusedError("Something changed in Order Management or Stripe since the preview; make a "
                                         "new plan and review it before confirming.", subject=plan.target)
            key = _attempt_key(journal, plan.idempotency_key)
            journal.append(_intent(plan, key, self.analyst, session))
            self._mark("intent written")
            settlement = self._send(key)
            self._mark("request sent")
            if settlement.status == "unknown":
                settlement = verify(session, plan.kind, plan.via, key, plan.payment_intent)
            if settlement.status == "partial":
                settlement = record_in_oms(session, plan, settlement, key)
            journal.append(_result(key, settlement, session))
            after = session.trace(plan.order_number or plan.target)
            agree = not any(f.code in _DISAGREE for f in after.findings if f.subject in (plan.payment_intent,
                                                                                       plan.ops_id))
            self.result = ActionResult(settlement.status, settlement.message, key, settlement.stripe_id,
                                       settlement.oms_id, self.before, after, agree)
            return self.result

    def _send(self, key: str) -> Settlement:
        """One request with ``key``; an answer that is lost or ambiguous is ``unknown`` (looked up after)."""
        plan, session = self.plan, self.session
        request = plan.request
        try:
            if request["system"] == "Stripe":
                params = {**request["params"], "metadata": {**request["params"]["metadata"], "toolkit_key": key}}
                refund = session.stripe_gateway().create_refund(params, key, f"the refund of {plan.payment_intent}")
                return Settlement("partial", "Stripe refunded; Order Management does not know yet.",
                                  stripe_id=str(refund.get("id")), stripe_status=str(refund.get("status")))
            body = {**request["body"], "idempotencyKey": key}
            status, answer = session.salesforce_gateway().commerce_post(request["path"], body,
                                                                        f"the {plan.kind} of {plan.target}")
        except (ServiceError, BudgetExceededError) as exc:
            return Settlement("unknown", f"No answer ({exc}); looking the request up in both systems.")
        entity = answer.get("refund") or answer.get("payment")
        if status < 300 and entity:
            return Settlement("done", f"Order Management {'refunded' if plan.kind == 'refund' else 'captured'} "
                                      f"{plan.amount} {plan.currency} through the connector.",
                              oms_id=str(entity.get("id")))
        error = answer.get("error") or {}
        if error.get("errorCode") == "PAYMENT_GATEWAY_TIMEOUT" or not error:
            return Settlement("unknown", "The connector timed out; looking the request up at Stripe.")
        return Settlement("not_done", f"Stripe refused it through the connector: {error.get('message')}")


def _done_before(journal: Journal, base: str) -> dict[str, Any] | None:
    for entry in journal.entries():
        if (entry.key == base or entry.key.startswith(base + "-")) and entry.status == "done" and entry.result:
            return entry.result
    return None


def _attempt_key(journal: Journal, base: str) -> str:
    """The key of this attempt: the plan's, or a fresh one when an earlier attempt is known not to have happened
    (the connector replays an old key's answer, so a retry through it needs a new key)."""
    tried = [e for e in journal.entries() if e.key == base or e.key.startswith(base + "-")]
    return base if not tried else f"{base}-{len(tried) + 1}"


def _intent(plan: ActionPlan, key: str, analyst: str, session: Session) -> dict[str, Any]:
    from toolkit.core.money import to_minor

    return {"type": "intent", "key": key, "plan_key": plan.idempotency_key, "kind": plan.kind, "via": plan.via,
            "target": plan.target, "oms_record": plan.oms_record, "order_number": plan.order_number,
            "ops_id": plan.ops_id,
            "payment_intent": plan.payment_intent, "amount": f"{plan.amount:f}", "currency": plan.currency,
            "amount_minor": to_minor(plan.amount, plan.currency), "case_reference": plan.case_reference,
            "reason": plan.reason, "analyst": analyst, "at": session.clock.now().isoformat(),
            "request": {k: v for k, v in plan.request.items() if k not in ("body", "params")}}


def _result(key: str, settlement: Settlement, session: Session, *, at_start: bool = False) -> dict[str, Any]:
    return {"type": "result", "key": key, "status": settlement.status, "message": settlement.message,
            "stripe_id": settlement.stripe_id, "oms_id": settlement.oms_id, "at": session.clock.now().isoformat(),
            "resolved_at_start": at_start}


def resolve_open_intents(session: Session, journal: Journal) -> list[ActionResult]:
    """Look up every intent left without a result (the process stopped in between) and write what both systems
    show: done, not done, or partial (done at Stripe; completed in Order Management when writes are allowed)."""
    results = []
    for entry in journal.open_intents():
        intent = entry.intent
        settlement = verify(session, intent.get("kind", "refund"), intent.get("via", "oms"), entry.key,
                            intent.get("payment_intent"))
        if settlement.status == "partial" and session.allow_writes:
            settlement = record_in_oms(session, _plan_of(intent), settlement, entry.key)
        journal.append(_result(entry.key, settlement, session, at_start=True))
        results.append(ActionResult(settlement.status, settlement.message, entry.key, settlement.stripe_id,
                                    settlement.oms_id))
    return results


def _plan_of(intent: dict[str, Any]) -> ActionPlan:
    """Enough of a plan to record a Stripe-side result in Order Management, rebuilt from its journal intent."""
    from decimal import Decimal

    return ActionPlan(intent.get("kind", "refund"), intent.get("via", "oms"), str(intent.get("target")),
                      intent.get("order_number"), str(intent.get("ops_id")), intent.get("payment_intent"),
                      str(intent.get("currency")), Decimal(str(intent.get("amount"))), Decimal(0), Decimal(0),
                      str(intent.get("case_reference")), intent.get("reason"), str(intent.get("plan_key") or ""),
                      {}, (), oms_record=str(intent.get("oms_record") or ""))

