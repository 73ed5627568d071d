"""The heavy inner stage: Miller indices, lattice factor and structure factor for Q samples
(sub-pixel x source) times M orientations (phi steps x mosaic domains), summed over M.

Miller indices come from one matrix product, (Q, 3) x (3, 3M), with the columns grouped by
axis (h | k | l), so every elementwise step runs over the contiguous orientation axis: few
large operations when eager, and a loop a compiler can vectorize. ``lattice_contributions``
is the one implementation of the physics from the Miller indices on: ``lattice_terms``
(the eager image and, with ``keep=True``, the tracer) and the compiled kernels of
``sim.kernel.compiled`` all call it.

The parallelepiped transform sin(N pi h) / sin(pi h) is evaluated as the Chebyshev
polynomial U_{N-1}(cos(pi d)) of the distance d = h - h0 to the nearest whole index (times
the sign (-1)^(h0 (N-1))): the same function, one cosine instead of two sines, and a small
argument instead of N pi h (which costs the C program digits at high resolution).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import torch

from sim.model.config import CrystalShape

#: sqrt of the volume ratio between a cube and its inscribed sphere, as nanoBragg uses it.
ROUND_XTAL_SCALE = 0.723601254558268
#: Gaussian and top-hat spot constants of nanoBragg (spot volume/FWHM matched to square_xtal).
GAUSS_SCALE = 0.63
TOPHAT_RADIUS_SQR = 0.3969
#: Above this N the recurrence costs more than two sines; use the sine form there.
CHEBYSHEV_MAX_N = 24


@dataclass(frozen=True)
class LatticeSpec:
    """Static description of the crystal for the inner stage (hashable, so compile can guard on it)."""

    N: Tuple[float, float, float]
    shape: CrystalShape
    fudge: float
    default_F: float
    water: bool


def miller_components(scattering: torch.Tensor, axes: torch.Tensor, samples_last: bool = False) -> torch.Tensor:
    """h, k, l as one (Q, 3M) matrix product, columns grouped by axis (h | k | l).

    ``scattering`` (Q, 3) in 1/m; ``axes`` (3, 3M) with axes[j, i M + m] = component j of
    cell axis i (a, b, c) of orientation m, in metres. ``samples_last``: the same values
    stored as (3M, Q) (a transposed view): BLAS runs the inner dimension of 3 in that
    order several times faster, and every later elementwise step on an axis block then
    reads contiguous memory (eager runs); compiled kernels vectorize along the orientations.
    """
    if samples_last:
        return torch.mm(axes.T, scattering.T).T
    return scattering @ axes


def _split(t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The three axis blocks (Q, M) of a (Q, 3M) tensor (views)."""
    m = t.shape[1] // 3
    return t[:, :m], t[:, m:2 * m], t[:, 2 * m:]


#: Taylor coefficients of 3 (sin x / x - cos x) / x^2 in x^2: (-1)^n 3 (2n + 2) / (2n + 3)!;
#: six terms reach float32 precision for x^2 < 1 (the next is below 1e-10).
_SINC3_TAYLOR = [(-1) ** n * 3.0 * (2 * n + 2) / math.factorial(2 * n + 3) for n in range(6)]


def sinc3(x: torch.Tensor) -> torch.Tensor:
    """Sphere transform 3 (sin x / x - cos x) / x^2, 1 at 0 (nanoBragg's sinc3).

    Near a Bragg peak (small x) the difference cancels to a few digits. float64 evaluates
    the C's formula as the C does. In float32 that would give 0 there and blank the
    brightest pixels, so below x = 1 its Taylor series is used (within a few float32
    ulps of the float64 formula, where that is accurate: x above about 1e-4), above it
    the formula, whose terms no longer cancel much.
    """
    safe = torch.where(x == 0, torch.ones_like(x), x)
    if x.dtype == torch.float64:
        value = 3.0 * (torch.sin(safe) / safe - torch.cos(safe)) / (safe * safe)
        return torch.where(x == 0, torch.ones_like(x), value)
    x2 = x * x
    small = x2 < 1.0
    series = torch.full_like(x2, _SINC3_TAYLOR[-1])
    for c in reversed(_SINC3_TAYLOR[:-1]):
        series = series.mul_(x2).add_(c)
    formula = 3.0 * (torch.sin(safe) / safe - torch.cos(safe)) / (safe * safe)
    return torch.where(small, series, formula)


def cos_pi(d: torch.Tensor) -> torch.Tensor:
    return torch.cos(math.pi * d)


#: Taylor coefficients of cos(x) in x^2, enough for |x| <= pi/2 to the dtype's precision
#: (error < 2.3e-16 in float64 with 12 terms, < 6e-9 in float32 with 7).
_COS_TAYLOR = [(-1) ** n / math.factorial(2 * n) for n in range(12)]


def cos_pi_polynomial(d: torch.Tensor) -> torch.Tensor:
    """cos(pi d) for |d| <= 1/2 by Horner's rule: in fused compiled code a few multiply-adds
    cost half of a library cosine (measured: 14 against 29 ms per 2^21 float64 samples)."""
    terms = 12 if d.dtype == torch.float64 else 7
    x2 = (math.pi * d) ** 2
    acc = torch.full_like(x2, _COS_TAYLOR[terms - 1])
    for c in reversed(_COS_TAYLOR[:terms - 1]):
        acc = acc * x2 + c
    return acc


def sincg_reduced(d: torch.Tensor, h0: torch.Tensor, n: float, cos=cos_pi, signed: bool = True) -> torch.Tensor:
    """sin(n pi h) / sin(pi h) at h = h0 + d, |d| <= 1/2 (nanoBragg's sincg(pi h, n)).

    ``cos``: how cos(pi d) is evaluated (``cos_pi``, or ``cos_pi_polynomial`` in compiled code).
    ``signed=False`` leaves out the sign (-1)^(h0 (n - 1)): the value up to its sign, all
    that a square needs (the parity of h0 costs as much as the recurrence's other steps).
    """
    if n > CHEBYSHEV_MAX_N:
        x = math.pi * d
        safe = torch.where(x == 0, torch.ones_like(x), x)
        value = torch.where(x == 0, torch.full_like(x, n), torch.sin(n * safe) / torch.sin(safe))
    else:
        two_c = cos(d).mul_(2.0)
        previous, value = torch.ones_like(two_c), two_c
        for _ in range(int(n) - 2):
            previous, value = value, (two_c * value).sub_(previous)
    if signed and int(n) % 2 == 0:
        value = value * (1.0 - 2.0 * torch.remainder(h0, 2.0))
    return value


def _square_factors(N, d: torch.Tensor, h0: torch.Tensor, cos, signed: bool) -> Tuple[torch.Tensor, ...]:
    """Per-axis parallelepiped factors (three (Q, M) tensors); 1 along axes with N <= 1."""
    if N[0] == N[1] == N[2] and N[0] > 1:
        return _split(sincg_reduced(d, h0, N[0], cos, signed))
    pairs = zip(N, _split(d), _split(h0))
    return tuple(sincg_reduced(di, hi, n, cos, signed) if n > 1 else torch.ones_like(di) for n, di, hi in pairs)


def lattice_factor(spec: LatticeSpec, d: torch.Tensor, h0: torch.Tensor, reciprocal_A: torch.Tensor,
                   cos=cos_pi, signed: bool = True) -> Tuple[torch.Tensor, Optional[Tuple[torch.Tensor, ...]]]:
    """(F_latt (Q, M), per-axis factors for the parallelepiped, else None); d, h0: (Q, 3M).
    ``signed=False``: the parallelepiped's factors up to their signs (``sincg_reduced``)."""
    N = spec.N
    volume_cells = N[0] * N[1] * N[2]
    if spec.shape is CrystalShape.SQUARE:
        fa, fb, fc = _square_factors(N, d, h0, cos, signed)
        return fa * fb * fc, (fa, fb, fc)
    da, db, dc = _split(d)
    if spec.shape is CrystalShape.ROUND:
        hrad_sqr = (da * N[0]) ** 2 + (db * N[1]) ** 2 + (dc * N[2]) ** 2
        return volume_cells * ROUND_XTAL_SCALE * sinc3(math.pi * torch.sqrt(hrad_sqr * spec.fudge)), None
    delta = [da * reciprocal_A[0, j] + db * reciprocal_A[1, j] + dc * reciprocal_A[2, j] for j in range(3)]
    rad_star_sqr = (delta[0] ** 2 + delta[1] ** 2 + delta[2] ** 2) * volume_cells ** 2
    if spec.shape is CrystalShape.GAUSS:
        return volume_cells * torch.exp(-(rad_star_sqr / GAUSS_SCALE * spec.fudge)), None
    return volume_cells * (rad_star_sqr * spec.fudge < TOPHAT_RADIUS_SQR).to(d.dtype), None


def nearest_cell_factor(h0_blocks, grid: torch.Tensor, mins: torch.Tensor, default_F) -> torch.Tensor:
    """F of the nearest whole (h, k, l) from the table, (Q, M); default_F (a number, or a
    0-d tensor in compiled kernels) outside it.

    ``h0_blocks``: the three (Q, M) index blocks h0, k0, l0. Table indices are int32 (grids
    stay below 2^31 cells, ``sim.io.hkl.MAX_GRID_CELLS``); an index is inside its axis when
    clamping it to the axis leaves it unchanged, and the clamped ones address the table.
    An index beyond int32 (or NaN) converts to INT32_MIN on x86, which is outside.
    """
    index, inside = None, None
    for axis, block in enumerate(h0_blocks):
        n = grid.shape[axis]
        wanted = (block - mins[axis]).to(torch.int32)
        clamped = wanted.clamp(0, n - 1)
        ok = clamped == wanted
        inside = ok if inside is None else inside.logical_and_(ok)
        index = clamped if index is None else index.mul_(n).add_(clamped)
    values = grid.reshape(-1).to(h0_blocks[0].dtype).index_select(0, index.reshape(-1)).view(index.shape)
    return torch.where(inside, values, default_F)


def lattice_contributions(spec: LatticeSpec, h: torch.Tensor, ok: Optional[torch.Tensor],
                          reciprocal_A: torch.Tensor, grid: Optional[torch.Tensor], mins: torch.Tensor,
                          cell_factor=None, keep: bool = False, cos=cos_pi):
    """F_cell^2 F_latt^2 of every (sample, orientation), from Miller indices ``h``.

    Dimension 1 of ``h`` holds the three axis blocks (h | k | l) of M orientations; the
    other dimensions are samples, so both (Q, 3M) and (S, 3M, R) layouts work. ``ok``
    (broadcasting against one block) marks samples not skipped by -dmin (None: all).
    Iterations the C skips (``ok`` false, or F_latt == 0 without water) contribute
    nothing and are marked in ``active``. Returns the contributions (one block's shape),
    with ``keep`` also the parts, keyed by their trace-schema names where traced (h, h0 as
    hkl_frac, hkl_rounded (3, ...); F_latt, F_latt_a/b/c (parallelepiped), F_cell) and
    contrib, active.
    ``cos`` as in ``sincg_reduced``.
    """
    h0 = torch.ceil(h - 0.5)
    # Only a kept (traced) F_latt needs its sign; the contributions square it.
    F_latt, per_axis = lattice_factor(spec, h - h0, h0, reciprocal_A, cos, signed=keep)
    if cell_factor is not None:
        F_cell = cell_factor(torch.stack(_split(h)), torch.stack(_split(h0)))
    elif grid is not None:
        F_cell = nearest_cell_factor(_split(h0), grid, mins, spec.default_F)
    else:
        F_cell = None  # the constant default_F, applied to the sum
    contrib = F_latt * F_latt if F_cell is None else F_cell * F_cell * F_latt * F_latt
    active = None
    if ok is not None or keep:
        active = F_latt != 0 if not spec.water else torch.ones_like(F_latt, dtype=torch.bool)
        if ok is not None:
            active = active & ok
        contrib = torch.where(active, contrib, torch.zeros_like(contrib))
    if F_cell is None:
        contrib = contrib * (spec.default_F * spec.default_F)
    if not keep:
        return contrib
    parts: Dict[str, torch.Tensor] = {
        "hkl_frac": torch.stack(_split(h)), "hkl_rounded": torch.stack(_split(h0)), "F_latt": F_latt,
        "F_cell": torch.full_like(F_latt, spec.default_F) if F_cell is None else F_cell,
        "contrib": contrib, "active": active}
    if per_axis is not None:
        parts["F_latt_a"], parts["F_latt_b"], parts["F_latt_c"] = per_axis
    return contrib, parts


def lattice_terms(spec: LatticeSpec, scattering: torch.Tensor, axes: torch.Tensor, ok: Optional[torch.Tensor],
                  reciprocal_A: torch.Tensor, grid: Optional[torch.Tensor], mins: torch.Tensor,
                  cell_factor=None, keep: bool = False, cos=cos_pi, samples_last: bool = True):
    """Sum over orientations of F_cell^2 F_latt^2 per sample, (Q,); with ``keep`` also the parts.

    ``scattering`` (Q, 3); ``ok`` (Q,) marks samples not skipped by -dmin (None: all).
    ``cell_factor(h, h0)`` overrides the table lookup (interpolation; h, h0 as (3, Q, M)).
    Parts (``lattice_contributions``): hkl_frac, hkl_rounded (3, Q, M); the others (Q, M).
    ``samples_last``: memory layout of the Miller indices (``miller_components``).
    """
    h = miller_components(scattering, axes, samples_last)
    result = lattice_contributions(spec, h, None if ok is None else ok[:, None], reciprocal_A, grid, mins,
                                   cell_factor, keep, cos)
    if not keep:
        return result.sum(dim=1)
    contrib, parts = result
    return contrib.sum(dim=1), parts
