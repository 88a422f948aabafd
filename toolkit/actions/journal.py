"""The audit journal of guided actions: append-only JSON lines, the intent on disk before the request, the result
after.

Each line is one record: ``{"type": "intent", "key", "kind", "via", ...}`` written and flushed (``fsync``) before
anything is sent, then ``{"type": "result", "key", "status", ...}`` once the outcome is known (``done``,
``not_done`` or ``unknown``). An intent without a result means the process stopped in between: at the next start
the toolkit looks the key up in both systems and appends the result it finds (``"resolved_at_start": true``).
Nothing in the journal is a secret: ids, amounts, case references, the analyst's name, requests without keys.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.analysis.refund_plan import Executed
from toolkit.core.text import redact_json
from toolkit.errors import InputError

__all__ = ["JOURNAL_NAME", "Journal", "JournalEntry"]

JOURNAL_NAME = "journal.jsonl"
Record = dict[str, Any]


@dataclass(frozen=True)
class JournalEntry:
    """One action: its intent and, once known, its result."""

    intent: Record
    result: Record | None

    @property
    def key(self) -> str:
        return str(self.intent.get("key"))

    @property
    def status(self) -> str:
        return str(self.result.get("status")) if self.result else "open"


class Journal:
    """The journal file of one data directory; safe to share between threads of one process."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        if self.path.exists() and not self.path.is_file():
            raise InputError(f"The journal {self.path} is not a file: point the session's data directory elsewhere.")

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    def append(self, record: Record) -> None:
        """Write one record and make it durable before returning (flush and fsync)."""
        line = json.dumps(redact_json(record), sort_keys=True, separators=(",", ":")) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())

    def records(self) -> Iterator[Record]:
        """Every complete record, oldest first (a line cut short by a crash is skipped)."""
        if not self.path.exists():
            return
        with self._lock, self.path.open(encoding="utf-8") as handle:
            lines = handle.readlines()
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("key"):
                yield record

    def entries(self) -> list[JournalEntry]:
        """Each intent with its result (the last one written), oldest intent first."""
        intents: dict[str, Record] = {}
        results: dict[str, Record] = {}
        for record in self.records():
            if record.get("type") == "intent":
                intents.setdefault(str(record["key"]), record)
            elif record.get("type") == "result":
                results[str(record["key"])] = record
        return [JournalEntry(intent, results.get(key)) for key, intent in intents.items()]

    def entry(self, key: str) -> JournalEntry | None:
        return next((e for e in self.entries() if e.key == key), None)

    def open_intents(self) -> list[JournalEntry]:
        """Intents written without a result: the outcome is not known yet."""
        return [e for e in self.entries() if e.result is None]

    def executed(self) -> list[Executed]:
        """The actions that moved money, for repeat detection."""
        out = []
        for e in self.entries():
            if e.status == "done":
                i = e.intent
                out.append(Executed(i.get("kind", "refund"), str(i.get("target")), int(i.get("amount_minor") or 0),
                                    str(i.get("case_reference")), str(e.result.get("at") if e.result else ""),
                                    str((e.result or {}).get("stripe_id") or (e.result or {}).get("oms_id") or "done")))
        return out
