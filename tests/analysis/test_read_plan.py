"""Planning Stripe reads: retrieve each or list the window, whichever costs fewer requests; spans of equal size."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from toolkit.analysis.read_plan import Need, diagnosis_budget, expiring_budget, listing_slices, plan_reads

START = datetime(2026, 10, 14, 15, 0, tzinfo=UTC)
END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
WINDOW = (START, END)


def needs(count: int, recorded: datetime | None = END - timedelta(days=3)) -> list[Need]:
    return [Need(f"pi_{i:05d}", recorded) for i in range(count)]


def test_few_references_are_retrieved_many_are_listed() -> None:
    few = plan_reads(needs(3), WINDOW, 1500)
    assert few.strategy == "retrieve" and len(few.retrieved) == 3 and few.expected_requests == 3
    many = plan_reads(needs(1000), WINDOW, 1500, concurrency=1)
    assert many.strategy == "list" and many.pages == 15 and many.expected_requests == 15
    assert len(many.listed) == 1000 and many.retrieved == ()


def test_a_tie_goes_to_retrieving() -> None:
    assert plan_reads(needs(15), WINDOW, 1500, concurrency=1).strategy == "retrieve"
    assert plan_reads(needs(16), WINDOW, 1500, concurrency=1).strategy == "list"


def test_an_unknown_estimate_retrieves_each() -> None:
    plan = plan_reads(needs(1000), WINDOW, None)
    assert plan.strategy == "retrieve" and "could not be read" in plan.reason


def test_references_recorded_before_the_window_are_retrieved_or_skipped() -> None:
    early = [Need("pi_old", START - timedelta(days=2))]
    plan = plan_reads([*needs(500), *early], WINDOW, 1000, concurrency=1)
    assert plan.strategy == "list" and plan.retrieved == ("pi_old",) and "pi_old" not in plan.listed
    assert plan.expected_requests == 11
    skipping = plan_reads([*needs(500), *early], WINDOW, 1000, before_window="skip", concurrency=1)
    assert skipping.skipped == ("pi_old",) and skipping.retrieved == ()
    # an unknown recording time counts as inside the window (the listing is tried, then a retrieval)
    assert "pi_x" in plan_reads([*needs(500), Need("pi_x")], WINDOW, 1000).listed


def test_a_strategy_can_be_forced() -> None:
    assert plan_reads(needs(1000), WINDOW, 1500, strategy="retrieve").strategy == "retrieve"
    forced = plan_reads(needs(2), WINDOW, 1500, strategy="list")
    assert forced.strategy == "list" and forced.listed == ("pi_00000", "pi_00001")


def test_spans_cover_the_window_exactly_and_split_the_counts_evenly() -> None:
    counts = {date(2026, 10, 20) + timedelta(days=i): (100 if i < 10 else 10) for i in range(30)}
    spans = listing_slices(counts, WINDOW, 4)
    assert spans[0][0] == START and spans[-1][1] == END
    for (_, end), (start, _) in pairwise(spans):
        assert start == end + timedelta(seconds=1)
    # 1,200 summaries: about 300 in each span, so the busy first days get narrow spans
    def share(span: tuple[datetime, datetime]) -> float:
        total = 0.0
        for day, count in counts.items():
            lo = max(span[0], datetime.combine(day, datetime.min.time(), tzinfo=UTC))
            hi = min(span[1] + timedelta(seconds=1), datetime.combine(day, datetime.min.time(), tzinfo=UTC)
                     + timedelta(days=1))
            total += max(0.0, (hi - lo).total_seconds()) / 86400 * count
        return total
    assert all(abs(share(span) - 300) < 2 for span in spans)
    assert spans[0][1] - spans[0][0] < spans[-1][1] - spans[-1][0]


def test_spans_without_counts_are_equal_lengths_of_time() -> None:
    spans = listing_slices({}, WINDOW, 2)
    assert spans == [(START, START + (END - START) / 2 - timedelta(seconds=1)), (START + (END - START) / 2, END)]
    assert listing_slices({}, WINDOW, 1) == [WINDOW]


def test_budgets() -> None:
    assert (diagnosis_budget(1000, 1500).salesforce, diagnosis_budget(1000, 1500).stripe) == (6, 25)
    assert diagnosis_budget(1000, 20000).stripe == 210 and diagnosis_budget(3, 20000).stripe == 13
    assert diagnosis_budget(4001, 0).salesforce == 8
    assert (expiring_budget(2001, 485).salesforce, expiring_budget(2001, 485).stripe) == (7, 15)
