"""Bulk API 2.0 query jobs, as Salesforce documents them, for the sandbox org.

Routes (``/services/data/vXX.X/``):

- ``POST jobs/query`` with ``{"operation": "query" | "queryAll", "query": SOQL, "contentType": "CSV",
  "columnDelimiter": "COMMA", "lineEnding": "LF"}``: creates a job (id with key prefix ``750``) in state
  ``UploadComplete``. The query is checked as Bulk API 2.0 checks it: no child (parent-to-child) subquery
  (``FeatureNotEnabled: Aggregate Relationships not supported in Bulk V2 Query with CSV content type``), no
  aggregate function, GROUP BY, OFFSET or TYPEOF (``INVALIDJOB``); any other SOQL error is the REST query's.
  The rows are read when the job is created (a snapshot).
- ``GET jobs/query/{id}``: the job's info; ``state`` becomes ``JobComplete`` after ``polls_to_complete`` polls
  (``InProgress`` before), with ``numberRecordsProcessed``.
- ``GET jobs/query/{id}/results?locator=&maxRecords=``: a CSV set (``text/csv``), every value quoted, header row
  first, a null as an empty value, datetimes as ``2026-11-20T15:00:00.000Z``, booleans ``true``/``false``; headers
  ``Sforce-NumberOfRecords`` and ``Sforce-Locator`` (the next set's locator, or ``null`` on the last set). Results
  of a job that is not complete are refused (``400 INVALIDJOB``), as is an unknown locator.
- ``PATCH jobs/query/{id}`` (``{"state": "Aborted"}``) and ``DELETE jobs/query/{id}``.

``maxRecords`` defaults to ``default_page`` (Salesforce sizes sets by bytes; the sandbox by rows).
"""

from __future__ import annotations

import base64
import csv
import io
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.core.ids import to_18
from toolkit.sandbox.org.app import ApiError, RawBody, RequestInfo, base62

if TYPE_CHECKING:
    from toolkit.sandbox.org.org import Org

__all__ = ["BulkQueries"]

_SUBQUERY = "Aggregate Relationships not supported in Bulk V2 Query with CSV content type"


@dataclass
class _Job:
    id: str
    operation: str
    object: str
    query: str
    created: str
    api_version: str
    columns: list[str]
    rows: list[list[str]]
    polls: int = 0
    state: str = "UploadComplete"
    extra: dict[str, Any] = field(default_factory=dict)

    def info(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "operation": self.operation, "object": self.object, "createdById": "005SB0000000001AAA",
            "createdDate": self.created, "systemModstamp": self.created, "state": self.state,
            "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(self.api_version),
            "lineEnding": "LF", "columnDelimiter": "COMMA"}
        if self.state == "JobComplete":
            out.update(jobType="V2Query", numberRecordsProcessed=len(self.rows), retries=0, totalProcessingTime=1)
        return out


class BulkQueries:
    """The org's Bulk API 2.0 query jobs (installed on the org's app at construction)."""

    def __init__(self, org: Org, *, polls_to_complete: int = 1, default_page: int = 50_000) -> None:
        self.org = org
        self.polls_to_complete = polls_to_complete
        self.default_page = default_page
        self.jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._counter = 0
        org.add_route("POST", "jobs/query", self._create)
        org.add_route("GET", "jobs/query/{job}", self._get)
        org.add_route("PATCH", "jobs/query/{job}", self._abort)
        org.add_route("DELETE", "jobs/query/{job}", self._delete)
        org.add_route("GET", "jobs/query/{job}/results", self._results)

    # --- handlers --------------------------------------------------------------------------------
    def _create(self, info: RequestInfo) -> tuple[int, Any]:
        from toolkit.sandbox.org.soql import SoqlError, execute
        from toolkit.sandbox.org.soql.parser import parse

        body = info.body if isinstance(info.body, dict) else {}
        operation = body.get("operation")
        soql = str(body.get("query") or "").strip()
        if operation not in ("query", "queryAll"):
            raise ApiError(400, "INVALIDJOB", f"Invalid operation: {operation!r}; a query job takes query or queryAll")
        if body.get("contentType", "CSV") != "CSV" or body.get("columnDelimiter", "COMMA") != "COMMA" \
                or body.get("lineEnding", "LF") != "LF":
            raise ApiError(400, "INVALIDJOB", "The sandbox writes CSV with COMMA and LF only")
        if not soql:
            raise ApiError(400, "INVALIDJOB", "A query job needs a query")
        try:
            query = parse(soql)
            _refuse_unsupported(query)
            result = execute(soql, self.org.store, now=self.org.clock.now(), api_version=info.api_version,
                             include_deleted=operation == "queryAll", settings=self.org.settings)
        except SoqlError as exc:
            raise ApiError(exc.status, exc.error_code, exc.message) from None
        columns = _columns(query)
        rows = [[_cell(_value(record, path)) for path in columns] for record in result.records]
        with self._lock:
            self._counter += 1
            job_id = to_18("750SB0" + base62(self._counter, 9))
            created = self.org.clock.now().strftime("%Y-%m-%dT%H:%M:%S.000+0000")
            job = _Job(job_id, operation, query.object_name, soql, created, info.api_version,
                       [".".join(path) for path in columns], rows)
            self.jobs[job_id] = job
        return 200, job.info()

    def _job(self, info: RequestInfo) -> _Job:
        job = self.jobs.get(info.params["job"])
        if job is None:
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        return job

    def _get(self, info: RequestInfo) -> tuple[int, Any]:
        job = self._job(info)
        with self._lock:
            if job.state in ("UploadComplete", "InProgress"):
                job.polls += 1
                job.state = "JobComplete" if job.polls >= self.polls_to_complete else "InProgress"
        return 200, job.info()

    def _abort(self, info: RequestInfo) -> tuple[int, Any]:
        job = self._job(info)
        state = (info.body or {}).get("state") if isinstance(info.body, dict) else None
        if state != "Aborted":
            raise ApiError(400, "INVALIDJOB", "A query job can only be set to Aborted")
        with self._lock:
            job.state = "Aborted"
        return 200, job.info()

    def _delete(self, info: RequestInfo) -> tuple[int, Any]:
        job = self._job(info)
        with self._lock:
            self.jobs.pop(job.id, None)
        return 204, None

    def _results(self, info: RequestInfo) -> tuple[int, Any]:
        job = self._job(info)
        if job.state != "JobComplete":
            raise ApiError(400, "INVALIDJOB", f"The job {job.id} is {job.state}: results are available once it is "
                                              "JobComplete")
        if info.api_version != job.api_version:
            raise ApiError(409, "INVALIDJOB", "Get the results with the API version the job was created with")
        offset = _offset(info.query.get("locator", ""), len(job.rows))
        size_text = info.query.get("maxRecords", "")
        size = int(size_text) if size_text.isdigit() and int(size_text) > 0 else self.default_page
        chunk = job.rows[offset:offset + size]
        end = offset + len(chunk)
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(job.columns)
        writer.writerows(chunk)
        locator = _locator(end) if end < len(job.rows) else "null"
        return 200, RawBody(out.getvalue().encode("utf-8"), "text/csv",
                            {"Sforce-NumberOfRecords": str(len(chunk)), "Sforce-Locator": locator})


def _refuse_unsupported(query: Any) -> None:
    from toolkit.sandbox.org.soql import nodes as n
    from toolkit.sandbox.org.soql.aggregates import is_aggregate

    if any(isinstance(item, n.SelectSubquery) for item in query.select):
        raise ApiError(400, "FeatureNotEnabled", _SUBQUERY)
    if is_aggregate(query) or query.group_by:
        raise ApiError(400, "INVALIDJOB", "Aggregate queries (COUNT(), SUM() ..., GROUP BY) are not supported in "
                                          "Bulk API 2.0 query jobs")
    if query.offset is not None:
        raise ApiError(400, "INVALIDJOB", "OFFSET is not supported in Bulk API 2.0 query jobs")
    if any(isinstance(item, n.SelectFunction) for item in query.select):
        raise ApiError(400, "INVALIDJOB", "Functions in the SELECT clause are not supported in Bulk API 2.0 query "
                                          "jobs")
    if any(isinstance(item, n.SelectTypeof) for item in query.select):
        raise ApiError(400, "INVALIDJOB", "TYPEOF is not supported in Bulk API 2.0 query jobs")


def _columns(query: Any) -> list[tuple[str, ...]]:
    return [item.ref.path for item in query.select]


def _value(record: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at a (case-insensitive) field path of a REST-shaped record; None through a null parent."""
    current: Any = record
    for name in path:
        if not isinstance(current, dict):
            return None
        key = next((k for k in current if k.lower() == name.lower()), None)
        if key is None:
            return None
        current = current[key]
    return current


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str) and len(value) == 28 and value.endswith("+0000") and value[10] == "T":
        return value[:-5] + "Z"  # 2026-11-20T15:00:00.000+0000 -> 2026-11-20T15:00:00.000Z
    return str(value)


def _locator(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(locator: str, total: int) -> int:
    if not locator:
        return 0
    try:
        text = base64.urlsafe_b64decode(locator + "=" * (-len(locator) % 4)).decode()
        prefix, _, number = text.partition(":")
        offset = int(number)
        if prefix != "offset" or not 0 < offset < total:
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "INVALIDJOB", f"Invalid locator: {locator}") from None
    return offset
