"""The scheduled triage report: notebook 02 run with papermill on a window and a horizon, written as one
self-contained HTML file (``python -m toolkit report``, :mod:`toolkit.cli.report`).

:func:`run_report` runs the notebook the package ships (``toolkit/notebook/notebooks/``, a link to
``notebooks/02_diagnose_failed_captures.ipynb`` in the repository, copied into every wheel as package data) with its
parameters ``SINCE``, ``UNTIL``, ``WITHIN_HOURS`` and ``CASE``, on a kernel of this very interpreter (whatever
kernels are installed), after adding one cell that displays the report's status
(:mod:`toolkit.notebook.report_status`: data source, clock, window, counts, failed reads). It then writes the page
of :mod:`toolkit.notebook.report_html` with that status in its header, and returns a :class:`Report`: a result of
the command line (its JSON, its text, what could not be read).

When a cell fails with one of the toolkit's errors (a system unreachable, refused credentials, a bad case file), the
same error is raised here, its message one sentence, so the command exits as every command does (``docs/cli.md``);
nothing is written. Any other failure of the notebook is a bug: :class:`ReportError`, with the cell and the error.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import toolkit.errors as errors
from toolkit.core.incomplete import Incomplete
from toolkit.errors import ToolkitError
from toolkit.notebook.report_html import page, without_widgets
from toolkit.notebook.report_status import STATUS_CELL, STATUS_MIME

__all__ = ["DEMONSTRATION_CELLS", "NOTEBOOK", "SKIP_TAG", "STATUS_TAG", "Report", "ReportError", "packaged_notebook",
           "run_report"]

#: The notebook the report runs (shipped in ``toolkit/notebook/notebooks/``).
NOTEBOOK = "02_diagnose_failed_captures.ipynb"
#: The tag of the cell the report adds (removed before the HTML is written).
STATUS_TAG = "toolkit-report-status"
TITLE = "Failed captures and expiring authorizations"
#: The tag of a cell the report leaves out.
SKIP_TAG = "report-skip"
#: Cells of notebook 02 (by cell id) that demonstrate the toolkit on the demo world's own rows: the triage driven from
#: code (it picks the "yes" filter), the re-capture planned for its TIMEOUT_NOT_CAPTURED row, and the notes on the
#: demo window's causes. The report runs on any data (a live org, a case file, a one-day window), where they would
#: fail or mislead, so it leaves them out, as it leaves out any cell tagged ``report-skip``.
DEMONSTRATION_CELLS = {"d6264c72": "the triage driven from code", "180b718f": "re-capture from the triage (text)",
                       "2d7fb613": "a re-capture planned from the triage", "110ecf53": "notes on the demo window"}


class ReportError(RuntimeError):
    """The report's notebook failed for a reason that is not one of the toolkit's errors (a bug)."""


def packaged_notebook(name: str = NOTEBOOK) -> Path:
    """The notebook shipped with the installed package (editable or not)."""
    resource = importlib.resources.files("toolkit.notebook") / "notebooks" / name
    return Path(str(resource))


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Report:
    """A report written to ``out``: ``status`` is what the notebook reported (see ``report_status``)."""

    out: Path
    status: dict[str, Any]
    notebook: str = NOTEBOOK
    incomplete: list[Incomplete] = field(default_factory=list)

    @classmethod
    def of(cls, out: Path, status: dict[str, Any], notebook: str = NOTEBOOK) -> Report:
        items = [Incomplete(str(i.get("system")), str(i.get("what")), str(i.get("error")), i.get("request_id"),
                            str(i.get("kind") or "unavailable")) for i in status.get("incomplete") or []]
        return cls(out, status, notebook, items)

    def to_json(self) -> dict[str, Any]:
        """``out``, the notebook, the window and horizon, the session clock's ``as_of``, the counts; then ``source``
        and ``incomplete``, as every command's JSON."""
        status = self.status
        return {"out": str(self.out), "notebook": self.notebook, "as_of": status.get("as_of"),
                "since": status.get("since"), "until": status.get("until"),
                "within_hours": status.get("within_hours"), "failed_captures": status.get("failed_captures"),
                "expiring": status.get("expiring"), "source": status.get("source"),
                "incomplete": [item.to_json() for item in self.incomplete]}

    def to_text(self) -> str:
        status = self.status
        lines = [f"Data: {(status.get('source') or {}).get('label', 'unknown')}."]
        lines += [f"INCOMPLETE: {item.sentence()}" for item in self.incomplete]
        lines.append(f"Failed captures from {status.get('since')} to {status.get('until')}: "
                     f"{status.get('failed_captures')}; authorizations expiring within "
                     f"{_hours(status.get('within_hours'))} or past their deadline: {status.get('expiring')} "
                     f"(as of {status.get('as_of')}).")
        lines.append(f"Wrote {self.out}.")
        return "\n".join(lines) + "\n"


def _kernel_manager() -> type:
    """A kernel manager whose every kernel runs on this interpreter (the toolkit's environment), whatever kernel
    specs the machine has installed under the notebook's kernel name."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager
    from traitlets import default

    class ThisInterpreterSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    class ThisInterpreterKernel(KernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self) -> KernelSpecManager:
            return ThisInterpreterSpecs(data_dir=self.data_dir)

    return ThisInterpreterKernel


def _translated(exc: Any) -> Exception:
    """The toolkit error a failed cell raised (same class, one sentence), else :class:`ReportError`."""
    kind = getattr(errors, str(exc.ename), None)
    message = " ".join(str(exc.evalue).split())
    if isinstance(kind, type) and issubclass(kind, ToolkitError):
        return kind(f"{message} (the report's notebook stopped; nothing was written)")
    return ReportError(f"The report's notebook failed at cell {exc.exec_count}: {exc.ename}: {message}")


def _status(notebook: Any) -> dict[str, Any]:
    for cell in notebook.cells:
        if STATUS_TAG in (cell.get("metadata", {}).get("tags") or []):
            for output in cell.get("outputs", []):
                status = (output.get("data") or {}).get(STATUS_MIME)
                if isinstance(status, dict):
                    return status
    raise ReportError("The report's notebook did not report its status (its last cell showed nothing).")


def _hours(value: Any) -> str:
    return f"{value:g} h" if isinstance(value, int | float) else "? h"


def _facts(status: dict[str, Any], notebook: str) -> list[tuple[str, str]]:
    connected = status.get("connected") or {}
    return [("Data", str((status.get("source") or {}).get("label", "unknown"))),
            *[(label, str(connected[key])) for key, label in (("salesforce", "Salesforce"), ("stripe", "Stripe"))
              if connected.get(key)],
            ("As of", f"{status.get('as_of')} (the session clock)"),
            ("Failed captures", f"{status.get('failed_captures')} from {status.get('since')} to {status.get('until')}"),
            ("Expiring", f"{status.get('expiring')} authorization(s) due within "
                         f"{_hours(status.get('within_hours'))} or past their deadline"),
            ("Notebook", f"{notebook}, run by python -m toolkit report")]


def to_html(executed: Any, status: dict[str, Any], notebook: str = NOTEBOOK) -> str:
    """The executed notebook as the report page: the status cell removed, widgets static, no code."""
    from nbconvert import HTMLExporter

    shown = without_widgets(executed)
    shown.cells = [c for c in shown.cells if STATUS_TAG not in (c.get("metadata", {}).get("tags") or [])]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(shown)
    incomplete = [Incomplete(str(i.get("system")), str(i.get("what")), str(i.get("error")),
                             i.get("request_id")).sentence() for i in status.get("incomplete") or []]
    return page(body, title=TITLE, facts=_facts(status, notebook), incomplete=incomplete)


def run_report(out: str | Path, *, since: datetime, until: datetime, within: timedelta,
               case: str | Path | None = None, notebook: str | Path | None = None) -> Report:
    """Run the notebook (default: the packaged notebook 02) on the window [since, until] and the horizon ``within``
    (``case``: a case file replayed in the sandbox), write the report to ``out`` and return it."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = Path(notebook) if notebook is not None else packaged_notebook()
    document = nbformat.reads(source.read_text(encoding="utf-8"), as_version=4)
    document.cells = [cell for cell in document.cells if cell.get("id") not in DEMONSTRATION_CELLS
                      and SKIP_TAG not in (cell.get("metadata", {}).get("tags") or [])]
    document.cells.append(nbformat.v4.new_code_cell(STATUS_CELL, metadata={"tags": [STATUS_TAG]}))
    hours = within.total_seconds() / 3600
    parameters = {"SINCE": _utc(since), "UNTIL": _utc(until),
                  "WITHIN_HOURS": int(hours) if hours.is_integer() else hours,
                  "CASE": str(Path(case).expanduser().resolve()) if case is not None else None}
    try:
        executed = papermill.execute_notebook(document, None, parameters=parameters, progress_bar=False,
                                              log_output=False, kernel_manager_class=_kernel_manager(),
                                              extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except PapermillExecutionError as exc:
        raise _translated(exc) from exc
    status = _status(executed)
    target = Path(out)
    target.write_text(to_html(executed, status, source.name), encoding="utf-8")
    return Report.of(target, status, source.name)
