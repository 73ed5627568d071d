"""Reading a written series back: its manifest, each frame's config and each frame's image.

A viewer (or a script) opens ``DIR/series_manifest.json`` with ``open_series``, or any
series file with ``open_any`` (an NXmx master, one numbered frame); frame k's
config is the plain nanoBragg run that made it (``frames.frame_config``) and its image is
read from its own file (numbered CBF or SMV, or the NXmx data file ``series_0000k.h5``),
in counts as written. No torch, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional, Tuple

import numpy as np

from sim.model.config import SimConfig
from sim.errors import InputError
from sim.series.description import SeriesDescription
from sim.series.frames import FrameParams, frame_config
from sim.series.image_files import embedded_description, open_numbered, open_nxmx, read_frame_file
from sim.series.manifest import MANIFEST, read_description, read_frames

#: Suffixes of NXmx (HDF5) masters.
NXMX_SUFFIXES = (".h5", ".nxs", ".hdf5", ".nx5")


@dataclass(frozen=True)
class WrittenSeries:
    """A series on disk: its description, folder and every frame's manifest entry."""

    description: SeriesDescription
    folder: Path
    entries: Tuple[Dict[str, Any], ...]
    #: Every frame can be re-simulated (its config is the manifest's): nothing stops a trace.
    untraceable: ClassVar[Optional[str]] = None

    @property
    def count(self) -> int:
        return len(self.entries)

    def params(self, index: int) -> FrameParams:
        entry = {k: v for k, v in self.entries[index].items() if k != "file"}
        if "misset_deg" in entry:
            entry["misset_deg"] = tuple(entry["misset_deg"])
        return FrameParams(**entry)

    def config(self, index: int) -> SimConfig:
        """Frame ``index`` as one nanoBragg run (its own phi range or orientation)."""
        return frame_config(self.description.config(), self.params(index))

    def path(self, index: int) -> Path:
        return self.folder / self.entries[index]["file"]

    def read_frame(self, index: int) -> np.ndarray:
        """Frame ``index``'s image (slow, fast) in counts, as float64."""
        return read_frame_file(self.path(index))

    def index_of(self, path: Path) -> Optional[int]:
        """The frame whose file ``path`` is (0 for the NXmx master); None if none."""
        from sim.series.writers import MASTER

        if Path(path).name == MASTER and self.description.format == "nxmx":
            return 0
        names = [entry["file"] for entry in self.entries]
        return names.index(Path(path).name) if Path(path).name in names else None

    def label(self, index: int) -> str:
        """What sets the frame apart: its phi range (sweep) or orientation (shots)."""
        p = self.params(index)
        head = f"frame {index + 1} of {self.count}"
        if p.phi_start_deg is not None:
            return f"{head}: phi {p.phi_start_deg:g} to {p.phi_start_deg + p.osc_deg:g} deg"
        if p.misset_deg is not None:
            return f"{head}: misset " + " ".join(f"{a:.2f}" for a in p.misset_deg) + " deg"
        return head


def open_series(manifest: Path) -> WrittenSeries:
    """The series of ``manifest`` (its folder's ``series_manifest.json``, or that folder)."""
    manifest = Path(manifest)
    folder = manifest if manifest.is_dir() else manifest.parent
    if not manifest.is_dir() and manifest.name != MANIFEST:
        raise InputError(f"not a series manifest (expected {MANIFEST})", str(manifest))
    description = read_description(folder)
    if description is None:
        raise InputError("no such file", str(folder / MANIFEST))
    try:
        entries: List[Dict[str, Any]] = list(read_frames(folder))
    except (ValueError, OSError) as err:
        raise InputError(f"damaged frame list ({err})", str(folder / MANIFEST)) from None
    if len(entries) != description.count or not all("file" in e and "index" in e for e in entries):
        raise InputError(f"lists {len(entries)} frames, its description {description.count}",
                         str(folder / MANIFEST))
    series = WrittenSeries(description, folder, tuple(entries))
    try:
        for index in range(series.count):
            series.params(index)
    except TypeError as err:
        raise InputError(f"damaged frame entry ({err})", str(folder / MANIFEST)) from None
    return series


def series_from_description(description: SeriesDescription, folder: Path) -> WrittenSeries:
    """The series ``description`` wrote into ``folder``: every frame's parameters follow
    from the description and the frame's index alone."""
    from sim.series.runner import manifest_frames

    return WrittenSeries(description, folder, tuple(manifest_frames(description)))


def open_any(path: Path) -> Tuple[Any, int]:
    """The series ``path`` belongs to and the index of its frame (0 for a master or manifest).

    A manifest (or its folder) gives the traceable series it describes, as does any of its
    files when the manifest lies beside them, and our NXmx master alone (it carries the
    description); otherwise a foreign NXmx master or one numbered CBF/SMV frame gives the
    frames alone (``sim.series.image_files``).
    """

    path = Path(path)
    if path.is_dir() or path.name == MANIFEST:
        return open_series(path), 0
    if not path.is_file():
        raise InputError("no such file", str(path))
    if (path.parent / MANIFEST).is_file():
        series = open_series(path.parent)
        index = series.index_of(path)
        if index is not None:
            return series, index
    if path.suffix.lower() in NXMX_SUFFIXES:
        embedded = embedded_description(path)
        if embedded is not None:
            return series_from_description(SeriesDescription.from_json(embedded, str(path)), path.parent), 0
        return open_nxmx(path), 0
    numbered = open_numbered(path)
    return numbered, numbered.paths.index(path)
