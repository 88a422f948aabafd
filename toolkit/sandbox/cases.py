"""Case files (``docs/case-file.md``): load both halves into a Sandbox, dump them back.

This module checks the envelope (format, clock, top-level keys) and delegates each half to its owner:
``Org.load_records`` / ``Org.dump_records`` and ``StripeAccount.load_objects`` /
``StripeAccount.dump_objects``, which check their own invariants.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.clock import parse_instant
from toolkit.errors import CaseFileError

if TYPE_CHECKING:
    from toolkit.sandbox.sandbox import Sandbox

__all__ = ["CASE_FORMAT", "dump_case", "load_case", "read_case"]

CASE_FORMAT = 1
_TOP_KEYS = {"case_format", "title", "description", "now", "salesforce", "stripe"}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def read_case(case: str | Path | dict[str, Any]) -> dict[str, Any]:
    """Read a case file (path or already-parsed dict) and check its envelope."""
    if isinstance(case, dict):
        data = case
        where = "the case"
    else:
        path = Path(case)
        where = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CaseFileError(f"Case file {path} does not exist; check the path.") from None
        except OSError as exc:
            raise CaseFileError(f"Case file {path} cannot be read ({exc.strerror}); check its permissions.") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseFileError(f"Case file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                                f"{exc.msg}); fix the file or capture it again.") from None
    if not isinstance(data, dict):
        raise CaseFileError(f"{where} must be a JSON object with case_format, salesforce and stripe.")
    fmt = data.get("case_format")
    if fmt != CASE_FORMAT:
        raise CaseFileError(f"{where} has case_format {fmt!r}; this toolkit reads case_format {CASE_FORMAT} only.")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise CaseFileError(f"{where} has unknown top-level key {unknown[0]!r}; allowed keys are "
                            f"{', '.join(sorted(_TOP_KEYS))}.")
    for key in ("salesforce", "stripe"):
        if key in data and not isinstance(data[key], dict):
            raise CaseFileError(f"{where}: {key!r} must be a JSON object.")
    return data


def case_now(data: dict[str, Any]) -> datetime:
    """The case's clock: ``now``, or the latest timestamp in the file plus one minute."""
    if data.get("now") is not None:
        try:
            return parse_instant(data["now"])
        except (ValueError, TypeError):
            raise CaseFileError(f"Case field 'now' ({data['now']!r}) is not an ISO 8601 UTC date-time such as "
                                "2026-11-20T15:00:00Z.") from None
    latest: datetime | None = None

    def visit(value: Any, key: str | None = None) -> None:
        nonlocal latest
        candidate: datetime | None = None
        if isinstance(value, dict):
            for k, v in value.items():
                visit(v, k)
        elif isinstance(value, list):
            for item in value:
                visit(item, key)
        elif (isinstance(value, str) and _ISO_DATETIME.match(value)) or (
            isinstance(value, int) and not isinstance(value, bool) and key in ("created", "canceled_at")
        ):
            candidate = parse_instant(value)
        if candidate is not None and (latest is None or candidate > latest):
            latest = candidate

    visit(data.get("salesforce", {}))
    visit(data.get("stripe", {}))
    if latest is None:
        raise CaseFileError("The case has no 'now' and no timestamps to derive it from; add \"now\".")
    return latest + timedelta(minutes=1)


def load_case(sandbox: Sandbox, case: str | Path | dict[str, Any]) -> None:
    """Replace the sandbox's state with the case's, and set its clock to the case's ``now``."""
    data = read_case(case)
    now = case_now(data)
    salesforce = data.get("salesforce") or {}
    unknown = sorted(set(salesforce) - {"records"})
    if unknown:
        raise CaseFileError(f"salesforce has unknown key {unknown[0]!r}; only 'records' is allowed.")
    records = salesforce.get("records") or {}
    if not isinstance(records, dict):
        raise CaseFileError("salesforce.records must map object API names to lists of records.")
    stripe_part = data.get("stripe") or {}
    unknown = sorted(set(stripe_part) - {"livemode", "objects"})
    if unknown:
        raise CaseFileError(f"stripe has unknown key {unknown[0]!r}; only 'livemode' and 'objects' are allowed.")
    objects = stripe_part.get("objects") or []
    if not isinstance(objects, list):
        raise CaseFileError("stripe.objects must be a list of Stripe objects.")
    livemode = stripe_part.get("livemode", False)
    if not isinstance(livemode, bool):
        raise CaseFileError("stripe.livemode must be true or false.")
    sandbox.clock.set(now)
    sandbox.org.load_records(records)
    sandbox.stripe.load_objects(objects, livemode=livemode)


def dump_case(sandbox: Sandbox, *, title: str, description: str | None = None) -> dict[str, Any]:
    """The sandbox's current state as a case file (a dict ready for ``json.dumps``)."""
    data: dict[str, Any] = {"case_format": CASE_FORMAT, "title": title}
    if description:
        data["description"] = description
    data["now"] = sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    data["salesforce"] = {"records": sandbox.org.dump_records()}
    data["stripe"] = {"livemode": sandbox.stripe.livemode, "objects": sandbox.stripe.dump_objects()}
    return data
