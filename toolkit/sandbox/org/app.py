"""The org's REST API as a WSGI application, under ``/services/data/vXX.X/`` as simple-salesforce calls it.

Routes: versions and resources, ``limits``, describe (global, per object, basic info), record CRUD,
``query`` / ``queryAll`` with query locators, plus routes added by later modules through
:meth:`OrgApp.add_route`. Every request but the versions list needs ``Authorization: Bearer <session>``
(401 ``INVALID_SESSION_ID`` otherwise) and counts against the org's API limit, reported on every
response as ``Sforce-Limit-Info: api-usage=USED/LIMIT``. Errors are JSON arrays in Salesforce's shape:
``[{"message": ..., "errorCode": ...}]``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from toolkit.core.ids import to_18
from toolkit.errors import ToolkitError
from toolkit.sandbox.org.describe import describe_global, describe_object, object_info
from toolkit.sandbox.org.records import record_to_json
from toolkit.sandbox.org.schema import SObject, get_object
from toolkit.sandbox.org.soql.literals import parse_id

if TYPE_CHECKING:
    from toolkit.sandbox.org.org import Org

__all__ = ["SUPPORTED_VERSIONS", "ApiError", "OrgApp", "QueryCursors", "RawBody", "RequestInfo", "version_label"]

#: API versions the sandbox answers (a request for another one gets 404, as an unknown version does).
SUPPORTED_VERSIONS = tuple(f"{v}.0" for v in range(52, 63))
DEFAULT_BATCH = 2000
MIN_BATCH = 200
LONG_TEXT_BATCH = 200
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VERSIONED = re.compile(r"^/services/data/v(\d+\.\d+)(?:/(.*))?$")

Handler = Callable[["RequestInfo"], tuple[int, Any]]


class ApiError(ToolkitError):
    """A Salesforce API error: HTTP status, ``errorCode``, message and, for record writes, ``fields``."""

    def __init__(self, status: int, error_code: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = fields

    def body(self) -> list[dict[str, Any]]:
        item: dict[str, Any] = {"message": self.message, "errorCode": self.error_code}
        if self.fields is not None:
            item["fields"] = self.fields
        return [item]


@dataclass(frozen=True)
class RawBody:
    """A handler's body sent as it is, with its content type and extra headers (not JSON-encoded)."""

    data: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "The requested resource does not exist")


@dataclass
class RequestInfo:
    """What a route handler sees of one request."""

    method: str
    path: str  # the full path, e.g. /services/data/v62.0/sobjects/Payment/0a6...
    api_version: str  # "62.0"
    subpath: str  # the part after /services/data/vXX.X/, no leading or trailing slash
    params: dict[str, str]  # named segments of the route pattern
    query: dict[str, str]  # query string, first value of each name
    headers: dict[str, str]  # lower-cased names; never the Authorization header
    body: Any  # parsed JSON, or None when the request had no body
    org: Org = field(repr=False)


def base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rem = divmod(number, 62)
        digits = _BASE62[rem] + digits
    return digits.rjust(width, "0")


def version_label(version: str) -> str:
    """Salesforce's release name for an API version (62.0 -> Winter '25)."""
    back = 62 - int(float(version))
    season = ("Winter", "Spring", "Summer")[(3 - back % 3) % 3]
    year = 25 - (back + 2) // 3
    return f"{season} '{year:02d}"


@dataclass
class _Cursor:
    records: list[dict[str, Any]]
    total_size: int
    batch: int


class QueryCursors:
    """Query locators: each holds a snapshot of its query's rows until the org is cleared."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cursors: dict[str, _Cursor] = {}
        self._counter = 0

    def clear(self) -> None:
        with self._lock:
            self._cursors.clear()
            self._counter = 0

    def __len__(self) -> int:
        return len(self._cursors)

    def first_page(self, records: list[dict[str, Any]], total_size: int, batch: int, api_version: str) -> dict:
        if len(records) <= batch:
            return {"totalSize": total_size, "done": True, "records": records}
        with self._lock:
            self._counter += 1
            locator = to_18("01gSB0" + base62(self._counter, 9))
            self._cursors[locator] = _Cursor(records, total_size, batch)
        return self._page(locator, 0, batch, api_version)

    def page(self, token: str, batch: int | None, api_version: str) -> dict:
        locator, _, offset_text = token.partition("-")
        cursor = self._cursors.get(locator)
        if cursor is None or not offset_text.isdigit() or int(offset_text) >= len(cursor.records):
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._page(locator, int(offset_text), batch or cursor.batch, api_version)

    def _page(self, locator: str, offset: int, batch: int, api_version: str) -> dict:
        cursor = self._cursors[locator]
        end = offset + batch
        page: dict[str, Any] = {"totalSize": cursor.total_size, "done": end >= len(cursor.records)}
        if not page["done"]:
            page["nextRecordsUrl"] = f"/services/data/v{api_version}/query/{locator}-{end}"
        page["records"] = cursor.records[offset:end]
        return page


def batch_size(headers: dict[str, str], long_text_fields: int) -> int | None:
    """The batch size asked in ``Sforce-Query-Options`` (clamped to 200..2000), capped for long text."""
    asked: int | None = None
    for option in headers.get("sforce-query-options", "").split(","):
        name, _, value = option.strip().partition("=")
        if name.strip().lower() == "batchsize" and value.strip().isdigit():
            asked = min(DEFAULT_BATCH, max(MIN_BATCH, int(value.strip())))
    if long_text_fields >= 2:
        return min(asked or LONG_TEXT_BATCH, LONG_TEXT_BATCH)
    return asked


class OrgApp:
    """The WSGI callable serving one :class:`~toolkit.sandbox.org.org.Org`."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.cursors = QueryCursors()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._custom: list[tuple[str, re.Pattern[str], Handler]] = []
        for method, pattern, handler in (
            ("GET", "", self._resources),
            ("GET", "limits", self._limits),
            ("GET", "sobjects", self._describe_global),
            ("GET", "sobjects/{object}", self._object_info),
            ("POST", "sobjects/{object}", self._create),
            ("GET", "sobjects/{object}/describe", self._describe),
            ("GET", "sobjects/{object}/{id}", self._get),
            ("PATCH", "sobjects/{object}/{id}", self._update),
            ("DELETE", "sobjects/{object}/{id}", self._delete),
            ("GET", "query", self._query),
            ("GET", "queryAll", self._query_all),
            ("GET", "query/{locator}", self._query_more),
            ("GET", "queryAll/{locator}", self._query_more),
        ):
            self._routes.append((method, _compile(pattern), handler))

    def add_route(self, method: str, pattern: str, handler: Handler) -> None:
        """Serve ``METHOD /services/data/vXX.X/<pattern>`` (``{name}`` matches one segment) with ``handler``.

        Added routes are tried before the built-in ones, the latest added first (so a test can override
        the connector's routes). ``handler(info)`` returns ``(status, body)``;
        a body of None sends no content; raising :class:`ApiError` sends Salesforce's error shape.
        """
        with self.org.lock:
            self._custom.insert(0, (method.upper(), _compile(pattern.strip("/")), handler))

    # --- WSGI ----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            status, body = self._dispatch(environ)
        except ApiError as exc:
            status, body = exc.status, exc.body()
        except Exception as exc:
            status, body = 500, [{"errorCode": "UNKNOWN_EXCEPTION",
                                  "message": f"An unexpected error occurred in the sandbox org: {type(exc).__name__}"}]
        headers = [("Sforce-Limit-Info", self.org.limit_info())]
        payload = b""
        if isinstance(body, RawBody):  # a body that is not JSON (Bulk API 2.0 query results are CSV)
            payload = body.data
            headers += [("Content-Type", body.content_type), *body.headers.items()]
        elif body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers.append(("Content-Type", "application/json;charset=UTF-8"))
        headers.append(("Content-Length", str(len(payload))))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [payload]

    def _dispatch(self, environ: dict[str, Any]) -> tuple[int, Any]:
        method = environ["REQUEST_METHOD"].upper()
        path = environ.get("PATH_INFO") or "/"
        if path.rstrip("/") == "/services/data":
            if method != "GET":
                raise _method_not_allowed(method, ["GET"])
            return 200, [{"label": version_label(v), "url": f"/services/data/v{v}", "version": v}
                         for v in SUPPORTED_VERSIONS]
        match = _VERSIONED.match(path)
        if match is None or match.group(1) not in SUPPORTED_VERSIONS:
            raise not_found()
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        self._authenticate(headers.pop("authorization", ""))  # handlers never see the session
        self.org.count_request()
        subpath = (match.group(2) or "").strip("/")
        handler, params = self._route(method, subpath)
        info = RequestInfo(method=method, path=path, api_version=match.group(1), subpath=subpath, params=params,
                           query={k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""),
                                                               keep_blank_values=True).items()},
                           headers=headers, body=_read_body(environ), org=self.org)
        return handler(info)

    def _authenticate(self, authorization: str) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() not in ("bearer", "oauth") or token.strip() != self.org.session_id:
            raise ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")

    def _route(self, method: str, subpath: str) -> tuple[Handler, dict[str, str]]:
        allowed: list[str] = []
        for route_method, regex, handler in [*self._custom, *self._routes]:
            match = regex.match(subpath)
            if match is None:
                continue
            if route_method == method:
                return handler, match.groupdict()
            allowed.append(route_method)
        if allowed:
            raise _method_not_allowed(method, allowed)
        raise not_found()

    # --- handlers ------------------------------------------------------------------------------
    def _resources(self, info: RequestInfo) -> tuple[int, Any]:
        base = f"/services/data/v{info.api_version}"
        return 200, {name: f"{base}/{name}" for name in ("limits", "query", "queryAll", "sobjects")}

    def _limits(self, info: RequestInfo) -> tuple[int, Any]:
        return 200, {"DailyApiRequests": {"Max": self.org.limit, "Remaining": max(0, self.org.limit - self.org.usage)}}

    def _describe_global(self, info: RequestInfo) -> tuple[int, Any]:
        return 200, describe_global(info.api_version)

    def _object_info(self, info: RequestInfo) -> tuple[int, Any]:
        return 200, object_info(_object(info), info.api_version)

    def _describe(self, info: RequestInfo) -> tuple[int, Any]:
        return 200, describe_object(_object(info), info.api_version)

    def _get(self, info: RequestInfo) -> tuple[int, Any]:
        obj = _object(info)
        raw_id = info.params["id"]
        record_id = parse_id(raw_id)
        if record_id is None or record_id[:3] != obj.key_prefix:
            # Salesforce reads anything that is not an id of this object as an external id lookup
            raise ApiError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: "
                           f"{raw_id}")
        row = self.org.store.get(obj.name, record_id, include_deleted=True)
        if row is None:
            raise not_found()
        if row["IsDeleted"]:
            raise ApiError(404, "ENTITY_IS_DELETED", "entity is deleted", [])
        fields = None
        if "fields" in info.query:
            fields = []
            for name in (n.strip() for n in info.query["fields"].split(",")):
                fld = obj.field_ci(name)
                if fld is None:
                    raise ApiError(400, "INVALID_FIELD", f"No such column '{name}' on entity '{obj.name}'. If you are "
                                   "attempting to use a custom field, be sure to append the '__c' after the custom "
                                   "field name. Please reference your WSDL or the describe call for the appropriate "
                                   "names.")
                if fld not in fields:
                    fields.append(fld)
        return 200, record_to_json(obj, row, info.api_version, fields)

    def _create(self, info: RequestInfo) -> tuple[int, Any]:
        obj = _object(info)
        record_id = self.org.create(obj.name, _body_object(info))
        return 201, {"id": record_id, "success": True, "errors": []}

    def _update(self, info: RequestInfo) -> tuple[int, Any]:
        obj = _object(info)
        self.org.update(obj.name, info.params["id"], _body_object(info))
        return 204, None

    def _delete(self, info: RequestInfo) -> tuple[int, Any]:
        obj = _object(info)
        self.org.delete(obj.name, info.params["id"])
        return 204, None

    def _query(self, info: RequestInfo, include_deleted: bool = False) -> tuple[int, Any]:
        from toolkit.sandbox.org.soql import SoqlError, execute

        soql = info.query.get("q", "").strip()
        if not soql:
            raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
        try:
            result = execute(soql, self.org.store, now=self.org.clock.now(), api_version=info.api_version,
                             include_deleted=include_deleted, settings=self.org.settings)
        except SoqlError as exc:
            raise ApiError(exc.status, exc.error_code, exc.message) from None
        if result.aggregate and len(result.records) > DEFAULT_BATCH:
            raise ApiError(400, "MALFORMED_QUERY", "Aggregate query does not support queryMore(), use LIMIT to "
                           "restrict the results to a single batch")
        batch = batch_size(info.headers, result.long_text_fields) or DEFAULT_BATCH
        if result.aggregate:
            batch = max(batch, len(result.records))
        return 200, self.cursors.first_page(list(result.records), result.total_size, batch, info.api_version)

    def _query_all(self, info: RequestInfo) -> tuple[int, Any]:
        return self._query(info, include_deleted=True)

    def _query_more(self, info: RequestInfo) -> tuple[int, Any]:
        return 200, self.cursors.page(info.params["locator"], batch_size(info.headers, 0), info.api_version)


def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for segment in pattern.split("/") if pattern else []:
        name = re.fullmatch(r"\{(\w+)\}", segment)
        parts.append(f"(?P<{name.group(1)}>[^/]+)" if name else re.escape(segment))
    return re.compile("^" + "/".join(parts) + "$")


def _object(info: RequestInfo) -> SObject:
    obj = get_object(info.params["object"])
    if obj is None:
        raise not_found()
    return obj


def _is_id(value: str) -> bool:
    return len(value) == 18 and value.isalnum()


def _read_body(environ: dict[str, Any]) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "JSON_PARSER_ERROR", f"Unexpected character in the request body: {exc}") from None


def _body_object(info: RequestInfo) -> dict[str, Any]:
    if not isinstance(info.body, dict):
        raise ApiError(400, "JSON_PARSER_ERROR",
                       "Cannot deserialize instance of the record from the request body; send a JSON object")
    return {k: v for k, v in info.body.items() if k != "attributes"}


def _method_not_allowed(method: str, allowed: list[str]) -> ApiError:
    unique = ",".join(dict.fromkeys(allowed))
    return ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {unique}")


