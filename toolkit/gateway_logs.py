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
from typing import Any

from simple_salesforce import format_soql

from toolkit.frames import records_frame
from toolkit.queries.templates import Parameter, get_template, validate_value

__all__ = ["GATEWAY_LOG_COLUMNS", "INTERACTION_STATUSES", "INTERACTION_TYPES", "gateway_logs", "gateway_logs_soql"]

INTERACTION_TYPES = ("Authorization", "AuthorizationReversal", "Avs", "Capture", "CheckGiftCardBalance", "PostAuth",
                     "ReferencedRefund", "Sale", "Tokenize", "Void")
INTERACTION_STATUSES = ("Failed", "Initiated", "NoOp", "Success", "Timeout")
#: Columns added to the seed select list: when, what kind, and which order.
_EXTRA_COLUMNS = ("PaymentGatewayLogNumber", "CreatedDate", "InteractionType", "IsNotification",
                  "OrderPaymentSummary.OrderSummaryId", "OrderPaymentSummary.OrderSummary.OrderNumber")


def _seed_columns() -> list[str]:
    soql = get_template("gateway_logs_seed").soql
    select = soql[len("SELECT "):soql.upper().index(" FROM ")]
    return [c.strip() for c in select.split(",")]


GATEWAY_LOG_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys([*_seed_columns(), *_EXTRA_COLUMNS]))


def _param(name: str, type_: str, values: Sequence[str] = ()) -> Parameter:
    return Parameter(name=name, type=type_, values=tuple(values))


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
) -> str:
    """The SOQL :func:`gateway_logs` runs; every value is validated first (InputError names the parameter).

    ``since`` is inclusive and ``until`` exclusive (aware datetimes or ISO 8601; naive means UTC); ``window`` is
    a date literal (``TODAY``, ``LAST_N_DAYS:30``...). Each other filter takes one value or a list.
    """
    conditions: list[str] = []
    if window is not None:
        literal = validate_value(_param("window", "date_literal"), window)
        conditions.append(format_soql("CreatedDate = {window:literal}", window=literal))
    if since is not None:
        start = validate_value(_param("since", "datetime"), since)
        conditions.append(format_soql("CreatedDate >= {since}", since=start))
    if until is not None:
        end = validate_value(_param("until", "datetime"), until)
        conditions.append(format_soql("CreatedDate < {until}", until=end))
    if interaction_type is not None:
        types = validate_value(_param("interaction_type", "picklist_list", INTERACTION_TYPES), interaction_type)
        conditions.append(format_soql("InteractionType IN {types}", types=types))
    if status is not None:
        statuses = validate_value(_param("status", "picklist_list", INTERACTION_STATUSES), status)
        conditions.append(format_soql("InteractionStatus IN {statuses}", statuses=statuses))
    if order_number is not None:
        numbers = validate_value(_param("order_number", "string_list"), order_number)
        conditions.append(format_soql("OrderPaymentSummary.OrderSummary.OrderNumber IN {numbers}", numbers=numbers))
    if order_summary_id is not None:
        ids = validate_value(_param("order_summary_id", "salesforce_id_list"), order_summary_id)
        conditions.append(format_soql("OrderPaymentSummary.OrderSummaryId IN {ids}", ids=ids))
    if ops_id is not None:
        ids = validate_value(_param("ops_id", "salesforce_id_list"), ops_id)
        conditions.append(format_soql("OrderPaymentSummaryId IN {ids}", ids=ids))
    soql = f"SELECT {', '.join(GATEWAY_LOG_COLUMNS)} FROM PaymentGatewayLog"
    if conditions:
        soql += " WHERE " + " AND ".join(conditions)
    soql += " ORDER BY CreatedDate, Id"
    if limit is not None:
        soql += format_soql(" LIMIT {limit}", limit=validate_value(
            Parameter(name="limit", type="int", min=1, max=50000), limit))
    return soql


def gateway_logs(
    sf: Any,
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
) -> Any:
    """Gateway logs oldest first as a DataFrame (:func:`toolkit.frames.records_frame`: ``CreatedDate`` as UTC
    datetimes, ``Request.json`` / ``Response.json`` parsed), or with ``render_only`` the SOQL string.

    Filters combine with AND; see :func:`gateway_logs_soql`. Runs with ``query_all`` (every page).
    """
    soql = gateway_logs_soql(since=since, until=until, window=window, interaction_type=interaction_type,
                             status=status, order_number=order_number, order_summary_id=order_summary_id,
                             ops_id=ops_id, limit=limit)
    if render_only:
        return soql
    return records_frame(sf.query_all(soql)["records"], soql=soql)
