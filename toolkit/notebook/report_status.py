"""What the triage report's notebook tells the command that ran it: the cell the report adds after notebook 02's
own cells calls :func:`show_status`, which displays :func:`report_status` under :data:`STATUS_MIME`. The command
reads it back from the executed notebook (``toolkit.notebook.report``) and removes the cell before writing the HTML.

It reads the variables notebook 02 leaves: ``session``, ``diagnosis`` and ``expiring``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.investigate.diagnose import Diagnosis
    from toolkit.investigate.expiring import ExpiringAuthorizations
    from toolkit.session import Session

__all__ = ["STATUS_CELL", "STATUS_MIME", "report_status", "show_status"]

#: The MIME type of the status the added cell displays.
STATUS_MIME = "application/vnd.oms-toolkit.report-status+json"
#: The source of the cell the report adds at the end of notebook 02.
STATUS_CELL = ("from toolkit.notebook.report_status import show_status\n"
               "show_status(session, diagnosis, expiring)")


def _utc(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


def report_status(session: Session, diagnosis: Diagnosis, expiring: ExpiringAuthorizations) -> dict[str, Any]:
    """The report's facts as JSON: the data source, the org and the Stripe account, the session clock's now, the
    window and horizon actually used, the counts, and every read that failed (with its kind, for the exit code)."""
    source = session.data_source.to_json() if session.data_source is not None else {"label": session.source}
    identity = session.identity  # the org and the Stripe account, as the session's banner names them
    connected = {"salesforce": identity.salesforce_text(), "stripe": identity.stripe_text(session.stripe_livemode)}
    incomplete = [{**item.to_json(), "kind": item.kind} for item in (*diagnosis.incomplete, *expiring.incomplete)]
    return {"source": source, "connected": connected, "as_of": _utc(session.now()), "since": _utc(diagnosis.since),
            "until": _utc(diagnosis.until), "within_hours": expiring.within_hours,
            "failed_captures": len(diagnosis.rows), "expiring": len(expiring.rows), "incomplete": incomplete}


def show_status(session: Session, diagnosis: Diagnosis, expiring: ExpiringAuthorizations) -> None:
    """Display :func:`report_status` as the cell's output (raw, under :data:`STATUS_MIME`)."""
    from IPython.display import display

    display({STATUS_MIME: report_status(session, diagnosis, expiring)}, raw=True)
