"""SOQL helpers: query templates as data (render, show, run), and the describe cache.

See ``docs/soql-helpers.md`` for usage.
"""

from __future__ import annotations

from toolkit.queries.schema_cache import ChildRelationships, SchemaCache
from toolkit.queries.templates import (
    Parameter,
    Template,
    describe_template,
    field_set,
    get_template,
    help_table,
    render,
    run,
    show,
    template_names,
)

__all__ = [
    "ChildRelationships",
    "Parameter",
    "SchemaCache",
    "Template",
    "describe_template",
    "field_set",
    "get_template",
    "help_table",
    "render",
    "run",
    "show",
    "template_names",
]
