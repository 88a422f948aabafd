"""Fixtures for the sandbox org's tests: a Sandbox loaded from the expired-authorization case, its client."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import simple_salesforce

from toolkit.sandbox import Sandbox

CASES = Path(__file__).resolve().parents[2] / "data" / "cases"
CASE_NAME = "expired-authorization.json"


def case_path(name: str = CASE_NAME) -> Path:
    """The case file ``name`` in the repository's ``tests/data/cases/``."""
    return CASES / name


@pytest.fixture(scope="session")
def case_data() -> dict[str, Any]:
    return json.loads(case_path().read_text(encoding="utf-8"))


@pytest.fixture
def case(case_data: dict[str, Any]) -> dict[str, Any]:
    """A private deep copy of the case, free to edit."""
    return copy.deepcopy(case_data)


@pytest.fixture
def box() -> Sandbox:
    return Sandbox.from_case(case_path())


@pytest.fixture
def sf(box: Sandbox) -> simple_salesforce.Salesforce:
    return box.salesforce()
