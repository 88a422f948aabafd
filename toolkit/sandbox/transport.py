"""An in-process HTTP transport: a ``requests`` adapter that answers from a WSGI application.

Mounted on one ``requests.Session`` for one origin (``https://org.sandbox.invalid``), it serves every
request the real ``simple_salesforce`` and ``stripe`` clients send through that session, with no
socket and no global patching. It also injects faults (latency, scheduled failures, timeouts) and
keeps a request log with counts per endpoint, for tests and benchmarks.
"""

from __future__ import annotations

import fnmatch
import io
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.response import HTTPResponse

__all__ = [
    "FAULT_KINDS",
    "FaultPlan",
    "LoggedRequest",
    "RequestLog",
    "WSGIAdapter",
    "endpoint_of",
]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# An app-specific renderer turns a fault kind into (status, headers, body bytes).
FaultRenderer = Callable[[str], tuple[int, dict[str, str], bytes]]

#: Fault kinds a plan can schedule. ``timeout`` raises ``requests.exceptions.ConnectTimeout`` in the
#: client; the others become responses rendered by the app in its own system's error shape.
FAULT_KINDS = (
    "server_error",  # HTTP 500
    "unavailable",  # HTTP 503
    "invalid_session",  # Salesforce 401 INVALID_SESSION_ID
    "request_limit",  # Salesforce 403 REQUEST_LIMIT_EXCEEDED
    "rate_limit",  # Stripe 429 rate_limit
    "lock_timeout",  # Stripe 429 lock_timeout
    "timeout",  # no answer: connection timeout
    "response_lost",  # the server acts, then the answer is lost: a read timeout in the client
)

_ID_SEGMENT = re.compile(
    r"^(?:[a-zA-Z0-9]{15}|[a-zA-Z0-9]{18}|[a-z]{2,5}_[A-Za-z0-9]+|01g[A-Za-z0-9]+-\d+)$"
)


def endpoint_of(method: str, path: str) -> str:
    """Normalise a request to an endpoint key: ids and cursors become ``{id}``.

    ``GET /services/data/v62.0/sobjects/Payment/0a6...`` -> ``GET /services/data/v62.0/sobjects/Payment/{id}``
    """
    parts = []
    for segment in path.split("/"):
        parts.append("{id}" if segment and _ID_SEGMENT.match(segment) and not segment.isalpha() else segment)
    return f"{method.upper()} {'/'.join(parts)}"


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: str
    status: int | None  # None when the request timed out
    endpoint: str
    fault: str | None = None
    timeout: Any = None  # what the client passed as its timeout (None: it would wait forever)


@dataclass
class RequestLog:
    """Every request an app answered (or a fault swallowed), in order."""

    entries: list[LoggedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def count(self) -> int:
        return len(self.entries)

    def counts(self) -> dict[str, int]:
        """Requests per endpoint key, sorted by key."""
        with self._lock:
            counter = Counter(entry.endpoint for entry in self.entries)
        return dict(sorted(counter.items()))


@dataclass
class _ScheduledFault:
    pattern: str
    kind: str
    remaining: int
    method: str | None
    first: int = 0  # by request number: fire on requests number first, first + 1, ... (0: by pattern)


class FaultPlan:
    """Faults to inject: a latency added to every request, and failures scheduled by path pattern.

    Patterns are shell-style globs matched against the request path (``*/query*``,
    ``/v1/payment_intents/*/capture``); each scheduled failure fires ``count`` times, then is spent.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latency: float = 0.0
        self._scheduled: list[_ScheduledFault] = []
        self.seen = 0  # requests this plan has seen since it was created or cleared

    def set_latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        self.latency = float(seconds)

    def fail(self, pattern: str, kind: str, count: int = 1, *, method: str | None = None) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose one of {', '.join(FAULT_KINDS)}")
        if count < 1:
            raise ValueError("a scheduled failure must fire at least once")
        with self._lock:
            self._scheduled.append(_ScheduledFault(pattern, kind, count, method.upper() if method else None))

    def fail_requests(self, first: int, kind: str, count: int = 1) -> None:
        """Fail the requests numbered ``first`` .. ``first + count - 1`` from now on (1 is the next request),
        whatever their path: a fault matrix can hit every request of an operation in turn."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose one of {', '.join(FAULT_KINDS)}")
        if first < 1 or count < 1:
            raise ValueError("requests are numbered from 1, and a scheduled failure must fire at least once")
        with self._lock:
            self._scheduled.append(_ScheduledFault("*", kind, count, None, self.seen + first))

    def clear(self) -> None:
        with self._lock:
            self.latency = 0.0
            self._scheduled.clear()
            self.seen = 0

    @property
    def pending(self) -> int:
        with self._lock:
            return sum(item.remaining for item in self._scheduled)

    def take(self, method: str, path: str) -> str | None:
        """Return the fault kind due for this request, spending one firing, or None."""
        with self._lock:
            self.seen += 1
            for item in self._scheduled:
                if item.first:
                    if self.seen >= item.first and item.remaining:
                        item.remaining -= 1
                        if not item.remaining:
                            self._scheduled.remove(item)
                        return item.kind
                    continue
                method_matches = item.method in (None, method.upper())
                if item.remaining and method_matches and fnmatch.fnmatchcase(path, item.pattern):
                    item.remaining -= 1
                    if not item.remaining:
                        self._scheduled.remove(item)
                    return item.kind
        return None


class WSGIAdapter(BaseAdapter):
    """Answer ``requests`` calls from a WSGI app, in process."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        faults: FaultPlan | None = None,
        log: RequestLog | None = None,
        render_fault: FaultRenderer | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.faults = faults if faults is not None else FaultPlan()
        self.log = log if log is not None else RequestLog()
        self.render_fault = render_fault

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        url = urlsplit(request.url or "")
        method = (request.method or "GET").upper()
        path = url.path or "/"
        endpoint = endpoint_of(method, path)
        if self.faults.latency:
            time.sleep(self.faults.latency)
        kind = self.faults.take(method, path)
        if kind == "timeout":
            self.log.add(LoggedRequest(method, path, url.query, None, endpoint, kind, timeout))
            raise requests.exceptions.ConnectTimeout(f"sandbox: injected connection timeout for {method} {path}",
                                                     request=request)
        if kind is not None and kind != "response_lost":
            if self.render_fault is None:
                status, headers, body = 500, {"Content-Type": "application/json"}, b'{"error": "injected fault"}'
            else:
                status, headers, body = self.render_fault(kind)
            self.log.add(LoggedRequest(method, path, url.query, status, endpoint, kind, timeout))
            return self._build_response(request, status, headers, body)

        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname or "localhost",
            "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme or "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value

        captured: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = headers
            return lambda chunk: None

        chunks = self.app(environ, start_response)
        try:
            payload = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status = captured["status"]
        if kind == "response_lost":  # the server acted; the client never hears back
            self.log.add(LoggedRequest(method, path, url.query, status, endpoint, kind, timeout))
            raise requests.exceptions.ReadTimeout(f"sandbox: the answer to {method} {path} was lost (injected)",
                                                  request=request)
        self.log.add(LoggedRequest(method, path, url.query, status, endpoint, None, timeout))
        return self._build_response(request, status, dict(captured["headers"]), payload)

    @staticmethod
    def _build_response(request: requests.PreparedRequest, status: int, headers: dict[str, str],
                        body: bytes) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response.raw = HTTPResponse(body=io.BytesIO(body), status=status, headers=headers, preload_content=False)
        response._content = body
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        response.reason = _phrase(status)
        return response

    def close(self) -> None:  # nothing to release
        pass


def _phrase(status: int) -> str:
    """The standard reason phrase of an HTTP status (empty for a code outside the standard)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
