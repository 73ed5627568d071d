"""A rotation sweep written by ``python -m sim series`` is indexed by DIALS to the simulated
cell within 0.05% (measured 60.024 70.022 79.995 for 60 70 80): 10 numbered CBF frames
(dials.import takes them as one sweep), dials.find_spots, dials.index with the written
detector and beam kept fixed (the test is of the series' frames and their phi ranges; with
a 32 mm detector and 10 degrees, a free refinement of the distance would drift the cell by
about 1%, as the exports' own sweep test says)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from sim.series.cli import build_description, split_options
from sim.series.runner import RunOptions, run_series
from tests.exports.conftest import dials  # noqa: F401  (the shared DIALS fixture)

CELL = (60.0, 70.0, 80.0, 90.0, 90.0, 90.0)
SWEEP = ("-cell 60 70 80 90 90 90 -misset 10 20 30 -default_F 100 -N 12 -lambda 1.5 -distance 40 "
         "-detpixels 160 -pixel 0.2 -oversample 1 -phisteps 10 -mosflm -Xbeam 13 -Ybeam 17 "
         "-twotheta 8 -nonoise --frames 10 --osc 1 --format cbf").split()


def test_dials_indexes_a_series_sweep_to_the_simulated_cell(dials, tmp_path):  # noqa: F811
    options, line = split_options(SWEEP)
    run_series(build_description(options, line), RunOptions(tmp_path / "sweep", progress=False))
    frames = sorted(str(p) for p in (tmp_path / "sweep").glob("series_0*.cbf"))
    assert len(frames) == 10
    assert_indexes_to_cell(dials, frames, 10, tmp_path)


def assert_indexes_to_cell(dials, files, images: int, folder: Path) -> None:  # noqa: F811
    """dials.import ``files``, find spots on all ``images`` and index them to ``CELL``
    (lengths within 0.05%, angles within 0.05 degree), the exported geometry held."""
    dials.run(["dials.import", *files], folder)
    # min_spot_size=3: DIALS's own choice for pixel-array detectors; it calls a full-CBF
    # detector "unknown" and would ask for 6 pixels, losing most of these small spots.
    # global_threshold=40 (of 55000): noise-free frames without ADC offset have no background,
    # and without a floor DIALS's dispersion test takes every pixel above zero for a spot (more
    # than its 25% cap). The cell's a depends on the floor (CBF sweep: 0.24% off at 5, 0.07%
    # at 20, 0.04% at 40, 0.13% at 100, as the floor trims the spots' sinc tails unevenly)
    found = dials.run(["dials.find_spots", "imported.expt", "nproc=1", "min_spot_size=3",
                       "threshold.dispersion.global_threshold=40"], folder)
    assert re.search(rf"(\d+) spots found on {images} images", found)
    dials.run(["dials.index", "imported.expt", "strong.refl", "detector.fix=all", "beam.fix=all"], folder)
    cell = indexed_cell(folder / "indexed.expt")
    np.testing.assert_allclose(cell[:3], CELL[:3], rtol=5e-4)
    np.testing.assert_allclose(cell[3:], CELL[3:], atol=0.05)


def indexed_cell(path: Path):
    """(a, b, c, alpha, beta, gamma) of the first crystal of a DIALS experiment list (JSON)."""
    crystal = json.loads(path.read_text())["crystal"][0]
    a, b, c = (np.array(crystal[f"real_space_{axis}"]) for axis in "abc")
    angle = lambda u, v: np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v)))  # noqa: E731
    return [*(np.linalg.norm(v) for v in (a, b, c)), angle(b, c), angle(a, c), angle(a, b)]
