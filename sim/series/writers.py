"""Frame writers: how a series puts its frames on disk, behind one small interface.

A writer is opened once per process that writes frames (``open``), writes each frame to
its own file(s) under a temporary name and renames it (``write_frame``; a killed process
leaves no partial frame), and ``close`` writes what belongs to the whole series (none
for numbered files). ``WRITERS`` maps the ``--format`` names to writers; the files and
their geometry are ``sim.export``'s.
"""

from __future__ import annotations

import json

from pathlib import Path
from typing import Dict, List, Protocol

import numpy as np

from sim.series.description import SeriesDescription
from sim.series.frames import FrameParams, frame_name


class FrameWriter(Protocol):
    suffix: str

    def frame_bytes(self, spixels: int, fpixels: int) -> int:
        """Bytes one frame takes on disk at most (to check free space before a run)."""

    def open(self, description: SeriesDescription, out_dir: Path) -> None: ...

    def write_frame(self, index: int, image: np.ndarray, params: FrameParams, model) -> List[Path]: ...

    def close(self) -> None: ...


class _NumberedFrames:
    """One numbered file per frame (``series_00001<suffix>``), geometry and phi range in its
    header (``sim.export``), counts as every export's (``sim.export.export_counts``): the
    C's ``-noisefile`` Poisson draw with the frame's noise seed, else its ``-intfile``
    scaling (``-scale`` or the C's per-image auto scale), with no ADC offset, which no
    DIALS reader of these files would subtract (the headers say 0)."""

    suffix = ""
    fmt = ""

    def open(self, description: SeriesDescription, out_dir: Path) -> None:
        self.description, self.out_dir = description, Path(out_dir)

    def write_frame(self, index: int, image: np.ndarray, params: FrameParams, model) -> List[Path]:
        from sim.export import export_counts
        from sim.export.frames import export_geometry

        path = self.out_dir / frame_name(index, self.suffix)
        geometry = export_geometry(model)
        if params.phi_start_deg is not None:  # the frame's range, not its first phi sample
            geometry = geometry.with_phi(params.phi_start_deg, params.osc_deg)
        counts, overload = export_counts(self.fmt, image, model, noise_seed=params.noise_seed)
        self._write(path, index, counts, overload, geometry)
        return [path]

    def close(self) -> None:
        pass


class SmvFrameWriter(_NumberedFrames):
    """``series_00001.img``...: SMV with the d*TREK geometry header DIALS reads exactly."""

    suffix, fmt = ".img", "smv"

    def frame_bytes(self, spixels: int, fpixels: int) -> int:
        return 2048 + 2 * spixels * fpixels

    def _write(self, path, index, counts, overload, geometry) -> None:
        from sim.export.counts import EXPORT_ADC_OFFSET
        from sim.export.smv import write_dials_smv

        write_dials_smv(path, counts, geometry, EXPORT_ADC_OFFSET)


class CbfFrameWriter(_NumberedFrames):
    """``series_00001.cbf``...: full imgCIF CBF (32-bit counts, detector, beam and goniometer
    axes), which dials.import takes as one sweep."""

    suffix, fmt = ".cbf", "cbf"

    def frame_bytes(self, spixels: int, fpixels: int) -> int:
        return 8192 + 4 * spixels * fpixels

    def _write(self, path, index, counts, overload, geometry) -> None:
        from sim.export.cbf import cbf_bytes
        from sim.export.counts import EXPORT_ADC_OFFSET
        from sim.export.files import write_bytes

        write_bytes(path, cbf_bytes(np.asarray(counts, dtype=np.int32), geometry, frame_number=index + 1,
                                    overload=overload, adc_offset=EXPORT_ADC_OFFSET))


class NxmxFrameWriter(_NumberedFrames):
    """NXmx: ``series_master.h5`` (geometry, the phi of every frame of a sweep, every shot's
    orientation) over one data file per frame, ``series_00001.h5``... (``sim.export.nxmx``).
    Workers write only their frames' own files; ``close`` (in the one coordinating process)
    writes the master, which reads a frame not yet written as zeros."""

    suffix, fmt = ".h5", "nxmx"

    def frame_bytes(self, spixels: int, fpixels: int) -> int:
        return 16384 + 4 * spixels * fpixels

    def _write(self, path, index, counts, overload, geometry) -> None:
        from sim.export.nxmx import write_nxmx_frame

        write_nxmx_frame(path, counts)

    def close(self) -> None:
        from sim.export import export_overload
        from sim.model.beam import fluence_per_m2
        from sim.export.frames import export_geometry
        from sim.export.nxmx import write_nxmx_master
        from sim.model.resolved import build_model
        from sim.series.frames import frame_config, frame_params

        d = self.description
        line = d.config()
        params = [frame_params(d, i, fluence_per_m2(line.beam)) for i in range(d.count)]
        geometry = export_geometry(build_model(frame_config(line, params[0])))
        starts = [p.phi_start_deg if p.phi_start_deg is not None else geometry.phi_start_deg for p in params]
        misset = None if d.kind == "sweep" else np.array([p.misset_deg for p in params])
        write_nxmx_master(self.out_dir / MASTER, geometry, [frame_name(i, self.suffix) for i in range(d.count)],
                          (geometry.spixels, geometry.fpixels), starts, d.osc_deg, misset,
                          export_overload(self.fmt, d.noise_seed is not None), json.dumps(d.to_json()))


#: The NXmx series' master file (the one to give to dials.import).
MASTER = "series_master.h5"

WRITERS: Dict[str, type] = {"nxmx": NxmxFrameWriter, "cbf": CbfFrameWriter, "smv": SmvFrameWriter}


def make_writer(fmt: str) -> FrameWriter:
    return WRITERS[fmt]()


