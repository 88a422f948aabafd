"""Views of results: text and HTML (:mod:`~toolkit.views.display`), DataFrames (:mod:`~toolkit.views.tables`).
They render; they never fetch. Exports (CSV, Excel, HTML files) belong here too (``docs/cli.md``)."""
