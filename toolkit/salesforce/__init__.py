"""Salesforce: the gateway every request goes through, SOQL as data, describes, the locate step, the record
chain, gateway-log helpers and DataFrames of query records."""

from __future__ import annotations

from toolkit.salesforce.gateway import SalesforceGateway
from toolkit.salesforce.record_chain import RecordChain, chain_for
from toolkit.salesforce.schema import SchemaCache

__all__ = ["RecordChain", "SalesforceGateway", "SchemaCache", "chain_for"]
