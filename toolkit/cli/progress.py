"""The command line's progress line: tqdm on standard error while a long command works, nothing otherwise.

It implements :class:`toolkit.core.progress.Progress`. The line appears only when standard error is a terminal
and a step has taken more than a second (tqdm's ``delay``), so short commands and scripts (a pipe, a file, CI)
see nothing; it disappears when the command ends, before the result is printed.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import IO, Any

from tqdm import tqdm

__all__ = ["TerminalProgress"]

#: Seconds a step runs before its progress line appears.
DELAY = 1.0


class TerminalProgress:
    """A tqdm bar per step, on ``stream`` (standard error), only when it is a terminal (or ``enabled`` says so)."""

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled if enabled is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: Any = None
        self._lock = threading.Lock()

    def phase(self, description: str, total: int | None) -> None:
        with self._lock:
            self._close()
            if self.enabled:
                self._bar = tqdm(total=total, desc=description, file=self.stream, delay=DELAY, leave=False,
                                 dynamic_ncols=True)

    def advance(self, units: int = 1) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.update(units)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
