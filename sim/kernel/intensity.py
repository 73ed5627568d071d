"""The vectorized intensity computation: pixel indices in, pixel values out.

One call evaluates a batch of P pixels over every sensor layer T, sub-pixel O x O, source
S, phi step and mosaic domain (M = phi steps * domains) at once, with tensors shaped
(P, T, O, O, S, M). The optional ``tap(name, tensor)`` receives the intermediate
quantities by their trace-schema names, so the per-pixel trace reads the very numbers
this code computes (``sim.trace.tracer``).

Units: metres, radians, 1/m for scattering vectors; intensities in photons per pixel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import torch

from sim.kernel.interpolation import apply_cutoff
from sim.kernel.lattice import LatticeSpec, lattice_terms, nearest_cell_factor
from sim.kernel.pixel_geometry import (PixelGeometry, capture_fractions, polarization, samples as pixel_samples,
                                      solid_angle)
from sim.kernel.structure_factors import interpolated_F, interpolation_in_range

Tap = Optional[Callable[[str, torch.Tensor], None]]


@dataclass(frozen=True)
class KernelInputs(PixelGeometry):
    """Everything the kernel reads, on one device and dtype, built once per run
    (``sim.simulator.kernel_inputs``): the pixel geometry and the crystal."""

    orientations: torch.Tensor    # (M, 3, 3) rows a, b, c in metres
    axes: torch.Tensor            # (3, 3M) the same for the inner stage (sim.kernel.lattice.miller_components)
    reciprocal_A: torch.Tensor    # (3, 3) rows a*, b*, c* in 1/Angstrom (unrotated)
    spec: LatticeSpec
    hkl_grid: Optional[torch.Tensor]
    hkl_mins: torch.Tensor
    interpolate: bool
    background_I: float
    r_e_sqr: float
    fluence: float
    steps: int
    interp_cutoff: Optional[Tuple[int, int, int]] = None
    #: The HKL table as rows of four values along l (``sim.kernel.structure_factors.l_neighbours``),
    #: made once per run where interpolation is on.
    interp_rows: Optional[torch.Tensor] = None
    #: A compiled inner stage (``sim.kernel.compiled.CompiledStage``) for untraced runs, else None.
    compiled: Optional[Callable] = None


def _first_active(values: torch.Tensor, active: torch.Tensor, last: bool = False) -> torch.Tensor:
    """Per pixel, the value at the first (or last) active iteration; 0 when none is active."""
    flat_v = values.reshape(values.shape[0], -1)
    flat_a = active.reshape(active.shape[0], -1)
    if last:
        flat_v, flat_a = flat_v.flip(1), flat_a.flip(1)
    index = flat_a.to(torch.uint8).argmax(dim=1, keepdim=True)
    picked = flat_v.gather(1, index).squeeze(1)
    return torch.where(flat_a.any(dim=1), picked, torch.zeros_like(picked))


def _chained_sum(contrib, factors, background):
    """I after the C's per-iteration ``I *= factor`` (oversample_thick/polar/omega): each term
    is scaled by every factor from its own iteration on, the background by all of them."""
    p = contrib.shape[0]
    f = factors.reshape(p, -1)
    suffix = torch.flip(torch.cumprod(torch.flip(f, [1]), dim=1), [1])
    terms = contrib.reshape(p, -1)
    # a zero term adds nothing even where the product of factors overflows (the C gets inf, not NaN)
    terms = torch.where(terms == 0, torch.zeros_like(terms), terms * suffix)
    start = suffix[:, 0] * background if background != 0 else torch.zeros_like(suffix[:, 0])
    return start + terms.sum(1)


def sample_stage(k: KernelInputs, slow: torch.Tensor, fast: torch.Tensor, scattering: bool = True) -> dict:
    """Per sub-pixel and source: positions, directions, scattering vectors (P, T, O, O[, S], ...)
    by their tap names (``sim.kernel.pixel_geometry.samples``).

    ``source_ok`` (P, T, O, O, S) marks sources not skipped by -dmin (None without -dmin).
    Without ``scattering`` (a compiled stage forms the vectors itself) they are left out
    (None) unless -dmin needs them.
    """
    st = pixel_samples(k, slow, fast, scattering)
    return {"pixel_pos_meters": st.positions, "R_distance_meters": st.airpath, "diffracted_vec": st.diffracted,
            "scattering_vec_A_inv": st.scattering, "source_ok": st.source_ok}


def _sample_shape(k: KernelInputs, st: dict) -> Tuple[int, ...]:
    """(P, T, O, O, S): one entry per sub-pixel and source."""
    return st["diffracted_vec"].shape[:-1] + (k.incident.shape[0],)


def _interpolating_cell_factor(k: KernelInputs, slow: torch.Tensor, fast: torch.Tensor, per_pixel: int):
    """F_cell(h, h0) with tricubic interpolation and the C's switch-off (see sim.kernel.interpolation)."""
    def cell_factor(h, h0):
        hkl = h.permute(1, 2, 0)
        inside = interpolation_in_range(hkl, k.hkl_mins, k.hkl_grid.shape)
        smooth = interpolated_F(hkl, k.hkl_grid, k.hkl_mins, k.interp_rows)
        smooth = torch.where(inside, smooth, torch.full_like(smooth, k.spec.default_F))
        if k.interp_cutoff is None:
            return smooth
        nearest = nearest_cell_factor(h0, k.hkl_grid, k.hkl_mins, k.spec.default_F)
        return apply_cutoff(k.interp_cutoff, slow, fast, smooth, nearest, per_pixel)
    return cell_factor


def bragg_stage(k: KernelInputs, samples: dict, slow: torch.Tensor, fast: torch.Tensor, keep: bool,
                axes: Optional[torch.Tensor] = None):
    """Sum of F_cell^2 F_latt^2 over orientations for every sample: (P, L), L samples per pixel
    (per sub-pixel, sources summed, with the compiled sources layout). ``axes``: other
    orientations than ``k.axes`` (``orientation_axes``), eager only."""
    interpolating = k.interpolate and k.hkl_grid is not None
    if k.compiled is not None and not keep and not interpolating and axes is None:
        return k.compiled(k, samples), None
    scattering = samples["scattering_vec_A_inv"]
    p = scattering.shape[0]
    flat = scattering.reshape(-1, 3)
    ok = samples["source_ok"]
    ok = None if ok is None else ok.reshape(-1)
    per_pixel = flat.shape[0] // p
    cell_factor = _interpolating_cell_factor(k, slow, fast, per_pixel) if interpolating else None
    axes = k.axes if axes is None else axes
    result = lattice_terms(k.spec, flat, axes, ok, k.reciprocal_A, k.hkl_grid, k.hkl_mins, cell_factor, keep)
    if not keep:
        return result.reshape(p, per_pixel), None
    total, parts = result
    return total.reshape(p, per_pixel), parts


def pixel_values(k: KernelInputs, slow: torch.Tensor, fast: torch.Tensor, tap: Tap = None,
                 first_sample: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Photons in each pixel (P,) for pixel indices ``slow``, ``fast`` (P,) (nanoBragg's inner loops).

    ``first_sample``: for one pixel holding the C's first sample (``sim.model.first_sample``),
    the orientations (M, 3, 3) that sample sees instead of ``k.orientations``.
    """
    keep = tap is not None or k.chained or first_sample is not None
    st = sample_stage(k, slow, fast, scattering=keep or k.compiled is None or k.compiled.needs_scattering)
    omega_sub, capture, polar, polar_ok = _factors(k, st)
    sums, parts = bragg_stage(k, st, slow, fast, keep=keep)
    if first_sample is not None:
        sums, parts = _splice_first_sample(k, st, slow, fast, parts, first_sample)
    if tap is not None:
        source_ok = st["source_ok"]
        if source_ok is None:
            source_ok = torch.ones(_sample_shape(k, st), dtype=torch.bool, device=slow.device)
        _tap_parts(tap, st, parts, source_ok, omega_sub)
    if k.chained:
        shape = _sample_shape(k, st) + (-1,)
        return _scale(k, parts["contrib"].reshape(shape), parts["active"].reshape(shape), polar_ok,
                      omega_sub, capture, polar, tap)
    return _scale(k, sums, None, polar_ok, omega_sub, capture, polar, tap)


def orientation_axes(orientations: torch.Tensor) -> torch.Tensor:
    """(M, 3, 3) cells as the (3, 3M) axes the inner stage reads (``KernelInputs.axes``)."""
    return orientations.permute(2, 1, 0).reshape(3, -1).contiguous()


def _splice_first_sample(k: KernelInputs, st: dict, slow, fast, parts: dict, orientations: torch.Tensor):
    """(per-sample sums (P, L), parts) with the first sample -dmin does not skip (C loop
    order: layer, sub-pixel slow, fast, source) seeing ``orientations`` instead."""
    ok = st["source_ok"]
    if ok is not None and not bool(ok.any()):
        return parts["contrib"].sum(dim=1).reshape(slow.shape[0], -1), parts
    first = 0 if ok is None else int(ok.reshape(-1).to(torch.uint8).argmax())
    _, other = bragg_stage(k, st, slow, fast, keep=True, axes=orientation_axes(orientations))
    spliced = {}
    for name, value in parts.items():
        value = value.clone()
        value[..., first, :] = other[name][..., first, :]
        spliced[name] = value
    return spliced["contrib"].sum(dim=1).reshape(slow.shape[0], -1), spliced


def _factors(k: KernelInputs, st: dict):
    """Solid angle, capture fractions and polarization, only where the C evaluates them.

    Without -oversample_omega/thick/polar the C uses a single sample's value (the first
    sub-pixel; the last layer's first sub-pixel; the first source -dmin does not skip, the
    first source without -dmin), so only those are computed; dimensions keep size 1 where
    a value is not needed. Returns (omega, capture, polar, polar_ok) with ``polar_ok`` the
    samples eligible for polarization.
    """
    diffracted, airpath = st["diffracted_vec"], st["R_distance_meters"]
    first = (slice(None), slice(0, 1), slice(0, 1), slice(0, 1))
    omega = solid_angle(k, airpath if k.oversample_omega else airpath[first])
    capture = capture_fractions(k, diffracted if k.oversample_thick else diffracted[:, :, :1, :1])
    if k.oversample_polar or st["source_ok"] is not None:
        polar = polarization(k, diffracted, k.incident)
        ok = st["source_ok"]
    else:  # the first sample's first source is the one used
        polar, ok = polarization(k, diffracted[first], k.incident[:1]), None
    if ok is None:
        ok = torch.ones(polar.shape, dtype=torch.bool, device=polar.device)
    return omega, capture, polar, ok


def _tap_parts(tap, st, parts, source_ok, omega_sub) -> None:
    """Hand the intermediates to the tracer by their trace-schema names (``sim.trace.schema``),
    shaped (P, T, O, O[, S[, M]][, 3]); a dimension of size 1 stands for all of its values."""
    shape = source_ok.shape + (-1,)
    tap("pixel_pos_meters", st["pixel_pos_meters"])
    tap("R_distance_meters", st["R_distance_meters"])
    tap("diffracted_vec", st["diffracted_vec"])
    tap("scattering_vec_A_inv", st["scattering_vec_A_inv"])
    tap("omega_pixel_sr", omega_sub)
    tap("source_ok", source_ok)
    tap("hkl_frac", parts["hkl_frac"].permute(1, 2, 0).reshape(shape + (3,)))
    tap("hkl_rounded", parts["hkl_rounded"].permute(1, 2, 0).reshape(shape + (3,)))
    if "F_latt_a" in parts:
        tap("F_latt_a", parts["F_latt_a"].reshape(shape))
        tap("F_latt_b", parts["F_latt_b"].reshape(shape))
        tap("F_latt_c", parts["F_latt_c"].reshape(shape))
    tap("F_latt", parts["F_latt"].reshape(shape))
    tap("F_cell", parts["F_cell"].reshape(shape))
    tap("subpixel_I", parts["contrib"].reshape(shape))


def _scale(k, contrib, active, source_ok, omega_sub, capture, polar, tap):
    """Sum the pixel and apply r_e^2, fluence, steps, capture fraction, polarization, solid angle.

    ``contrib`` is (P, L) per-sample sums, or (P, T, O, O, S, M) terms when ``k.chained``.
    """
    p = contrib.shape[0]
    if k.chained:
        per_iter = torch.ones_like(contrib)
        if k.oversample_thick:
            per_iter = per_iter * capture[..., None, None]
        if k.oversample_polar:
            per_iter = per_iter * polar[..., None]
        if k.oversample_omega:
            per_iter = per_iter * omega_sub[..., None, None]
        I = _chained_sum(contrib, torch.where(active, per_iter, torch.ones_like(per_iter)), k.background_I)
    else:
        I = k.background_I + contrib.reshape(p, -1).sum(1)
    flat = lambda t: t.reshape(p, -1)  # noqa: E731
    capture_used = flat(capture)[:, -1] if k.oversample_thick else capture[:, -1, 0, 0]
    polar_used = _first_active(polar, source_ok, last=k.oversample_polar)
    omega_used = flat(omega_sub)[:, -1] if k.oversample_omega else omega_sub[:, 0, 0, 0]
    value = k.r_e_sqr * k.fluence * I / k.steps
    value = value if k.oversample_thick else value * capture_used
    value = value if k.oversample_polar else value * polar_used
    value = value if k.oversample_omega else value * omega_used
    if tap is not None:
        tap("I_before_scaling", I)
        tap("capture_fraction", capture_used)
        tap("polar", polar_used)
        tap("omega_pixel", omega_used)
        tap("I_pixel_final", value)
    return value
