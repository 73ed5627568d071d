"""Frame writers: how a series puts its frames on disk, behind one small interface.

A writer is opened once per process that writes frames (``open``), writes each frame to
its own file(s) under a temporary name and renames it (``write_frame``; a killed process
leaves no partial frame), and ``close`` writes what belongs to the whole series (none
for numbered files). ``WRITERS`` maps the ``--format`` names to writers.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Dict, List, Protocol

import numpy as np

from .description import SeriesDescription
from .frames import FrameParams, frame_name


class FrameWriter(Protocol):
    suffix: str

    def frame_bytes(self, spixels: int, fpixels: int) -> int:
        """Bytes one frame takes on disk at most (to check free space before a run)."""

    def open(self, description: SeriesDescription, out_dir: Path) -> None: ...

    def write_frame(self, index: int, image: np.ndarray, params: FrameParams, model) -> List[Path]: ...

    def close(self) -> None: ...


class SmvFrameWriter:
    """``series_00001.img``...: each frame as the C program's SMV file (``-noisefile`` with
    the frame's noise seed, else ``-intfile``), header geometry and phi range included."""

    suffix = ".img"

    def frame_bytes(self, spixels: int, fpixels: int) -> int:
        from ..io.smv import HEADER_BYTES

        return HEADER_BYTES + 2 * spixels * fpixels

    def open(self, description: SeriesDescription, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)

    def write_frame(self, index: int, image: np.ndarray, params: FrameParams, model) -> List[Path]:
        from ..export import smv_counts
        from ..io.smv import nanobragg_header, write_smv
        from ..outputs import roi_mask, smv_geometry

        path = self.out_dir / frame_name(index, self.suffix)
        geometry = smv_geometry(model)
        if params.noise_seed is None:
            write_smv(path, smv_counts(image, model), nanobragg_header(geometry))
        else:
            from ..noise import poisson_noise_image

            image32 = np.asarray(image, dtype=np.float32)
            counts, _, _ = poisson_noise_image(image32, params.noise_seed,
                                               model.config.output.adc_offset, roi_mask(model))
            write_smv(path, counts, nanobragg_header(geometry, noise=True))
        return [path]

    def close(self) -> None:
        pass


WRITERS: Dict[str, type] = {"smv": SmvFrameWriter}


def make_writer(fmt: str) -> FrameWriter:
    return WRITERS[fmt]()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
