"""Investigations: subjects, the trace's fetch plan, the trace and the failed-capture diagnosis. They read
through the session's gateways, then hand plain data to :mod:`toolkit.analysis`."""
