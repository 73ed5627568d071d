"""Trace one pixel: run the image kernel on that pixel alone and record its intermediates.

The values come from ``sim.kernel.intensity.pixel_values`` through its ``tap`` hook, so the trace
and the image are the same computation. The record follows ``sim.trace.schema``: the
geometry block (beam pivot only), one pixel block per sensor layer and sub-pixel (source
0, phi step 0, mosaic domain 0), then the final block, as the C program prints them.
"""

from __future__ import annotations

import math
from typing import Dict, Optional

import numpy as np
import torch

from sim import units
from sim.model.config import CrystalShape, SimConfig
from sim.errors import InputError
from sim.kernel.intensity import pixel_values
from sim.model.resolved import SimModel, build_model
from sim.model.first_sample import first_sample_index, orientations_at
from sim.simulator import _dtype, default_device, kernel_inputs, roi_row_chunks
from sim.trace.record import TraceRecord


def _values(x) -> tuple:
    if isinstance(x, torch.Tensor):
        return tuple(float(v) for v in x.detach().reshape(-1).cpu().tolist())
    if isinstance(x, (tuple, list)):
        return tuple(float(v) for v in x)
    return (float(x),)


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
    dtype = _dtype(dtype)
    k = kernel_inputs(model, device, dtype)
    taps: Dict[str, torch.Tensor] = {}
    first = orientations_at(k, model.first_sample_orientations, roi_row_chunks(model, device), (slow, fast))
    with torch.no_grad():
        value = pixel_values(k, torch.tensor([slow], device=device), torch.tensor([fast], device=device),
                             tap=taps.__setitem__, first_sample=first)
    if first is not None:  # the C's first sample: its block shows the orientations it saw
        taps["first_sample"] = (first_sample_index(taps["source_ok"]), first)
    record = TraceRecord(pixel=(slow, fast), origin="ours",
                         meta={"device": str(device), "dtype": str(dtype).replace("torch.", "")})
    for name, v in model.detector.geometry_trace:
        record.add(name, v if isinstance(v, str) else _values(v))
    _pixel_blocks(record, model, k, taps)
    _final_block(record, model, k, taps, value)
    return record


def _pixel_blocks(record: TraceRecord, model: SimModel, k, taps) -> None:
    o, layers = model.oversample, model.sensor.layers
    for t in range(layers):
        for so in range(o):
            for sf in range(o):
                _pixel_block(record, model, k, taps, (0, t, so, sf))


def _pixel_block(record, model, k, taps, idx) -> None:
    det = model.detector
    airpath = taps["R_distance_meters"][idx]
    omega = taps["omega_pixel_sr"][idx] if k.oversample_omega else taps["omega_pixel_sr"][0, 0, 0, 0]
    rows = [("subpixel_index", idx[1:]), ("pix0_vector_meters", det.pix0), ("fdet_vec", det.fdet),
            ("sdet_vec", det.sdet), ("pixel_pos_meters", taps["pixel_pos_meters"][idx]),
            ("R_distance_meters", airpath), ("omega_pixel_sr", omega),
            ("close_distance_meters", det.close_distance_m),
            ("obliquity_factor", k.close_distance_m / airpath),
            ("diffracted_vec", taps["diffracted_vec"][idx]), ("incident_vec", k.incident[0]),
            ("lambda_meters", k.wavelength_m[0]), ("lambda_angstroms", k.wavelength_m[0] * 1e10),
            ("scattering_vec_A_inv", taps["scattering_vec_A_inv"][idx + (0,)])]
    for name, v in rows:
        record.add(name, _values(v))
    if bool(taps["source_ok"][idx + (0,)]):  # -dmin may skip source 0: then no hkl lines
        _hkl_rows(record, model, k, taps, idx + (0, 0))
    record.add("subpixel_I", _values(taps["subpixel_I"][idx].sum()))


def _hkl_rows(record, model, k, taps, idx) -> None:
    cell = model.cell
    index, first = taps.get("first_sample", (None, None))
    real_A = (first if index == idx[1:5] else k.orientations)[0] * 1e10
    for name, v in (("rot_a_angstroms", real_A[0]), ("rot_b_angstroms", real_A[1]),
                    ("rot_c_angstroms", real_A[2]), ("rot_a_star_A_inv", cell.a_star),
                    ("rot_b_star_A_inv", cell.b_star), ("rot_c_star_A_inv", cell.c_star),
                    ("hkl_frac", taps["hkl_frac"][idx]), ("hkl_rounded", taps["hkl_rounded"][idx])):
        record.add(name, _values(v))
    F_latt = float(taps["F_latt"][idx])
    if model.config.crystal.shape is CrystalShape.SQUARE:
        for name in ("F_latt_a", "F_latt_b", "F_latt_c"):
            record.add(name, _values(taps[name][idx]))
        record.add("F_latt", (F_latt,))
    if F_latt != 0.0 or model.config.beam.water_um != 0.0:
        record.add("F_cell", _values(taps["F_cell"][idx]))


def _final_block(record, model, k, taps, value) -> None:
    cfg = model.config.detector
    I = float(taps["I_before_scaling"][0])
    last = (0,) + tuple(n - 1 for n in taps["diffracted_vec"].shape[1:-1])
    cos_2theta = float((k.incident[-1] * taps["diffracted_vec"][last]).sum())
    final = float(value[0])
    rows = [("I_before_scaling", I), ("r_e_meters", math.sqrt(units.R_E_SQR_M2)),
            ("r_e_sqr", units.R_E_SQR_M2), ("fluence_photons_per_m2", model.fluence_per_m2),
            ("steps", model.steps), ("oversample_thick", int(cfg.oversample_thick)),
            ("oversample_polar", int(cfg.oversample_polar)), ("oversample_omega", int(cfg.oversample_omega)),
            ("capture_fraction", float(taps["capture_fraction"][0])), ("polar", float(taps["polar"][0])),
            ("omega_pixel", float(taps["omega_pixel"][0])), ("cos_2theta", cos_2theta),
            ("I_pixel_final", final), ("floatimage_accumulated", float(np.float32(final))),
            ("background_I", model.background_I),
            ("subpixel_sum_I", float(taps["subpixel_I"][0].sum()))]
    for name, v in rows:
        record.add(name, (float(v),))
    _breakdown_rows(record, model, taps["subpixel_I"][0])


def _breakdown_rows(record, model, contrib) -> None:
    """The Bragg sum split by source, phi step and mosaic domain (ours only).

    ``contrib``: (T, O, O, S, M) terms of this pixel, M = phi steps x domains.
    """
    per_source = contrib.sum(dim=(0, 1, 2, 4))
    per_orientation = contrib.sum(dim=(0, 1, 2, 3)).reshape(model.phi.steps, model.mosaic.domains)
    for name, values in (("source_I", per_source), ("phi_step_I", per_orientation.sum(1)),
                         ("mosaic_domain_I", per_orientation.sum(0))):
        for v in values.tolist():
            record.add(name, (float(v),))
