#!/usr/bin/env python3
"""Mutation testing of the pure analysis modules: a small, dependency-free runner (``ast`` + the project's pytest).

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python tools/mutation.py --sample 450 --seed 2026                # the recorded run (tools/MUTATION.md)
    .venv/bin/python tools/mutation.py --modules toolkit/core/money.py       # one module, every mutant
    .venv/bin/python tools/mutation.py --list --match authorization_rules.py:45   # show mutants, run nothing

Each mutant is one small change to one module's source. The runner copies the source tree once per worker into a
temporary directory (the working tree is never written to, not even for a moment), writes the mutant into that
copy, and runs the fast pure tests (``tests/analysis`` and ``tests/core`` without the sandbox ones, see
``tools/mutation.toml``) in a child process, stopping at the first failure. A mutant is *killed* when a test fails,
*survived* when all pass, *timeout* when the run exceeds ``--timeout`` (counted as detected). The score is
(killed + timeout) / (killed + survived + timeout); the command exits 1 below ``--min-score`` and 2 when the tests
fail on the unmutated copy (a mutant cannot be judged against a red suite).

Operators (all on the AST; a mutant is spliced into the original text and checked to parse back to the mutated AST):

- comparison: ``<``/``<=``, ``>``/``>=`` (boundary), ``==``/``!=``, ``is``/``is not``, ``in``/``not in``;
- boolean: ``and``/``or``;  unary: ``not x`` -> ``x``, ``-x`` -> ``x``;
- arithmetic: ``+``/``-``, ``*``/``/``, ``//`` -> ``/`` (also in ``+=``/``-=``; not on text concatenation);
- number: an int, float or ``Decimal("...")`` constant n -> n + 1 and n - 1 (so 0 <-> 1 too);
- boolean constant: ``True``/``False``;  none-return: ``return <expr>`` -> ``return None``;
- string code: a string that is a code or key, not prose: an operand of a comparison (``status == "canceled"``),
  an argument (``.get("amount")``, ``startswith(("pi_", "txn_"))``), a subscript key, a dict key or value, a
  module-level constant (``EXPIRY_REASONS``), an enum member's value; it becomes ``"XX<code>XX"``.

Not mutated, by design (see tools/MUTATION.md): message texts (f-strings and anything inside them, string literals
with spaces outside enum values, text concatenation, strings that are only returned or used as an ``or``
fallback), docstrings, annotations, decorators (dataclass options), ``__all__``, regular expressions and
``strftime`` formats, ``return None``/``return False`` (the True/False operator covers the latter).
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib.util
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).with_suffix(".toml")
HYPOTHESIS_PROFILE = "mutation"

# --- the operators --------------------------------------------------------------------------------------------

_COMPARE: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE,), ast.LtE: (ast.Lt,), ast.Gt: (ast.GtE,), ast.GtE: (ast.Gt,),
    ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,), ast.Is: (ast.IsNot,), ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,), ast.NotIn: (ast.In,),
}
_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
}
_CODE = re.compile(r"[A-Za-z0-9_.\-/]+")
_ENUM_BASES = {"Enum", "StrEnum", "IntEnum"}


@dataclass(frozen=True)
class Mutant:
    """One mutation of one module: where, which operator, the code before and after (one line each)."""

    module: str
    lineno: int
    operator: str
    before: str
    after: str
    node_index: int
    variant: int

    @property
    def where(self) -> str:
        return f"{self.module}:{self.lineno}"

    def describe(self) -> str:
        return f"{self.where}  [{self.operator}]  {self.before}  ->  {self.after}"


def _one_line(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Module:
    """A module's source and AST, with the context each node's mutations depend on."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.tree = ast.parse(source)
        self.nodes = list(ast.walk(self.tree))
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in self.nodes:
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        self.skipped = self._skipped_nodes()

    # -- what is never mutated ---------------------------------------------------------------------------------

    def _skipped_nodes(self) -> set[ast.AST]:
        roots: list[ast.AST] = []
        for node in self.nodes:
            body = getattr(node, "body", None)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and body:
                first = body[0]
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    roots.append(first)  # a docstring
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                roots.extend(node.decorator_list)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
                roots.append(node.returns)
            if isinstance(node, ast.arg) and node.annotation is not None:
                roots.append(node.annotation)
            if isinstance(node, ast.AnnAssign):
                roots.append(node.annotation)
            if isinstance(node, ast.JoinedStr):
                roots.append(node)  # message text, and the expressions formatted into it
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                roots.append(node)  # ``...`` bodies
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                roots.append(node)
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                roots.append(node)
        skipped: set[ast.AST] = set()
        for root in roots:
            skipped.update(ast.walk(root))
        return skipped

    def _is_text(self, node: ast.AST) -> bool:
        """Whether an expression builds message text (a string literal, an f-string, str(...), their sums)."""
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._is_text(node.left) or self._is_text(node.right)
        if isinstance(node, ast.IfExp):
            return self._is_text(node.body) or self._is_text(node.orelse)
        return False

    def _in_enum_body(self, node: ast.Constant) -> bool:
        assign = self.parent.get(node)
        cls = self.parent.get(assign) if isinstance(assign, ast.Assign) else None
        return isinstance(cls, ast.ClassDef) and any(
            (isinstance(base, ast.Name) and base.id in _ENUM_BASES)
            or (isinstance(base, ast.Attribute) and base.attr in _ENUM_BASES)
            for base in cls.bases
        )

    def _string_is_code(self, node: ast.Constant) -> bool:
        """A code or key the program compares, looks up or passes on; not prose (see the module docstring)."""
        if self._in_enum_body(node):
            return True
        if not isinstance(node.value, str) or not _CODE.fullmatch(node.value):
            return False
        child: ast.AST = node
        parent = self.parent.get(node)
        while parent is not None:
            if isinstance(parent, ast.Compare | ast.Dict):
                return True
            if isinstance(parent, ast.Subscript):
                return child is parent.slice
            if isinstance(parent, ast.Call):
                return child in parent.args
            if isinstance(parent, ast.keyword):
                return True
            if isinstance(parent, ast.Tuple | ast.List | ast.Set):
                child, parent = parent, self.parent.get(parent)
                continue
            if isinstance(parent, ast.Assign | ast.AnnAssign):
                return isinstance(self.parent.get(parent), ast.Module | ast.ClassDef)
            return False
        return False

    @staticmethod
    def _decimal_literal(node: ast.Constant, parent: ast.AST | None) -> Decimal | None:
        if not (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "Decimal"):
            return None
        try:
            number = Decimal(str(node.value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None

    # -- the mutations of one node -----------------------------------------------------------------------------

    def mutations(self, node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
        """(operator, replacement node) pairs for ``node``; the replacement takes its place in the parent."""
        if node in self.skipped:
            return
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                for new_op in _COMPARE.get(type(op), ()):
                    compare = copy.deepcopy(node)
                    compare.ops[i] = new_op()
                    yield "comparison", compare
        elif isinstance(node, ast.BoolOp):
            boolean = copy.deepcopy(node)
            boolean.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            yield "boolean", boolean
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
            yield "unary", copy.deepcopy(node.operand)
        elif isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            if not (self._is_text(node.left) or self._is_text(node.right)):
                binary = copy.deepcopy(node)
                binary.op = _ARITHMETIC[type(node.op)]()
                yield "arithmetic", binary
        elif isinstance(node, ast.AugAssign) and type(node.op) in _ARITHMETIC:
            if not self._is_text(node.value):
                augmented = copy.deepcopy(node)
                augmented.op = _ARITHMETIC[type(node.op)]()
                yield "arithmetic", augmented
        elif isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if not (isinstance(value, ast.Constant) and value.value in (None, False)):
                yield "none-return", ast.Return(value=ast.Constant(value=None))
        elif isinstance(node, ast.Constant):
            yield from self._constant_mutations(node)

    def _constant_mutations(self, node: ast.Constant) -> Iterator[tuple[str, ast.AST]]:
        value = node.value
        if isinstance(value, bool):
            yield "boolean-constant", ast.Constant(value=not value)
        elif isinstance(value, int | float):
            for new in (value + 1, value - 1):
                yield "number", ast.Constant(value=new)
        elif isinstance(value, str):
            number = self._decimal_literal(node, self.parent.get(node))
            if number is not None:
                for new_number in (number + 1, number - 1):
                    yield "number", ast.Constant(value=str(new_number))
            elif self._string_is_code(node):
                yield "string-code", ast.Constant(value=f"XX{value}XX")

    # -- applying one ------------------------------------------------------------------------------------------

    def mutated_source(self, node_index: int, replacement: ast.AST) -> str:
        """The module's text with node ``node_index`` replaced: spliced into the original text (so the rest keeps
        its layout), checked to parse to exactly the mutated tree, else the whole mutated tree unparsed."""
        node = self.nodes[node_index]
        expected = _replace_in_copy(self.tree, node_index, replacement)
        text = ast.unparse(replacement)
        if isinstance(replacement, ast.expr) and not isinstance(replacement, ast.Constant | ast.Name):
            text = f"({text})"
        spliced = _splice(self.source, node, text)
        try:
            if ast.dump(ast.parse(spliced)) == ast.dump(expected):
                return spliced
        except SyntaxError:
            pass
        return ast.unparse(expected)


def _replace_in_copy(tree: ast.Module, node_index: int, replacement: ast.AST) -> ast.Module:
    twin = copy.deepcopy(tree)
    target = list(ast.walk(twin))[node_index]
    for parent in ast.walk(twin):
        for name, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, name, copy.deepcopy(replacement))
                return twin
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is target:
                        value[i] = copy.deepcopy(replacement)
                        return twin
    raise ValueError(f"node {node_index} has no parent")


def _splice(source: str, node: ast.AST, text: str) -> str:
    data = source.encode()
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    begin = starts[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
    end = starts[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
    return (data[:begin] + text.encode() + data[end:]).decode()


def generate(modules: list[str]) -> tuple[list[Mutant], dict[str, _Module]]:
    """Every mutant of ``modules`` (paths relative to the repository root), in a stable order."""
    mutants: list[Mutant] = []
    parsed: dict[str, _Module] = {}
    for path in modules:
        module = _Module(path, (ROOT / path).read_text(encoding="utf-8"))
        parsed[path] = module
        for index, node in enumerate(module.nodes):
            for variant, (operator, replacement) in enumerate(module.mutations(node)):
                before = ast.get_source_segment(module.source, node) or ast.unparse(node)
                mutants.append(Mutant(
                    module=path, lineno=node.lineno, operator=operator,  # type: ignore[attr-defined]
                    before=_one_line(before), after=_one_line(ast.unparse(replacement)),
                    node_index=index, variant=variant,
                ))
    mutants.sort(key=lambda m: (modules.index(m.module), m.lineno, m.node_index, m.variant))
    return mutants, parsed


def sample(mutants: list[Mutant], size: int, seed: int) -> list[Mutant]:
    """A deterministic sample of ``size`` mutants (all of them when size is 0 or larger), in the stable order."""
    if size <= 0 or size >= len(mutants):
        return list(mutants)
    chosen = sorted(random.Random(seed).sample(range(len(mutants)), size))
    return [mutants[i] for i in chosen]


# --- running the tests in a worker ------------------------------------------------------------------------------


def _register_hypothesis_profile() -> None:
    """Hypothesis in the mutant runs: derandomized (the same examples every run), no example database shared
    between mutants, no deadline (a loaded machine must not kill a mutant)."""
    from hypothesis import settings

    settings.register_profile(HYPOTHESIS_PROFILE, derandomize=True, database=None, deadline=None, print_blob=False)


def _run_pytest(args: list[str]) -> int:
    import pytest

    _register_hypothesis_profile()
    return int(pytest.main(args))


def _child_main(args_json: str) -> None:
    """``--child``: run the tests once (the spawn mode of the worker)."""
    os._exit(_run_pytest(json.loads(args_json)))


def _worker_main(spec_json: str) -> None:
    """``--worker``: serve mutants over stdin/stdout, one JSON line each, from inside a private copy of the tree."""
    spec = json.loads(spec_json)
    tree, base_args, use_fork = Path(spec["tree"]), spec["pytest_args"], spec["fork"]
    found = importlib.util.find_spec("toolkit")
    origin = Path(found.origin).resolve() if found and found.origin else None
    if origin is None or tree.resolve() not in origin.parents:
        print(json.dumps({"fatal": f"toolkit would be imported from {origin}, not from the copy {tree}"}), flush=True)
        return
    if use_fork:  # load the test machinery once; each mutant's child process starts from here
        import _pytest.python  # noqa: F401
        import hypothesis.strategies  # noqa: F401
        import pytest  # noqa: F401

        _register_hypothesis_profile()
    log = tree / "mutation-last-run.log"
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        target = tree / job["path"] if job.get("path") else None
        original = target.read_text(encoding="utf-8") if target else None
        if target is not None:
            _forget_bytecode(target)
            target.write_text(job["source"], encoding="utf-8")
        started = time.monotonic()
        try:
            code = _run_once(base_args + job["tests"], job["timeout"], log, use_fork)
        finally:
            if target is not None and original is not None:
                target.write_text(original, encoding="utf-8")
                _forget_bytecode(target)
        result = {"id": job["id"], "returncode": code, "seconds": round(time.monotonic() - started, 3)}
        if job.get("want_log"):
            result["log"] = log.read_text(encoding="utf-8", errors="replace")[-6000:]
        print(json.dumps(result), flush=True)


def _forget_bytecode(path: Path) -> None:
    cached = Path(importlib.util.cache_from_source(str(path)))
    cached.unlink(missing_ok=True)


def _run_once(args: list[str], timeout: float, log: Path, use_fork: bool) -> int | None:
    """The tests' exit code, or None on timeout."""
    if not use_fork:
        with log.open("wb") as out:
            try:
                done = subprocess.run([sys.executable, __file__, "--child", json.dumps(args)], stdout=out,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout, check=False)
            except subprocess.TimeoutExpired:
                return None
        return done.returncode
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: run the tests, never return into the worker loop
        code = 3
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            code = _run_pytest(args)
        except BaseException:  # whatever happens, the child must exit here
            code = 3
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        waited, status = os.waitpid(pid, os.WNOHANG)
        if waited:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.005)


class _Worker:
    """A worker process with its own copy of the tree; runs one mutant at a time."""

    def __init__(self, number: int, tmp: Path, config: dict[str, Any], pytest_args: list[str], fork: bool) -> None:
        self.tree = tmp / f"worker-{number}"
        for name in config["copy"]:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, self.tree / name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache"))
            elif source.exists():
                self.tree.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, self.tree / name)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
        env.update(PYTHONPATH=str(self.tree), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
                   PYTHONPYCACHEPREFIX=str(self.tree / ".pycache"), PYTHONHASHSEED="0")
        spec = {"tree": str(self.tree), "pytest_args": pytest_args, "fork": fork}
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
            cwd=self.tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        hello = self._read()
        if "fatal" in hello:
            raise SystemExit(f"mutation: {hello['fatal']}")

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker in {self.tree} stopped (exit code {self.process.poll()})")
        return json.loads(line)

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- the command ------------------------------------------------------------------------------------------------


@dataclass
class Result:
    mutant: Mutant
    outcome: str  # killed | survived | timeout | error
    seconds: float


def _outcome(returncode: int | None) -> str:
    if returncode is None:
        return "timeout"
    if returncode == 0:
        return "survived"
    if returncode in (4, 5):  # pytest's usage error / no tests collected: the runner's fault, not the mutant's
        return "error"
    return "killed"


def _pytest_args(config: dict[str, Any]) -> list[str]:
    """pytest's options; the test files come per mutant (:func:`_test_files`)."""
    args = ["-q", "-x", "--no-header", "-p", "no:cacheprovider", "-p", "_hypothesis_pytestplugin",
            f"--hypothesis-profile={HYPOTHESIS_PROFILE}", "-o", "addopts=", "--import-mode=importlib"]
    for node_id in config.get("deselect", []):
        args += ["--deselect", node_id]
    return args


def _test_files(config: dict[str, Any], module: str | None) -> list[str]:
    """The configured test files (directories expanded, ``ignore`` left out), those that name ``module`` first: the
    same tests always run, but under ``-x`` a mutant the module's own tests kill stops sooner."""
    ignored = set(config.get("ignore", []))
    files: list[str] = []
    for entry in config["tests"]:
        path = ROOT / entry
        found = sorted(path.rglob("test_*.py")) if path.is_dir() else [path]
        files += [p.relative_to(ROOT).as_posix() for p in found if p.relative_to(ROOT).as_posix() not in ignored]
    if module is None:
        return files
    name = Path(module).stem
    focus = [f for f in files if re.search(rf"\b{re.escape(name)}\b", (ROOT / f).read_text(encoding="utf-8"))]
    return focus + [f for f in files if f not in focus]


def _load_config(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return dict(tomllib.load(handle)["mutation"])


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--config", type=Path, default=CONFIG, help="the TOML configuration (default: %(default)s)")
    parser.add_argument("--modules", nargs="+", metavar="PATH",
                        help="modules to mutate (paths from the repository root; default: the configuration's list)")
    parser.add_argument("--sample", type=int, help="run a deterministic sample of N mutants (0: all)")
    parser.add_argument("--seed", type=int, help="the sample's random seed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: CPU count)")
    parser.add_argument("--timeout", type=float,
                        help="seconds per mutant (default: 5 x the slowest baseline run, at least 30)")
    parser.add_argument("--min-score", type=float, help="exit 1 when the kill rate (percent) is below this")
    parser.add_argument("--match", action="append", default=[],
                        help="only mutants whose 'path:line' contains this text (repeatable)")
    parser.add_argument("--operators", nargs="+", metavar="NAME", help="only these operators")
    parser.add_argument("--list", action="store_true", help="print the selected mutants and run nothing")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every result to FILE as JSON")
    parser.add_argument("--no-fork", action="store_true",
                        help="start a fresh interpreter per mutant instead of forking a preloaded worker (slower)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.child is not None:
        _child_main(args.child)
    if args.worker is not None:
        _worker_main(args.worker)
        return 0
    config = _load_config(args.config)
    modules = args.modules or config["modules"]
    size = config.get("sample", 0) if args.sample is None else args.sample
    seed = config.get("seed", 0) if args.seed is None else args.seed
    min_score = float(config.get("min_score", 90) if args.min_score is None else args.min_score)
    for path in modules:
        if not (ROOT / path).is_file():
            print(f"mutation: no module {path}", file=sys.stderr)
            return 2

    population, parsed = generate(modules)
    selected = sample(population, size, seed)
    if args.match:
        selected = [m for m in selected if any(text in m.where for text in args.match)]
    if args.operators:
        selected = [m for m in selected if m.operator in args.operators]
    header = (f"{len(modules)} module(s), {len(population)} mutants, "
              + (f"sample of {len(selected)} (seed {seed})" if 0 < size < len(population) else f"{len(selected)} run"))
    if args.list:
        try:
            print(header)
            for mutant in selected:
                print("  " + mutant.describe())
            sys.stdout.flush()
        except BrokenPipeError:  # piped into head: fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if not selected:
        print(header + ": nothing to run")
        return 0

    # a plain ``kill`` stops the run like Ctrl-C: the workers are closed and the temporary trees removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    fork = hasattr(os, "fork") and not args.no_fork
    jobs = max(1, min(args.jobs, len(selected)))
    pytest_args = _pytest_args(config)
    print(f"mutation: {header}; {jobs} worker(s); tests: {len(_test_files(config, None))} files under "
          f"{' '.join(config['tests'])}", flush=True)
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        workers: list[_Worker] = []
        try:
            workers = [_Worker(i, Path(tmp), config, pytest_args, fork) for i in range(jobs)]
            by_module = {path: _test_files(config, path) for path in modules}
            everything = _test_files(config, None)
            baselines = _run_in_parallel(workers, [None] * jobs, lambda _: 600.0, lambda _: everything, want_log=True)
            for result in baselines:
                if result["returncode"] != 0:
                    print("mutation: the tests fail on the unmutated copy; fix them first:\n" + result.get("log", ""),
                          file=sys.stderr)
                    return 2
            slowest = max(r["seconds"] for r in baselines)
            timeout = args.timeout or max(30.0, 5 * slowest)
            print(f"mutation: baseline {slowest:.1f} s per run; timeout {timeout:.0f} s per mutant", flush=True)
            started = time.monotonic()
            raw = _run_in_parallel(workers, selected, lambda m: timeout, lambda m: by_module[m.module], parsed=parsed,
                                   progress=True)
        finally:
            for worker in workers:
                worker.close()
    results = [Result(m, _outcome(r["returncode"]), r["seconds"]) for m, r in zip(selected, raw, strict=True)]
    return _report(results, header, min_score, time.monotonic() - started, args.json)


def _run_in_parallel(
    workers: list[_Worker],
    items: list[Any],
    timeout_of: Any,
    tests_of: Any,
    parsed: dict[str, _Module] | None = None,
    want_log: bool = False,
    progress: bool = False,
) -> list[dict[str, Any]]:
    """Run ``items`` (mutants, or None for a baseline run) over the workers; results in the items' order."""
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(items)):
        todo.put(i)
    results: list[dict[str, Any] | None] = [None] * len(items)
    lock = threading.Lock()
    counts = {"done": 0, "survived": 0}
    failures: list[BaseException] = []

    def serve(worker: _Worker) -> None:
        while not failures:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            item = items[i]
            job: dict[str, Any] = {"id": i, "timeout": timeout_of(item), "want_log": want_log,
                                   "tests": tests_of(item)}
            if item is not None and parsed is not None:
                module = parsed[item.module]
                replacement = list(module.mutations(module.nodes[item.node_index]))[item.variant][1]
                job.update(path=item.module, source=module.mutated_source(item.node_index, replacement))
            try:
                result = worker.run(job)
            except BaseException as error:  # reported once all threads stop
                failures.append(error)
                return
            with lock:
                results[i] = result
                counts["done"] += 1
                counts["survived"] += result["returncode"] == 0
                if progress and (counts["done"] % 25 == 0 or counts["done"] == len(items)):
                    print(f"  {counts['done']}/{len(items)} run, {counts['survived']} survived", flush=True)

    threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [r for r in results if r is not None]


def _report(results: list[Result], header: str, min_score: float, seconds: float, json_path: Path | None) -> int:
    counts = {name: sum(r.outcome == name for r in results) for name in ("killed", "survived", "timeout", "error")}
    judged = counts["killed"] + counts["survived"] + counts["timeout"]
    score = 100.0 * (counts["killed"] + counts["timeout"]) / judged if judged else 100.0
    print(f"\nmutation: {header}, in {seconds:.0f} s")
    print(f"killed {counts['killed']}, survived {counts['survived']}, timeout {counts['timeout']}, "
          f"error {counts['error']}: score {score:.1f}% (minimum {min_score:g}%)")
    by_module: dict[str, list[int]] = {}
    for r in results:
        row = by_module.setdefault(r.mutant.module, [0, 0])
        row[0] += r.outcome != "survived" and r.outcome != "error"
        row[1] += r.outcome != "error"
    for module, (killed, total) in by_module.items():
        print(f"  {module}: {killed}/{total}")
    for name in ("survived", "timeout", "error"):
        listed = [r for r in results if r.outcome == name]
        if listed:
            print(f"\n{name.capitalize()} ({len(listed)}):")
            for r in listed:
                print("  " + r.mutant.describe())
    if json_path is not None:
        json_path.write_text(json.dumps({
            "header": header, "counts": counts, "score": round(score, 2),
            "results": [{**asdict(r.mutant), "outcome": r.outcome, "seconds": r.seconds} for r in results],
        }, indent=1) + "\n", encoding="utf-8")
    if counts["error"]:
        return 2
    return 0 if score >= min_score else 1


if __name__ == "__main__":
    sys.exit(main())
