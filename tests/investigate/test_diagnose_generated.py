"""The failed-capture diagnosis on a freshly generated, seeded world (not the demo world): every failed capture gets
its scenario's cause, the summary adds up per currency, and the requests stay within the budget whichever way
Stripe is read."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from generated_worlds import created_between, session_over, world

from toolkit.analysis.read_plan import diagnosis_budget
from toolkit.core.money import parse_amount

#: 600 orders: 10% anomalies (every scenario of the catalogue) and 150 more ending in a failed capture.
WORLD = (600, 0.1, 20261, 150)


@pytest.fixture(scope="module")
def generated():
    box, manifest = world(*WORLD)
    session = session_over(box)
    diagnosis = session.diagnose()
    return box, manifest, session, diagnosis, (box.org.log.count, box.stripe.log.count)


def test_every_failed_capture_gets_its_scenario_cause(generated) -> None:
    _box, manifest, _session, diagnosis, _counts = generated
    expected = {o["order_number"]: sorted(o["expected_causes"]) for o in manifest if o["expected_causes"]}
    found = defaultdict(list)
    for row in diagnosis.rows:
        found[row.order_number].append(str(row.cause))
    assert {number: sorted(causes) for number, causes in found.items()} == expected
    assert diagnosis.incomplete == [] and len(diagnosis.rows) >= 150
    assert len({row.log_id for row in diagnosis.rows}) == len(diagnosis.rows)


def test_the_summary_adds_up_per_currency(generated) -> None:
    diagnosis = generated[3]
    summary = diagnosis.summary()
    assert sum(item["count"] for item in summary) == len(diagnosis.rows)
    per_currency: dict[str, Decimal] = defaultdict(Decimal)
    for row in diagnosis.rows:
        per_currency[row.currency] += row.amount_at_risk
    summed: dict[str, Decimal] = defaultdict(Decimal)
    for item in summary:
        summed[item["currency"]] += parse_amount(item["amount_at_risk"], item["currency"], allow_zero=True)
    assert summed == per_currency and len(per_currency) > 1  # several currencies, never added together
    counts = Counter((str(r.cause), r.currency) for r in diagnosis.rows)
    assert {(i["cause"], i["currency"]): i["count"] for i in summary} == dict(counts)
    frame = diagnosis.summary_frame()
    assert list(frame.columns) == ["cause", "currency", "count", "amount_at_risk"] and frame["count"].sum() == len(
        diagnosis.rows)


def test_the_request_budget_holds(generated) -> None:
    box, _manifest, _session, diagnosis, (salesforce, stripe) = generated
    k = diagnosis.stats["failed_logs"]
    m = created_between(box, diagnosis.since - timedelta(days=7), diagnosis.until)
    budget = diagnosis_budget(k, m)
    assert diagnosis.stats["strategy"] == "list"
    assert salesforce <= budget.salesforce and stripe <= budget.stripe, (salesforce, stripe, budget)
    assert diagnosis.stats["salesforce_requests"] == salesforce and diagnosis.stats["stripe_requests"] == stripe


def test_retrieving_each_payment_intent_gives_the_same_diagnosis(generated) -> None:
    box, _manifest, session, diagnosis, _counts = generated
    from toolkit.investigate.diagnose import diagnose

    box.clear_logs()
    retrieved = diagnose(session, strategy="retrieve")
    assert retrieved.to_json() == diagnosis.to_json()
    references = retrieved.stats["references"]
    assert box.stripe.log.counts() == {"GET /v1/payment_intents/{id}": references}
    assert references <= retrieved.stats["failed_logs"]  # min(k, ...): one reference per failed row at most


def test_a_window_holds_only_its_rows(generated) -> None:
    _box, _manifest, session, diagnosis, _counts = generated
    middle = diagnosis.since + (diagnosis.until - diagnosis.since) / 2
    later = session.diagnose(since=middle)
    assert [r.log_id for r in later.rows] == [r.log_id for r in diagnosis.rows if r.created >= middle]
