"""Record counters per system: off when standard error is not a terminal, counting all the same."""

from __future__ import annotations

from toolkit.views.progress import record_bars


def test_bars_are_off_without_a_terminal_but_still_count() -> None:
    bars = record_bars(("Salesforce", "Stripe"))  # pytest captures standard error: not a terminal
    assert not bars.shown
    bars.add("Stripe", 100)
    bars.add("Stripe", 20)
    bars.close()
    assert bars.counts == {"Salesforce": 0, "Stripe": 120}


def test_bars_on_request_write_to_standard_error(capsys) -> None:
    bars = record_bars(("Salesforce", "Stripe"), True)
    assert bars.shown
    bars.add("Salesforce", 2000)
    bars.close()
    captured = capsys.readouterr()
    assert "Salesforce records" in captured.err and "2000" in captured.err and captured.out == ""
