"""The sandbox org's SOQL engine: a lark grammar, a small syntax tree, and an executor over the org store.

``execute(soql, store, now=...)`` returns records in Salesforce's JSON shape or raises :class:`SoqlError`
with Salesforce's error code and message for anything Salesforce would refuse (or that the sandbox does not
support: never silently ignored).
"""

from toolkit.sandbox.org.soql.errors import SoqlError
from toolkit.sandbox.org.soql.executor import QueryResult, execute
from toolkit.sandbox.org.soql.parser import parse

__all__ = ["QueryResult", "SoqlError", "execute", "parse"]
