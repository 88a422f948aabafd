"""Case dicts for the trace tests, derived from the example case (not a test module; loaded by path)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

CASE_PATH = Path(__file__).parent / "data" / "cases" / "expired-authorization.json"
PI = "pi_3Q0SM8zJpqHmSKkAdDeUpQyU"
CH = "ch_3QnysWH7Oztf1TICzFD2Ou3q"
RE = "re_3Q6wlMpLvBjvj4IZUxRtRk2P"
ORDER = "00001042"
OS_ID = "1OsHxK0E0000001KFA"
OPS_ID = "0bMHxQNM0000001MHA"
PA_ID = "0XcHxM130000001KBA"
PGL_ID = "0XtHxG8C0000001KFA"


def expired_case() -> dict:
    return json.loads(CASE_PATH.read_text(encoding="utf-8"))


def missing_pi_case() -> dict:
    """OMS references a pi_ Stripe does not have."""
    case = expired_case()
    case["salesforce"]["records"]["PaymentAuthorization"][0]["GatewayRefNumber"] = "pi_3QmissingmissingMISSING"
    return case


def no_reference_case() -> dict:
    """The authorization carries no Stripe reference."""
    case = copy.deepcopy(expired_case())
    case["salesforce"]["records"]["PaymentAuthorization"][0]["GatewayRefNumber"] = None
    return case
