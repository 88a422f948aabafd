"""Progress of a long operation, reported to whoever shows it (the command line's progress line), or to no one.

An investigation calls :meth:`Progress.phase` when a step starts (what it does, how many units it expects) and
:meth:`Progress.advance` as units complete, from any thread. The library never prints: the command line passes
an implementation (``toolkit.cli.progress``, tqdm on standard error when it is a terminal); everything else gets
:data:`SILENT`.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["SILENT", "Progress"]


class Progress(Protocol):
    def phase(self, description: str, total: int | None) -> None:
        """A new step starts: ``description`` (a few words), ``total`` units expected (None: unknown)."""

    def advance(self, units: int = 1) -> None:
        """``units`` more units of the current step are done."""


class _Silent:
    def phase(self, description: str, total: int | None) -> None:
        pass

    def advance(self, units: int = 1) -> None:
        pass


#: Reports nowhere.
SILENT: Progress = _Silent()
