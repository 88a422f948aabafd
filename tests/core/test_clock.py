from datetime import UTC, datetime, timedelta

import pytest

from toolkit.core.clock import Clock, LiveClock, parse_duration, parse_instant
from toolkit.errors import InputError


def test_parse_instant_accepts_salesforce_and_iso_forms():
    expected = datetime(2026, 11, 8, 10, 12, tzinfo=UTC)
    assert parse_instant("2026-11-08T10:12:00.000+0000") == expected
    assert parse_instant("2026-11-08T10:12:00Z") == expected
    assert parse_instant("2026-11-08T11:12:00+01:00") == expected
    assert parse_instant(int(expected.timestamp())) == expected


def test_parse_instant_rejects_garbage_with_a_clear_message():
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_instant("yesterday-ish")


def test_clock_set_advance_and_listeners():
    clock = Clock("2026-11-20T15:00:00Z")
    seen = []
    clock.on_change(seen.append)
    clock.advance(days=1, hours=2)
    assert clock.now() == datetime(2026, 11, 21, 17, 0, tzinfo=UTC)
    assert clock.timestamp() == int(clock.now().timestamp())
    clock.set("2026-01-01T00:00:00Z")
    assert seen == [datetime(2026, 11, 21, 17, 0, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)]
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))


def test_live_clock_cannot_be_moved():
    clock = LiveClock()
    assert clock.now().tzinfo is not None
    with pytest.raises(TypeError):
        clock.advance(days=1)
    with pytest.raises(TypeError):
        clock.set("2026-01-01T00:00:00Z")


@pytest.mark.parametrize(("value", "unit", "expected"), [("48", "hours", timedelta(hours=48)),
                                                         ("1.5", "days", timedelta(days=1.5)),
                                                         ("720", "hours", timedelta(hours=720))])
def test_a_duration_option_is_a_positive_bounded_number(value: str, unit: str, expected: timedelta) -> None:
    assert parse_duration(value, option="--x", unit=unit, limit=720, example="48") == expected


@pytest.mark.parametrize("value", ["0", "-1", "720.5", "nan", "inf", "forty", ""])
def test_any_other_duration_is_one_sentence_naming_the_option(value: str) -> None:
    with pytest.raises(InputError) as info:
        parse_duration(value, option="--within", unit="hours", limit=720, example="48")
    assert str(info.value) == f"--within {value!r} is not a number of hours above 0 and at most 720, such as 48."
