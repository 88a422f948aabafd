"""Rendering: HTML and text are deterministic, escaped, and show no object reprs or addresses."""

from __future__ import annotations

import re

from repo_paths import EXAMPLE_CASE

from toolkit.session import connect

CASE = EXAMPLE_CASE


def test_html_and_text():
    session = connect(case=CASE)
    first, second = session.trace("00001042"), session.trace("pi_3Q0SM8zJpqHmSKkAdDeUpQyU")
    html = first._repr_html_()
    assert html == session.trace("00001042")._repr_html_()
    assert html.split("</h4>", 1)[1] == second._repr_html_().split("</h4>", 1)[1]
    assert "Data: case file expired-authorization.json" in html.split("<h4", 1)[0]
    assert "<details>" in html and "AUTH_EXPIRED_UNCAPTURED" in html and "#b3261e" in html and "What to do" in html
    text = str(first)
    assert text.startswith("Data: case file expired-authorization.json in the sandbox")
    assert text.split("\n", 2)[2] == second.to_text().split("\n", 2)[2]  # all but the data line and the heading
    assert "Reconciliation" in text and "Timeline" in text
    for out in (html, text, repr(first)):
        assert not re.search(r"0x[0-9a-f]{6,}", out) and "StripeObject" not in out and "<PaymentIntent" not in out


def test_html_is_deterministic_across_sessions_and_summarises():
    first, second = connect().trace("00001039"), connect().trace("00001039")
    assert first._repr_html_() == second._repr_html_() and first.to_text() == second.to_text()
    assert "POSSIBLE_DUPLICATE_REFUND" in first.to_text().splitlines()[2]
    assert "Healthy: no findings." in connect().trace("00001001").to_text()
