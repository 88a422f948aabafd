"""The Order Management record chain of one or more orders, fetched in as few round trips as describe allows.

OrderSummary -> OrderPaymentSummary -> {PaymentAuthorization, Payment, Refund, PaymentGatewayLog}, and
Refund -> RefundLinePayment -> Payment. :func:`chain_for` starts from any record the analyst holds and runs:

1. *locate* (:mod:`toolkit.salesforce.locate`): one statement on OrderPaymentSummary that reads the
   OrderSummary through the parent relationship. For an order number or an OrderSummary id the OrderSummary
   statement needs no earlier answer, so it runs alongside steps 2 and 3. A gateway reference is looked for
   on the object that holds it (``pi_`` on PaymentAuthorization, ``txn_`` on Payment; anything else on
   PaymentAuthorization, Payment and Refund, one concurrent statement each).
2. *summaries* (``chain.payment_summaries``): OrderPaymentSummary with child subqueries (PaymentAuthorizations,
   Payments, Refunds, PaymentGatewayLogs) when describe confirms those relationship names; for a name describe
   does not confirm, a batched ``chain.children`` statement on the child object instead, run concurrently.
3. *refund lines* (``chain.refund_lines``): RefundLinePayment through its Payment's summary, with the Refund's
   fields read through the parent path, concurrently with step 2. A Refund without OrderPaymentSummaryId (a
   field the reference marks unconfirmed) joins the chain this way, through the Payment it refunds.

With describe cached (the session's :class:`~toolkit.salesforce.schema.SchemaCache`) a chain costs at most 3
Salesforce requests (plus one per extra page of results); with an executor on the gateway steps 2 and 3 run in
parallel, so the wall time is two round trips. Every statement comes from ``templates.json`` and goes through
the :class:`~toolkit.salesforce.gateway.SalesforceGateway`.

Records in a :class:`RecordChain` are plain dicts in the API's own value shapes (datetimes as Salesforce
text, amounts as JSON numbers), without ``attributes``; parent paths stay nested (``Payment`` records carry
only their own fields). Use :meth:`RecordChain.frame` for a typed DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit.core.ids import normalize_id
from toolkit.errors import InputError
from toolkit.salesforce.frames import plain_record, records_frame
from toolkit.salesforce.gateway import SalesforceClient, SalesforceGateway
from toolkit.salesforce.locate import Located, Locator
from toolkit.salesforce.schema import ChildRelationships, SchemaCache
from toolkit.salesforce.templates import Soql, statement

__all__ = ["CHAIN_CHILDREN", "CHAIN_OBJECTS", "GATEWAY_REF_OBJECTS", "ChainReader", "RecordChain", "Scope",
           "chain_for", "chain_of_summaries", "chain_schema", "child_relationships", "references_of",
           "resolve_subject_record"]

#: The OrderPaymentSummary children the chain reads: (RecordChain attribute, child object).
CHAIN_CHILDREN = (("authorizations", "PaymentAuthorization"), ("payments", "Payment"), ("refunds", "Refund"),
                  ("gateway_logs", "PaymentGatewayLog"))
#: Where a gateway reference is looked for, by its prefix; any other reference is looked for on all three.
GATEWAY_REF_OBJECTS: dict[str, tuple[str, ...]] = {"pi_": ("PaymentAuthorization",), "txn_": ("Payment",)}
_OTHER_REF_OBJECTS = ("PaymentAuthorization", "Payment", "Refund")
CHAIN_OBJECTS = ("OrderSummary", "OrderPaymentSummary", "PaymentAuthorization", "Payment", "Refund",
                 "RefundLinePayment", "PaymentGatewayLog")
_ATTRS = {"OrderSummary": "order_summaries", "OrderPaymentSummary": "payment_summaries",
          "PaymentAuthorization": "authorizations", "Payment": "payments", "Refund": "refunds",
          "RefundLinePayment": "refund_line_payments", "PaymentGatewayLog": "gateway_logs"}
Record = dict[str, Any]


@dataclass
class RecordChain:
    """Every record of the orders' payment story (see the module docstring for the record shape)."""

    order_summaries: list[Record] = field(default_factory=list)
    payment_summaries: list[Record] = field(default_factory=list)
    authorizations: list[Record] = field(default_factory=list)
    payments: list[Record] = field(default_factory=list)
    refunds: list[Record] = field(default_factory=list)
    refund_line_payments: list[Record] = field(default_factory=list)
    gateway_logs: list[Record] = field(default_factory=list)
    soql: list[str] = field(default_factory=list)  # the statements run, in the order they were issued

    @property
    def is_empty(self) -> bool:
        return not self.order_summaries and not self.payment_summaries

    @property
    def order_numbers(self) -> list[str]:
        return [r["OrderNumber"] for r in self.order_summaries if r.get("OrderNumber")]

    @property
    def payment_intent_ids(self) -> list[str]:
        """The ``pi_`` references on the authorizations (the bridge to Stripe), in order, without repeats."""
        refs = [r.get("GatewayRefNumber") for r in self.authorizations + self.payments]
        return list(dict.fromkeys(r for r in refs if isinstance(r, str) and r.startswith("pi_")))

    def records(self, object_name: str) -> list[Record]:
        """The records of one object (``"Payment"``, ``"RefundLinePayment"``...)."""
        return getattr(self, _ATTRS[object_name])

    def by_id(self) -> dict[str, Record]:
        """Every record of the chain keyed by its Id."""
        return {r["Id"]: r for name in _ATTRS for r in self.records(name) if r.get("Id")}

    def frame(self, object_name: str) -> pd.DataFrame:
        """One object's records as a DataFrame (:func:`toolkit.salesforce.frames.records_frame`)."""
        return records_frame(self.records(object_name))




def references_of(chain: RecordChain) -> list[str]:
    """Every ``pi_``/``txn_`` written in GatewayRefNumber on the chain's authorizations and payments."""
    refs = {str(r.get("GatewayRefNumber") or "").strip() for r in [*chain.authorizations, *chain.payments]}
    return sorted(ref for ref in refs if ref.startswith(("pi_", "txn_")))


def child_relationships(sf: SalesforceClient | SalesforceGateway | None = None,
                        schema: SchemaCache | None = None) -> ChildRelationships:
    """The chain's child relationship names as describe confirms them (describes are cached in ``schema``)."""
    if schema is None:
        if sf is None:
            raise InputError("child_relationships needs a Salesforce client or a SchemaCache.")
        schema = SchemaCache(sf)
    return schema.child_relationships("OrderSummary", "OrderPaymentSummary", "Refund", "Payment")


def resolve_subject_record(sf: SalesforceClient | SalesforceGateway, record_id: str, *,
                           schema: SchemaCache | None = None) -> tuple[str, str]:
    """``(object API name, 18-character id)`` of a record id, the object read from describe's key prefixes.

    Raises InputError for a malformed id and NotFoundError for a prefix no object of the org has.
    """
    schema = schema or SchemaCache(sf)
    object_name = schema.object_for_id(record_id)
    return object_name, normalize_id(record_id) or record_id


def chain_schema(sf: SalesforceClient | SalesforceGateway) -> SchemaCache:
    """A :class:`SchemaCache` with every describe the chain reads already fetched (hold one per session)."""
    schema = SchemaCache(sf)
    schema.warm(*CHAIN_OBJECTS)
    return schema


# --- scopes: which summaries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which summaries a chain covers: the orders' (``by`` ``"order_ids"`` or ``"order_numbers"``), summaries by
    id (``"summary_ids"``), or those a child record names (``"referenced_by"``: ``child.child_column IN values``)."""

    by: str
    values: tuple[str, ...]
    child: str | None = None
    child_column: str | None = None

    def on_summary(self, order_rel: str, prefix: str = "") -> Soql:
        """The condition on a summary reached through ``prefix`` (``""`` or ``Payment.OrderPaymentSummary.``)."""
        lookup = (prefix[:-1] + "Id") if prefix else "Id"  # Payment.OrderPaymentSummary. -> ...OrderPaymentSummaryId
        if self.by == "order_ids":
            return statement("scope.orders_by_id", path=prefix, order_summary_ids=list(self.values))
        if self.by == "order_numbers":
            return statement("scope.orders_by_number", path=prefix, order=order_rel, order_numbers=list(self.values))
        if self.by == "summary_ids":
            return statement("scope.summary_ids", column=lookup, ops_ids=list(self.values))
        return statement("scope.referenced_by", column=lookup, child=self.child, child_column=self.child_column,
                         values=list(self.values))

    def on_children(self, order_rel: str) -> Soql:
        """The condition on a child record (OrderPaymentSummaryId): a semi-join cannot nest, so the referencing
        child's summaries are named directly."""
        if self.by in ("summary_ids", "referenced_by"):
            return self.on_summary(order_rel, "OrderPaymentSummary.")
        return statement("scope.summaries_in", scope=self.on_summary(order_rel))


# --- reading chains ---------------------------------------------------------------------------------------


class ChainReader:
    """Record chains over one gateway with the session's describes; the trace and the diagnosis hold one."""

    def __init__(self, gateway: SalesforceGateway, schema: SchemaCache,
                 relationships: ChildRelationships | None = None) -> None:
        self.gateway = gateway
        self.schema = schema
        self.relationships = relationships if relationships is not None else child_relationships(schema=schema)
        self.locator = Locator(gateway, schema, self.relationships)

    def _rel(self, object_name: str, lookup: str) -> str:
        return self.locator._rel(object_name, lookup)

    @property
    def order_rel(self) -> str:
        """OrderPaymentSummary's relationship to OrderSummary (from describe)."""
        return self._rel("OrderPaymentSummary", "OrderSummaryId")

    def orders(self, *, order_numbers: Sequence[str] | None = None,
               order_summary_ids: Sequence[str] | None = None) -> RecordChain:
        """The chain of orders by number or OrderSummary id: one round of 3 statements (the OrderSummary beside
        the summaries and the refund lines); an order without any payment summary is kept."""
        if order_numbers is not None:
            first = statement("chain.order_summaries_by_number", order_numbers=list(order_numbers))
            scope = Scope("order_numbers", tuple(order_numbers))
        else:
            first = statement("chain.order_summaries_by_id", order_summary_ids=list(order_summary_ids or []))
            scope = Scope("order_ids", tuple(order_summary_ids or []))
        chain, results = self._fetch(scope, [first])
        chain.order_summaries = _unique(plain_record(r) for r in results[0])
        return chain

    def orders_by_number(self, order_numbers: Sequence[str]) -> RecordChain:
        return self.orders(order_numbers=order_numbers)

    def orders_by_id(self, order_summary_ids: Sequence[str]) -> RecordChain:
        return self.orders(order_summary_ids=order_summary_ids)

    def summaries(self, scope: Scope) -> RecordChain:
        """The chain of the summaries in ``scope``, the orders read through the parent path: one round of 2
        statements. An order without any payment summary is not found this way."""
        chain, _ = self._fetch(scope, [], with_order=True)
        rel = self.order_rel
        orders = [o for ops in chain.payment_summaries if isinstance(o := ops.pop(rel, None), dict) and o.get("Id")]
        chain.order_summaries = _by_number(orders)
        return chain

    def of_orders(self, orders: Sequence[Record]) -> RecordChain:
        """The chain of OrderSummary records already read (a locate's): one round of 2 statements."""
        kept = _by_number(plain_record(o) for o in orders)
        if not kept:
            return RecordChain()
        chain, _ = self._fetch(Scope("order_ids", tuple(o["Id"] for o in kept)), [])
        chain.order_summaries = kept
        return chain

    def of_located(self, located: Located) -> RecordChain:
        """The chain of the orders a locate found, with the locate's statements first and the gateway logs it read
        on the way (a log without summary) added."""
        chain = self.of_orders(located.orders)
        chain.soql[:0] = [str(s) for s in (*located.before, located.soql)]
        known = {log.get("Id") for log in chain.gateway_logs}
        extra = [log for log in located.logs if log.get("Id") not in known]
        if extra:
            chain.gateway_logs = _sort([*chain.gateway_logs, *extra])
        return chain

    def _fetch(self, scope: Scope, first: list[Soql], *, with_order: bool = False
               ) -> tuple[RecordChain, list[list[Record]]]:
        """Run ``first`` + the summaries statement + batched children + refund lines together."""
        order_rel = self.order_rel
        subqueries, batched = [], []
        for attr, child in CHAIN_CHILDREN:
            name = self.relationships.name("OrderPaymentSummary", child, "OrderPaymentSummaryId")
            if name:
                subqueries.append(statement("chain.child_subquery", child=child, relationship=name))
            else:
                batched.append((attr, child))
        condition = scope.on_summary(order_rel)
        if with_order:
            summaries = statement("chain.payment_summaries_with_order", order=order_rel, children=subqueries,
                                  scope=condition)
        else:
            summaries = statement("chain.payment_summaries", children=subqueries, scope=condition)
        to_payment = self._rel("RefundLinePayment", "PaymentId")
        line_to_summary = f"{to_payment}.{self._rel('Payment', 'OrderPaymentSummaryId')}."
        refund_rel = self._rel("RefundLinePayment", "RefundId")
        lines = statement("chain.refund_lines", refund=refund_rel, scope=scope.on_summary(order_rel, line_to_summary))
        children = [statement("chain.children", child=child, scope=scope.on_children(order_rel))
                    for _, child in batched]
        statements = [*first, summaries, *children, lines]
        results = self.gateway.query_many(statements)
        chain = RecordChain(soql=[str(s) for s in statements])
        found: dict[str, list[Record]] = {attr: [] for attr, _ in CHAIN_CHILDREN}
        for row in results[len(first)]:
            record = plain_record(row)
            for attr, child in CHAIN_CHILDREN:
                name = self.relationships.name("OrderPaymentSummary", child, "OrderPaymentSummaryId")
                if name:
                    found[attr].extend(record.pop(name, None) or [])
            chain.payment_summaries.append(record)
        for (attr, _), rows in zip(batched, results[len(first) + 1:-1], strict=True):
            found[attr].extend(plain_record(r) for r in rows)
        for attr, rows in found.items():
            setattr(chain, attr, _sort(_unique(rows)))
        refund_lines, linked_refunds = [], []
        for row in results[-1]:
            record = plain_record(row)
            refund = record.pop(refund_rel, None)
            if isinstance(refund, dict) and refund.get("Id"):
                linked_refunds.append(refund)
            refund_lines.append(record)
        chain.refund_line_payments = _sort(refund_lines)
        # a refund linked to the summaries only through its RefundLinePayment (no OrderPaymentSummaryId) joins here
        chain.refunds = _sort(_unique([*linked_refunds, *chain.refunds]))
        return chain, results


def _sort(records: Iterable[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r.get("CreatedDate") or "", r.get("Id") or ""))


def _unique(records: Iterable[Record]) -> list[Record]:
    return list({r["Id"]: r for r in records if r.get("Id")}.values())


def _by_number(records: Iterable[Record]) -> list[Record]:
    return sorted(_unique(records), key=lambda r: (r.get("OrderNumber") or "", r["Id"]))


def _ids(param: str, values: Iterable[str] | str) -> list[str]:
    listed = [values] if isinstance(values, str) else list(values)
    out = []
    for value in listed:
        normalized = normalize_id(value) if isinstance(value, str) else None
        if normalized is None:
            raise InputError(f"{param}: {value!r} is not a 15- or 18-character Salesforce id.")
        out.append(normalized)
    if not out:
        raise InputError(f"{param} needs at least one id.")
    return list(dict.fromkeys(out))


def _texts(param: str, values: Iterable[str] | str) -> list[str]:
    listed = [values] if isinstance(values, str) else list(values)
    out = [v.strip() for v in listed if isinstance(v, str) and v.strip()]
    if len(out) != len(listed) or not out:
        raise InputError(f"{param} must be one or more non-empty texts.")
    return list(dict.fromkeys(out))


def _reader(sf: SalesforceClient | SalesforceGateway, schema: SchemaCache | None,
            relationships: ChildRelationships | None, executor: Executor | None) -> ChainReader:
    if isinstance(sf, SalesforceGateway):
        gateway = sf
        if executor is not None and gateway.executor is None:
            gateway.executor = executor
    else:
        gateway = SalesforceGateway(sf, executor=executor)
    return ChainReader(gateway, schema if schema is not None else SchemaCache(gateway), relationships)


def chain_for(
    sf: SalesforceClient | SalesforceGateway,
    *,
    order_numbers: Sequence[str] | str | None = None,
    order_summary_ids: Sequence[str] | str | None = None,
    ops_ids: Sequence[str] | str | None = None,
    record_id: str | None = None,
    gateway_refs: Sequence[str] | str | None = None,
    relationships: ChildRelationships | None = None,
    executor: Executor | None = None,
    schema: SchemaCache | None = None,
) -> RecordChain:
    """The whole record chain of the orders behind exactly one kind of starting point.

    ``record_id`` may be the id of an OrderSummary, OrderPaymentSummary, PaymentAuthorization, Payment, Refund,
    RefundLinePayment or PaymentGatewayLog (the object is read from describe's key prefixes). Ids are checked
    before any request (InputError). Nothing found gives an empty chain (``chain.is_empty``), not an error.
    Pass the session's ``schema`` (and/or ``relationships``) so describe is not fetched again.
    """
    given = {k: v for k, v in {"order_numbers": order_numbers, "order_summary_ids": order_summary_ids,
                               "ops_ids": ops_ids, "record_id": record_id, "gateway_refs": gateway_refs}.items()
             if v is not None}
    if len(given) != 1:
        raise InputError("Give exactly one starting point: order_numbers, order_summary_ids, ops_ids, record_id or "
                         "gateway_refs.")
    (kind, value), = given.items()
    if kind == "record_id" and not isinstance(value, str):
        raise InputError(f"record_id must be one Salesforce id, not {value!r}.")
    checked = _ids(kind, value) if kind in ("order_summary_ids", "ops_ids", "record_id") else _texts(kind, value)
    reader = _reader(sf, schema, relationships, executor)
    if kind == "order_numbers":
        return reader.orders(order_numbers=checked)
    if kind == "order_summary_ids":
        return reader.orders(order_summary_ids=checked)
    if kind == "record_id":
        object_name = reader.schema.object_for_id(checked[0])
        if object_name not in CHAIN_OBJECTS:
            raise InputError(f"{checked[0]} is a {object_name}; the chain starts from an order, a payment record or "
                             "a gateway log.")
        if object_name == "OrderSummary":
            return reader.orders(order_summary_ids=checked)
        return reader.of_located(reader.locator.locate_record(object_name, checked[0]))
    if kind == "ops_ids":
        return reader.of_located(reader.locator.locate("OrderPaymentSummary", "Id", checked))
    objects: dict[str, list[str]] = {}
    for ref in checked:
        prefix = next((p for p in GATEWAY_REF_OBJECTS if ref.startswith(p)), None)
        for obj in GATEWAY_REF_OBJECTS[prefix] if prefix else _OTHER_REF_OBJECTS:
            objects.setdefault(obj, []).append(ref)
    pool = reader.gateway.executor
    jobs = [(obj, refs) for obj, refs in objects.items()]
    if pool is not None and len(jobs) > 1:
        found = [f.result() for f in [pool.submit(reader.locator.locate, obj, "GatewayRefNumber", refs)
                                      for obj, refs in jobs]]
    else:
        found = [reader.locator.locate(obj, "GatewayRefNumber", refs) for obj, refs in jobs]
    orders = [o for item in found for o in item.orders]
    chain = reader.of_orders(orders) if orders else RecordChain()
    chain.soql[:0] = [str(item.soql) for item in found]
    if orders:
        chain.order_summaries = _by_number(orders)
    return chain


def chain_of_summaries(
    sf: SalesforceClient | SalesforceGateway,
    *,
    order_summaries: Sequence[Record] | None = None,
    order_numbers: Sequence[str] | None = None,
    referenced_by: tuple[str, str, Sequence[str]] | None = None,
    relationships: ChildRelationships | None = None,
    executor: Executor | None = None,
    schema: SchemaCache | None = None,
) -> RecordChain:
    """The chain in one round trip of two statements (OrderPaymentSummary with its children; RefundLinePayment),
    for callers that already know where the orders are. Exactly one of:

    - ``order_summaries``: OrderSummary records already read (a locate's parent path); kept as given.
    - ``order_numbers``: the OrderSummaries come through the summaries' parent path, so an order without any
      OrderPaymentSummary is not found (:func:`chain_for` with ``order_numbers`` finds it, in 3 requests).
    - ``referenced_by`` = (object, column, values), e.g. ``("Payment", "GatewayRefNumber", ["txn_..."])``: only
      the summaries such a record belongs to (a semi-join), not their orders' other summaries.
    """
    given = [x for x in (order_summaries, order_numbers, referenced_by) if x is not None]
    if len(given) != 1:
        raise InputError("Give exactly one of order_summaries, order_numbers or referenced_by.")
    reader = _reader(sf, schema, relationships, executor)
    if order_summaries is not None:
        return reader.of_orders(order_summaries)
    if order_numbers is not None:
        return reader.summaries(Scope("order_numbers", tuple(_texts("order_numbers", order_numbers))))
    obj, column, values = referenced_by  # type: ignore[misc]
    if obj not in ("PaymentAuthorization", "Payment", "Refund", "PaymentGatewayLog") or column not in (
            "Id", "GatewayRefNumber"):
        raise InputError(f"referenced_by: {obj}.{column} does not name summaries.")
    checked = _ids(column, values) if column == "Id" else _texts(column, values)
    return reader.summaries(Scope("referenced_by", tuple(checked), obj, column))
