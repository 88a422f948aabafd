"""``tools/check_workflow.py`` (run by ``.ci/run``): the GitHub Actions workflow runs the README's test command."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from repo_paths import REPO

WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_workflow", REPO / "tools" / "check_workflow.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checker = load()


def test_the_repositorys_workflow_runs_the_readmes_test_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert checker.main(["--readme", str(REPO / "README.md"), "--workflow", str(WORKFLOW)]) == 0
    command = checker.readme_command((REPO / "README.md").read_text(encoding="utf-8"))
    assert "pytest" in command and command in capsys.readouterr().out


def test_a_different_command_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = tmp_path / "ci.yml"
    changed.write_text(WORKFLOW.read_text(encoding="utf-8").replace("pytest -n auto", "pytest -n auto -x"),
                       encoding="utf-8")
    assert checker.main(["--readme", str(REPO / "README.md"), "--workflow", str(changed)]) == 1
    err = capsys.readouterr().err
    assert "differs from the README's" in err and "pytest -n auto -x" in err


@pytest.mark.parametrize(("readme", "words"), [
    ("# Project\n", "no line starting with 'Run every test'"),
    ("Run every test:\n\nnothing fenced\n", "no ```bash block"),
    ("Run every test:\n\n```bash\npip install .\npytest\n```\n", "has 2 lines"),
])
def test_a_readme_without_one_test_command_fails(readme: str, words: str) -> None:
    with pytest.raises(checker.Mismatch, match=words):
        checker.readme_command(readme)


def test_a_workflow_without_the_step_fails() -> None:
    with pytest.raises(checker.Mismatch, match="exactly one step with id 'readme-test-command'; it has 0"):
        checker.workflow_command("jobs:\n  test:\n    steps:\n      - run: pytest\n")
