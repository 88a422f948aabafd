"""Progress bars for long reads: records fetched per system, on tqdm.

:func:`record_bars` picks where they show: the notebook widget in Jupyter, a bar on standard error in a terminal,
nothing when standard error is not a terminal (a pipe, a cron job, CI) unless asked. The investigation only calls
:meth:`RecordBars.add` and :meth:`RecordBars.close`; with the bars off both do nothing.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

__all__ = ["RecordBars", "record_bars"]


def _in_jupyter() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


class RecordBars:
    """One bar per system counting records fetched (no total: a listing does not say how many it will hold)."""

    def __init__(self, systems: tuple[str, ...], factory: Any | None) -> None:
        self._lock = threading.Lock()
        self._bars: dict[str, Any] = {}
        self.counts = dict.fromkeys(systems, 0)
        if factory is not None:
            for position, system in enumerate(systems):
                self._bars[system] = factory(desc=f"{system} records", unit=" records", position=position,
                                             leave=True, total=None, dynamic_ncols=True)

    @property
    def shown(self) -> bool:
        return bool(self._bars)

    def add(self, system: str, count: int) -> None:
        """``count`` more records of ``system`` were fetched."""
        with self._lock:
            self.counts[system] = self.counts.get(system, 0) + count
            bar = self._bars.get(system)
            if bar is not None and count:
                bar.update(count)

    def close(self) -> None:
        with self._lock:
            for bar in self._bars.values():
                bar.close()
            self._bars.clear()


def record_bars(systems: tuple[str, ...], show: bool | None = None) -> RecordBars:
    """Bars for ``systems``: ``show`` None decides (Jupyter: the widget; a terminal: a text bar; else none), True
    shows them (the widget in Jupyter, else text on standard error), False hides them."""
    if show is False:
        return RecordBars(systems, None)
    if _in_jupyter():
        try:
            from tqdm.notebook import tqdm as notebook_tqdm

            return RecordBars(systems, notebook_tqdm)
        except ImportError:  # no ipywidgets: text bars, below
            pass
    if show is None and not sys.stderr.isatty():
        return RecordBars(systems, None)
    from tqdm import tqdm

    return RecordBars(systems, lambda **kwargs: tqdm(file=sys.stderr, **kwargs))
