"""The tracer's own quantities add up to the pixel it traces."""

from __future__ import annotations

import pytest

from sim.cli.args import parse_args
from sim.trace.tracer import trace_pixel

ARGS = ("-cell 100 100 100 90 90 90 -default_F 100 -N 5 -lambda 1 -distance 100 -detpixels 64 "
        "-pixel 0.4 -oversample 2 -misset 10 20 30 -water 50 -dispersion 1 -dispsteps 2").split()


def test_subpixel_intensities_sum_to_the_pixels_bragg_part():
    record = trace_pixel(parse_args(ARGS).config, 30, 40, device="cpu")
    shares = [v[0] for v in record.values("subpixel_I")]
    assert len(shares) == 4
    assert sum(shares) == pytest.approx(record.last("subpixel_sum_I")[0], rel=1e-12)
    total = record.last("background_I")[0] + record.last("subpixel_sum_I")[0]
    assert total == pytest.approx(record.last("I_before_scaling")[0], rel=1e-12)


def test_bragg_sum_splits_by_source_phi_step_and_domain():
    args = ARGS + "-mosaic 0.3 -mosaic_dom 3 -phi 0 -osc 0.2 -phisteps 2".split()
    record = trace_pixel(parse_args(args).config, 30, 40, device="cpu")
    total = record.last("subpixel_sum_I")[0]
    for name, count in (("source_I", 2), ("phi_step_I", 2), ("mosaic_domain_I", 3)):
        parts = [v[0] for v in record.values(name)]
        assert len(parts) == count, name
        assert sum(parts) == pytest.approx(total, rel=1e-12), name
