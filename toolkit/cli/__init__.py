"""The command line: ``python -m toolkit trace SUBJECT`` and ``python -m toolkit diagnose``.

Exit codes are :class:`~toolkit.cli.exit_codes.ExitCode` (``docs/cli.md``): 0 when the command ran and read
everything (whatever it found), 2 with a one-line message on standard error for bad input, 3 when a system
was unreachable or failed, 4 when it refused the credentials. Never a traceback for any of these, nor when the
reader of standard output stops early (``python -m toolkit trace ... | head``).

Every command's JSON carries, besides its own fields, ``source`` (which data it read) and ``incomplete``
(what could not be read; empty when all was read).
"""

from __future__ import annotations

from toolkit.cli.exit_codes import ExitCode, exit_code_for
from toolkit.cli.main import main

__all__ = ["ExitCode", "exit_code_for", "main"]
