"""Running a series: check the folder, write the manifest, skip verified frames, compute
the rest (in this process or on Dask), record each finished frame, show progress.

A rerun with the same description picks up where the last run stopped; a folder holding
another series is refused. Frames are written under temporary names and renamed, and a
frame counts as done only once its record and checksums are in the completion log, so a
run killed at any point leaves whole frames only, and a rerun completes the same set.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from sim.errors import InputError
from sim.series.description import SeriesDescription, differences
from sim.series.frames import frame_name, frame_params
from sim.series.manifest import MANIFEST, DoneLog, read_description, remove_stale_temporaries, write_manifest
from sim.series.progress import ProgressLine
from sim.series.render import FrameRecord, FrameRenderer
from sim.series.writers import make_writer


@dataclass(frozen=True)
class RunOptions:
    """How to compute a series (never what it contains): ``workers`` local Dask worker
    processes, or a running Dask ``scheduler``; neither: this process."""

    out_dir: Path
    workers: Optional[int] = None
    scheduler: Optional[str] = None
    device: Optional[str] = None
    progress: bool = True


@dataclass(frozen=True)
class RunSummary:
    total: int
    already_done: int
    written: int
    seconds: float

    @property
    def frames_per_s(self) -> float:
        return self.written / self.seconds if self.seconds > 0 else 0.0


def run_series(description: SeriesDescription, options: RunOptions, frames=None) -> RunSummary:
    """Compute the frames of ``description`` not yet done in ``options.out_dir``.

    ``frames``: an open ``cluster.DaskFrames`` to use (closed here); by default one is
    made from ``options``, or the frames are computed in this process.
    """
    out_dir = prepare_folder(Path(options.out_dir))
    frames = frames or _frames(options, description, out_dir)
    try:
        return _run(description, options, out_dir, frames)
    finally:
        frames.close()


def _run(description: SeriesDescription, options: RunOptions, out_dir: Path, frames) -> RunSummary:
    start_manifest(out_dir, description)
    remove_stale_temporaries(out_dir)
    log = DoneLog(out_dir)
    done = log.verified(description.count)
    already = sum(done)
    check_space(out_dir, description, description.count - already)
    todo = (i for i in range(description.count) if not done[i])
    start = time.perf_counter()
    progress = ProgressLine(description.count, already, options.progress)
    try:
        for record in frames.run(description, str(out_dir), options.device, todo):
            log.append(record)
            progress.advance()
        series_writer = make_writer(description.format)
        series_writer.open(description, out_dir)
        series_writer.close()
        remove_stale_temporaries(out_dir)  # left by a worker killed mid-frame and replaced
    finally:
        progress.close()
        log.close()
    return RunSummary(description.count, already, progress.new, time.perf_counter() - start)


def prepare_folder(out_dir: Path) -> Path:
    """``out_dir`` created if needed and shown writable (a file is created and removed)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create the output folder: {err.strerror or err}", str(out_dir)) from None
    if not out_dir.is_dir():
        raise InputError("the output folder is not a folder", str(out_dir))
    try:
        fd, probe = tempfile.mkstemp(prefix=".series_probe.", suffix=".tmp", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise InputError(f"cannot write in the output folder: {err.strerror or err}", str(out_dir)) from None
    return out_dir


def start_manifest(out_dir: Path, description: SeriesDescription) -> None:
    """Write the manifest of a new series; refuse a folder that holds another series."""
    existing = read_description(out_dir)
    if existing is None:
        DoneLog(out_dir).reset()
        write_manifest(out_dir, description, manifest_frames(description))
    elif existing.digest() != description.digest():
        raise InputError(f"holds another series ({differences(description, existing)}); "
                         "use another --out, or --resume alone to continue that one", str(out_dir / MANIFEST))


def manifest_frames(description: SeriesDescription) -> Iterator[dict]:
    from sim.model.beam import fluence_per_m2

    fluence = fluence_per_m2(description.config().beam)
    suffix = make_writer(description.format).suffix
    for index in range(description.count):
        yield {**frame_params(description, index, fluence).to_json(), "file": frame_name(index, suffix)}


def check_space(out_dir: Path, description: SeriesDescription, frames: int) -> None:
    """Refuse, before any work, a series that cannot fit in the folder's free space."""
    from sim.model.detector import detector_size

    fpixels, spixels, _, _ = detector_size(description.config().detector)
    needed = frames * make_writer(description.format).frame_bytes(spixels, fpixels)
    free = shutil.disk_usage(out_dir).free
    if needed > free:
        raise InputError(f"not enough space: {frames} frames need {_size(needed)}, {_size(free)} free",
                         str(out_dir))


def _size(n_bytes: float) -> str:
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= factor:
            return f"{n_bytes / factor:.1f} {unit}"
    return f"{n_bytes:.0f} bytes"


class LocalFrames:
    """Frames computed one after the other in this process (the model state built once)."""

    def __init__(self, description: SeriesDescription, out_dir: Path, device: Optional[str]):
        self.renderer = FrameRenderer(description, out_dir, device)

    def run(self, description, out_dir, device, indices: Iterable[int]) -> Iterator[FrameRecord]:
        for index in indices:
            yield self.renderer.render(index)

    def close(self) -> None:
        """Nothing held: the series' own files (an NXmx master) are written once by the run."""


def _frames(options: RunOptions, description: SeriesDescription, out_dir: Path):
    if options.scheduler is not None or options.workers:
        from sim.series.cluster import DaskFrames

        return DaskFrames(options.workers, options.scheduler)
    return LocalFrames(description, out_dir, options.device)
