from datetime import UTC, datetime, timedelta

import pytest

from toolkit.core.clock import Clock, LiveClock, parse_instant


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
