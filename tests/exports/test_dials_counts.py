"""dxtbx reads the exported pixels as we mean them: raw counts minus its pedestal are the
simulated photons times the scale, and its trusted range keeps every count but overloads.

No dxtbx reader of these files (FormatNXmx, FormatCBFFull, the d*TREK FormatSMVRigakuSaturn)
takes a pedestal, so the exports carry no ADC offset and dxtbx's pedestal is 0; the C's own
``-adc`` offset (40) stays in its ``intimage.img``.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli.args import parse_args
from sim.export import export_image
from sim.model.resolved import build_model

#: -scale 100: photons -> counts; a rotated, two-theta detector, off-centre beam.
FLAGS = ("-cell 60 70 80 90 90 90 -default_F 100 -N 5 -detpixels_f 48 -detpixels_s 40 -pixel 0.1 "
         "-distance 90 -mosflm -Xbeam 2.1 -Ybeam 2.6 -detector_rotx 3 -twotheta 15 -phi 1 -osc 0.5 "
         "-scale 100").split()
SCALE = 100.0
#: (slow, fast) pixels checked, one of them brighter than 16-bit SMV holds (700 x 100 counts).
PIXELS = [(0, 0), (3, 7), (20, 31), (39, 47), (11, 5)]
BRIGHT = (11, 5)
SUFFIXES = {"nxmx": ".h5", "cbf": "_00001.cbf", "smv": "_001.img"}
#: The trusted range dxtbx must read: (underload, overload), both excluded by DIALS.
TRUSTED = {"nxmx": [-1, 2 ** 31 - 1], "cbf": [-1, 2 ** 31 - 1], "smv": [0, 65535]}


@pytest.fixture(scope="module")
def read_back(dials, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dials_counts")
    model = build_model(parse_args(FLAGS).config)
    photons = np.round(np.random.default_rng(3).uniform(0.0, 10.0, model.shape), 2)
    photons[0, 0] = 0.0
    photons[BRIGHT] = 700.0
    paths = {fmt: folder / f"counts{suffix}" for fmt, suffix in SUFFIXES.items()}
    for path in paths.values():
        export_image(path, photons, model)
    found = dials.probe(list(paths.values()))
    return photons, {fmt: found[str(path)] for fmt, path in paths.items()}


@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_raw_counts_less_the_pedestal_are_photons_times_scale(read_back, fmt):
    photons, found = read_back
    got = found[fmt]
    assert "error" not in got, got
    raw = np.array(got["raw"]).reshape(photons.shape)
    assert got["pedestal"] == 0.0 and got["gain"] == 1.0
    for pixel in PIXELS:
        expected = np.floor(photons[pixel] * SCALE + 0.5)
        if fmt == "smv" and pixel == BRIGHT:
            expected = 65535.0  # SMV's 16 bits: an overload, outside the trusted range below
        assert raw[pixel] - got["pedestal"] == expected, (pixel, raw[pixel])


@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_trusted_range_keeps_counts_and_drops_overloads(read_back, fmt):
    photons, found = read_back
    low, high = found[fmt]["trusted_range"]
    assert [low, high] == TRUSTED[fmt]
    raw = np.array(found[fmt]["raw"]).reshape(photons.shape)
    inside = (raw > low) & (raw < high)
    assert inside[BRIGHT] == (fmt != "smv") and inside[3, 7]
    # the Saturn reader's underload is 0: DIALS leaves out SMV pixels of 0 counts
    assert inside[0, 0] == (fmt != "smv")
