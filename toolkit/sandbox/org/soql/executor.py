"""``execute``: one SOQL query against an :class:`~toolkit.sandbox.org.store.OrgStore`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from toolkit.sandbox.org.settings import OrgSettings
from toolkit.sandbox.org.soql import nodes as n
from toolkit.sandbox.org.soql.aggregates import is_aggregate, run_aggregate
from toolkit.sandbox.org.soql.fields import Context
from toolkit.sandbox.org.soql.parser import parse
from toolkit.sandbox.org.soql.records import plan_records
from toolkit.sandbox.org.store import OrgStore

__all__ = ["QueryResult", "execute"]


@dataclass
class QueryResult:
    records: list[dict[str, Any]]  # Salesforce JSON shape, ready for json.dumps
    total_size: int  # totalSize (for COUNT(): the count, and records == [])
    long_text_fields: int  # textarea fields selected (top level + subqueries): two or more cap batches at 200
    aggregate: bool = False  # an aggregate query's rows come in one batch: no query locator


def execute(soql: str, store: OrgStore, *, now: datetime, api_version: str = "62.0",
            include_deleted: bool = False, settings: OrgSettings | None = None) -> QueryResult:
    """Run ``soql`` as Salesforce's query (or, with ``include_deleted``, queryAll) resource would, for the user and
    currencies of ``settings`` (a GMT user in a single-currency org when None).

    Raises :class:`~toolkit.sandbox.org.soql.errors.SoqlError` for anything Salesforce would refuse.
    """
    query = parse(soql)
    ctx = Context(soql, store, now, api_version, include_deleted, settings)
    obj = ctx.get_object(query.object_name)
    if obj is None:
        raise ctx.error("INVALID_TYPE", n.FieldRef((), query.object_line, query.object_column),
                        f"sObject type '{query.object_name}' is not supported. If you are attempting to use a custom "
                        "object, be sure to append the '__c' after the entity name. Please reference your WSDL or "
                        "the describe call for the appropriate names.")
    if is_aggregate(query):
        records, total, _ = run_aggregate(ctx, obj, query)
        return QueryResult(records, total, 0, aggregate=True)
    plan = plan_records(ctx, obj, query)
    rows = plan.run(ctx)
    render = plan.renderer(ctx)
    return QueryResult([render(row) for row in rows], len(rows), plan.long_text_fields)
