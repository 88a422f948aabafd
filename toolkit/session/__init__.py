"""Sessions: :func:`connect` (the one place that knows live from sandbox) and :class:`Session`."""

from __future__ import annotations

from toolkit.session.connect import SF_ENV, STRIPE_ENV, connect, key_mode
from toolkit.session.session import DataSource, Session, default_data_dir

__all__ = ["SF_ENV", "STRIPE_ENV", "DataSource", "Session", "connect", "default_data_dir", "key_mode"]
