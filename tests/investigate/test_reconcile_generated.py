"""Batch reconciliation of a world the team has not seen: a freshly generated, seeded world (more anomalies than the
demo world, PaymentIntents over several pages), reconciled and traced order by order, within the request budget."""

from __future__ import annotations

import pytest
from reconcile_checks import check_budget, codes_by_order, disagreements

from toolkit.core.retry import RetryPolicy
from toolkit.session import DataSource, Session
from toolkit.session.connect import key_mode

ORDERS = 360


@pytest.fixture(scope="module")
def generated() -> Session:
    from toolkit.sandbox import SANDBOX_SECRET_KEY
    from toolkit.sandbox.world.generate import generate

    box, _ = generate(ORDERS, anomaly_share=0.25, seed=20261128)
    session = Session(sf=box.salesforce(), stripe=box.stripe_client(), clock=box.clock, mode="sandbox", sandbox=box,
                      source="generated world", stripe_livemode=key_mode(SANDBOX_SECRET_KEY),
                      data_source=DataSource("case", "generated world", "sandbox", "test"),
                      retry=RetryPolicy(sleep=lambda seconds: None))
    session.schema.prefixes()
    return session


def test_a_generated_world_agrees_with_the_trace_within_the_budget(generated: Session) -> None:
    box = generated.sandbox
    assert box is not None
    box.clear_logs()
    result = generated.reconcile(progress=False)
    assert not result.incomplete
    counts = check_budget(generated, result)
    assert counts["n"] >= ORDERS and counts["lists"] >= 6  # several pages of PaymentIntents
    assert len(codes_by_order(result)) == ORDERS
    assert sum(1 for row in result.rows if row.findings) >= ORDERS // 5
    assert disagreements(generated, result) == []
