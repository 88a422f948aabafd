"""The Order Management record chain of one or more orders, fetched in as few round trips as describe allows.

OrderSummary -> OrderPaymentSummary -> {PaymentAuthorization, Payment, Refund, PaymentGatewayLog}, and
Refund -> RefundLinePayment -> Payment. :func:`chain_for` starts from any record the analyst holds and runs:

1. *locate*: one query on the starting object that reads the OrderSummary through parent paths
   (``OrderPaymentSummary.OrderSummary.OrderNumber`` ...). For an order number or an OrderSummary id the
   OrderSummary query needs no earlier answer, so it runs alongside steps 2 and 3. A gateway reference is
   searched on the object that holds it (``pi_`` on PaymentAuthorization, ``txn_`` on Payment; anything else
   on PaymentAuthorization, Payment and Refund, one concurrent query each).
2. *summaries*: OrderPaymentSummary with child subqueries (PaymentAuthorizations, Payments, Refunds,
   PaymentGatewayLogs) when describe confirms those relationship names; for a name describe does not
   confirm, a batched ``OrderPaymentSummaryId IN (SELECT Id FROM OrderPaymentSummary WHERE ...)`` query
   on the child object instead, run concurrently.
3. *refund lines*: RefundLinePayment through its Payment (``Payment.OrderPaymentSummary.OrderSummaryId IN
   (...)``), with the Refund's fields read through the parent path ``Refund.*``, concurrently with step 2. A
   Refund without OrderPaymentSummaryId (a field the reference marks unconfirmed) joins the chain this way,
   through the Payment it refunds, at no extra request.

With describe cached (a :class:`toolkit.queries.SchemaCache` passed as ``schema``, or ``relationships`` from
:func:`child_relationships`) a chain costs at most 3 Salesforce requests (plus one per extra page of results);
with an ``executor`` steps 2 and 3 run in parallel, so the wall time is two round trips. Every statement is
built with ``format_soql`` and run with ``query_all``.

Records in a :class:`RecordChain` are plain dicts in the API's own value shapes (datetimes as Salesforce
text, amounts as JSON numbers), without ``attributes``; parent paths stay nested (``Payment`` records carry
only their own fields). Use :meth:`RecordChain.frame` for a typed DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from simple_salesforce import format_soql

from toolkit.errors import InputError
from toolkit.frames import plain_record, records_frame
from toolkit.queries.schema_cache import ChildRelationships, SchemaCache
from toolkit.queries.templates import field_set
from toolkit.salesforce_ids import normalize_id

__all__ = ["CHAIN_CHILDREN", "GATEWAY_REF_OBJECTS", "RecordChain", "chain_for", "chain_of_summaries", "chain_schema",
           "child_relationships", "resolve_subject_record"]

#: The OrderPaymentSummary children the chain reads: (RecordChain attribute, child object).
CHAIN_CHILDREN = (("authorizations", "PaymentAuthorization"), ("payments", "Payment"), ("refunds", "Refund"),
                  ("gateway_logs", "PaymentGatewayLog"))
#: Where a gateway reference is looked for, by its prefix; any other reference is looked for on all three.
GATEWAY_REF_OBJECTS: dict[str, tuple[str, ...]] = {"pi_": ("PaymentAuthorization",), "txn_": ("Payment",)}
_OTHER_REF_OBJECTS = ("PaymentAuthorization", "Payment", "Refund")
_CHAIN_OBJECTS = ("OrderSummary", "OrderPaymentSummary", "PaymentAuthorization", "Payment", "Refund",
                  "RefundLinePayment", "PaymentGatewayLog")
_ATTRS = {"OrderSummary": "order_summaries", "OrderPaymentSummary": "payment_summaries",
          "PaymentAuthorization": "authorizations", "Payment": "payments", "Refund": "refunds",
          "RefundLinePayment": "refund_line_payments", "PaymentGatewayLog": "gateway_logs"}


@dataclass
class RecordChain:
    """Every record of the orders' payment story (see the module docstring for the record shape)."""

    order_summaries: list[dict] = field(default_factory=list)
    payment_summaries: list[dict] = field(default_factory=list)
    authorizations: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    refunds: list[dict] = field(default_factory=list)
    refund_line_payments: list[dict] = field(default_factory=list)
    gateway_logs: list[dict] = field(default_factory=list)
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

    def records(self, object_name: str) -> list[dict]:
        """The records of one object (``"Payment"``, ``"RefundLinePayment"``...)."""
        return getattr(self, _ATTRS[object_name])

    def by_id(self) -> dict[str, dict]:
        """Every record of the chain keyed by its Id."""
        return {r["Id"]: r for name in _ATTRS for r in self.records(name) if r.get("Id")}

    def frame(self, object_name: str) -> Any:
        """One object's records as a DataFrame (:func:`toolkit.frames.records_frame`)."""
        return records_frame(self.records(object_name))


def child_relationships(sf: Any, schema: SchemaCache | None = None) -> ChildRelationships:
    """The chain's child relationship names as describe confirms them (describes are cached in ``schema``)."""
    return (schema or SchemaCache(sf)).child_relationships("OrderSummary", "OrderPaymentSummary", "Refund",
                                                           "Payment")


def resolve_subject_record(sf: Any, record_id: str, *, schema: SchemaCache | None = None) -> tuple[str, str]:
    """``(object API name, 18-character id)`` of a record id, the object read from describe's key prefixes.

    Raises InputError for a malformed id and NotFoundError for a prefix no object of the org has.
    """
    schema = schema or SchemaCache(sf)
    object_name = schema.object_for_id(record_id)
    return object_name, normalize_id(record_id)  # type: ignore[return-value]


# --- statements -------------------------------------------------------------------------------------------


def _fields(object_name: str, prefix: str = "") -> str:
    return ", ".join(prefix + f for f in field_set(object_name))


_HOPS: dict[str, tuple[tuple[str, str], ...]] = {
    "OrderPaymentSummary": (("OrderPaymentSummary", "OrderSummaryId"),),
    "RefundLinePayment": (("RefundLinePayment", "PaymentId"), ("Payment", "OrderPaymentSummaryId"),
                          ("OrderPaymentSummary", "OrderSummaryId")),
    **{name: ((name, "OrderPaymentSummaryId"), ("OrderPaymentSummary", "OrderSummaryId"))
       for name in ("PaymentAuthorization", "Payment", "Refund", "PaymentGatewayLog")},
}


def _path_to_order(schema: SchemaCache, object_name: str) -> str:
    """The parent path from ``object_name`` to OrderSummary, e.g. ``OrderPaymentSummary.OrderSummary.``.

    Each relationship name is read from the describe of the object holding the lookup.
    """
    path = ""
    for owner, lookup in _HOPS[object_name]:
        rel = schema.parent_relationship(owner, lookup)
        if rel is None:
            raise InputError(f"Describe of {owner} shows no relationship for {lookup}, so the chain cannot start "
                             f"from a {object_name}.")
        path += rel + "."
    return path


def chain_schema(sf: Any) -> SchemaCache:
    """A :class:`SchemaCache` with every describe the chain reads already fetched (hold one per session)."""
    schema = SchemaCache(sf)
    schema.warm(*_CHAIN_OBJECTS)
    return schema


@dataclass(frozen=True)
class _Scope:
    """Which summaries: the orders' (by OrderSummary id or by order number), or, with ``by="semi-join"``,
    those a child record names (``referenced_by`` = (child object, column), e.g. Payment.GatewayRefNumber)."""

    by: str  # "Id", "OrderNumber" or "semi-join"
    values: tuple[str, ...]
    order_path: str = "OrderSummary."  # OrderPaymentSummary -> OrderSummary, read from describe
    referenced_by: tuple[str, str] | None = None

    def on_summary(self, prefix: str = "") -> str:
        """The condition on an OrderPaymentSummary reached through ``prefix`` (``Payment.OrderPaymentSummary.``)."""
        if self.by == "semi-join" and self.referenced_by is not None:
            child, column = self.referenced_by
            # the lookup beside the relationship: Payment.OrderPaymentSummary. -> Payment.OrderPaymentSummaryId
            left = (prefix[:-1] + "Id") if prefix else "Id"
            return format_soql(f"{left} IN (SELECT OrderPaymentSummaryId FROM {child} WHERE {column} IN {{values}})",
                               values=list(self.values))
        column = prefix + ("OrderSummaryId" if self.by == "Id" else self.order_path + "OrderNumber")
        return format_soql(f"{column} IN {{values}}", values=list(self.values))


def _summaries_statement(scope: _Scope, rels: ChildRelationships, *, with_order: bool = False
                         ) -> tuple[str, list[tuple[str, str, str]]]:
    """The OrderPaymentSummary statement with confirmed child subqueries, and the children left to batch
    (``with_order``: the OrderSummary's fields through the parent path too)."""
    subqueries, batched = [], []
    if with_order:
        subqueries.append(_fields("OrderSummary", scope.order_path))
    for attr, child in CHAIN_CHILDREN:
        name = rels.name("OrderPaymentSummary", child, "OrderPaymentSummaryId")
        if name:
            subqueries.append(f"(SELECT {_fields(child)} FROM {name} ORDER BY CreatedDate, Id)")
        else:
            batched.append((attr, child, name or ""))
    select = ", ".join([_fields("OrderPaymentSummary"), *subqueries])
    soql = f"SELECT {select} FROM OrderPaymentSummary WHERE {scope.on_summary()} ORDER BY CreatedDate, Id"
    return soql, batched


def _batched_child_statement(child: str, scope: _Scope) -> str:
    if scope.by == "semi-join":  # a semi-join cannot nest: name the referencing child's summaries directly
        return (f"SELECT {_fields(child)} FROM {child} WHERE {scope.on_summary('OrderPaymentSummary.')} "
                "ORDER BY CreatedDate, Id")
    return (f"SELECT {_fields(child)} FROM {child} WHERE OrderPaymentSummaryId IN "
            f"(SELECT Id FROM OrderPaymentSummary WHERE {scope.on_summary()}) ORDER BY CreatedDate, Id")


def _refund_lines_statement(scope: _Scope, schema: SchemaCache) -> str:
    """RefundLinePayment of the summaries' payments, each with its Refund's fields through the parent path."""
    where = scope.on_summary(_line_to_summary(schema))
    refund = _line_to_refund(schema)
    select = ", ".join([_fields("RefundLinePayment"), _fields("Refund", refund + ".")])
    return f"SELECT {select} FROM RefundLinePayment WHERE {where} ORDER BY CreatedDate, Id"


def _line_to_summary(schema: SchemaCache) -> str:
    """``Payment.OrderPaymentSummary.`` read from describe (the prefix for ``OrderSummaryId``)."""
    hops = _HOPS["RefundLinePayment"][:2]
    return "".join(f"{schema.parent_relationship(owner, lookup)}." for owner, lookup in hops)


def _line_to_refund(schema: SchemaCache) -> str:
    """``Refund``: RefundLinePayment's relationship to its Refund, read from describe."""
    rel = schema.parent_relationship("RefundLinePayment", "RefundId")
    if rel is None:
        raise InputError("Describe of RefundLinePayment shows no relationship for RefundId.")
    return rel


def _locate_statement(object_name: str, path: str, column: str, values: Sequence[str]) -> str:
    select = ", ".join(["Id", *(path + f for f in field_set("OrderSummary"))])
    return format_soql(f"SELECT {select} FROM {object_name} WHERE {column} IN {{values}} ORDER BY CreatedDate, Id",
                       values=list(values))


def _order_summaries_statement(scope: _Scope) -> str:
    return format_soql(f"SELECT {_fields('OrderSummary')} FROM OrderSummary WHERE {scope.by} IN {{values}} "
                       f"ORDER BY OrderNumber, Id", values=list(scope.values))


# --- running ----------------------------------------------------------------------------------------------


def _query_all(sf: Any, soql: str) -> list[dict]:
    """All records of ``soql``, child results completed when Salesforce paged them (``done`` false)."""
    records = sf.query_all(soql)["records"]
    for record in records:
        for key, value in record.items():
            if isinstance(value, dict) and "records" in value and not value.get("done", True):
                rows = list(value["records"])
                page = value
                while not page.get("done", True) and page.get("nextRecordsUrl"):
                    page = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)
                    rows.extend(page["records"])
                record[key] = {"totalSize": len(rows), "done": True, "records": rows}
    return records


def _run_all(sf: Any, statements: list[str], executor: Executor | None, log: list[str]) -> list[list[dict]]:
    log.extend(statements)
    if executor is None or len(statements) < 2:
        return [_query_all(sf, s) for s in statements]
    futures = [executor.submit(_query_all, sf, s) for s in statements]
    return [f.result() for f in futures]


def _ids(param: str, values: Iterable[str] | str) -> list[str]:
    values = [values] if isinstance(values, str) else list(values)
    out = []
    for value in values:
        normalized = normalize_id(value) if isinstance(value, str) else None
        if normalized is None:
            raise InputError(f"{param}: {value!r} is not a 15- or 18-character Salesforce id.")
        out.append(normalized)
    if not out:
        raise InputError(f"{param} needs at least one id.")
    return list(dict.fromkeys(out))


def _texts(param: str, values: Iterable[str] | str) -> list[str]:
    values = [values] if isinstance(values, str) else list(values)
    out = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if len(out) != len(values) or not out:
        raise InputError(f"{param} must be one or more non-empty texts.")
    return list(dict.fromkeys(out))


def _sort(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda r: (r.get("CreatedDate") or "", r.get("Id") or ""))


def _unique(records: Iterable[dict]) -> list[dict]:
    return list({r["Id"]: r for r in records if r.get("Id")}.values())


def _order_from(record: dict, path: str) -> dict | None:
    node: Any = record
    for hop in path.rstrip(".").split("."):
        if not hop:
            continue
        node = node.get(hop) if isinstance(node, dict) else None
    return plain_record(node) if isinstance(node, dict) and node.get("Id") else None


def chain_for(
    sf: Any,
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
    Pass ``schema`` (and/or ``relationships``) held by the session so describe is not fetched again.
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
    if schema is None:
        schema = SchemaCache(sf)
    rels = relationships if relationships is not None else child_relationships(sf, schema)
    chain = RecordChain()

    if kind == "record_id":
        object_name, record = resolve_subject_record(sf, checked[0], schema=schema)
        if object_name not in _CHAIN_OBJECTS:
            raise InputError(f"{record} is a {object_name}; the chain starts from an order, a payment record or a "
                             f"gateway log.")
        kind, checked = ("order_summary_ids", checked) if object_name == "OrderSummary" else (object_name, checked)

    if kind in ("order_numbers", "order_summary_ids"):
        scope = _Scope("OrderNumber" if kind == "order_numbers" else "Id", tuple(checked),
                       _path_to_order(schema, "OrderPaymentSummary"))
        first = [_order_summaries_statement(scope)]
        results = _fetch(sf, scope, rels, schema, executor, chain, first)
        chain.order_summaries = _unique(plain_record(r) for r in results[0])
        return chain

    # locate: the OrderSummaries behind the starting records
    if kind == "gateway_refs":
        objects: dict[str, list[str]] = {}
        for ref in checked:
            prefix = next((p for p in GATEWAY_REF_OBJECTS if ref.startswith(p)), None)
            for obj in GATEWAY_REF_OBJECTS[prefix] if prefix else _OTHER_REF_OBJECTS:
                objects.setdefault(obj, []).append(ref)
        locate = [(obj, "GatewayRefNumber", refs) for obj, refs in objects.items()]
    else:
        object_name = "OrderPaymentSummary" if kind == "ops_ids" else kind
        locate = [(object_name, "Id", checked)]
    paths = [_path_to_order(schema, obj) for obj, _, _ in locate]
    statements = [_locate_statement(obj, path, column, vals) for (obj, column, vals), path in zip(locate, paths,
                                                                                                  strict=True)]
    found = _run_all(sf, statements, executor, chain.soql)
    orders = _unique(o for rows, path in zip(found, paths, strict=True) for r in rows
                     if (o := _order_from(r, path)) is not None)
    orders.sort(key=lambda r: (r.get("OrderNumber") or "", r["Id"]))
    chain.order_summaries = orders
    if not orders:
        return chain
    _fetch(sf, _Scope("Id", tuple(o["Id"] for o in orders)), rels, schema, executor, chain, [])
    return chain


def chain_of_summaries(
    sf: Any,
    *,
    order_summaries: Sequence[dict] | None = None,
    order_numbers: Sequence[str] | None = None,
    referenced_by: tuple[str, str, Sequence[str]] | None = None,
    relationships: ChildRelationships | None = None,
    executor: Executor | None = None,
    schema: SchemaCache | None = None,
) -> RecordChain:
    """The chain in one round trip of two statements (OrderPaymentSummary with its children; RefundLinePayment),
    for callers that already know where the orders are. Exactly one of:

    - ``order_summaries``: OrderSummary records already read (a locate query's parent path); kept as given.
    - ``order_numbers``: the OrderSummaries come through the summaries' parent path, so an order without any
      OrderPaymentSummary is not found (:func:`chain_for` with ``order_numbers`` finds it, in 3 requests).
    - ``referenced_by`` = (object, column, values), e.g. ``("Payment", "GatewayRefNumber", ["txn_..."])``: only
      the summaries such a record belongs to (a semi-join), not their orders' other summaries.
    """
    given = [x for x in (order_summaries, order_numbers, referenced_by) if x is not None]
    if len(given) != 1:
        raise InputError("Give exactly one of order_summaries, order_numbers or referenced_by.")
    if schema is None:
        schema = SchemaCache(sf)
    rels = relationships if relationships is not None else child_relationships(sf, schema)
    path = _path_to_order(schema, "OrderPaymentSummary")
    chain = RecordChain()
    if order_summaries is not None:
        orders = _unique(plain_record(o) for o in order_summaries)
        if not orders:
            return chain
        chain.order_summaries = sorted(orders, key=lambda r: (r.get("OrderNumber") or "", r["Id"]))
        _fetch(sf, _Scope("Id", tuple(o["Id"] for o in chain.order_summaries), path), rels, schema, executor, chain,
               [])
        return chain
    if order_numbers is not None:
        scope = _Scope("OrderNumber", tuple(_texts("order_numbers", order_numbers)), path)
    else:
        obj, column, values = referenced_by  # type: ignore[misc]
        if obj not in ("PaymentAuthorization", "Payment", "Refund", "PaymentGatewayLog") or column not in (
                "Id", "GatewayRefNumber"):
            raise InputError(f"referenced_by: {obj}.{column} does not name summaries.")
        checked = _ids(column, values) if column == "Id" else _texts(column, values)
        scope = _Scope("semi-join", tuple(checked), path, (obj, column))
    _fetch(sf, scope, rels, schema, executor, chain, [], with_order=True)
    rel = path.rstrip(".")
    orders = [o for ops in chain.payment_summaries if isinstance(o := ops.pop(rel, None), dict) and o.get("Id")]
    chain.order_summaries = sorted(_unique(orders), key=lambda r: (r.get("OrderNumber") or "", r["Id"]))
    return chain


def _fetch(sf: Any, scope: _Scope, rels: ChildRelationships, schema: SchemaCache,
           executor: Executor | None, chain: RecordChain, first: list[str], *, with_order: bool = False
           ) -> list[list[dict]]:
    """Run ``first`` + the summaries statement + batched children + refund lines together; fill ``chain``."""
    summaries_soql, batched = _summaries_statement(scope, rels, with_order=with_order)
    statements = [*first, summaries_soql, *(_batched_child_statement(child, scope) for _, child, _ in batched),
                  _refund_lines_statement(scope, schema)]
    results = _run_all(sf, statements, executor, chain.soql)
    summaries = results[len(first)]
    children: dict[str, list[dict]] = {attr: [] for attr, _ in CHAIN_CHILDREN}
    for row in summaries:
        plain = plain_record(row)
        for attr, child in CHAIN_CHILDREN:
            name = rels.name("OrderPaymentSummary", child, "OrderPaymentSummaryId")
            if name:
                children[attr].extend(plain.pop(name, None) or [])
        chain.payment_summaries.append(plain)
    for (attr, _, _), rows in zip(batched, results[len(first) + 1:-1], strict=True):
        children[attr].extend(plain_record(r) for r in rows)
    for attr, rows in children.items():
        setattr(chain, attr, _sort(_unique(rows)))
    refund_rel = _line_to_refund(schema)
    lines, linked_refunds = [], []
    for row in results[-1]:
        plain = plain_record(row)
        refund = plain.pop(refund_rel, None)
        if isinstance(refund, dict) and refund.get("Id"):
            linked_refunds.append(refund)
        lines.append(plain)
    chain.refund_line_payments = _sort(lines)
    # a refund linked to the summaries only through its RefundLinePayment (no OrderPaymentSummaryId) joins here
    chain.refunds = _sort(_unique([*linked_refunds, *chain.refunds]))
    return results


