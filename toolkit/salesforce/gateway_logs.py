"""PaymentGatewayLog helpers: the connector's gateway interactions, filtered the way analysts ask.

Order Management reports success for Ensure Funds/Refunds even when the gateway call failed; the failure
shows only here (and in OrderPaymentSummary.LastPaymentGatewayMessage). :func:`gateway_logs` builds one
SOQL statement from the seed document's select list (template ``gateway_logs_seed``) plus the columns an
analyst needs to place a row (type, notification flag, order number), every value through ``format_soql``.

Example::

    gateway_logs(session.sf, window="LAST_N_DAYS:7", status=["Failed", "Timeout"])
    gateway_logs(session.sf, order_number="00001042", render_only=True)   # the SOQL only
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from toolkit.salesforce.frames import records_frame
from toolkit.salesforce.gateway import SalesforceClient, SalesforceGateway, as_gateway
from toolkit.salesforce.templates import Soql, field_set, get_statement, statement

__all__ = ["GATEWAY_LOG_COLUMNS", "INTERACTION_STATUSES", "INTERACTION_TYPES", "gateway_logs", "gateway_logs_soql"]

INTERACTION_TYPES = get_statement("gateway_logs.interaction_types").parameters["types"].values
INTERACTION_STATUSES = get_statement("gateway_logs.statuses").parameters["statuses"].values
#: The seed document's select list plus when, what kind, and which order (field set ``gateway_log_listing``).
GATEWAY_LOG_COLUMNS: tuple[str, ...] = field_set("gateway_log_listing")


def gateway_logs_soql(
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    window: str | None = None,
    interaction_type: str | Sequence[str] | None = None,
    status: str | Sequence[str] | None = None,
    order_number: str | Sequence[str] | None = None,
    order_summary_id: str | Sequence[str] | None = None,
    ops_id: str | Sequence[str] | None = None,
    limit: int | None = None,
) -> Soql:
    """The SOQL :func:`gateway_logs` runs (``gateway_logs.list`` and its condition fragments); every value is
    validated first (InputError names the parameter).

    ``since`` is inclusive and ``until`` exclusive (aware datetimes or ISO 8601; naive means UTC); ``window`` is
    a date literal (``TODAY``, ``LAST_N_DAYS:30``...). Each other filter takes one value or a list.
    """
    conditions: list[Soql] = []
    for name, param, value in (("gateway_logs.in_window", "window", window), ("gateway_logs.since", "since", since),
                               ("gateway_logs.until", "until", until),
                               ("gateway_logs.interaction_types", "types", interaction_type),
                               ("gateway_logs.statuses", "statuses", status),
                               ("gateway_logs.order_numbers", "numbers", order_number),
                               ("gateway_logs.order_summary_ids", "ids", order_summary_id),
                               ("gateway_logs.ops_ids", "ids", ops_id)):
        if value is not None:
            conditions.append(statement(name, **{param: value}))
    bounded = [statement("gateway_logs.limit", limit=limit)] if limit is not None else []
    return statement("gateway_logs.list", conditions=conditions, limit=bounded)


def gateway_logs(
    sf: SalesforceClient | SalesforceGateway,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    window: str | None = None,
    interaction_type: str | Sequence[str] | None = None,
    status: str | Sequence[str] | None = None,
    order_number: str | Sequence[str] | None = None,
    order_summary_id: str | Sequence[str] | None = None,
    ops_id: str | Sequence[str] | None = None,
    limit: int | None = None,
    render_only: bool = False,
) -> pd.DataFrame | str:
    """Gateway logs oldest first as a DataFrame (:func:`toolkit.salesforce.frames.records_frame`: ``CreatedDate`` as UTC
    datetimes, ``Request.json`` / ``Response.json`` parsed), or with ``render_only`` the SOQL string.

    Filters combine with AND; see :func:`gateway_logs_soql`. Every page is read.
    """
    soql = gateway_logs_soql(since=since, until=until, window=window, interaction_type=interaction_type,
                             status=status, order_number=order_number, order_summary_id=order_summary_id,
                             ops_id=ops_id, limit=limit)
    if render_only:
        return str(soql)
    return records_frame(as_gateway(sf).query(soql), soql=soql)
