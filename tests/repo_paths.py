"""Where the tests' own data lives (not a test module): every path is inside the repository."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
CASES = DATA / "cases"
EXAMPLE_CASE = CASES / "expired-authorization.json"
