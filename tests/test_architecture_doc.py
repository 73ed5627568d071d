"""ARCHITECTURE.md stays true: it names every module of the core packages, and every
``package/module.name`` it cites in the data flow exists."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEXT = (REPO / "ARCHITECTURE.md").read_text()
#: Packages whose every module the page names (io, export, series and explain are named as wholes).
CORE = ["sim/cli", "sim/model", "sim/kernel", "sim/trace", "sim/c_numerics"]
CITED = re.compile(r"\b((?:app/widgets|app|cli|model|kernel|trace|io|export|series|explain)/\w+)\.(\w+)")


def _module_path(cited: str) -> Path:
    return REPO / (cited + ".py") if cited.startswith("app") else REPO / "sim" / (cited + ".py")


def test_every_core_module_is_named():
    missing = [f"{package}/{path.stem}" for package in CORE for path in sorted((REPO / package).glob("*.py"))
               if not path.stem.startswith("_") and not re.search(rf"\b{path.stem}\b", TEXT)]
    assert not missing, f"ARCHITECTURE.md does not name {missing}"


def test_every_cited_function_exists():
    cited = {(module, name) for module, name in CITED.findall(TEXT) if name != "py"}
    assert len(cited) >= 10
    wrong = [f"{module}.{name}" for module, name in sorted(cited)
             if not _module_path(module).is_file()
             or not re.search(rf"^\s*(def|class) {name}\b|^\s*{name} = ", _module_path(module).read_text(), re.M)]
    assert not wrong, f"ARCHITECTURE.md cites what does not exist: {wrong}"
