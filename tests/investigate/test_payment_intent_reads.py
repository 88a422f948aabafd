"""Reading many PaymentIntents: a listing page that fails leaves undetermined exactly the references it could have
held (never "missing"), a reference the listing does not show is retrieved on its own, and the diagnosis reports the
rows it cannot tell instead of guessing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from toolkit.analysis.read_plan import plan_reads
from toolkit.cli.main import exit_code_of
from toolkit.core.retry import RetryPolicy
from toolkit.investigate.diagnose import needs_of
from toolkit.investigate.payment_intent_reads import read_payment_intents
from toolkit.salesforce import capture_reads
from toolkit.session import Session, connect


def _demo() -> Session:
    session = connect(retry=RetryPolicy(sleep=lambda seconds: None), use_dotenv=False, env={})
    session.schema.prefixes()
    return session


def test_a_failed_listing_leaves_every_row_it_could_hold_undetermined() -> None:
    session = _demo()
    baseline = session.diagnose()
    assert baseline.stats["strategy"] == "list" and len(baseline.rows) == 14
    box = session.sandbox
    assert box is not None
    box.stripe.faults.fail("/v1/payment_intents", "unavailable", count=3)  # every try of the one page
    result = session.diagnose()
    assert result.rows == [] and result.summary() == []
    whats = [item.what for item in result.incomplete]
    assert whats[0].startswith("the PaymentIntents created from") and len(whats) == 1 + 14
    assert all(w.startswith("the cause of the failed capture PGL-") for w in whats[1:])
    assert exit_code_of(result) == 3 and "PAYMENT_INTENT_NOT_FOUND" not in result.to_text()
    box.stripe.faults.clear()
    box.stripe.faults.fail("/v1/payment_intents", "unavailable", count=1)  # the retry absorbs it
    assert session.diagnose().to_json() == baseline.to_json()


def test_a_reference_the_listing_does_not_show_is_retrieved_and_found_missing() -> None:
    session = _demo()
    box = session.sandbox
    assert box is not None
    box.clear_logs()
    result = session.diagnose()
    (typo,) = [row for row in result.rows if row.cause.value == "PAYMENT_INTENT_NOT_FOUND"]
    assert box.stripe.log.counts() == {"GET /v1/payment_intents": 1, "GET /v1/payment_intents/{id}": 1}
    assert typo.payment_intent is not None and typo.payment_intent in box.stripe.log.entries[-1].path


def test_only_the_references_a_failed_span_could_hold_are_undetermined() -> None:
    session = _demo()
    box = session.sandbox
    assert box is not None
    now = session.now()
    window = capture_reads.failed_in_window(now - timedelta(days=30), now + timedelta(seconds=1))
    with ThreadPoolExecutor(max_workers=1) as pool:  # one worker: the spans are read in order
        gateway = session.salesforce_gateway(executor=pool)
        records = capture_reads.summaries(gateway, session.schema, capture_reads.with_failures_scope(window),
                                          window=window)
        needs = needs_of(records)
        plan = plan_reads(needs, (now - timedelta(days=37), now), 200, strategy="list", concurrency=2)
        assert len(plan.slices) == 2
        box.stripe.faults.fail_requests(2, "unavailable", count=3)  # the second span's page, every try
        reads = read_payment_intents(session.stripe_gateway(), needs, plan, pool)
    later = plan.slices[1][0]
    assert [item.what for item in reads.failures] == [
        f"the PaymentIntents created from {later:%Y-%m-%d %H:%M} UTC to {plan.slices[1][1]:%Y-%m-%d %H:%M} UTC"]
    recorded_later = {n.value for n in needs if n.recorded is not None and n.recorded >= later}
    assert recorded_later and set(reads.undetermined) == recorded_later - set(reads.side.payment_intents)
    earlier = {n.value for n in needs} - recorded_later
    # recorded before the failed span: found by the first span, or retrieved on their own (the typo: missing)
    assert all(ref in reads.side.payment_intents or ref in reads.side.missing for ref in earlier)
