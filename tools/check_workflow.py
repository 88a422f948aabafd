#!/usr/bin/env python3
"""Check that the GitHub Actions workflow runs the README's test command, word for word (``.ci/run`` runs it).

Usage (from the repository root)::

    python tools/check_workflow.py [--readme README.md] [--workflow .github/workflows/ci.yml]

The README's test command is the one line of the first fenced ``bash`` block after the line that starts with
"Run every test"; the workflow's is the ``run`` of the step whose ``id`` is ``readme-test-command``. Exit 0 when they
are the same, 1 (with both printed) when they differ or either cannot be found. Needs PyYAML (the test extra
pins it).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

STEP_ID = "readme-test-command"
README_MARKER = "Run every test"
_FENCE = re.compile(r"```bash\n(?P<body>.*?)```", re.DOTALL)


class Mismatch(Exception):
    """The two commands differ, or one of them cannot be found."""


def readme_command(text: str) -> str:
    """The README's test command (see the module docstring)."""
    start = next((m.start() for m in re.finditer(rf"^{re.escape(README_MARKER)}", text, re.MULTILINE)), None)
    if start is None:
        raise Mismatch(f"The README has no line starting with {README_MARKER!r}.")
    fence = _FENCE.search(text, start)
    if fence is None:
        raise Mismatch(f"The README has no ```bash block after {README_MARKER!r}.")
    lines = [line.strip() for line in fence.group("body").splitlines() if line.strip()]
    if len(lines) != 1:
        raise Mismatch(f"The README's test command block has {len(lines)} lines; it should hold one command.")
    return lines[0]


def workflow_command(text: str) -> str:
    """The ``run`` of the workflow step ``readme-test-command``."""
    import yaml

    workflow: Any = yaml.safe_load(text)
    jobs = workflow.get("jobs") if isinstance(workflow, dict) else None
    found = [step for job in (jobs or {}).values() if isinstance(job, dict)
             for step in job.get("steps") or [] if isinstance(step, dict) and step.get("id") == STEP_ID]
    if len(found) != 1:
        raise Mismatch(f"The workflow should have exactly one step with id {STEP_ID!r}; it has {len(found)}.")
    run = found[0].get("run")
    if not isinstance(run, str) or not run.strip():
        raise Mismatch(f"The workflow's step {STEP_ID!r} has no run command.")
    return " ".join(run.split())


def check(readme: Path, workflow: Path) -> str:
    """The command both run; :class:`Mismatch` when they differ."""
    expected = readme_command(readme.read_text(encoding="utf-8"))
    actual = workflow_command(workflow.read_text(encoding="utf-8"))
    if " ".join(expected.split()) != actual:
        raise Mismatch(f"The workflow's test command differs from the README's.\n  README:   {expected}\n"
                       f"  workflow: {actual}\nMake {workflow} run exactly the README's command.")
    return actual


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", type=Path, default=Path("README.md"))
    parser.add_argument("--workflow", type=Path, default=Path(".github/workflows/ci.yml"))
    args = parser.parse_args(argv)
    try:
        command = check(args.readme, args.workflow)
    except (Mismatch, OSError) as exc:
        print(f"check_workflow: {exc}", file=sys.stderr)
        return 1
    print(f"The workflow runs the README's test command: {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
