"""tests/golden.py is the one way to the golden data, and its policy for a missing folder holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import golden

REPO = Path(__file__).resolve().parents[1]
#: What only tests/golden.py may spell: where the folder is and how a case is stored.
LOCATING = re.compile(r"[\"'](NANOBRAGG_GOLDEN|shared|case\.json|image\.f32|run\.log)[\"']")


def test_only_the_helper_locates_golden_files():
    files = sorted((REPO / "tests").rglob("*.py")) + sorted((REPO / "benchmarks").rglob("*.py"))
    offenders = [f"{p.relative_to(REPO)}:{n}" for p in files if p != REPO / "tests" / "golden.py"
                 and p != Path(__file__).resolve()
                 for n, line in enumerate(p.read_text().splitlines(), 1) if LOCATING.search(line)]
    assert not offenders, f"use tests/golden.py: {offenders}"


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_missing_data_fails_under_ci_and_skips_elsewhere(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("NANOBRAGG_GOLDEN", str(tmp_path / "absent"))
    with pytest.raises(outcome, match="golden data not found"):
        golden.load_case("cubic_1024")
    assert golden.case_names() == [golden.MISSING]
    assert golden.trace_log_ids() == [f"{golden.MISSING}/trace_s0_f0.log"]
