"""The Salesforce gateway: the one place through which the toolkit sends requests to Salesforce.

A :class:`SalesforceGateway` wraps a real ``simple_salesforce.Salesforce`` (live or sandbox: it cannot
tell) and owns, for one operation (a trace, a diagnosis, a helper call):

- the request budget and its accounting (:class:`~toolkit.core.budget.RequestBudget`): every request
  (each page of a query, each describe) is spent before it is sent;
- retries of a read that failed for a passing reason (timeouts, connection errors, 5xx, ``UNABLE_TO_LOCK_ROW``)
  with the session's :class:`~toolkit.core.retry.RetryPolicy`, a timeout on every request, and one new login
  on ``INVALID_SESSION_ID`` when the session's credentials allow it;
- the statements run, in the order they were sent (``statements``);
- the translation of the client's failures into the toolkit's errors, each naming Salesforce, what was
  being read and what to try (:func:`salesforce_error`).

It runs only :class:`~toolkit.salesforce.templates.Soql`, i.e. statements rendered from
``templates.json``: no SOQL is built anywhere else. The one exception is the analyst's own statement (the notebook's
``%%soql``): an :class:`~toolkit.salesforce.analyst_soql.AnalystSoql`, its values filled in by ``format_soql``, run
only by :meth:`SalesforceGateway.query_analyst_soql` (which :meth:`SalesforceGateway.query` refuses).
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any, Protocol, TypeVar, cast

import requests
from simple_salesforce import exceptions as sf_errors

from toolkit.core.budget import RequestBudget
from toolkit.core.privacy import mask_records
from toolkit.core.retry import RetryPolicy
from toolkit.core.text import redact_secrets
from toolkit.errors import (
    AccessDeniedError,
    InputError,
    NotFoundError,
    ServiceError,
    ServiceUnavailableError,
    ToolkitError,
)
from toolkit.salesforce.analyst_soql import AnalystSoql
from toolkit.salesforce.templates import Soql

__all__ = ["SalesforceClient", "SalesforceGateway", "as_gateway", "salesforce_error"]

Record = dict[str, Any]
T = TypeVar("T")
SYSTEM = "Salesforce"


class SalesforceClient(Protocol):
    """What the toolkit uses of ``simple_salesforce.Salesforce`` (a real one, live or sandbox)."""

    def query(self, query: str, include_deleted: bool = False, **kwargs: Any) -> dict[str, Any]: ...

    def query_more(self, next_records_identifier: str, identifier_is_url: bool = False,
                   include_deleted: bool = False, **kwargs: Any) -> dict[str, Any]: ...

    def describe(self, **kwargs: Any) -> dict[str, Any] | None: ...

    def restful(self, path: str, params: dict[str, Any] | None = None, method: str = "GET",
                **kwargs: Any) -> Any: ...


def _error_body(exc: sf_errors.SalesforceError) -> tuple[str | None, str]:
    """(errorCode, message) of a Salesforce error response (a JSON array of errors), when it has them."""
    content = exc.content
    first = content[0] if isinstance(content, list) and content else content
    if isinstance(first, dict):
        return first.get("errorCode"), str(first.get("message") or "")
    return None, str(content or "")


def _usage(limit_info: str | None) -> str:
    """``", 15000 of 15000 API requests used"`` from an ``Sforce-Limit-Info`` header, or nothing."""
    for part in (limit_info or "").split(","):
        name, _, value = part.strip().partition("=")
        used, _, total = value.partition("/")
        if name == "api-usage" and used.isdigit() and total.isdigit():
            return f", {int(used):,} of {int(total):,} API requests used"
    return ""


def _retryable(exc: BaseException) -> bool:
    """A failure that can pass: no answer, a 5xx, or a row lock (Salesforce says to try again)."""
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return True
    if isinstance(exc, sf_errors.SalesforceError):
        return exc.status >= 500 or _error_body(exc)[0] == "UNABLE_TO_LOCK_ROW"
    return False


def salesforce_error(exc: BaseException, what: str, limit_info: str | None = None) -> ToolkitError:
    """The toolkit error for a failed Salesforce request (chain it: ``raise salesforce_error(e, w) from e``);
    ``limit_info`` is the last ``Sforce-Limit-Info`` header seen, for REQUEST_LIMIT_EXCEEDED."""
    if isinstance(exc, requests.Timeout):
        return ServiceUnavailableError(f"Salesforce did not answer in time while reading {what}; try again, or check "
                                       "the org's status.", system=SYSTEM, subject=what)
    if isinstance(exc, requests.ConnectionError):
        return ServiceUnavailableError(f"Salesforce could not be reached while reading {what}; check the network and "
                                       "SF_INSTANCE_URL, then try again.", system=SYSTEM, subject=what)
    if not isinstance(exc, sf_errors.SalesforceError):
        return ServiceError(f"Salesforce failed while reading {what}: {redact_secrets(str(exc))}.", system=SYSTEM,
                            subject=what)
    code, message = _error_body(exc)
    detail = redact_secrets(f"{code}: {message}" if code else message)[:300]
    fields: dict[str, Any] = {"system": SYSTEM, "subject": what, "status": exc.status, "code": code}
    if isinstance(exc, sf_errors.SalesforceExpiredSession):
        return AccessDeniedError(f"Salesforce refused the session while reading {what} ({detail}); log in again "
                                 "(a new SF_SESSION_ID) and retry.", **fields)
    if isinstance(exc, sf_errors.SalesforceRefusedRequest):
        if code == "REQUEST_LIMIT_EXCEEDED":
            return ServiceUnavailableError(f"Salesforce refused {what}: the org's API request limit is used up "
                                           f"({detail}{_usage(limit_info)}); wait for the 24-hour limit to free up, "
                                           "or ask an admin to raise it.", **fields)
        return AccessDeniedError(f"Salesforce refused access while reading {what} ({detail}); the user needs read "
                                 "access to the Order Management objects.", **fields)
    if isinstance(exc, sf_errors.SalesforceResourceNotFound):
        return NotFoundError(f"Salesforce has no {what} ({detail}).", system=SYSTEM, subject=what)
    if isinstance(exc, sf_errors.SalesforceMalformedRequest):
        return ServiceError(f"Salesforce refused the query for {what} ({detail}); the org may lack a field or "
                            "object the toolkit reads.", **fields)
    return ServiceUnavailableError(f"Salesforce failed while reading {what} (HTTP {exc.status}: {detail}); try "
                                   "again later.", **fields)


class SalesforceGateway:
    """Salesforce requests of one operation: SOQL from the templates, describes, with budget and accounting.

    ``executor`` (optional) runs :meth:`query_many`'s statements concurrently. ``mask_personal_data`` (the default):
    every record read has its personal data masked before anyone sees it (:mod:`toolkit.core.privacy`).
    """

    system = SYSTEM

    def __init__(self, sf: SalesforceClient, *, budget: RequestBudget | None = None,
                 executor: Executor | None = None, retry: RetryPolicy | None = None,
                 reauthenticate: Callable[[], None] | None = None, mask_personal_data: bool = True) -> None:
        self.sf = sf
        self.budget = budget if budget is not None else RequestBudget(SYSTEM)
        self.executor = executor
        self.retry = retry if retry is not None else RetryPolicy()
        self.reauthenticate = reauthenticate
        self.mask_personal_data = mask_personal_data
        self.statements: list[Soql] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SalesforceGateway({self.budget!r}, statements={len(self.statements)})"

    def _call(self, kind: str, what: str, request: Callable[..., T], *args: Any, retry: bool = True,
              **kwargs: Any) -> T:
        """Spend one request of the budget, then send it, retrying what can pass (see the module docstring);
        ``retry=False`` for a write that is not idempotent (it is sent once)."""
        self.budget.spend(kind, what)
        attempt, logged_in = 1, False
        while True:
            try:
                return request(*args, timeout=self.retry.timeout, **kwargs)
            except (sf_errors.SalesforceError, requests.RequestException) as exc:
                if (isinstance(exc, sf_errors.SalesforceExpiredSession) and self.reauthenticate is not None
                        and not logged_in):
                    self.reauthenticate()
                    logged_in = True
                    self.budget.note_retry(kind)
                    continue
                if retry and attempt < self.retry.attempts and _retryable(exc):
                    attempt += 1
                    self.budget.note_retry(kind)
                    self.retry.wait(attempt)
                    continue
                raise salesforce_error(exc, what, getattr(self.sf, "last_limit_info", None)) from exc

    # --- SOQL ---------------------------------------------------------------------------------------
    def query(self, soql: Soql, *, on_page: Callable[[int], None] | None = None) -> list[Record]:
        """Every record of ``soql`` (all pages; child subquery results completed when Salesforce paged them);
        ``on_page`` hears how many records each page held.

        Records come as the API gives them (``attributes`` included); see :mod:`toolkit.salesforce.frames`.
        """
        if not isinstance(soql, Soql) or isinstance(soql, AnalystSoql):
            raise InputError("The toolkit runs only SOQL rendered from templates.json (a Soql).")
        return self._query(soql, on_page)

    def query_analyst_soql(self, soql: AnalystSoql, *, on_page: Callable[[int], None] | None = None) -> list[Record]:
        """Every record of the analyst's own statement (the notebook's ``%%soql``): the one statement that does not
        come from ``templates.json``. Its values were filled in by ``format_soql``
        (:func:`~toolkit.salesforce.analyst_soql.render_analyst_soql`); it is sent, paged, budgeted and retried as
        :meth:`query` sends a template's. A statement Salesforce refuses (``MALFORMED_QUERY``, ``INVALID_FIELD``...)
        is the analyst's to fix: :class:`InputError` with Salesforce's message."""
        if not isinstance(soql, AnalystSoql):
            raise InputError("query_analyst_soql runs only an AnalystSoql (render_analyst_soql fills in its values).")
        try:
            return self._query(soql, on_page)
        except ServiceError as exc:
            cause = exc.__cause__
            if isinstance(cause, sf_errors.SalesforceMalformedRequest):
                code, message = _error_body(cause)
                detail = redact_secrets(f"{code}: {message}" if code else message)[:300]
                raise InputError(f"Salesforce refused your SOQL ({' '.join(detail.split())}); fix the statement and "
                                 "run it again.", system=SYSTEM) from cause
            raise

    def _query(self, soql: Soql, on_page: Callable[[int], None] | None) -> list[Record]:
        with self._lock:
            self.statements.append(soql)
        what = f"the {soql.template} query"
        page = self._call("query", what, self.sf.query, str(soql))
        records = list(page.get("records") or [])
        if on_page is not None:
            on_page(len(records))
        while not page.get("done", True) and page.get("nextRecordsUrl"):
            page = self._call("query_more", what, self.sf.query_more, page["nextRecordsUrl"], identifier_is_url=True)
            records.extend(page.get("records") or [])
            if on_page is not None:
                on_page(len(page.get("records") or []))
        for record in records:
            for key, value in record.items():
                if isinstance(value, dict) and "records" in value and not value.get("done", True):
                    rows, child = list(value["records"]), value
                    while not child.get("done", True) and child.get("nextRecordsUrl"):
                        child = self._call("query_more", what, self.sf.query_more, child["nextRecordsUrl"],
                                           identifier_is_url=True)
                        rows.extend(child.get("records") or [])
                    record[key] = {"totalSize": len(rows), "done": True, "records": rows}
        return mask_records(records) if self.mask_personal_data else records

    def count(self, soql: Soql) -> int:
        """The ``totalSize`` of a ``SELECT COUNT() ...`` statement (one request)."""
        if not isinstance(soql, Soql) or isinstance(soql, AnalystSoql):
            raise InputError("The toolkit runs only SOQL rendered from templates.json (a Soql).")
        with self._lock:
            self.statements.append(soql)
        page = self._call("query", f"the {soql.template} count", self.sf.query, str(soql))
        return int(page.get("totalSize") or 0)

    def bulk_query(self, soql: Soql, object_name: str, *, page_size: int = 50_000, poll_wait: float = 0.5,
                   max_wait: float = 600.0, on_page: Callable[[int], None] | None = None) -> list[dict[str, str]]:
        """Every row of ``soql`` through a Bulk API 2.0 query job (simple-salesforce's ``bulk2``): create the job, poll
        it until JobComplete (waiting ``poll_wait`` seconds, doubling up to 8 s, at most ``max_wait`` in all), then
        read its CSV results ``page_size`` rows at a time, following ``Sforce-Locator``. Each request is one request
        of the budget (kinds ``bulk job``, ``bulk poll``, ``bulk results``), sent as :meth:`_call` sends every
        request. Bulk API 2.0 takes no child subquery and no aggregate, and answers CSV: the rows come back as text,
        columns named by the statement's fields (``toolkit.salesforce.bulk`` types them).
        """
        if not isinstance(soql, Soql) or isinstance(soql, AnalystSoql):
            raise InputError("The toolkit runs only SOQL rendered from templates.json (a Soql).")
        with self._lock:
            self.statements.append(soql)
        what = f"the {soql.template} Bulk API 2.0 query"
        bulk2: Any = getattr(self.sf, "bulk2")  # noqa: B009 - not in SalesforceClient: only this method uses it
        client = getattr(bulk2, object_name)._client  # one request per call, so each is budgeted

        def untimed(request: Callable[..., T]) -> Callable[..., T]:  # bulk2's calls take no timeout: the session's
            return lambda *args, timeout=None, **kwargs: request(*args, **kwargs)  # adapter puts one on each request

        job = self._call("bulk job", what, untimed(client.create_job), "query", str(soql))
        waited, wait = 0.0, poll_wait
        while True:
            info = self._call("bulk poll", what, untimed(client.get_job), job["id"], True)
            state = info.get("state")
            if state == "JobComplete":
                break
            if state in ("Failed", "Aborted") or waited >= max_wait:
                detail = info.get("errorMessage") or f"the job is {state}"
                raise ServiceUnavailableError(f"Salesforce's Bulk API 2.0 job {job['id']} for {what} did not complete "
                                              f"({redact_secrets(str(detail))[:300]}); try again later.",
                                              system=SYSTEM, subject=what)
            self.retry.sleep(wait)
            waited += wait
            wait = min(8.0, wait * 2)
        rows: list[dict[str, str]] = []
        locator = ""
        while True:
            result = self._call("bulk results", what, untimed(client.get_query_results), job["id"], locator,
                                page_size)
            page = list(csv.DictReader(io.StringIO(result["records"])))
            rows.extend(page)
            if on_page is not None:
                on_page(len(page))
            locator = result.get("locator") or ""
            if not locator:
                return cast(list[dict[str, str]], mask_records(rows, object_name)) if self.mask_personal_data else rows

    def query_many(self, statements: Sequence[Soql]) -> list[list[Record]]:
        """Several statements, concurrently when the gateway has an executor; results in the same order."""
        if self.executor is None or len(statements) < 2:
            return [self.query(s) for s in statements]
        futures = [self.executor.submit(self.query, s) for s in statements]
        return [f.result() for f in futures]

    # --- writes ---------------------------------------------------------------------------------------
    def commerce_post(self, path: str, body: dict[str, Any], what: str) -> tuple[int, dict[str, Any]]:
        """POST a Commerce Payments request (``commerce/payments/...``) carrying an ``idempotencyKey`` (so a retry
        cannot act twice); returns Connect REST's status and body, a gateway failure's 400 included. A failure to
        get any answer raises, as for a read."""
        if not body.get("idempotencyKey"):
            raise InputError("A Commerce Payments request needs an idempotencyKey, so that a retry cannot act twice.")
        try:
            answer = self._call("commerce", what, self.sf.restful, path, method="POST", json=body)
        except ServiceError as exc:
            cause = exc.__cause__
            if isinstance(cause, sf_errors.SalesforceMalformedRequest) and isinstance(cause.content, dict):
                return cause.status, cause.content  # Connect REST's answer to a gateway failure
            raise
        return 201, answer if isinstance(answer, dict) else {}

    def create_record(self, object_name: str, values: dict[str, Any], what: str) -> str:
        """Create one record (``sobjects/{object}``), sent once (a create is not idempotent): its new Id."""
        answer = self._call("create", what, self.sf.restful, f"sobjects/{object_name}", method="POST", json=values,
                            retry=False)
        return str((answer or {}).get("id") or "")

    # --- describe -------------------------------------------------------------------------------------
    def describe_global(self) -> dict[str, Any]:
        """The org's global describe (objects, key prefixes)."""
        return self._call("describe", "the org's object list (describe)", self.sf.describe) or {}

    def describe_object(self, object_name: str) -> dict[str, Any]:
        """``sobjects/{object_name}/describe``."""
        return self._call("describe", f"the describe of {object_name}", self.sf.restful,
                          f"sobjects/{object_name}/describe") or {}


def as_gateway(source: SalesforceClient | SalesforceGateway) -> SalesforceGateway:
    """``source`` itself when it is a gateway; a session's gateway (its retries, and its masking of personal data)
    when it is a session; else a gateway (no budget cap, personal data masked) over the client."""
    if isinstance(source, SalesforceGateway):
        return source
    of_session = getattr(source, "salesforce_gateway", None)
    if callable(of_session):  # a toolkit Session (not imported here: the session layer sits above this one)
        gateway = of_session()
        if isinstance(gateway, SalesforceGateway):
            return gateway
    return SalesforceGateway(source)
