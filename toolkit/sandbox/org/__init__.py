"""The sandbox Salesforce org: schema, storage, SOQL, REST app and case-file records."""

from __future__ import annotations

from toolkit.sandbox.org.app import ApiError, RequestInfo
from toolkit.sandbox.org.org import Org

__all__ = ["ApiError", "Org", "RequestInfo"]
