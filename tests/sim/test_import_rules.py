"""Dependencies point one way: app -> sim. The light sim modules load without torch or Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIGHT_MODULES = ["sim", "sim.model.config", "sim.units", "sim.errors", "sim.trace.schema", "sim.trace.record",
                 "sim.cli.args", "sim.trace.format", "sim.trace.c_log", "sim.trace.compare"]


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_light_sim_module_imports_neither_torch_nor_qt(module):
    code = (f"import sys, {module}; "
            "bad = [m for m in ('torch', 'PyQt6', 'pyqtgraph') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"importing {module} loaded {out.stdout.strip()}"


def _imported_roots(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_sim_never_imports_qt_or_app():
    offenders = [f"{p.relative_to(REPO)} imports {root}" for p in sorted((REPO / "sim").rglob("*.py"))
                 for root in _imported_roots(p) if root in ("PyQt6", "pyqtgraph", "app")]
    assert not offenders, offenders


def _sim_module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sim_imports(path: Path, modules) -> set:
    """The sim modules ``path`` imports anywhere in it (function-level imports included);
    ``from package import name`` counts as importing ``package.name`` where that is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in modules}


def test_no_sim_module_imports_a_module_that_imports_it_back():
    paths = {_sim_module_name(p): p for p in sorted((REPO / "sim").rglob("*.py"))}
    imports = {name: _sim_imports(path, paths) - {name} for name, path in paths.items()}
    loops = sorted(f"{a} <-> {b}" for a, targets in imports.items() for b in targets
                   if a < b and a in imports[b])
    assert not loops, loops
