"""Access to the C program's golden outputs in ../shared/golden (read-only).

The folder is found through NANOBRAGG_GOLDEN or beside the checkout. When it is missing,
tests fail under CI (CI=true) and are skipped elsewhere, saying what is missing.
NANOBRAGG_TEST_DEVICE (cuda, say) runs the parity tests on another device than the CPU.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


def golden_root() -> Path:
    return Path(os.environ.get("NANOBRAGG_GOLDEN", REPO.parent / "shared" / "golden"))


def parity_device() -> str:
    """Where parity tests run: NANOBRAGG_TEST_DEVICE (e.g. cuda), else the CPU."""
    return os.environ.get("NANOBRAGG_TEST_DEVICE", "cpu")


def require_golden() -> Path:
    root = golden_root()
    if not (root / "README.md").exists():
        message = (f"golden data not found at {root} (set NANOBRAGG_GOLDEN or put the shared "
                   "folder beside the checkout)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return root


MISSING = "golden-data-missing"


def case_names() -> List[str]:
    """Golden case names; one placeholder when the folder is missing, so that the tests
    run and fail (CI) or skip (elsewhere) with the reason instead of vanishing."""
    root = golden_root()
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

    def image(self) -> np.ndarray:
        shape = tuple(self.info["image_shape"])
        return np.fromfile(self.folder / "image.f32", dtype="<f4").reshape(shape)

    def trace_logs(self) -> List[Path]:
        return sorted(self.folder.glob("trace_s*_f*.log"))


def load_case(name: str) -> GoldenCase:
    folder = require_golden() / name
    return GoldenCase(name, folder, json.loads((folder / "case.json").read_text()))


def trace_log_ids() -> List[str]:
    root = golden_root()
    if not root.exists():
        return [f"{MISSING}/trace_s0_f0.log"]
    return sorted(f"{p.parent.name}/{p.name}" for p in root.glob("*/trace_s*_f*.log"))
