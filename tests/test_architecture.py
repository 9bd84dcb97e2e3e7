"""The package keeps the shape docs/architecture.md describes: the
import-linter contracts in pyproject.toml hold (and a forbidden import
breaks them), no import hides inside a function, and every write goes
through writes/gate.py."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "server" / "koopgraph"
CONTRACTS = ["Layers: cli, then web, writes, domain, engine, then the base modules; never",
             "Only web/ imports Flask (and its werkzeug)",
             "Only engine/ talks to an RDF engine",
             "No import cycles between the modules of any package"]


def _lint(root: Path, config: Path) -> subprocess.CompletedProcess:
    """lint-imports over the package found at root/server, with config."""
    env = {**os.environ, "PYTHONPATH": str(root / "server")}
    command = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", command, str(config), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_contracts_in_pyproject_are_kept():
    result = _lint(REPO, REPO / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout
    for name in CONTRACTS:
        assert name in " ".join(result.stdout.split()), name


BREAKS = [  # (module to change, line to add, contract it breaks)
    ("domain/forms.py", "import flask", "Only web/ imports Flask"),
    ("web/pages.py", "import pyoxigraph", "Only engine/ talks to an RDF engine"),
    ("domain/questions.py", "import urllib3", "Only engine/ talks to an RDF engine"),
    ("engine/reading.py", "from koopgraph.writes import gate", "Layers:"),
    ("domain/validation.py", "from koopgraph.web import context", "Layers:"),
    ("domain/questions.py", "from koopgraph.domain import openapi", "No import cycles"),
]


@pytest.mark.parametrize("module, line, contract", BREAKS, ids=[f"{m}:{line}" for m, line, _ in BREAKS])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    copy = tmp_path / "repo"
    shutil.copytree(PACKAGE, copy / "server" / "koopgraph", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "server" / "koopgraph" / module
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('"""\n\n', f'"""\n\n{line}\n', 1), encoding="utf-8")
    result = _lint(copy, copy / "pyproject.toml")
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [block for block in result.stdout.split("\n\n") if "BROKEN" in block]
    assert any(contract in " ".join(block.split()) for block in broken), result.stdout


PYFLAKES = ["--select", "F", "--no-cache", "--output-format", "concise"]


def _pyflakes(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", *PYFLAKES, str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_no_name_is_undefined_shadowed_or_imported_for_nothing_in_the_package():
    """ruff's pyflakes rules over server/: a class defined twice silently drops
    the first (it once dropped granian's safe stop), an undefined name fails
    only when its line runs."""
    result = _pyflakes(PACKAGE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pyflakes_check_finds_a_class_defined_twice(tmp_path):
    module = tmp_path / "twice.py"
    module.write_text("class A:\n    x = 1\n\n\nclass A:\n    y = 2\n", encoding="utf-8")
    result = _pyflakes(module)
    assert result.returncode == 1 and "F811" in result.stdout, result.stdout


def test_no_module_imports_inside_a_function():
    """Imports at the top only: a cycle cannot hide in a function body."""
    hidden = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                hidden += [f"{path.relative_to(PACKAGE)}:{n.lineno}" for n in ast.walk(node)
                           if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert hidden == []


# The engine's write operations (engine/interface.py, "writing"): only the gate calls them.
ENGINE_WRITES = {"apply", "write_quads", "replace_graph", "load_graph", "drop_graph", "set_fingerprints",
                 "bulk_extend", "bulk_load", "clear_graph"}
STORE_NAMES = {"store", "engine", "kg", "remote", "native"}


def _engine_writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            name = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
            if node.func.attr in ENGINE_WRITES or (node.func.attr in ("update", "extend", "add", "remove")
                                                   and name in STORE_NAMES):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}.{node.func.attr}")
    return found


def test_only_the_gate_calls_the_engines_write_operations():
    outside = [hit for path in _modules() if path.parent.name != "engine" and path != PACKAGE / "writes" / "gate.py"
               for hit in _engine_writes(path)]
    assert outside == []
    assert _engine_writes(PACKAGE / "writes" / "gate.py")  # the scan sees the gate's own calls


@pytest.mark.parametrize("marker", ["WRITE_LOCK", '"shacl-violation"', "entry_quads(", "_conforming("])
def test_the_write_lock_the_shacl_gate_and_the_log_live_in_writes_only(marker):
    users = {path.relative_to(PACKAGE).parts[0] for path in _modules() if marker in path.read_text(encoding="utf-8")}
    assert users == {"writes"}
