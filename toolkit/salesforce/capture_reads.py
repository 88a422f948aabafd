"""The Order Management reads of the failed-capture diagnosis and the expiring list, each in as few pages as the
org allows.

Every statement comes from ``templates.json`` (``captures.*``) and runs through a
:class:`~toolkit.salesforce.gateway.SalesforceGateway`; relationship names come from describe.

- :func:`summaries` — ``captures.payment_summaries``: the summaries in scope, one row each, with their order number
  (parent path) and, as child subqueries, their authorizations' and payments' references and (for the
  diagnosis) their failed captures of the window, Response included but not Request: two long-text fields would
  cut the org's pages from 2,000 rows to 200. One statement, ceil(summaries / 2000) pages.
- :func:`unlinked_logs` — the window's failed captures without OrderPaymentSummaryId (usually none: one request).
- :func:`summaries_of_records` — for those: the summaries of the records their ReferencedEntityId names (a
  semi-join per object; a Refund without summary through its refund lines).
- :func:`requests_of` — the Request of the rows whose cause needs it (the amount a capture asked for), by id in
  batches of 200 (the URL of a GET query stays short) or, when cheaper, for the whole window.
- :func:`summaries_per_day` — Order Management's count of payment summaries per day: the stand-in for how many
  PaymentIntents Stripe would list (its lists carry no count). One aggregate request.

Records come back as plain dicts in the API's value shapes (:class:`CaptureRecords`, which the rules' evidence
reads like a record chain).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from toolkit.salesforce.frames import plain_record
from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.locate import Locator
from toolkit.salesforce.record_chain import CHAIN_OBJECTS, RecordChain
from toolkit.salesforce.schema import SchemaCache
from toolkit.salesforce.templates import Soql, statement

__all__ = ["BY_ID_BATCH", "CaptureRecords", "failed_in_window", "open_summaries_scope", "requests_of",
           "summaries", "summaries_of_records", "summaries_per_day", "unlinked_logs", "with_failures_scope"]

Record = dict[str, Any]
#: Ids per ``Id IN (...)`` statement: the query travels in a GET URL, which must stay well under 16 KB.
BY_ID_BATCH = 200
_PAGE = 2000
_REFERENCE_CHILDREN = (("authorizations", "PaymentAuthorization"), ("payments", "Payment"), ("refunds", "Refund"))


@dataclass
class CaptureRecords(RecordChain):
    """The records the diagnosis and the expiring list read (a :class:`~toolkit.analysis.evidence.ChainRecords`):
    orders are ``{Id, OrderNumber}`` only, authorizations/payments/refunds their references, gateway logs the
    window's failed captures (without Request until :func:`requests_of` adds it)."""

    def merge(self, other: CaptureRecords) -> None:
        """Add ``other``'s records (each record once, by Id)."""
        for name in CHAIN_OBJECTS:
            mine = self.records(name)
            known = {r.get("Id") for r in mine}
            mine.extend(r for r in other.records(name) if r.get("Id") not in known)
        self.soql.extend(other.soql)


def failed_in_window(since: datetime, until: datetime) -> Soql:
    """The diagnosis's rows: failed or timed-out captures created in [since, until)."""
    return statement("captures.failed_in_window", since=since, until=until)


def with_failures_scope(window: Soql) -> Soql:
    return statement("captures.with_failures", window=window)


def open_summaries_scope() -> Soql:
    return statement("captures.still_to_capture")


def _relationship(schema: SchemaCache, child: str) -> str | None:
    return schema.child_relationships("OrderPaymentSummary").name("OrderPaymentSummary", child,
                                                                 "OrderPaymentSummaryId")


def summaries(gateway: SalesforceGateway, schema: SchemaCache, scope: Soql, *, window: Soql | None = None,
              with_refunds: bool = False) -> CaptureRecords:
    """The summaries in ``scope`` with their references (and the failed captures of ``window`` when given): one
    statement (see the module docstring). A relationship describe does not confirm is left out."""
    order = schema.parent_relationship("OrderPaymentSummary", "OrderSummaryId") or "OrderSummary"
    wanted = [(attr, child) for attr, child in _REFERENCE_CHILDREN if with_refunds or attr != "refunds"]
    names = {attr: _relationship(schema, child) for attr, child in wanted}
    children = [statement("captures.references_subquery", relationship=name) for name in names.values() if name]
    log_rel = _relationship(schema, "PaymentGatewayLog") if window is not None else None
    if log_rel is not None:
        children.append(statement("captures.logs_subquery", relationship=log_rel, window=window))
    soql = statement("captures.payment_summaries", order=order, children=children, scope=scope)
    out = CaptureRecords(soql=[str(soql)])
    for row in gateway.query(soql):
        record = plain_record(row)
        parent = record.pop(order, None)
        for attr, name in names.items():
            if name:
                getattr(out, attr).extend(record.pop(name, None) or [])
        if log_rel is not None:
            out.gateway_logs.extend(record.pop(log_rel, None) or [])
        out.payment_summaries.append(record)
        if record.get("OrderSummaryId"):
            number = parent.get("OrderNumber") if isinstance(parent, dict) else None
            out.order_summaries.append({"Id": record["OrderSummaryId"], "OrderNumber": number})
    out.order_summaries = list({o["Id"]: o for o in out.order_summaries}.values())
    return out


def unlinked_logs(gateway: SalesforceGateway, window: Soql) -> list[Record]:
    """The window's failed captures without OrderPaymentSummaryId."""
    return [plain_record(r) for r in gateway.query(statement("captures.unlinked_logs", window=window))]


def summaries_of_records(gateway: SalesforceGateway, schema: SchemaCache, by_object: dict[str, list[str]]
                         ) -> tuple[CaptureRecords, dict[str, str]]:
    """The summaries of PaymentAuthorization, Payment and Refund records (by id), with their references; and
    record id -> its summary's id. One semi-join statement per object and batch of ids, concurrently when the
    gateway has an executor; a Refund without summary is followed through its refund lines."""
    jobs = [(name, ids[i:i + BY_ID_BATCH]) for name, ids in sorted(by_object.items())
            for i in range(0, len(ids), BY_ID_BATCH)]
    scopes = [statement("scope.referenced_by", column="Id", child=name, child_column="Id", values=ids)
              for name, ids in jobs]
    out = CaptureRecords()
    for found in _concurrently(gateway, [lambda s=s: summaries(gateway, schema, s, with_refunds=True)
                                         for s in scopes]):
        out.merge(found)
    summary_of = {str(r["Id"]): str(r["OrderPaymentSummaryId"])
                  for r in [*out.authorizations, *out.payments, *out.refunds]
                  if r.get("Id") and r.get("OrderPaymentSummaryId")}
    refunds = [i for name, ids in jobs if name == "Refund" for i in ids if i not in summary_of]
    if refunds:
        locator = Locator(gateway, schema, schema.child_relationships("OrderPaymentSummary"))
        located = locator.through_refund_lines("RefundId", refunds)
        out.soql.append(str(located.soql))
        through = {str(s["RefundId"]): str(s["Id"]) for s in located.summaries if s.get("RefundId") and s.get("Id")}
        missing = sorted(set(through.values()) - {str(r.get("Id")) for r in out.payment_summaries})
        if missing:
            out.merge(summaries(gateway, schema, statement("scope.summary_ids", column="Id", ops_ids=missing)))
        summary_of.update(through)
    return out, summary_of


def requests_of(gateway: SalesforceGateway, log_ids: Sequence[str], window: Soql, window_rows: int
                ) -> dict[str, Any]:
    """Log id -> its Request, for ``log_ids``: by id (batches of 200) or, when that takes more requests, every
    failed capture of the window (``window_rows`` of them, 2,000 a page)."""
    ids = sorted(set(log_ids))
    if not ids:
        return {}
    by_id = math.ceil(len(ids) / BY_ID_BATCH)
    if math.ceil(window_rows / _PAGE) < by_id:
        rows = gateway.query(statement("captures.requests_in_window", window=window))
    else:
        statements = [statement("captures.requests_by_id", log_ids=ids[i:i + BY_ID_BATCH])
                      for i in range(0, len(ids), BY_ID_BATCH)]
        rows = [r for batch in gateway.query_many(statements) for r in batch]
    wanted = set(ids)
    return {str(r["Id"]): r.get("Request") for r in rows if r.get("Id") in wanted}


def summaries_per_day(gateway: SalesforceGateway, since: datetime, until: datetime) -> dict[date, int]:
    """How many payment summaries Order Management created per UTC day in [since, until] (one aggregate request)."""
    rows = gateway.query(statement("captures.summaries_per_day", since=since, until=until))
    out: dict[date, int] = {}
    for row in rows:
        day, count = row.get("expr0"), row.get("expr1")
        if isinstance(day, str) and isinstance(count, int):
            out[date.fromisoformat(day[:10])] = count
    return out


def _concurrently(gateway: SalesforceGateway, calls: list[Any]) -> list[Any]:
    pool = gateway.executor
    if pool is None or len(calls) < 2:
        return [call() for call in calls]
    futures: list[Future[Any]] = [pool.submit(call) for call in calls]
    return [f.result() for f in futures]
