"""The C program's output files and statistics for a simulated image.

nanoBragg keeps its image as C floats; every statistic and file here starts from the
float32 image, as the C does. Files: raw float32 (-floatfile), SMV integers (-intfile),
PGM (-pgmfile), Poisson noise SMV (-noisefile). Default names are the C's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Tuple

import numpy as np

from sim.model.config import OutputConfig
from sim.errors import InputError
from sim.io.files import file_set
from sim.io.floatfile import write_float32
from sim.io._rows import row_blocks
from sim.io.pgm import auto_pgm_scale, write_pgm
from sim.io.smv import (SmvGeometry, auto_int_scale, float_to_smv_counts, is_long_header,
                     nanobragg_header, write_smv)

if TYPE_CHECKING:  # the model needs torch; checking output paths must not
    from sim.model.resolved import SimModel

DEFAULT_FLOATFILE = "floatimage.bin"
DEFAULT_INTFILE = "intimage.img"
DEFAULT_PGMFILE = "image.pgm"
DEFAULT_NOISEFILE = "noiseimage.img"


@dataclass(frozen=True)
class ImageStats:
    """Statistics the C prints after a run (over ROI pixels, float32 values), photons."""

    max_I: float
    max_at_slow_fast: Tuple[int, int]
    mean: float
    rms: float
    rmsd: float
    count: int


def roi_mask(model: SimModel) -> np.ndarray:
    """(S, F) bool: pixels inside the C's inclusive ROI."""
    fmin, fmax, smin, smax = model.roi
    s = np.arange(model.detector.spixels)[:, None]
    f = np.arange(model.detector.fpixels)[None, :]
    return (f >= fmin) & (f <= fmax) & (s >= smin) & (s <= smax)


def smv_scale(output, max_I: float) -> float:
    """Photons -> SMV counts: ``-scale``, else the C's auto scale (brightest pixel to 55000)."""
    return output.intfile_scale if output.intfile_scale > 0.0 else auto_int_scale(max_I)


#: A NaN or inf image (a run the C also finishes, warned about) makes the statistics and
#: the files NaN as in the C, without numpy's warnings about it.
_QUIET = dict(invalid="ignore", over="ignore", divide="ignore")


@np.errstate(**_QUIET)
def image_stats(image32: np.ndarray, mask: np.ndarray) -> ImageStats:
    """Computed over row blocks (``sim.io._rows``): no full-size float64 copy of the image."""
    blocks = list(row_blocks(image32.shape))
    count, total, squares, max_I, max_at = 0, 0.0, 0.0, -np.inf, 0
    for rows in blocks:
        values = image32[rows][mask[rows]].astype(np.float64)
        count, total, squares = count + values.size, total + values.sum(), squares + (values ** 2).sum()
        masked = np.where(mask[rows], image32[rows], -np.inf)
        index = int(np.argmax(masked))
        # the first maximum wins; a NaN, as in argmax, beats everything
        if not np.isnan(max_I) and (masked.flat[index] > max_I or np.isnan(masked.flat[index])):
            max_I, max_at = masked.flat[index], rows.start * image32.shape[1] + index
    n = max(count, 1)
    mean = total / n
    deviations = sum(((image32[r][mask[r]].astype(np.float64) - mean) ** 2).sum() for r in blocks)
    rms = float(np.sqrt(squares / max(n - 1, 1)))
    rmsd = float(np.sqrt(deviations / max(n - 1, 1)))
    at = divmod(max_at, image32.shape[1])
    return ImageStats(float(max_I) if count else 0.0, at, mean, rms, rmsd, n)


def smv_geometry(model: SimModel) -> SmvGeometry:
    det = model.detector
    return SmvGeometry(
        fpixels=det.fpixels, spixels=det.spixels, pixel_size_m=det.pixel_size_m,
        distance_m=float(det.distance_m), wavelength_m=model.wavelength_m, Xbeam_m=det.Xbeam_m,
        Ybeam_m=det.Ybeam_m, Fbeam_m=det.Fbeam_m, Sbeam_m=det.Sbeam_m, detsize_s_m=det.detsize_s_m,
        dials_origin_mm=det.dials_origin_mm, orgx=det.orgx_px, orgy=det.orgy_px,
        close_distance_m=float(det.close_distance_m), phi0_rad=model.phi.start_rad,
        osc_rad=model.phi.osc_rad, twotheta_rad=det.twotheta_rad)


def output_files(out: OutputConfig, explicit_only: bool = False) -> List[str]:
    """The files a run writes, in the order written: named ones, else the C's defaults.

    With ``explicit_only`` (trace runs) only files named on the command line count.
    """
    return [name for name in _planned(out, explicit_only) if name]


def _planned(out: OutputConfig, explicit_only: bool) -> Tuple[Optional[str], ...]:
    """(floatfile, intfile, pgmfile, noisefile), None for each file not written."""
    def pick(named, default, skip=False):
        return named or (None if explicit_only or skip else default)

    noise_wanted = not out.nonoise and not (explicit_only and out.noisefile is None)
    return (pick(out.floatfile, DEFAULT_FLOATFILE), pick(out.intfile, DEFAULT_INTFILE),
            pick(out.pgmfile, DEFAULT_PGMFILE, skip=out.nopgm),
            (out.noisefile or DEFAULT_NOISEFILE) if noise_wanted else None)


def check_writable(paths: List[str]) -> None:
    """InputError (naming the file) unless each path can be created: checked before a run,
    so that a long simulation does not end in a failed write."""
    for path in paths:
        target = Path(path)
        folder = target.parent
        if target.is_dir():
            raise InputError("cannot write: Is a directory", path)
        if not folder.is_dir():
            why = "Not a directory" if folder.exists() else "No such file or directory"
            raise InputError(f"cannot write: {why}", path)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise InputError("cannot write: Permission denied", path)


def write_outputs(model: SimModel, image: np.ndarray, explicit_only: bool = False) -> List[str]:
    """Write the files the C program would write for this run; return lines to print.

    With ``explicit_only`` only files named on the command line are written (trace runs).
    The files are written as one set (``sim.io.files.file_set``): each to a temporary
    beside its target, all renamed once the last is complete. A failed write or an
    interrupt leaves no temporary and every file that was there before unchanged.
    """
    with file_set(), np.errstate(**_QUIET):
        return _write_all(model, image, explicit_only)


def _write_all(model: SimModel, image: np.ndarray, explicit_only: bool) -> List[str]:
    out = model.config.output
    image32 = np.asarray(image, dtype=np.float32)
    mask = roi_mask(model)
    stats = image_stats(image32, mask)
    floatfile, intfile, pgmfile, noisefile = _planned(out, explicit_only)
    lines: List[str] = []
    if floatfile:
        write_float32(floatfile, image32)
        lines.append(f"wrote {floatfile} ({image32.shape[1]}x{image32.shape[0]} float32)")
    int_scale = smv_scale(out, stats.max_I)
    geometry = smv_geometry(model)
    if intfile:
        counts = float_to_smv_counts(image32, int_scale, out.adc_offset, mask)
        header = nanobragg_header(geometry)
        write_smv(intfile, counts, header)
        lines.append(f"wrote {intfile} (SMV, scale {int_scale:g}, adc {out.adc_offset:g})")
        lines += _long_header_warning(intfile, header)
    if pgmfile:
        scale = out.pgm_scale if out.pgm_scale > 0.0 else auto_pgm_scale(image32, mask, int_scale)
        write_pgm(pgmfile, image32, scale, mask)
        lines.append(f"wrote {pgmfile} (PGM, scale {scale:g})")
    if noisefile:
        lines += _write_noise(model, image32, mask, geometry, noisefile)
    return lines


def _write_noise(model, image32, mask, geometry, noisefile: str) -> List[str]:
    from sim.c_numerics.noise import poisson_noise_image

    out = model.config.output
    seed = out.seed if out.seed is not None else _time_seed()
    counts, photons, overloads = poisson_noise_image(image32, seed, out.adc_offset, mask)
    header = nanobragg_header(geometry, noise=True)
    write_smv(noisefile, counts, header)
    return [f"{photons:.0f} photons on noise image ({overloads} overloads)",
            f"wrote {noisefile} (SMV with Poisson noise, seed {seed})",
            *_long_header_warning(noisefile, header)]


def _long_header_warning(path: str, header: str) -> List[str]:
    """One line where the C's header lines overflow its 512 bytes (the C's file is corrupt)."""
    if not is_long_header(header):
        return []
    return [f"WARNING: {path}: the C's SMV header lines need more than 512 bytes (the C's own file "
            "would be corrupt); written with HEADER_BYTES=1024"]


def _time_seed() -> int:
    import time

    return int(time.time())
