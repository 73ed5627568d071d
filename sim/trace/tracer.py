"""Trace one pixel: run the image kernel on that pixel alone and record its intermediates.

The values come from ``sim.kernel.intensity.pixel_values`` through its ``tap`` hook, so the trace
and the image are the same computation. The record is a loop over ``sim.trace.schema``,
each quantity read from the source the schema names: the geometry block (beam pivot
only), one pixel block per sensor layer and sub-pixel (source 0, phi step 0, mosaic
domain 0), then the final block, as the C program prints them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Dict, Optional, Tuple

import torch

from sim.errors import InputError
from sim.model.config import SimConfig
from sim.kernel.intensity import KernelInputs, pixel_values
from sim.model.resolved import SimModel, build_model
from sim.model.first_sample import first_sample_index, orientations_at
from sim.simulator import default_device, kernel_inputs, roi_row_chunks, torch_dtype
from sim.trace.record import TraceRecord
from sim.trace.schema import (BY_NAME, DERIVED, FINAL, FINAL_NAMES, GEOMETRY, GEOMETRY_NAMES, MODEL, PIXEL,
                              PIXEL_NAMES, SETUP, TAP, VECTOR_KINDS, Quantity)


def _values(x) -> tuple:
    if isinstance(x, torch.Tensor):
        return tuple(float(v) for v in x.detach().reshape(-1).cpu().tolist())
    if isinstance(x, (tuple, list)):
        return tuple(float(v) for v in x)
    return (float(x),)


@dataclass(frozen=True)
class TraceContext:
    """What the schema's sources read, at one place of the trace.

    ``taps``: the kernel's taps for this pixel by name; ``setup``: the detector set-up's
    record; ``first_sample``: (index (T, O, O, S), orientations (M, 3, 3)) where this pixel
    holds the C's first sample, else None; ``index``: (layer, sub-pixel slow, fast) in a
    pixel block, None in the final block.
    """

    model: SimModel
    k: KernelInputs
    taps: Dict[str, torch.Tensor]
    setup: Dict[str, object]
    first_sample: Optional[Tuple[Tuple[int, ...], torch.Tensor]] = None
    index: Optional[Tuple[int, int, int]] = None
    _cache: Dict[str, torch.Tensor] = field(default_factory=dict, init=False, repr=False, compare=False)

    def subpixel(self, name: str) -> torch.Tensor:
        """The tap at this sub-pixel (S, M[, 3] as tapped)."""
        return self._at(name, 4 if self.index is not None else 1)

    def tap(self, name: str) -> torch.Tensor:
        """The tap's value here: this sub-pixel's first source and orientation."""
        if name not in self._cache:  # the print conditions ask for some taps many times
            value = self.taps[name]
            self._cache[name] = self._at(name, value.dim() - (BY_NAME[name].kind in VECTOR_KINDS))
        return self._cache[name]

    def _at(self, name: str, dims: int) -> torch.Tensor:
        """The tap indexed in its first ``dims`` dimensions at this place (0 past the sub-pixel;
        a dimension of size 1 serves every index)."""
        value = self.taps[name]
        place = (0,) + (self.index or ()) + (0,) * dims
        return value[tuple(min(i, n - 1) for i, n in zip(place[:dims], value.shape))]

    def whole(self, name: str) -> torch.Tensor:
        """The tap over this whole pixel, (T, O, O[, S[, M]][, 3])."""
        return self.taps[name][0]

    @property
    def cell_m(self) -> torch.Tensor:
        """Rows a, b, c (metres) of the orientation source 0 sees here (the first sample's own)."""
        if self.first_sample is not None and self.first_sample[0] == self.index + (0,):
            return self.first_sample[1][0]
        return self.k.orientations[0]


def check_pixel_on_detector(model: SimModel, slow: int, fast: int) -> None:
    if not (0 <= slow < model.detector.spixels and 0 <= fast < model.detector.fpixels):
        raise InputError(f"trace pixel ({slow}, {fast}) is off the detector "
                         f"({model.detector.spixels} x {model.detector.fpixels} pixels, slow x fast)")


def trace_pixel(config: SimConfig, slow: int, fast: int, device=None, dtype=torch.float64,
                model: Optional[SimModel] = None) -> TraceRecord:
    """The trace of pixel (slow, fast) of ``config`` (a ``TraceRecord`` in the C's order)."""
    model = build_model(config) if model is None else model
    check_pixel_on_detector(model, slow, fast)
    device = default_device() if device is None else torch.device(device)
    dtype = torch_dtype(dtype)
    context = _run(model, kernel_inputs(model, device, dtype), slow, fast)
    record = TraceRecord(pixel=(slow, fast), origin="ours",
                         meta={"device": str(device), "dtype": str(dtype).replace("torch.", "")})
    _add_block(record, context, GEOMETRY)
    o = model.oversample
    for index in itertools.product(range(model.sensor.layers), range(o), range(o)):
        _add_block(record, replace(context, index=index), PIXEL)
    _add_block(record, context, FINAL)
    return record


def _run(model: SimModel, k: KernelInputs, slow: int, fast: int) -> TraceContext:
    """Run the kernel on the one pixel, keeping its taps."""
    device = k.pix0.device
    taps: Dict[str, torch.Tensor] = {}
    first = orientations_at(k, model.first_sample_orientations, roi_row_chunks(model, device), (slow, fast))
    with torch.no_grad():
        pixel_values(k, torch.tensor([slow], device=device), torch.tensor([fast], device=device),
                     tap=taps.__setitem__, first_sample=first)
    first_sample = None if first is None else (first_sample_index(taps["source_ok"]), first)
    return TraceContext(model, k, taps, dict(model.detector.geometry_trace), first_sample)


_NAMES = {GEOMETRY: GEOMETRY_NAMES, PIXEL: PIXEL_NAMES, FINAL: FINAL_NAMES}


def _add_block(record: TraceRecord, c: TraceContext, block: str) -> None:
    """The entries of one block, in schema order, each where the C prints it."""
    for name in _NAMES[block]:
        q = BY_NAME[name]
        if q.when is not None and not q.when(c):
            continue
        value = _read(q, c)
        for v in (value if q.source.repeated else (value,)):
            record.add(q.name, v if isinstance(v, str) else _values(v))


def _read(q: Quantity, c: TraceContext):
    """The value of ``q`` at the place ``c``, from the source the schema names, in its unit."""
    source = q.source
    if source.kind == TAP:
        value = c.tap(q.name) if source.read is None else source.read(c.subpixel(q.name))
    elif source.kind == SETUP:
        value = c.setup[q.name]
    elif source.kind in (MODEL, DERIVED):
        value = source.read(c)
    else:
        raise ValueError(f"{q.name}: unknown source kind {source.kind!r}")
    return value if source.convert is None else source.convert(value)
