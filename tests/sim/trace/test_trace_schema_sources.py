"""The schema drives the trace: each quantity has one source, each kernel tap one quantity,
and a text search for a quantity's name finds the line that computes it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import torch

from sim import units
from sim.cli.args import parse_args
from sim.kernel.intensity import pixel_values
from sim.model.resolved import build_model
from sim.simulator import kernel_inputs
from sim.trace import schema
from sim.trace.schema import CONTROL, DERIVED, MODEL, QUANTITIES, SETUP, TAP, Source
from sim.trace.tracer import trace_pixel

SIM = Path(schema.__file__).resolve().parents[1]
BASE = ("-cell 100 100 100 90 90 90 -default_F 100 -N 5 -lambda 1 -distance 100 -detpixels 16 "
        "-pixel 0.4 -misset 10 20 30 -oversample 2").split()
# Between them these runs reach every tap: a parallelepiped (F_latt_a/b/c), a sphere, -dmin,
# several sources and orientations, per-sub-pixel factors.
RUNS = [BASE + "-dmin 3 -dispersion 10 -dispsteps 3 -mosaic 0.3 -mosaic_dom 2".split(),
        BASE + "-round_xtal -oversample_omega -oversample_polar".split()]
TAPPED = sorted(q.name for q in QUANTITIES if q.source.kind == TAP)


def _sim_lines():
    """(path, line number, text) of every line of sim/."""
    for path in sorted(SIM.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            yield path, number, line


def _tap_calls(args):
    config = parse_args(args).config
    model = build_model(config)
    k = kernel_inputs(model, "cpu", torch.float64)
    calls = []
    with torch.no_grad():
        pixel_values(k, torch.tensor([7]), torch.tensor([9]), tap=lambda name, value: calls.append(name))
    return calls


def test_every_quantity_has_exactly_one_source():
    assert len({q.name for q in QUANTITIES}) == len(QUANTITIES)
    for q in QUANTITIES:
        assert isinstance(q.source, Source), q.name
        assert q.source.kind in (TAP, SETUP, MODEL, DERIVED), q.name
        if q.source.kind in (MODEL, DERIVED):
            assert callable(q.source.read), q.name
        if q.source.kind == SETUP:
            assert q.source.read is None, q.name
        if q.source.convert is not None:
            assert q.source.convert.__module__ == units.__name__, f"{q.name}: convert with sim.units"


@pytest.mark.parametrize("args", RUNS, ids=["square_dmin", "round_oversampled"])
def test_each_tap_is_one_schema_quantity_tapped_once(args):
    calls = _tap_calls(args)
    repeated = [name for name, n in Counter(calls).items() if n > 1]
    assert not repeated, f"tapped more than once: {repeated}"
    assert set(calls) <= set(TAPPED), f"taps with no schema entry: {set(calls) - set(TAPPED)}"


def test_every_tap_quantity_is_tapped():
    tapped = set()
    for args in RUNS:
        tapped |= set(_tap_calls(args))
    assert sorted(tapped) == TAPPED


def test_a_search_for_a_tapped_name_finds_its_one_tap_call():
    for name in TAPPED:
        hits = [(p, n) for p, n, line in _sim_lines() if f'tap("{name}", ' in line]
        assert len(hits) == 1, f"{name}: tap calls at {hits}"
        assert hits[0][0].parent.name == "kernel", f"{name}: tapped outside the kernel at {hits}"


def test_a_search_for_a_setup_name_finds_the_detector_line_that_records_it():
    detector = (SIM / "model" / "detector.py").read_text()
    for q in QUANTITIES:
        if q.source.kind == SETUP:
            assert len(re.findall(rf'\("{q.name}",\s', detector)) == 1, q.name


def test_a_model_or_derived_entry_computes_its_value_on_its_own_lines():
    lines = Path(schema.__file__).read_text().splitlines()
    starts = {m.group(1): i + 1 for i, line in enumerate(lines) for m in [re.match(r'\s*_q\("(\w+)"', line)] if m}
    ends = sorted(starts.values()) + [len(lines) + 1]
    for q in QUANTITIES:
        if q.source.kind not in (MODEL, DERIVED):
            continue
        start = starts[q.name]
        end = ends[ends.index(start) + 1]
        code = q.source.read.__code__
        assert Path(code.co_filename).name == "schema.py", q.name
        assert start <= code.co_firstlineno < end, f"{q.name}: computed on line {code.co_firstlineno}"


def test_control_quantities_are_read_but_never_recorded():
    record = trace_pixel(parse_args(RUNS[0]).config, 7, 9, device="cpu")
    control = {q.name for q in QUANTITIES if q.block == CONTROL}
    assert control and not control & {e.name for e in record.entries}
