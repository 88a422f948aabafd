"""The pure analysis layer: the rules of ``docs/findings.md`` over plain records and Stripe objects.

Findings (``*_rules``, :mod:`~toolkit.analysis.findings`), failed-capture causes
(:mod:`~toolkit.analysis.capture_causes`), payment state, reconciliation, the timeline, remediation texts, the
evidence they read, and the trace's conclusions (:mod:`~toolkit.analysis.trace_analysis`). Nothing here does
I/O or imports a client, pandas, the sandbox or the views; an import contract in CI keeps it so.
"""
