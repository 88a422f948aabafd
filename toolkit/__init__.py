"""Investigation toolkit for orders paid through the Stripe Connector for Salesforce Order Management."""

from __future__ import annotations

from toolkit.clock import Clock, LiveClock
from toolkit.errors import CaseFileError, InputError, NotFoundError, ToolkitError

__all__ = [
    "CaseFileError",
    "Clock",
    "InputError",
    "LiveClock",
    "NotFoundError",
    "ToolkitError",
]
