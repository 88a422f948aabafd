"""Case capture: what a trace touched in both systems, personal data masked, as a case file (``docs/case-file.md``).

``capture(session, subject)`` traces the subject, then writes down the Order Management records of its record chain
(OrderSummary, OrderPaymentSummary, PaymentAuthorization, Payment, Refund, RefundLinePayment, PaymentGatewayLog) and
the Stripe objects it read (PaymentIntents, charges, refunds, balance transactions, events), each in its system's own
shape: expanded objects become ids again, relationship values read through a parent (``OrderSummary.OrderNumber``)
are left out, and a reference the case format requires to resolve that the trace did not read (a refund's balance
transaction) is read now, one request each. The case's ``now`` is the trace's moment, so replaying it
(``connect(case=...)``, ``--case FILE``) gives the same findings.

Personal data is always masked in a capture (:mod:`toolkit.core.privacy`), whatever the session shows: the file is
meant to leave the analyst's machine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.analysis.findings import Finding
from toolkit.core.budget import RequestBudget
from toolkit.core.incomplete import Incomplete
from toolkit.core.privacy import mask_record, mask_stripe
from toolkit.core.text import redact
from toolkit.errors import BudgetExceededError, InputError, ServiceError
from toolkit.investigate.trace import Trace
from toolkit.salesforce.record_chain import CHAIN_OBJECTS
from toolkit.stripe.gateway import StripeGateway

if TYPE_CHECKING:
    from toolkit.session import DataSource, Session

__all__ = ["CASE_STRIPE_TYPES", "CaseCapture", "capture", "case_from_trace"]

Record = dict[str, Any]
#: The Stripe object types a case file holds, in the order a capture writes them.
CASE_STRIPE_TYPES = ("payment_intent", "charge", "refund", "dispute", "balance_transaction", "event")
#: Keys whose value is another object's id (expanded: the object) that the case format resolves within the file.
_RESOLVED = ("latest_charge", "payment_intent", "charge", "balance_transaction", "failure_balance_transaction",
             "source")
#: Other expandable keys: kept as ids, never as objects.
_IDS_ONLY = ("customer", "payment_method", "review", "on_behalf_of", "application", "invoice", "transfer",
             "source_transfer", "destination")
_RETRIEVE = {"txn_": "balance_transactions", "ch_": "charges", "py_": "charges", "re_": "refunds",
             "pyr_": "refunds", "pi_": "payment_intents", "dp_": "disputes"}
_COMPLETION_BUDGET = 50


@dataclass(frozen=True)
class CaseCapture:
    """A capture: the case file (``case``, format 1), the trace it came from, the objects read to complete it, what
    could not be read, and whether the sandbox can replay it (``replay_problem``: the loader's sentence, or None)."""

    subject: str
    case: dict[str, Any]
    trace: Trace
    completed: list[str] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)
    source: DataSource | None = None
    replay_problem: str | None = None
    out: Path | None = None

    @property
    def findings(self) -> list[Finding]:
        return self.trace.findings

    def counts(self) -> dict[str, dict[str, int]]:
        """Records per Salesforce object and objects per Stripe type."""
        records = {name: len(rows) for name, rows in self.case["salesforce"]["records"].items()}
        objects: dict[str, int] = {}
        for obj in self.case["stripe"]["objects"]:
            objects[obj["object"]] = objects.get(obj["object"], 0) + 1
        return {"salesforce": records, "stripe": objects}

    def text(self) -> str:
        """The case file's text (JSON, as ``Sandbox.save_case`` writes it)."""
        return json.dumps(self.case, indent=1, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> Path:
        """Write the case file to ``path`` (a ``.json`` file in an existing folder); returns the path."""
        target = Path(path).expanduser()
        if target.suffix.lower() != ".json":
            raise InputError(f"{target.name}: a case file is JSON; name a .json file.")
        if not target.parent.is_dir():
            raise InputError(f"Cannot write {target}: the folder {target.parent} does not exist.")
        try:
            target.write_text(self.text(), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
        return target

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON (``docs/cli.md``), then ``source`` and ``incomplete``."""
        return {"subject": self.subject, "out": str(self.out) if self.out is not None else None,
                "title": self.case["title"], "now": self.case["now"], "counts": self.counts(),
                "findings": [str(f.code) for f in self.findings], "completed": list(self.completed),
                "personal_data": "masked", "replayable": self.replay_problem is None,
                "replay_problem": self.replay_problem,
                "source": self.source.to_json() if self.source is not None else None,
                "incomplete": [item.to_json() for item in self.incomplete]}

    def to_text(self) -> str:
        lines = [f"Data: {self.source.label}." if self.source is not None else "",
                 *([f"INCOMPLETE: {item.sentence()}" for item in self.incomplete]),
                 f"Captured {self.subject} as of {self.case['now']}: personal data masked."]
        counts = self.counts()
        lines.append("Salesforce: " + (", ".join(f"{n} {name}" for name, n in counts["salesforce"].items())
                                       or "no records"))
        lines.append("Stripe: " + (", ".join(f"{n} {kind}" for kind, n in counts["stripe"].items()) or "no objects"))
        if self.completed:
            lines.append(f"Read to complete the case: {', '.join(self.completed)}.")
        lines.append("Findings: " + (", ".join(str(f.code) for f in self.findings) or "none"))
        if self.replay_problem:
            lines.append(f"Warning: the sandbox cannot replay this file: {self.replay_problem}")
        if self.out is not None:
            lines.append(f"Wrote {self.out}.")
        return redact("\n".join(line for line in lines if line) + "\n")


def _own_fields(record: Record) -> Record:
    """A chain record as a case file holds it: its own fields only (no parents, children or ``attributes``), no
    nulls, masked."""
    return {key: value for key, value in record.items()
            if key != "attributes" and value is not None and not isinstance(value, dict | list)}


def _salesforce_records(trace: Trace) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for name in CHAIN_OBJECTS:
        merged: dict[str, Record] = {}
        for record in trace.chain.records(name):
            own = _own_fields(mask_record(record, name))
            if own.get("Id"):
                merged.setdefault(str(own["Id"]), {}).update(own)
        if merged:
            out[name] = list(merged.values())
    return out


def _collapse(obj: Record, found: dict[str, Record]) -> Record:
    """``obj`` with expanded references turned back into ids; the expanded objects go to ``found``."""
    out = dict(obj)
    for key in (*_RESOLVED, *_IDS_ONLY):
        value = out.get(key)
        if isinstance(value, dict) and value.get("id"):
            if value.get("object") in CASE_STRIPE_TYPES:
                _add(value, found)
            out[key] = value["id"]
    if out.get("object") == "charge":
        out.pop("refunds", None)  # derived from the refunds when the case is loaded
    if out.get("object") == "dispute":
        out.pop("balance_transactions", None)  # derived from the balance transactions when loaded
    return out


def _add(obj: Record, found: dict[str, Record]) -> None:
    collapsed = _collapse(obj, found)
    found[str(collapsed["id"])] = {**found.get(str(collapsed["id"]), {}), **collapsed}


def _missing_references(found: dict[str, Record]) -> list[str]:
    wanted = {obj.get(key) for obj in found.values() for key in _RESOLVED if obj.get("object") != "event"}
    return sorted(ref for ref in wanted if isinstance(ref, str) and ref and ref not in found
                  and any(ref.startswith(prefix) for prefix in _RETRIEVE))


def _complete(gateway: StripeGateway, found: dict[str, Record]) -> tuple[list[str], list[Incomplete]]:
    """Read the references the case must resolve that the trace did not read; a reference that cannot be read is
    left out of the object holding it (and listed as incomplete), so the file still loads."""
    read: list[str] = []
    failed: list[Incomplete] = []
    for _round in range(3):
        todo = _missing_references(found)
        if not todo:
            break
        for ref in todo:
            resource = next(value for prefix, value in _RETRIEVE.items() if ref.startswith(prefix))
            service = getattr(gateway.client.v1, resource)
            try:
                obj = gateway.call(f"retrieve {resource}", ref, service.retrieve, ref, subject=ref)
            except (ServiceError, BudgetExceededError) as exc:
                failed.append(Incomplete.from_error(exc, f"{ref}, which the case refers to", "Stripe"))
                found[ref] = {}  # marks it: cut below
                continue
            _add(obj, found)
            read.append(ref)
    unreadable = {ref for ref, obj in found.items() if not obj}
    for obj in found.values():
        for key in _RESOLVED:
            if obj.get(key) in unreadable:
                obj[key] = None
    for ref in unreadable:
        found.pop(ref)
    return read, failed


def _stripe_objects(trace: Trace) -> dict[str, Record]:
    found: dict[str, Record] = {}
    for evidence in trace.stripe:
        objects: Iterable[Record | None] = (evidence.payment_intent, evidence.charge, *evidence.refunds,
                                            *evidence.balance_transactions.values(), *evidence.events)
        for obj in objects:
            if obj and obj.get("id") and obj.get("object") in CASE_STRIPE_TYPES:
                _add(obj, found)
    return found


def _order(found: dict[str, Record]) -> list[Record]:
    return sorted(found.values(), key=lambda o: (CASE_STRIPE_TYPES.index(o["object"]), o.get("created") or 0,
                                                 str(o["id"])))


def case_from_trace(trace: Trace, stripe_objects: list[Record], *, livemode: bool, title: str,
                    description: str) -> dict[str, Any]:
    """The case file (format 1) of a trace and the Stripe objects to go with it (masked here, whatever the session
    showed)."""
    return {"case_format": 1, "title": title, "description": description,
            "now": trace.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "salesforce": {"records": _salesforce_records(trace)},
            "stripe": {"livemode": livemode, "objects": [mask_stripe(obj) for obj in stripe_objects]}}


def capture(session: Session, subject: str) -> CaseCapture:
    """Trace ``subject`` (anything :func:`toolkit.trace` takes) and capture what it touched as a case file."""
    trace = session.trace(subject)
    found = _stripe_objects(trace)
    gateway = session.stripe_gateway(RequestBudget("Stripe", _COMPLETION_BUDGET))
    completed, failed = _complete(gateway, found)
    objects = _order(found)
    livemode = any(bool(obj.get("livemode")) for obj in objects) if objects else bool(session.stripe_livemode)
    source = session.data_source
    where = source.name if source is not None else session.source
    codes = ", ".join(str(f.code) for f in trace.findings) or "none"
    description = (f"Captured by the toolkit from {source.label if source is not None else where} "
                   f"({trace.subject.kind} {trace.subject.value}, orders {', '.join(trace.order_numbers) or 'none'}); "
                   f"personal data masked. The trace found: {codes}.")
    case = case_from_trace(trace, objects, livemode=livemode, title=f"Capture of {trace.subject.value} ({where})",
                           description=description)
    return CaseCapture(trace.subject.value, case, trace, completed, [*trace.incomplete, *failed], source)
