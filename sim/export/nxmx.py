"""NeXus NXmx (HDF5) through h5py: a frame stack with its detector, beam and rotation scan.

The layout is the one ``dxtbx``'s ``FormatNXmx`` reads: the detector module's
``fast_pixel_direction``/``slow_pixel_direction`` (pixel size, unit vectors),
``module_offset`` (from where the beam meets the detector to the corner of the first pixel)
on top of a translation ``detector_z`` along the beam by the sample-to-spot distance, and
the sample's ``phi`` rotation with one start angle per frame and ``phi_end``. Vectors are in
NeXus's McStas frame (``sim.export.frames``). Pixels are int32 counts, gzip-compressed
(deflate is built into every HDF5; the hdf5plugin filters are not readable by DIALS's
Debian build).

A series is written as a master file (geometry, scan axis, per-shot orientations) whose
``/entry/data/data`` is an HDF5 virtual dataset over one data file per frame
(``write_nxmx_frame``): each data file is written whole under a temporary name and
renamed, so any number of processes can write frames and a killed writer leaves no
half-written HDF5 file; a frame still missing reads as zeros. dxtbx's ``FormatNXmx``
reads one signal dataset, which the virtual dataset is.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence, Tuple

import numpy as np

from sim.export.files import written_beside
from sim.export.frames import MCSTAS_FROM_IMGCIF, ExportGeometry

_DETECTOR = "/entry/instrument/detector"
_NO_SENSOR_MM = 1e-6


def write_nxmx(path, stack: np.ndarray, geom: ExportGeometry, phi_starts_deg: Sequence[float],
               osc_deg: float, overload: int = 2 ** 31 - 1) -> None:
    """Write (N, S, F) int32 counts as one NXmx entry; frame i spans phi_starts_deg[i] + osc_deg."""
    stack = np.asarray(stack, dtype=np.int32)
    if stack.ndim != 3 or len(phi_starts_deg) != stack.shape[0]:
        raise ValueError(f"need (N, S, F) frames and N phi starts, got {stack.shape}, "
                         f"{len(phi_starts_deg)}")
    _write_entry(path, geom, stack.shape[1:], phi_starts_deg, osc_deg, overload,
                 lambda entry: _data(entry, stack))


def write_nxmx_frame(path, counts: np.ndarray) -> None:
    """One frame's data file: ``/entry/data/data`` of shape (1, S, F) int32, written whole
    under a temporary name and renamed."""
    import h5py

    with written_beside(path) as tmp, h5py.File(tmp, "w") as handle:
        entry = _group(handle, "entry", "NXentry")
        _data(entry, np.asarray(counts, dtype=np.int32)[None])


#: The entry's field holding the nanoBragg series description (JSON) of our masters.
SERIES_FIELD = "nanobragg_series"


def write_nxmx_master(path, geom: ExportGeometry, frame_files: Sequence[str], shape: Tuple[int, int],
                      phi_starts_deg: Sequence[float], osc_deg: float,
                      misset_deg: Optional[np.ndarray] = None, overload: int = 2 ** 31 - 1,
                      series_json: Optional[str] = None) -> None:
    """The master of a series whose frame i is ``frame_files[i]`` (a ``write_nxmx_frame``
    file, named relative to the master's folder). ``misset_deg`` (N, 3): each shot's
    crystal orientation as nanoBragg's -misset angles (stills). ``series_json``: the series
    description (``SERIES_FIELD``), so that the master alone can re-simulate its frames."""
    def data(entry):
        _virtual_data(entry, frame_files, shape)
        if misset_deg is not None:
            _field(entry["sample"], "misset_deg", np.asarray(misset_deg, dtype=np.float64), units="deg")
        if series_json is not None:
            entry[SERIES_FIELD] = series_json

    _write_entry(path, geom, shape, phi_starts_deg, osc_deg, overload, data)


def _write_entry(path, geom: ExportGeometry, shape, phi_starts_deg, osc_deg: float, overload: int,
                 data: Callable) -> None:
    """The geometry every NXmx file of ours has; ``data(entry)`` adds the pixels."""
    import h5py

    with written_beside(path) as tmp, h5py.File(tmp, "w") as handle:
        entry = _group(handle, "entry", "NXentry")
        entry["definition"] = "NXmx"
        entry["start_time"] = "2000-01-01T00:00:00Z"
        instrument = _group(entry, "instrument", "NXinstrument")
        beam = _group(instrument, "beam", "NXbeam")
        _field(beam, "incident_wavelength", geom.wavelength_A, units="angstrom")
        _detector(instrument, geom, shape, overload)
        _sample(entry, geom, np.asarray(phi_starts_deg, dtype=np.float64), osc_deg)
        data(entry)


def _virtual_data(entry, frame_files: Sequence[str], shape: Tuple[int, int]) -> None:
    import h5py

    layout = h5py.VirtualLayout(shape=(len(frame_files), *shape), dtype=np.int32)
    for index, name in enumerate(frame_files):
        layout[index] = h5py.VirtualSource(name, "/entry/data/data", shape=(1, *shape))[0]
    data = _group(entry, "data", "NXdata")
    data.attrs["signal"] = "data"
    data.create_virtual_dataset("data", layout, fillvalue=0)


def _mcstas(vector) -> np.ndarray:
    return MCSTAS_FROM_IMGCIF @ np.asarray(vector, dtype=np.float64)


def _group(parent, name: str, nx_class: str):
    group = parent.create_group(name)
    group.attrs["NX_class"] = nx_class
    return group


def _field(parent, name: str, value, **attrs):
    dataset = parent.create_dataset(name, data=value)
    for key, item in attrs.items():
        dataset.attrs[key] = item
    return dataset


def _axis(parent, name: str, value, units: str, kind: str, vector, depends_on: str, offset=None):
    attrs = dict(units=units, transformation_type=kind, vector=_mcstas(vector), depends_on=depends_on)
    if offset is not None:
        attrs.update(offset=_mcstas(offset), offset_units="mm")
    return _field(parent, name, value, **attrs)


def _data(entry, stack: np.ndarray) -> None:
    data = _group(entry, "data", "NXdata")
    data.attrs["signal"] = "data"
    pixels = data.create_dataset("data", data=stack, chunks=(1, *stack.shape[1:]), compression="gzip",
                                 compression_opts=2)
    pixels.attrs["description"] = "counts: photons x scale, no ADC offset (pedestal 0)"


def _detector(instrument, g: ExportGeometry, shape, overload: int) -> None:
    detector = _group(instrument, "detector", "NXdetector")
    detector["depends_on"] = f"{_DETECTOR}/transformations/detector_z"
    detector["sensor_material"] = "Si"
    # dxtbx's parallax model needs a positive thickness; a nanometre stands for "none"
    _field(detector, "sensor_thickness", max(g.sensor_thickness_mm, _NO_SENSOR_MM), units="mm")
    detector["saturation_value"] = overload
    detector["underload_value"] = 0
    _field(detector, "distance", g.distance_mm, units="mm")
    _field(detector, "beam_center_x", g.beam_centre_px[0], units="pixel")
    _field(detector, "beam_center_y", g.beam_centre_px[1], units="pixel")
    transformations = _group(detector, "transformations", "NXtransformations")
    _axis(transformations, "detector_z", [g.beam_distance_mm], "mm", "translation", g.beam, ".")
    module = _group(detector, "module", "NXdetector_module")
    module["data_origin"] = np.array([0, 0], dtype=np.int64)
    module["data_size"] = np.array(shape, dtype=np.int64)
    module["data_stride"] = np.array([1, 1], dtype=np.int64)
    fast_px, slow_px = g.beam_centre_px
    corner = -g.pixel_mm * (fast_px * np.asarray(g.fast) + slow_px * np.asarray(g.slow))
    _axis(module, "module_offset", [0.0], "mm", "translation", (1.0, 0.0, 0.0),
          f"{_DETECTOR}/transformations/detector_z", offset=corner)
    for name, vector in (("fast_pixel_direction", g.fast), ("slow_pixel_direction", g.slow)):
        _axis(module, name, [g.pixel_mm], "mm", "translation", vector,
              f"{_DETECTOR}/module/module_offset", offset=(0.0, 0.0, 0.0))


def _sample(entry, g: ExportGeometry, starts: np.ndarray, osc_deg: float) -> None:
    sample = _group(entry, "sample", "NXsample")
    sample["depends_on"] = "/entry/sample/transformations/phi"
    transformations = _group(sample, "transformations", "NXtransformations")
    _axis(transformations, "phi", starts, "deg", "rotation", g.rotation_axis, ".")
    _field(transformations, "phi_end", starts + osc_deg, units="deg")
