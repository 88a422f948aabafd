"""The pacer keeps requests under a rate, whichever thread sends them (a fake clock: nothing waits)."""

from __future__ import annotations

import threading

import pytest

from toolkit.core.pacing import STRIPE_RATE, Pacer, stripe_rate


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []
        self.lock = threading.Lock()

    def monotonic(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.slept.append(seconds)


def test_requests_are_spaced_one_interval_apart() -> None:
    clock = FakeTime()
    pacer = Pacer(25, monotonic=clock.monotonic, sleep=clock.sleep)
    waits = [pacer.acquire() for _ in range(5)]
    assert waits == pytest.approx([0.0, 0.04, 0.08, 0.12, 0.16])
    assert clock.slept == pytest.approx([0.04, 0.08, 0.12, 0.16]) and pacer.acquired == 5


def test_an_idle_pacer_lets_the_next_request_go_at_once() -> None:
    clock = FakeTime()
    pacer = Pacer(10, monotonic=clock.monotonic, sleep=clock.sleep)
    pacer.acquire()
    clock.now += 5
    assert pacer.acquire() == 0.0


def test_concurrent_callers_reserve_distinct_slots() -> None:
    clock = FakeTime()
    pacer = Pacer(25, monotonic=clock.monotonic, sleep=clock.sleep)
    threads = [threading.Thread(target=pacer.acquire) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 50 requests at 25 a second: the last waits 49 intervals; no two share a slot
    assert sorted(round(w, 6) for w in [0.0, *clock.slept]) == [round(i * 0.04, 6) for i in range(50)]


def test_rates_by_key_mode() -> None:
    assert stripe_rate(False) == stripe_rate(None) == STRIPE_RATE["test"] == 25
    assert stripe_rate(True) == 100
    with pytest.raises(ValueError):
        Pacer(0)
