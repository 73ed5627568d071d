"""dials.import reads every exported format (NXmx, CBF, SMV) with the geometry we simulated.

For each convention, off-centre beams, rotated detectors with -twotheta and both pivots, the
beam centre dxtbx reports must be within 0.05 pixel of where the beam meets our detector,
the distance within 1e-4 relative, the wavelength exact, the detector axes and normal within
1e-4. The expected numbers come from the model's resolved vectors (pix0, fdet, sdet, odet,
beam), intersected here with the beam; the axes are compared after the lab -> imgCIF
rotation and also through dot products that no frame choice changes.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli.args import parse_args
from sim.export import export_image
from sim.export.frames import lab_to_imgcif, lab_vectors
from sim.model.resolved import build_model

BASE = ("-cell 60 70 80 90 90 90 -default_F 100 -N 5 -lambda 1.2345 -detpixels_f 48 "
        "-detpixels_s 40 -pixel 0.1 -distance 90").split()
CUSTOM = ("-beam_vector 1 0 0 -fdet_vector 0 0.6 0.8 -sdet_vector 0 0.8 -0.6 "
          "-odet_vector 1 0 0 -spindle_axis 0 0 1 -Xbeam 2.0 -Ybeam 1.5")
CASES = {
    "mosflm": "-mosflm -Xbeam 1.7 -Ybeam 3.1 -phi 5 -osc 0.5",
    "denzo": "-denzo -Xbeam 2.3 -Ybeam 1.4",
    "adxv": "-adxv -Xbeam 1.9 -Ybeam 2.9 -phi 10 -osc 1",
    "xds": "-xds -ORGX 17.3 -ORGY 29.6",
    "dials": "-dials -ORGX 30.2 -ORGY 12.8 -phi 3 -osc 0.25",
    "custom": CUSTOM,
    "mosflm_twotheta_beam_pivot": "-mosflm -Xbeam 2.1 -Ybeam 2.6 -detector_rotx 3 -detector_roty -2 "
                                  "-detector_rotz 4 -twotheta 15 -phi 1 -osc 0.5",
    "xds_twotheta_sample_pivot": "-xds -ORGX 20 -ORGY 25 -detector_rotx 2 -twotheta 12",
    "custom_twotheta_pivot_beam": CUSTOM + " -detector_roty 3 -twotheta 10 -pivot beam -osc 1",
    "custom_twotheta_pivot_sample": CUSTOM + " -detector_roty 3 -twotheta 10 -pivot sample",
}
# dials.import takes a lone CBF or SMV file by the frame number in its name
SUFFIXES = {"nxmx": ".h5", "cbf": "_00001.cbf", "smv": "_001.img"}


def _expected(model) -> dict:
    """Where our geometry puts the beam, the distance and the axes (mm, pixels, imgCIF frame)."""
    lab = lab_vectors(model)
    pixel_mm = model.detector.pixel_size_m * 1e3
    along = np.dot(lab["pix0"], lab["odet"]) / np.dot(lab["beam"], lab["odet"])
    spot = along * lab["beam"] - lab["pix0"]
    rotation = lab_to_imgcif(lab["beam"], lab["spindle"])
    normal = np.cross(lab["fdet"], lab["sdet"])
    return dict(
        beam_centre_px=[1e3 * np.dot(spot, lab[axis]) / pixel_mm for axis in ("fdet", "sdet")],
        distance_mm=abs(1e3 * np.dot(lab["pix0"], lab["odet"])),
        fast=rotation @ lab["fdet"], slow=rotation @ lab["sdet"], normal=rotation @ normal,
        beam_dots=[np.dot(v, lab["beam"]) for v in (lab["fdet"], lab["sdet"], normal)],
        spindle_dots=[np.dot(v, lab["spindle"]) for v in (lab["fdet"], lab["sdet"], normal)],
        wavelength_A=model.config.beam.wavelength_A,
        oscillation=[model.config.crystal.phi_start_deg, np.degrees(model.phi.osc_rad)])


@pytest.fixture(scope="module")
def read_back(dials, tmp_path_factory):
    """Every case exported in every format, then read by dxtbx in one subprocess."""
    folder = tmp_path_factory.mktemp("dials_geometry")
    expected, paths = {}, {}
    for name, flags in CASES.items():
        model = build_model(parse_args(BASE + flags.split()).config)
        image = np.random.default_rng(1).uniform(0.0, 10.0, model.shape)
        expected[name] = _expected(model)
        for fmt, suffix in SUFFIXES.items():
            paths[name, fmt] = folder / f"{name}{suffix}"
            export_image(paths[name, fmt], image, model)
    found = dials.probe(list(paths.values()))
    return expected, {key: found[str(path)] for key, path in paths.items()}


@pytest.mark.parametrize("fmt", list(SUFFIXES))
@pytest.mark.parametrize("case", list(CASES))
def test_dials_reads_the_simulated_geometry(read_back, case, fmt):
    expected, found = read_back
    want, got = expected[case], found[case, fmt]
    assert "error" not in got, got
    np.testing.assert_allclose(got["beam_centre_px"], want["beam_centre_px"], rtol=0, atol=0.05)
    assert got["distance_mm"] == pytest.approx(want["distance_mm"], rel=1e-4)
    assert got["wavelength_A"] == want["wavelength_A"]
    for axis in ("fast", "slow", "normal"):
        np.testing.assert_allclose(got[axis], want[axis], rtol=0, atol=1e-4, err_msg=axis)
    beam = np.array(got["beam"])
    axes = [np.array(got[a]) for a in ("fast", "slow", "normal")]
    np.testing.assert_allclose([a @ beam for a in axes], want["beam_dots"], rtol=0, atol=1e-4)
    assert got["pixel_mm"] == [0.1, 0.1] and got["image_size"] == [48, 40]
    if want["oscillation"][1] > 0.0:
        spindle = np.array(got["rotation_axis"])
        np.testing.assert_allclose([a @ spindle for a in axes], want["spindle_dots"], rtol=0, atol=1e-4)
        np.testing.assert_allclose(got["oscillation_deg"], want["oscillation"], rtol=0, atol=1e-9)
