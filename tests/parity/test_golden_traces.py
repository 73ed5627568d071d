"""Every golden C trace log against our trace of the same pixel, and our trace against our image.

Every numeric quantity both traces carry must agree within the golden README's trace
tolerances (``sim.agreement.TRACE_RTOL``, ``TRACE_ATOL`` near zero), and the traced pixel's final value must equal the
simulated image's pixel to 1e-12 relative (the trace is the image's own computation).
"""

from __future__ import annotations

import pytest
import torch

from sim.agreement import TRACE_ATOL, TRACE_RTOL
from sim.cli.args import parse_args
from sim.simulator import simulate
from sim.trace.c_log import load_trace_log
from sim.trace.compare import compare_traces, format_table
from sim.trace.tracer import trace_pixel
from tests.golden import load_case, parity_device, trace_log_ids

# Logs whose physics cannot match yet: reason and measured numbers.
EXPECTED_FAILURES = {}


def _pixel(log_name: str):
    stem = log_name[len("trace_s"):-len(".log")]
    slow, fast = stem.split("_f")
    return int(slow), int(fast)


@pytest.fixture(scope="module")
def configs():
    return {}


def _config(case, configs, monkeypatch):
    monkeypatch.chdir(case.inputs)
    if case.name not in configs:
        configs[case.name] = parse_args(case.c_args).config
    return configs[case.name]


@pytest.mark.parametrize("log_id", trace_log_ids())
def test_trace_matches_c_trace(log_id, configs, monkeypatch):
    case_name, log_name = log_id.split("/")
    if log_id in EXPECTED_FAILURES:
        pytest.xfail(EXPECTED_FAILURES[log_id])
    case = load_case(case_name)
    slow, fast = _pixel(log_name)
    theirs = load_trace_log(case.folder / log_name, expected_pixel=(slow, fast))
    ours = trace_pixel(_config(case, configs, monkeypatch), slow, fast, device=parity_device(), dtype=torch.float64)
    comparison = compare_traces(ours, theirs, rtol=TRACE_RTOL, atol=TRACE_ATOL)
    missing = [r for r in comparison.rows if r.status == "theirs only"]
    assert comparison.first_divergence is None, format_table(comparison)
    assert not missing, f"quantities the C prints that we do not: {[r.name for r in missing]}"


@pytest.mark.parametrize("log_id", trace_log_ids())
def test_trace_final_value_is_the_image_pixel(log_id, configs, monkeypatch):
    case_name, log_name = log_id.split("/")
    case = load_case(case_name)
    slow, fast = _pixel(log_name)
    config = _config(case, configs, monkeypatch)
    record = trace_pixel(config, slow, fast, device=parity_device(), dtype=torch.float64)
    image = simulate(config, device=parity_device(), dtype=torch.float64, window=(slow, slow + 1, fast, fast + 1)).image
    traced = record.last("I_pixel_final")[0]
    assert traced == pytest.approx(float(image[0, 0]), rel=1e-12, abs=1e-300)
