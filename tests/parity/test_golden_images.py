"""Every golden case's image, replayed from its C command line, against the C program's image.

Tolerances are the golden README's (``sim.agreement``), in float64. One table of all cases is printed at the end.
"""

from __future__ import annotations

import time

import pytest
import torch

from sim.agreement import image_agreement
from sim.cli.args import parse_args
from sim.simulator import simulate
from tests.conftest import PARITY_ROWS
from tests.golden import case_names, load_case, parity_device

# Cases that cannot meet the tolerances yet, with the reason and the numbers measured.
EXPECTED_FAILURES = {}


def replay(case, monkeypatch):
    monkeypatch.chdir(case.inputs)
    config = parse_args(case.c_args).config
    window = None
    if case.crop is not None:
        s0, s1, f0, f1 = case.crop
        window = (s0, s1, f0, f1)
    return simulate(config, device=parity_device(), dtype=torch.float64, window=window)


@pytest.mark.parametrize("name", case_names())
def test_image_matches_c_program(name, monkeypatch):
    case = load_case(name)
    if name in EXPECTED_FAILURES:
        pytest.xfail(EXPECTED_FAILURES[name])
    start = time.perf_counter()
    result = replay(case, monkeypatch)
    elapsed = time.perf_counter() - start
    ref = case.image()
    assert result.image.shape == ref.shape
    a = image_agreement(result.image, ref)
    PARITY_ROWS.append((name, a.pearson_r, abs(a.sum_rel_error), a.max_rel_error, elapsed,
                        "ok" if a.within_golden else "FAIL"))
    assert a.within_golden, "; ".join(a.failures())
