"""Computing and writing one frame, in whatever process runs it.

A ``FrameRenderer`` is made once per process and series: it parses the line once, reads
the structure factor table once (``build_model`` would read it for every frame), and
keeps its writer open. ``render_task`` is the function Dask workers run; each worker
process keeps its last renderer, so a worker builds its model state once.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from sim.series.description import SeriesDescription
from sim.series.frames import FrameParams, frame_config, frame_params
from sim.integrity import file_digest as sha256_of
from sim.series.writers import make_writer

FrameRecord = Dict[str, Any]
#: Structure factor tables kept per process (one per -N the interpolation rule may depend on).
_TABLES_KEPT = 4


class FrameRenderer:
    """Frames of one series, simulated on ``device`` and written to ``out_dir``."""

    def __init__(self, description: SeriesDescription, out_dir: Path, device: Optional[str] = None):
        from sim.model.beam import fluence_per_m2

        self.description, self.out_dir, self.device = description, Path(out_dir), device
        self.line = description.config()
        self.base_fluence = fluence_per_m2(self.line.beam)
        self._structure_factors: Dict[Tuple, Any] = {}
        self.writer = make_writer(description.format)
        self.writer.open(description, self.out_dir)

    def params(self, index: int) -> FrameParams:
        return frame_params(self.description, index, self.base_fluence)

    def model(self, params: FrameParams):
        """The frame's model, with the structure factor table read once per process."""
        from sim.model.resolved import build_model
        from sim.kernel.structure_factors import load_structure_factors

        config = frame_config(self.line, params)
        crystal = config.crystal
        if crystal.hkl_file is None:
            return build_model(config)
        key = (crystal.hkl_file, crystal.default_F, crystal.interpolate, crystal.N_cells)
        if key not in self._structure_factors:
            if len(self._structure_factors) >= _TABLES_KEPT:  # a size spread varies -N
                self._structure_factors.clear()
            self._structure_factors[key] = load_structure_factors(crystal, N_from_flags=crystal.N_cells)
        # The table is all build_model reads from -hkl; the model is built without it (a
        # default_F stands in for the check that some structure factor is given).
        without = dataclasses.replace(crystal, hkl_file=None, default_F=crystal.default_F or 1.0)
        model = build_model(dataclasses.replace(config, crystal=without))
        return dataclasses.replace(model, config=config, structure_factors=self._structure_factors[key])

    def image(self, index: int):
        """(photons (S, F) numpy, params, model) of frame ``index``."""
        from sim.simulator import simulate

        params = self.params(index)
        model = self.model(params)
        result = simulate(model.config, device=self.device, dtype=self.description.dtype, model=model,
                          compile=self._compile(model))
        return result.image, params, model

    def _compile(self, model) -> bool:
        """Whether frames run the compiled CPU kernel: when a frame is long enough to gain
        from it and the series long enough to repay building it. Decided from the series
        alone (never from which kernels happen to be stored), so every process decides alike
        and a frame's pixels do not depend on where it ran."""
        from sim.kernel.compiled import AUTO_BUILD_MIN_ITERATIONS, AUTO_USE_MIN_ITERATIONS
        from sim.simulator import iterations_per_pixel

        frame = model.detector.spixels * model.detector.fpixels * iterations_per_pixel(model)
        return frame >= AUTO_USE_MIN_ITERATIONS and frame * self.description.count >= AUTO_BUILD_MIN_ITERATIONS

    def render(self, index: int) -> FrameRecord:
        """Simulate and write frame ``index``; its completion record (files and checksums)."""
        start = time.perf_counter()
        image, params, model = self.image(index)
        paths = self.writer.write_frame(index, image, params, model)
        return {"index": index, "files": [p.name for p in paths],
                "sha256": [sha256_of(p) for p in paths], "seconds": round(time.perf_counter() - start, 3)}


_RENDERER: Dict[str, FrameRenderer] = {}


def render_task(description: Dict[str, Any], out_dir: str, device: Optional[str], index: int) -> FrameRecord:
    """Dask task: frame ``index`` of the series ``description`` (JSON form)."""
    desc = SeriesDescription.from_json(description)
    key = f"{desc.digest()} {out_dir} {device}"
    if key not in _RENDERER:
        _RENDERER.clear()  # one series per worker at a time: memory stays bounded
        _RENDERER[key] = FrameRenderer(desc, Path(out_dir), device)
    return _RENDERER[key].render(index)
