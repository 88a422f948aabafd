"""SOQL helpers for analysts: query templates as data (render, show, run), and the describe cache.

See ``docs/soql-helpers.md`` for usage. Every statement comes from ``templates.json`` and runs through a
:class:`~toolkit.salesforce.gateway.SalesforceGateway`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit.salesforce.frames import records_frame
from toolkit.salesforce.gateway import SalesforceClient, SalesforceGateway, as_gateway
from toolkit.salesforce.schema import ChildRelationships, SchemaCache
from toolkit.salesforce.templates import (
    Parameter,
    Soql,
    Template,
    describe_template,
    field_set,
    get_template,
    help_table,
    render,
    show,
    statement_names,
    template_names,
)

__all__ = [
    "ChildRelationships",
    "Parameter",
    "SchemaCache",
    "Soql",
    "Template",
    "describe_template",
    "field_set",
    "get_template",
    "help_table",
    "render",
    "run",
    "show",
    "statement_names",
    "template_names",
]


def run(sf: SalesforceClient | SalesforceGateway, name: str, **params: Any) -> pd.DataFrame:
    """Run template ``name`` (every page) and return a DataFrame (see :mod:`toolkit.salesforce.frames`)."""
    soql = render(name, **params)
    return records_frame(as_gateway(sf).query(soql), soql=soql)
