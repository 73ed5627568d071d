"""A 10-frame rotation sweep of an off-centre, two-theta detector, exported as NXmx and as
numbered CBF files, is found and indexed by DIALS to the simulated cell.

The frames come from a loop over phi ranges with ``simulate()``; each samples its range at
the midpoints of its phi steps, so that a frame's mean angle is its range's centre, as in a
continuous rotation. dials.index keeps the exported detector and beam fixed
(``detector.fix=all beam.fix=all``): the test is of the geometry in the files, which a free
refinement would absorb (with a 32 mm detector and 10 degrees, refining the distance drifts
the cell by about 1%). Spots are found down to 3 pixels, DIALS's size for pixel-array
detectors (a simulated detector has no point spread); dxtbx calls every full-CBF detector
"unknown" and would otherwise ask for 6, losing most of these small spots.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sim.cli_args import parse_args
from sim.export import export_sweep
from sim.model import build_model
from sim.simulator import simulate

CELL = (60.0, 70.0, 80.0, 90.0, 90.0, 90.0)
FLAGS = ("-cell 60 70 80 90 90 90 -misset 10 20 30 -default_F 100 -N 12 -lambda 1.5 -distance 40 "
         "-detpixels 160 -pixel 0.2 -oversample 1 -phisteps 10 -osc 1 -mosflm -Xbeam 13 -Ybeam 17 "
         "-twotheta 8 --no-phi0-reuse").split()
FRAMES, OSC_DEG, STEPS = 10, 1.0, 10


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


@pytest.mark.parametrize("fmt", ["nxmx", "cbf"])
def test_dials_indexes_the_sweep_to_the_simulated_cell(dials, sweep_files, fmt, tmp_path):
    files = [str(Path(p)) for p in sweep_files[fmt]]
    dials.run(["dials.import", *files], tmp_path)
    found = dials.run(["dials.find_spots", "imported.expt", "nproc=1", "min_spot_size=3"], tmp_path)
    assert re.search(r"(\d+) spots found on 10 images", found)
    log = dials.run(["dials.index", "imported.expt", "strong.refl", "detector.fix=all",
                     "beam.fix=all"], tmp_path)
    cell = dials.probe([tmp_path / "indexed.expt"])[str(tmp_path / "indexed.expt")]["unit_cell"]
    np.testing.assert_allclose(cell[:3], CELL[:3], rtol=5e-4)
    np.testing.assert_allclose(cell[3:], CELL[3:], atol=0.05)
    assert max(_rmsds_px(log)) < 0.3
