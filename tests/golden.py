"""Access to the C program's golden outputs in ../shared/golden (read-only): the one helper.

Tests and benchmarks find the folder, its cases, their files and the trace logs here. The
folder is found through NANOBRAGG_GOLDEN or beside the checkout. When it is missing, tests
fail under CI (CI=true) and are skipped elsewhere, saying what is missing (``missing``).
NANOBRAGG_TEST_DEVICE (cuda, say) runs the parity tests on another device than the CPU.
pytest is imported only when a test needs it, so that benchmarks can use this module too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def golden_root() -> Path:
    return Path(os.environ.get("NANOBRAGG_GOLDEN", REPO.parent / "shared" / "golden"))


def parity_device() -> str:
    """Where parity tests run: NANOBRAGG_TEST_DEVICE (e.g. cuda), else the CPU."""
    return os.environ.get("NANOBRAGG_TEST_DEVICE", "cpu")


def in_ci() -> bool:
    """Whether the tests run under CI (CI=true), where missing data is a failure."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def missing(message: str) -> None:
    """What a test does when something it needs is not on this machine: fail under CI,
    skip elsewhere, saying ``message`` either way."""
    import pytest

    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def require_golden() -> Path:
    """The golden folder; fails (CI) or skips the test when it is not there."""
    root = golden_root()
    if not (root / "README.md").exists():
        missing(f"golden data not found at {root} (set NANOBRAGG_GOLDEN or put the shared "
                "folder beside the checkout)")
    return root


def require_file(relative: str) -> Path:
    """A file of the golden folder (``inputs/P1_random.hkl``, ``noise_seeded/run.log``...);
    fails (CI) or skips the test when it is not there."""
    path = require_golden() / relative
    if not path.is_file():
        missing(f"golden file not found: {path}")
    return path


def readme_text() -> str:
    """The golden README (formats, tolerances, the trace names in order)."""
    return require_file("README.md").read_text(encoding="utf-8")


MISSING = "golden-data-missing"


def case_names(root: Optional[Path] = None) -> List[str]:
    """Golden case names; one placeholder when the folder is missing, so that the tests
    run and fail (CI) or skip (elsewhere) with the reason instead of vanishing."""
    root = golden_root() if root is None else root
    if not root.exists():
        return [MISSING]
    return sorted(p.name for p in root.iterdir() if (p / "case.json").exists())


@dataclass
class GoldenCase:
    name: str
    folder: Path
    info: dict

    @property
    def c_args(self) -> List[str]:
        return list(self.info["c_args"])

    @property
    def crop(self) -> Optional[Tuple[int, int, int, int]]:
        crop = self.info.get("crop")
        return None if crop is None else tuple(crop)

    @property
    def inputs(self) -> Path:
        return self.folder.parent / "inputs"

    @property
    def image_path(self) -> Path:
        return self.folder / "image.f32"

    def image(self) -> np.ndarray:
        shape = tuple(self.info["image_shape"])
        return np.fromfile(self.image_path, dtype="<f4").reshape(shape)

    def run_log(self) -> str:
        """What the C program printed while making this case."""
        return (self.folder / "run.log").read_text(encoding="utf-8", errors="replace")

    def resolved_args(self) -> List[str]:
        """The C command line with input file names made absolute, to run anywhere."""
        return [str(self.inputs / a) if (self.inputs / a).is_file() else a for a in self.c_args]

    def trace_logs(self) -> List[Path]:
        return sorted(self.folder.glob("trace_s*_f*.log"))


def load_case(name: str, root: Optional[Path] = None) -> GoldenCase:
    """One golden case, from ``root`` (a benchmark's --golden) or the golden folder; a test
    fails (CI) or skips when the case is not there."""
    folder = (require_golden() if root is None else root) / name
    if root is None and not (folder / "case.json").is_file():
        missing(f"golden case not found: {folder}")
    return GoldenCase(name, folder, json.loads((folder / "case.json").read_text()))


def load_cases(root: Optional[Path] = None) -> List[GoldenCase]:
    """Every golden case of ``root`` (default: the golden folder), by name."""
    return [load_case(name, root) for name in case_names(root) if name != MISSING]


def trace_logs() -> List[Path]:
    """Every golden C trace log, ``<case>/trace_s<S>_f<F>.log``, in name order."""
    return sorted(golden_root().glob("*/trace_s*_f*.log"))


def trace_log_ids() -> List[str]:
    logs = trace_logs()
    if not logs:
        return [f"{MISSING}/trace_s0_f0.log"]
    return [f"{p.parent.name}/{p.name}" for p in logs]
