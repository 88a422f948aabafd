"""Locate: from a record or a reference an analyst holds to the order(s) and payment summaries behind it.

The one implementation the trace, the record chain and the diagnosis share. :meth:`Locator.locate` runs one
statement (``locate.payment_summaries``) on OrderPaymentSummary: the summaries a record names (a semi-join
on the record's object, or the summaries' own ids), each with its OrderSummary read through the parent
relationship and the ``pi_``/``txn_`` references of its authorizations and payments (child subqueries,
where describe confirms their relationship names). :meth:`Locator.locate_record` adds the two fallbacks for
records that may lack ``OrderPaymentSummaryId`` (a field the reference marks unconfirmed on Refund):

- a Refund (or a RefundLinePayment) is followed through its RefundLinePayments' Payments
  (``locate.through_refund_lines``: one statement, the order read through the parent path);
- a PaymentGatewayLog is followed through its ``ReferencedEntityId`` (``locate.gateway_logs``, then the
  referenced record's locate); the log itself is returned so the chain can hold it.

Every relationship name comes from describe (:class:`~toolkit.salesforce.schema.SchemaCache`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from toolkit.errors import InputError, ToolkitError
from toolkit.salesforce.frames import plain_record
from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.schema import ChildRelationships, SchemaCache
from toolkit.salesforce.templates import Soql, statement

__all__ = ["LOCATABLE_OBJECTS", "Located", "Locator"]

Record = dict[str, Any]
#: Objects whose records name their summary through OrderPaymentSummaryId (the semi-join of a locate).
LOCATABLE_OBJECTS = ("PaymentAuthorization", "Payment", "Refund", "PaymentGatewayLog")
#: Children of the summary whose Stripe references a locate reads.
_REFERENCE_CHILDREN = ("PaymentAuthorization", "Payment")


@dataclass(frozen=True)
class Located:
    """What a locate found: the OrderSummaries (read through the parent path), the summaries (Id,
    OrderSummaryId, CurrencyIsoCode), the ``pi_``/``txn_`` references of the summaries it matched, and the
    statement run (``before``: statements run earlier to get there; ``logs``: gateway logs read on the way,
    which the summaries' own logs may not include)."""

    orders: list[Record]
    references: list[str]
    soql: str
    before: tuple[str, ...] = ()
    logs: tuple[Record, ...] = ()
    summaries: tuple[Record, ...] = ()


def _by_order_number(records: Sequence[Record | None]) -> list[Record]:
    unique = {r["Id"]: r for r in records if isinstance(r, dict) and r.get("Id")}
    return sorted(unique.values(), key=lambda o: (o.get("OrderNumber") or "", o["Id"]))


def _references(values: Sequence[Any]) -> list[str]:
    refs = {str(v or "").strip() for v in values}
    return sorted(ref for ref in refs if ref.startswith(("pi_", "txn_")))


class Locator:
    """Locate statements over one gateway, with the session's describes."""

    def __init__(self, gateway: SalesforceGateway, schema: SchemaCache, relationships: ChildRelationships) -> None:
        self.gateway = gateway
        self.schema = schema
        self.relationships = relationships

    def _rel(self, object_name: str, lookup: str) -> str:
        rel = self.schema.parent_relationship(object_name, lookup)
        if rel is None:
            raise InputError(f"Describe of {object_name} shows no relationship for {lookup}, so the toolkit cannot "
                             "follow it to the order.")
        return rel

    def locate(self, object_name: str, column: str, values: str | Sequence[str]) -> Located:
        """The summaries ``object_name.column`` names (``= value`` or ``IN`` values; for OrderPaymentSummary its
        own ``Id``), with their orders and references (one statement)."""
        listed = [values] if isinstance(values, str) else list(values)
        if object_name == "OrderPaymentSummary":
            if column != "Id":
                raise InputError(f"OrderPaymentSummary is located by Id, not {column}.")
            scope = statement("scope.summary_ids", column="Id", ops_ids=listed)
        elif object_name in LOCATABLE_OBJECTS:
            scope = statement("scope.referenced_by", column="Id", child=object_name, child_column=column,
                              values=listed)
        else:
            raise InputError(f"A {object_name} does not name a payment summary; locate an order, a payment record "
                             "or a gateway log.")
        children = [(child, name) for child in _REFERENCE_CHILDREN
                    if (name := self.relationships.name("OrderPaymentSummary", child, "OrderPaymentSummaryId"))]
        order = self._rel("OrderPaymentSummary", "OrderSummaryId")
        soql = statement("locate.payment_summaries", order=order, scope=scope,
                         references=[statement("locate.references_subquery", relationship=name)
                                     for _, name in children])
        rows = [plain_record(r) for r in self.gateway.query(soql)]
        refs = _references([child.get("GatewayRefNumber") for row in rows for _, name in children
                            for child in row.get(name) or []])
        summaries = tuple({k: row.get(k) for k in ("Id", "OrderSummaryId", "CurrencyIsoCode")} for row in rows)
        return Located(_by_order_number([row.get(order) for row in rows]), refs, soql, summaries=summaries)

    def locate_record(self, object_name: str, record_id: str) -> Located:
        """:meth:`locate` by the record's Id; a Refund, a RefundLinePayment or a PaymentGatewayLog without a
        summary is followed through its refund lines or its ReferencedEntityId (see the module docstring)."""
        if object_name == "RefundLinePayment":
            return self.through_refund_lines("Id", [record_id])
        located = self.locate(object_name, "Id", record_id)
        if located.orders:
            return located
        before = (*located.before, located.soql)
        if object_name == "Refund":
            return _after(self.through_refund_lines("RefundId", [record_id]), before)
        if object_name == "PaymentGatewayLog":
            return self._through_referenced_entity(record_id, before)
        return located

    def through_refund_lines(self, column: str, record_ids: Sequence[str]) -> Located:
        """The orders of the Payments that RefundLinePayments name (by their own ``Id`` or their ``RefundId``),
        read through the parent path in one statement, with those payments' references (their own ``txn_``,
        their authorization's ``pi_``)."""
        payment = self._rel("RefundLinePayment", "PaymentId")
        authorization = self._rel("Payment", "PaymentAuthorizationId")
        to_summary = self._rel("Payment", "OrderPaymentSummaryId")
        to_order = self._rel("OrderPaymentSummary", "OrderSummaryId")
        soql = statement("locate.through_refund_lines", payment=payment, authorization=authorization,
                         order_path=f"{payment}.{to_summary}.{to_order}", column=column, record_ids=list(record_ids))
        rows = [plain_record(r) for r in self.gateway.query(soql)]
        orders, refs, summaries = [], [], []
        for row in rows:
            paid = row.get(payment) or {}
            summary = paid.get(to_summary) or {}
            orders.append(summary.get(to_order))
            refs += [paid.get("GatewayRefNumber"), (paid.get(authorization) or {}).get("GatewayRefNumber")]
            if paid.get("OrderPaymentSummaryId"):
                summaries.append({"Id": paid["OrderPaymentSummaryId"], "RefundId": row.get("RefundId")})
        return Located(_by_order_number(orders), _references(refs), soql, summaries=tuple(summaries))

    def _through_referenced_entity(self, log_id: str, before: tuple[str, ...]) -> Located:
        """The summaries of the record a gateway log references (ReferencedEntityId), with the log itself."""
        soql = statement("locate.gateway_logs", log_ids=[log_id])
        logs = [plain_record(r) for r in self.gateway.query(soql)]
        referenced = str((logs[0] if logs else {}).get("ReferencedEntityId") or "")
        try:
            object_name = self.schema.object_for_id(referenced) if referenced else None
        except ToolkitError:  # a malformed id or a prefix no object has: nothing to follow
            object_name = None
        if object_name not in ("PaymentAuthorization", "Payment", "Refund"):
            return Located([], [], soql, before, tuple(logs))
        found = self.locate_record(str(object_name), referenced)
        return replace(found, before=(*before, soql, *found.before), logs=(*logs, *found.logs))


def _after(located: Located, before: tuple[str, ...]) -> Located:
    return replace(located, before=(*before, *located.before))


def statements_of(located: Located) -> list[Soql | str]:
    """Every statement a locate ran, in order."""
    return [*located.before, located.soql]
