"""The Order Management records of every order created in a window, in as few requests as the org allows.

For batch reconciliation (:mod:`toolkit.investigate.reconcile`): every OrderPaymentSummary of the orders created in
``[since, before)`` with its order (through the parent path), authorizations, payments, refunds, gateway logs and
refund line payments, as one :class:`~toolkit.salesforce.record_chain.RecordChain`.

- :meth:`WindowReader.count`: ``reconcile.count``, one request; it decides the path.
- REST API (up to ``bulk_threshold`` summaries): ``chain.payment_summaries_with_order`` with the children as
  subqueries (the gateway logs without Request and Response, ``reconcile.gateway_logs_subquery``, so pages keep
  2,000 rows), beside ``chain.refund_lines``: ceil(N / 2000) + ceil(lines / 2000) requests, the two statements
  concurrently. A child relationship describe does not confirm is read flat instead (``reconcile.bulk_*`` as
  plain SOQL), which costs its own pages.
- Bulk API 2.0 (over ``bulk_threshold``): Bulk API 2.0 takes no child subquery, so one flat job per object
  (``reconcile.bulk_*``: summaries with their order's fields, authorizations, payments, refunds, gateway logs,
  refund lines with their refund's fields), the six jobs concurrently, joined here by their ids.
- :meth:`WindowReader.orders_by_number`: OrderSummaries by number (``chain.order_summaries_by_number``) in batches
  of :data:`NUMBER_BATCH` (the query travels in a GET URL).

Every statement comes from ``templates.json`` and goes through the
:class:`~toolkit.salesforce.gateway.SalesforceGateway`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from datetime import datetime
from typing import Any

from toolkit.salesforce.bulk import typed_records
from toolkit.salesforce.frames import plain_record
from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.record_chain import CHAIN_CHILDREN, RecordChain, child_relationships
from toolkit.salesforce.schema import SchemaCache
from toolkit.salesforce.templates import Soql, statement

__all__ = ["BULK_THRESHOLD", "NUMBER_BATCH", "WindowReader"]

Record = dict[str, Any]
#: Above this many payment summaries the window is read with Bulk API 2.0 query jobs.
BULK_THRESHOLD = 50_000
#: Order numbers per ``OrderNumber IN (...)`` statement.
NUMBER_BATCH = 300


def _sort(records: Iterable[Record]) -> list[Record]:
    return sorted({r["Id"]: r for r in records if r.get("Id")}.values(),
                  key=lambda r: (r.get("CreatedDate") or "", r.get("Id") or ""))


class WindowReader:
    """Reads a window's records through one gateway with the session's describes (see the module docstring).

    ``on_records(n)`` hears how many records each page or result set held.
    """

    def __init__(self, gateway: SalesforceGateway, schema: SchemaCache, executor: Executor, *,
                 bulk_threshold: int = BULK_THRESHOLD, bulk_page_size: int = 50_000,
                 on_records: Callable[[int], None] | None = None) -> None:
        self.gateway = gateway
        self.schema = schema
        self.executor = executor
        self.bulk_threshold = bulk_threshold
        self.bulk_page_size = bulk_page_size
        self.on_records = on_records
        self.relationships = child_relationships(schema=schema)
        self.order_rel = self._parent("OrderPaymentSummary", "OrderSummaryId")
        self.summary_rel = {child: self._parent(child, "OrderPaymentSummaryId")
                            for child in ("PaymentAuthorization", "Payment", "Refund", "PaymentGatewayLog")}
        self.payment_rel = self._parent("RefundLinePayment", "PaymentId")
        self.refund_rel = self._parent("RefundLinePayment", "RefundId")
        self.path = ""  # "REST API" or "Bulk API 2.0", once read

    def _parent(self, object_name: str, lookup: str) -> str:
        return self.schema.parent_relationship(object_name, lookup) or lookup.removesuffix("Id")

    def _scope(self, since: datetime, before: datetime, path: str = "") -> Soql:
        return statement("reconcile.orders_created", path=path, order=self.order_rel, since=since, before=before)

    def count(self, since: datetime, before: datetime) -> int:
        """How many payment summaries the orders created in ``[since, before)`` have (one request)."""
        return self.gateway.count(statement("reconcile.count", scope=self._scope(since, before)))

    def read(self, since: datetime, before: datetime, count: int) -> RecordChain:
        """The window's records (REST API up to the threshold, Bulk API 2.0 above it)."""
        if count > self.bulk_threshold:
            self.path = "Bulk API 2.0"
            return self._bulk(since, before)
        self.path = "REST API"
        return self._rest(since, before)

    # --- REST API ------------------------------------------------------------------------------------
    def _rest(self, since: datetime, before: datetime) -> RecordChain:
        children: list[Soql] = []
        flat: list[tuple[str, str, Soql]] = []
        for attr, child in CHAIN_CHILDREN:
            name = self.relationships.name("OrderPaymentSummary", child, "OrderPaymentSummaryId")
            if name and child == "PaymentGatewayLog":
                children.append(statement("reconcile.gateway_logs_subquery", relationship=name))
            elif name:
                children.append(statement("chain.child_subquery", child=child, relationship=name))
            else:  # describe does not confirm the relationship: the child object read flat, scoped the same way
                scope = self._scope(since, before, f"{self.summary_rel[child]}.")
                flat.append((attr, child, statement("reconcile.bulk_gateway_logs", scope=scope)
                             if child == "PaymentGatewayLog" else
                             statement("reconcile.bulk_children", child=child, scope=scope)))
        summaries = statement("chain.payment_summaries_with_order", order=self.order_rel, children=children,
                              scope=self._scope(since, before))
        lines = statement("chain.refund_lines", refund=self.refund_rel,
                          scope=self._scope(since, before, f"{self.payment_rel}.{self.summary_rel['Payment']}."))
        jobs = [summaries, lines, *(soql for _, _, soql in flat)]
        futures = [self.executor.submit(self.gateway.query, soql, on_page=self.on_records) for soql in jobs]
        results = [[plain_record(r) for r in f.result()] for f in futures]
        chain = RecordChain(soql=[str(s) for s in jobs])
        found: dict[str, list[Record]] = {attr: [] for attr, _ in CHAIN_CHILDREN}
        orders: list[Record] = []
        for record in results[0]:
            for attr, child in CHAIN_CHILDREN:
                name = self.relationships.name("OrderPaymentSummary", child, "OrderPaymentSummaryId")
                if name:
                    found[attr].extend(record.pop(name, None) or [])
            order = record.pop(self.order_rel, None)
            if isinstance(order, dict) and order.get("Id"):
                orders.append(order)
            chain.payment_summaries.append(record)
        for (attr, _, _), rows in zip(flat, results[2:], strict=True):
            found[attr].extend(rows)
        self._finish(chain, orders, found, results[1])
        return chain

    # --- Bulk API 2.0 ----------------------------------------------------------------------------------
    def _bulk(self, since: datetime, before: datetime) -> RecordChain:
        jobs: list[tuple[str, str, Soql]] = [
            ("payment_summaries", "OrderPaymentSummary",
             statement("reconcile.bulk_payment_summaries", order=self.order_rel, scope=self._scope(since, before)))]
        for attr, child in CHAIN_CHILDREN:
            scope = self._scope(since, before, f"{self.summary_rel[child]}.")
            jobs.append((attr, child, statement("reconcile.bulk_gateway_logs", scope=scope)
                         if child == "PaymentGatewayLog" else
                         statement("reconcile.bulk_children", child=child, scope=scope)))
        jobs.append(("refund_line_payments", "RefundLinePayment",
                     statement("reconcile.bulk_refund_lines", refund=self.refund_rel,
                               scope=self._scope(since, before, f"{self.payment_rel}.{self.summary_rel['Payment']}."))))

        def run(job: tuple[str, str, Soql]) -> list[Record]:
            _, object_name, soql = job
            rows = self.gateway.bulk_query(soql, object_name, page_size=self.bulk_page_size, on_page=self.on_records)
            return typed_records(rows, object_name, self.schema)

        results = [f.result() for f in [self.executor.submit(run, job) for job in jobs]]
        chain = RecordChain(soql=[str(soql) for _, _, soql in jobs])
        orders = []
        for record in results[0]:
            order = record.pop(self.order_rel, None)
            if isinstance(order, dict) and order.get("Id"):
                orders.append(order)
            chain.payment_summaries.append(record)
        found = {attr: rows for (attr, _, _), rows in zip(jobs[1:-1], results[1:-1], strict=True)}
        self._finish(chain, orders, found, results[-1])
        return chain

    def _finish(self, chain: RecordChain, orders: list[Record], found: dict[str, list[Record]],
                lines: list[Record]) -> None:
        chain.payment_summaries = _sort(chain.payment_summaries)
        chain.order_summaries = sorted({o["Id"]: o for o in orders}.values(),
                                       key=lambda o: (o.get("OrderNumber") or "", o["Id"]))
        for attr, rows in found.items():
            setattr(chain, attr, _sort(rows))
        refund_lines, linked = [], []
        for record in lines:
            refund = record.pop(self.refund_rel, None)
            if isinstance(refund, dict) and refund.get("Id"):
                linked.append(refund)
            refund_lines.append(record)
        chain.refund_line_payments = _sort(refund_lines)
        # a refund tied to its summary only through its RefundLinePayment joins here, as in the record chain
        chain.refunds = _sort([*linked, *chain.refunds])

    # --- orders by number ----------------------------------------------------------------------------
    def orders_by_number(self, numbers: Sequence[str]) -> list[Record]:
        """The OrderSummaries with these numbers, in batches of :data:`NUMBER_BATCH`, concurrently."""
        unique = sorted(set(numbers))
        batches = [unique[i:i + NUMBER_BATCH] for i in range(0, len(unique), NUMBER_BATCH)]
        futures = [self.executor.submit(self.gateway.query, statement("chain.order_summaries_by_number",
                                                                      order_numbers=batch)) for batch in batches]
        return [plain_record(r) for f in futures for r in f.result()]
