"""A series read from its image files alone: an NXmx master with a scan, or a numbered set
(``series_00001.cbf`` and its siblings ``series_00002.cbf``...), CBF or SMV.

Each frame's phi range comes from the files themselves: the NXmx sample's rotation axis
(one start per frame, with ``<axis>_end`` or ``<axis>_increment_set``), the imgCIF scan
axis or a Pilatus mini-CBF header (``Start_angle``, ``Angle_increment``), the SMV header
(``OSC_START``, ``OSC_RANGE``). Our frame files record the geometry but not the nanoBragg
line (that is in the series' manifest), so such a series shows its frames but cannot be
re-simulated: ``config`` is None and ``untraceable`` says why. No torch, no Qt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, Tuple

import numpy as np

from sim import units
from sim.errors import InputError
from sim.series.manifest import MANIFEST

#: Why a series opened from image files alone cannot be traced.
UNTRACEABLE = (f"no {MANIFEST} beside these frames and the files record no nanoBragg line, "
               "so the pixel cannot be re-simulated; open the series' manifest to trace it")
#: A numbered frame: stem, number, extension (``series_00001.cbf``).
_NUMBERED = re.compile(r"^(?P<stem>.*?)(?P<number>\d+)(?P<suffix>(\.[A-Za-z0-9]+)+)$")
#: The text header of a CBF ends where its binary section starts.
_CBF_BINARY = b"--CIF-BINARY-FORMAT-SECTION--"
_CBF_HEADER_BYTES = 1 << 16
PhiRange = Optional[Tuple[float, float]]


class _FramesOnly:
    """What every file-only series shares: no config, a plain reason, a label from phi."""

    untraceable = UNTRACEABLE
    count: int

    def config(self, index: int):
        return None

    def phi_range_deg(self, index: int) -> PhiRange:
        raise NotImplementedError

    def label(self, index: int) -> str:
        head = f"frame {index + 1} of {self.count}"
        phi = self.phi_range_deg(index)
        if phi is None:
            return head
        if phi[0] == phi[1]:
            return f"{head}: phi {phi[0]:g} deg (still)"
        return f"{head}: phi {phi[0]:g} to {phi[1]:g} deg"


@dataclass(frozen=True)
class NumberedFrames(_FramesOnly):
    """Numbered CBF or SMV files, one frame each, in the order of their numbers."""

    paths: Tuple[Path, ...]

    @property
    def count(self) -> int:
        return len(self.paths)

    def path(self, index: int) -> Path:
        return self.paths[index]

    def read_frame(self, index: int) -> np.ndarray:
        return read_frame_file(self.paths[index])

    def phi_range_deg(self, index: int) -> PhiRange:
        path = self.paths[index]
        try:
            if path.suffix.lower() == ".cbf":
                return cbf_phi_range_deg(path)
            return smv_phi_range_deg(path)
        except OSError as err:
            raise InputError(f"cannot read: {err.strerror or err}", str(path)) from None


@dataclass(frozen=True)
class NxmxFrames(_FramesOnly):
    """The frames of an NXmx master: its signal dataset, one frame per index of the first axis."""

    master: Path
    count: int
    phi_deg: Optional[Tuple[Tuple[float, float], ...]]
    misset_deg: Optional[Tuple[Tuple[float, float, float], ...]] = None

    def path(self, index: int) -> Path:
        return self.master

    def read_frame(self, index: int) -> np.ndarray:
        import h5py

        try:
            with h5py.File(self.master, "r") as handle:
                return np.asarray(_signal(handle, self.master)[index], dtype=np.float64)
        except (OSError, KeyError, ValueError) as err:
            raise InputError(f"cannot read frame {index + 1}: {err}", str(self.master)) from None

    def phi_range_deg(self, index: int) -> PhiRange:
        return None if self.phi_deg is None else self.phi_deg[index]

    def label(self, index: int) -> str:
        text = super().label(index)
        if self.misset_deg is not None:
            text += ", misset " + " ".join(f"{a:.2f}" for a in self.misset_deg[index]) + " deg"
        return text


def numbered_siblings(path: Path) -> Tuple[Path, ...]:
    """``path`` and the files beside it that differ only in their number, by number."""
    path = Path(path)
    match = _NUMBERED.match(path.name)
    if match is None:
        raise InputError("not a numbered frame file (expected a name like series_00001.cbf), "
                         f"nor a {MANIFEST} or an NXmx master", str(path))
    stem, digits, suffix = match["stem"], len(match["number"]), match["suffix"]
    pattern = re.compile(re.escape(stem) + r"(\d{%d})" % digits + re.escape(suffix) + "$")
    numbered = []
    for candidate in path.parent.iterdir():
        found = pattern.match(candidate.name)
        if found and candidate.is_file():
            numbered.append((int(found[1]), candidate))
    return tuple(p for _, p in sorted(numbered))


def open_numbered(path: Path) -> NumberedFrames:
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", str(path))
    return NumberedFrames(numbered_siblings(path))


def smv_phi_range_deg(path: Path) -> PhiRange:
    from sim.io.smv import parse_header

    with open(path, "rb") as handle:
        head = handle.read(_CBF_HEADER_BYTES)
    fields = parse_header(head[: head.find(b"}") + 1].decode("latin-1"))
    start = fields.get("OSC_START", fields.get("PHI"))
    return _range(start, fields.get("OSC_RANGE", "0"), path)


def cbf_phi_range_deg(path: Path) -> PhiRange:
    """The frame's rotation range from a CBF's text header: a mini-CBF's ``Start_angle`` and
    ``Angle_increment``, else the imgCIF ``_diffrn_scan_axis`` row of the axis that turns."""
    with open(path, "rb") as handle:
        head = handle.read(_CBF_HEADER_BYTES)
    text = head.split(_CBF_BINARY)[0].decode("latin-1")
    start = re.search(r"#\s*Start_angle\s+(\S+)", text)
    if start:
        step = re.search(r"#\s*Angle_increment\s+(\S+)", text)
        return _range(start[1], step[1] if step else "0", path)
    rows = _cif_loop(text, "_diffrn_scan_axis.")
    turning = [r for r in rows if _number(r.get("angle_range")) not in (None, 0.0)]
    named = [r for r in rows if re.search(r"PHI|OMEGA", r.get("axis_id", ""), re.IGNORECASE)]
    row = (turning or named or [None])[0]
    return None if row is None else _range(row.get("angle_start"), row.get("angle_range", "0"), path)


def _cif_loop(text: str, prefix: str) -> Sequence[dict]:
    """The rows of the CIF loop whose names start with ``prefix``, as name -> text."""
    lines = [line.strip() for line in text.splitlines()]
    for at, line in enumerate(lines):
        if line != "loop_" or at + 1 >= len(lines) or not lines[at + 1].startswith(prefix):
            continue
        names, rows, i = [], [], at + 1
        while i < len(lines) and lines[i].startswith(prefix):
            names.append(lines[i][len(prefix):])
            i += 1
        while i < len(lines) and lines[i] and not lines[i].startswith(("_", "loop_", "#", ";", "--")):
            values = lines[i].split()
            if len(values) == len(names):
                rows.append(dict(zip(names, values)))
            i += 1
        return rows
    return []


def _number(text) -> Optional[float]:
    try:
        return float(str(text).split()[0])
    except (ValueError, IndexError):
        return None


def _range(start, step, path: Path) -> PhiRange:
    if start is None:
        return None
    first, width = _number(start), _number(step)
    if first is None or width is None:
        raise InputError(f"unreadable rotation angle {start!r} / {step!r}", str(path))
    return first, first + width


def open_nxmx(master: Path) -> NxmxFrames:
    """An NXmx master's frames, each frame's phi range and (ours) each shot's misset angles."""
    import h5py

    master = Path(master)
    try:
        with h5py.File(master, "r") as handle:
            count = int(_signal(handle, master).shape[0])
            phi = _scan_axis(handle, count)
            misset = handle.get("entry/sample/misset_deg")
            misset = None if misset is None or misset.shape != (count, 3) else \
                tuple(tuple(float(a) for a in row) for row in misset[()])
    except (OSError, KeyError, ValueError, TypeError) as err:
        raise InputError(f"not a readable NXmx master: {err}", str(master)) from None
    return NxmxFrames(master, count, phi, misset)


def embedded_description(master: Path) -> Optional[dict]:
    """The series description (JSON) one of our NXmx masters carries, None for others."""
    import h5py

    from sim.export.nxmx import SERIES_FIELD

    try:
        with h5py.File(master, "r") as handle:
            field = handle.get(f"entry/{SERIES_FIELD}")
            return None if field is None else json.loads(_text(field[()]))
    except (OSError, ValueError) as err:
        raise InputError(f"not a readable NXmx master: {err}", str(master)) from None


def _signal(handle, master: Path):
    """The entry's NXdata signal dataset (S frames first)."""
    data = handle.get("entry/data")
    if data is None:
        raise InputError("no /entry/data group (not an NXmx master)", str(master))
    name = data.attrs.get("signal", "data")
    name = name.decode() if isinstance(name, bytes) else str(name)
    signal = data.get(name)
    if signal is None or signal.ndim != 3:
        raise InputError(f"no 3-D /entry/data/{name} (frames, slow, fast)", str(master))
    return signal


def _scan_axis(handle, count: int) -> Optional[Tuple[Tuple[float, float], ...]]:
    """(start, end) in degrees of each frame from the sample's first rotation axis on its
    ``depends_on`` chain; None when the sample has none."""
    link = handle.get("entry/sample/depends_on")
    name = None if link is None else _text(link[()])
    seen = set()
    while name not in (None, ".", "") and name not in seen and name in handle:
        seen.add(name)
        axis = handle[name]
        if _text(axis.attrs.get("transformation_type", "")) == "rotation":
            return _axis_ranges(handle, name, axis, count)
        name = _text(axis.attrs.get("depends_on", "."))
    return None


def _axis_ranges(handle, name: str, axis, count: int) -> Tuple[Tuple[float, float], ...]:
    factor = units.RTD if _text(axis.attrs.get("units", "deg")).startswith("rad") else 1.0

    def per_frame(values) -> np.ndarray:
        values = np.ravel(values).astype(np.float64) * factor
        return np.full(count, values[0]) if values.size == 1 else values[:count] + np.zeros(count)

    starts = per_frame(axis[()])
    if name + "_end" in handle:
        ends = per_frame(handle[name + "_end"][()])
    elif name + "_increment_set" in handle:
        ends = starts + per_frame(handle[name + "_increment_set"][()])
    else:
        ends = starts + (np.diff(starts).mean() if count > 1 else 0.0)
    return tuple((float(s), float(e)) for s, e in zip(starts, ends))


def _text(value) -> str:
    value = value.item() if isinstance(value, np.ndarray) and value.size == 1 else value
    return value.decode() if isinstance(value, bytes) else str(value)


def read_frame_file(path: Path) -> np.ndarray:
    """One frame file's image in counts: NXmx data file, CBF or SMV."""
    path = Path(path)
    try:
        if path.suffix == ".h5":
            import h5py

            with h5py.File(path, "r") as handle:
                return np.asarray(handle["entry/data/data"][0], dtype=np.float64)
        if path.suffix == ".img":
            from sim.io.smv import read_smv

            return np.asarray(read_smv(str(path))[1], dtype=np.float64)
        import fabio

        return np.asarray(fabio.open(str(path)).data, dtype=np.float64)
    except (OSError, KeyError, ValueError) as err:
        raise InputError(f"cannot read frame: {err}", str(path)) from None
