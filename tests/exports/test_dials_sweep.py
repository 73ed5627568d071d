"""A 10-frame rotation sweep of an off-centre, two-theta detector, exported as NXmx and as
numbered CBF files, is found and indexed by DIALS to the simulated cell.

The frames come from a loop over phi ranges with ``simulate()``; each samples its range at
the midpoints of its phi steps, so that a frame's mean angle is its range's centre, as in a
continuous rotation. The sweep: 10 frames of 4 degrees on a 51 mm detector at 60 mm
(two-theta 8 degrees), Gaussian crystal shape (``-gauss``: compact spots without sinc side
lobes). Spots are found down to 3 pixels, DIALS's size for pixel-array detectors (dxtbx calls
every full-CBF detector "unknown" and would ask for 6), and above 100 counts (of 55000): a
noiseless frame has no background noise, and without that floor DIALS's dispersion test
takes every pixel above zero for a spot.

dials.index keeps the exported detector and beam (``detector.fix=all beam.fix=all``): that
is the geometry under test, and the cell must come out within 0.05%. dials.refine then frees
the detector and beam (its defaults): on 10 frames the distance trades against the cell, and
the cell moves by up to 0.2% (DIALS's own standard errors are about 0.1%), so that check asks
0.25%.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sim.cli.args import parse_args
from sim.export import export_sweep
from sim.model.resolved import build_model
from sim.simulator import simulate

CELL = (60.0, 70.0, 80.0, 90.0, 90.0, 90.0)
FLAGS = ("-cell 60 70 80 90 90 90 -misset 10 20 30 -default_F 100 -N 12 -gauss -lambda 1.5 "
         "-distance 60 -detpixels 256 -pixel 0.2 -oversample 1 -phisteps 20 -osc 4 -mosflm "
         "-Xbeam 22 -Ybeam 28 -twotheta 8 --no-phi0-reuse").split()
FRAMES, OSC_DEG, STEPS = 10, 4.0, 20


@pytest.fixture(scope="module")
def sweep_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    images = [simulate(parse_args(FLAGS + ["-phi", str(i * OSC_DEG + OSC_DEG / STEPS / 2)]).config,
                       device="cpu").image for i in range(FRAMES)]
    model = build_model(parse_args(FLAGS).config)
    starts = [i * OSC_DEG for i in range(FRAMES)]
    return {"nxmx": export_sweep(folder / "sweep.h5", images, model, starts, OSC_DEG),
            "cbf": export_sweep(folder / "sweep.cbf", images, model, starts, OSC_DEG)}


def _rmsds_px(log: str):
    """(RMSD_X, RMSD_Y) in pixels from the last 'RMSDs by experiment' table of dials.index."""
    table = log.rsplit("RMSDs by experiment", 1)[1]
    row = re.search(r"\|\s+0\s+\|\s+\d+\s+\|\s+([\d.]+)\s+\|\s+([\d.]+)\s+\|", table)
    return float(row.group(1)), float(row.group(2))


def _cell(dials, experiments: Path):
    return dials.probe([experiments])[str(experiments)]["unit_cell"]


@pytest.mark.parametrize("fmt", ["nxmx", "cbf"])
def test_dials_indexes_the_sweep_to_the_simulated_cell(dials, sweep_files, fmt, tmp_path):
    files = [str(Path(p)) for p in sweep_files[fmt]]
    dials.run(["dials.import", *files], tmp_path)
    found = dials.run(["dials.find_spots", "imported.expt", "nproc=1", "min_spot_size=3",
                       "threshold.dispersion.global_threshold=100"], tmp_path)
    assert re.search(r"(\d+) spots found on 10 images", found)
    log = dials.run(["dials.index", "imported.expt", "strong.refl", "detector.fix=all",
                     "beam.fix=all"], tmp_path)
    np.testing.assert_allclose(_cell(dials, tmp_path / "indexed.expt"), CELL, rtol=5e-4)
    assert max(_rmsds_px(log)) < 0.3
    log = dials.run(["dials.refine", "indexed.expt", "indexed.refl"], tmp_path)
    np.testing.assert_allclose(_cell(dials, tmp_path / "refined.expt"), CELL, rtol=2.5e-3)
    assert max(_rmsds_px(log)) < 0.3
