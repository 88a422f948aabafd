"""The analysis layer and the foundation import no I/O library: checked in a fresh interpreter, so nothing a
test loaded earlier can hide an import (the import contracts of pyproject.toml check the same statically)."""

from __future__ import annotations

import subprocess
import sys

IO_MODULES = ("stripe", "simple_salesforce", "requests", "urllib3", "pandas", "ipywidgets", "matplotlib",
              "toolkit.sandbox", "toolkit.views", "toolkit.session")

PROBE = f"""
import importlib, pkgutil, sys
import toolkit.analysis, toolkit.core
for package in (toolkit.analysis, toolkit.core):
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{{package.__name__}}.{{module.name}}")
import toolkit.errors
print(",".join(sorted(m for m in {IO_MODULES!r} if m in sys.modules)))
"""


def test_importing_the_analysis_layer_loads_no_io_library() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == ""


def test_the_public_api_loads_lazily() -> None:
    probe = "import sys, toolkit; print('stripe' in sys.modules); toolkit.connect; print('stripe' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["False", "True"]
