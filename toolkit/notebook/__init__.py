"""The notebook side of the interaction layer: IPython magics (``%load_ext toolkit``) and the scheduled triage
report (notebook 02 run with papermill, written as one self-contained HTML file).

- :mod:`toolkit.notebook.magics`: ``%connect``, ``%trace``, ``%diagnose``, ``%expiring`` and the ``%%soql`` cell
  magic;
- :mod:`toolkit.notebook.report`: ``python -m toolkit report`` without the command line (:func:`run_report`);
- :mod:`toolkit.notebook.report_html`: the executed notebook as a static HTML page (no code, no script, nothing
  loaded from elsewhere);
- :mod:`toolkit.notebook.report_status`: what the report's last, added, cell tells the command (data source, clock,
  counts, what could not be read).

Nothing here is loaded by ``import toolkit``; IPython, papermill and nbconvert are imported on first use.
"""

from __future__ import annotations
