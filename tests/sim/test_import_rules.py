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


#: Reaching into another module's private names that is allowed, each with its reason.
PRIVATE_ALLOWED = {
    ("benchmarks/bench_gpu.py", "sim.simulator._run_chunks"):
        "counts CUDA host syncs inside the chunk loop alone, which simulate() offers no hook for",
}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _absolute(node: ast.ImportFrom, own: str) -> str:
    """The module a ``from ... import`` names, a relative one resolved from ``own``."""
    if node.level == 0:
        return node.module or ""
    return ".".join(own.split(".")[:-node.level] + ([node.module] if node.module else []))


def _outside_private_module(module: str, own: str) -> bool:
    """``module`` has a ``_private`` part and ``own`` is not inside the package that holds it."""
    parts = module.split(".")
    hidden = [i for i, part in enumerate(parts) if _private(part)]
    return bool(hidden) and not own.startswith(".".join(parts[:hidden[0]]) + ".")


def _private_reaches(path: Path):
    """(line, 'module.name') for each private name of another sim/app module that ``path``
    imports or reads: ``from m import _x``, a ``_module`` from outside its package, ``m._x``."""
    own = ".".join(path.relative_to(REPO).with_suffix("").parts)
    tree = ast.parse(path.read_text())
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(node, own)
            if module.split(".")[0] not in ("sim", "app"):
                continue
            if _outside_private_module(module, own):
                yield node.lineno, module
            for alias in node.names:
                if _private(alias.name):
                    yield node.lineno, f"{module}.{alias.name}"
                aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("sim", "app"):
                    if _outside_private_module(alias.name, own):
                        yield node.lineno, alias.name
                    aliases[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name) \
                and node.value.id in aliases:
            yield node.lineno, f"{aliases[node.value.id]}.{node.attr}"


def test_no_module_reaches_into_another_modules_private_names():
    found = {}
    for folder in ("sim", "app", "tests", "benchmarks"):
        for path in sorted((REPO / folder).rglob("*.py")):
            for line, name in _private_reaches(path):
                found.setdefault((str(path.relative_to(REPO)), name), line)
    offenders = [f"{path}:{line} uses {name}" for (path, name), line in found.items()
                 if (path, name) not in PRIVATE_ALLOWED]
    assert not offenders, offenders
    unused = [key for key in PRIVATE_ALLOWED if key not in found]
    assert not unused, f"allowed but no longer used (drop them): {unused}"
