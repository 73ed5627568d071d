"""Levenberg-Marquardt fit of our pixels to theirs, with a Huber loss and curvature errors.

Residuals are (s I(x) - T) / max|T| on the selected pixels: ``I(x)`` our photons after
changes ``x``, ``s`` the overall scale (1 unless fitted), ``T`` the other image. The
Jacobian comes from forward-mode autograd (``forward.PixelModel``); the scale's column is
s I, as the scale is fitted as ln s, and after every step the scale is re-solved in closed
form (the best s for the new I), so any factor is reached at once. Steps are damped the
Marquardt way (by the diagonal of J^T W J), so parameters in mm, degrees and Angstrom need
no hand-set scales. The Huber loss down-weights pixels beyond three times the RMS
residual (a hot pixel, a zinger), so a few of them cannot drag the fit.

Uncertainties come from the curvature at the optimum, calibrated by the residuals (the
"sandwich" estimator): covariance = A^-1 B A^-1 with A = J^T W J and B the sum over tiles
of ``TILE_PX`` x ``TILE_PX`` pixels of u u^T, u the tile's sum of w r J. The plain
Gauss-Newton form s2 A^-1 assumes every pixel's residual is independent noise of one size;
the residual left by a fit to another program's image is neither: it grows with the
intensity (float32 rounding, the other program's arithmetic) and is alike over a spot, and
that form put planted changes up to 9 of its errors from the truth. The inverse is a
pseudo-inverse, so a degenerate pair (cell and wavelength scale the pattern alike) yields
large errors and a correlation near 1 rather than a failure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import torch

from sim.errors import SimulationCancelled
from sim.explain.forward import PixelModel

HUBER_RMS = 3.0
#: The fit stops when a step lowers the loss by less than this fraction.
CONVERGED = 1e-5
#: ... or when no parameter moves by more than this fraction of its standard error.
STEP_OF_SIGMA = 0.01
#: Directions whose curvature is below this fraction of the largest do not change the image.
NULL_EIGENVALUE = 1e-10
#: Residuals within a tile of this many pixels a side (a spot) are taken as correlated.
TILE_PX = 8
Progress = Optional[Callable[[float], None]]


@dataclass
class FitOutcome:
    """Changes (P,) in each parameter's unit (ln s for the scale), their 1-sigma errors
    (inf where only a combination with others is determined), the covariance, the largest
    pixel change each change makes that no other parameter could (a fraction of max|T|),
    which parameters had no effect at all, and the loss before and after."""

    changes: np.ndarray
    sigma: np.ndarray
    covariance: np.ndarray
    effect: np.ndarray
    no_effect: np.ndarray
    cost_start: float
    cost_end: float
    iterations: int


@dataclass
class _State:
    x: np.ndarray
    values: torch.Tensor
    cost: float


def fit(pm: PixelModel, target: torch.Tensor, max_iter: int = 30, progress: Progress = None,
        cancel: Optional[Callable[[], bool]] = None, x0: Optional[np.ndarray] = None) -> FitOutcome:
    """Fit ``pm``'s parameters so that its pixels match ``target`` (R,) on the same pixels,
    starting from changes ``x0`` (zeros by default)."""
    scale_j = next((j for j, p in enumerate(pm.params) if p.is_scale), None)
    target = target.to(device=pm.device, dtype=torch.float64)
    norm = float(target.abs().max()) or 1.0
    x = np.zeros(len(pm.params)) if x0 is None else np.array(x0, dtype=float)
    values = pm.values(torch.as_tensor(x), cancel).to(torch.float64)
    if scale_j is not None:
        x[scale_j] = _best_log_scale(values, target, x[scale_j])
    state = _State(x, values, 0.0)
    frozen, lam, cost_start, iterations, J = None, 1e-3, None, 0, None
    for iterations in range(1, max_iter + 1):
        if cancel is not None and cancel():
            raise SimulationCancelled("fit cancelled")
        J, r, w = _linearize(pm, state.x, target, norm, scale_j, cancel)
        if frozen is None:
            frozen = ~np.any(J != 0, axis=0)
        state.cost = _huber_cost(r, _threshold(r))
        cost_start = state.cost if cost_start is None else cost_start
        improved, lam = _damped_step(pm, state, J, r, w, frozen, lam, target, norm, scale_j, cancel)
        if progress is not None:
            progress(iterations / max_iter)
        if not improved:
            break
    tiles = _tiles(pm.slow.cpu().numpy(), pm.fast.cpu().numpy())
    return _outcome(state, J, frozen, target, norm, scale_j, cost_start, iterations, tiles)


def _tiles(slow: np.ndarray, fast: np.ndarray) -> np.ndarray:
    """Per pixel, the index of its ``TILE_PX`` square tile (0 .. tiles - 1)."""
    keys = (slow // TILE_PX).astype(np.int64) * (1 << 32) + fast // TILE_PX
    return np.unique(keys, return_inverse=True)[1].reshape(-1)


def _outcome(state, J, frozen, target, norm, scale_j, cost_start, iterations, tiles) -> FitOutcome:
    """Errors, degeneracies and effects at the optimum (with the last Jacobian, taken one
    converged, hence tiny, step before it)."""
    s = 1.0 if scale_j is None else math.exp(state.x[scale_j])
    r = ((s * state.values - target) / norm).cpu().numpy()
    if scale_j is not None:
        J[:, scale_j] = (s * state.values / norm).cpu().numpy()
    w = _weights(r, _threshold(r))
    x, undetermined = _without_null_moves(state.x, J, w, frozen)
    covariance = _sandwich_covariance(J, r, w, frozen, tiles)
    sigma = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    sigma[undetermined] = np.inf
    return FitOutcome(x, sigma, covariance, _unique_effect(J, x, frozen), frozen, cost_start,
                      _huber_cost(r, _threshold(r)), iterations)


def _without_null_moves(x, J, w, frozen):
    """(x without its moves along directions that do not change the image, the parameters
    taking part in such a direction). Scaling the cell and the wavelength together, say,
    leaves every pixel as it is: damped steps may drift that way, and no image can say
    how far, so the report keeps the smallest change (in units of each parameter's effect)."""
    live = np.flatnonzero(~frozen)
    undetermined = np.zeros(len(x), dtype=bool)
    if len(live) < 2:
        return x, undetermined
    Jl = J[:, live]
    A = Jl.T @ (w[:, None] * Jl)
    d = np.sqrt(np.diag(A))
    values, vectors = np.linalg.eigh(A / np.outer(d, d))
    null = vectors[:, values < NULL_EIGENVALUE * values.max()]
    if not null.shape[1]:
        return x, undetermined
    scaled = x[live] * d
    x = x.copy()
    x[live] = (scaled - null @ (null.T @ scaled)) / d
    undetermined[live] = (null * null).sum(axis=1) > 1e-3
    return x, undetermined


def _unique_effect(J: np.ndarray, x: np.ndarray, frozen: np.ndarray) -> np.ndarray:
    """Per parameter, the largest pixel change (a fraction of max|T|) its change makes that
    no combination of the other parameters' changes could make: the part of its Jacobian
    column outside the span of the others', times the change."""
    effect = np.zeros(len(x))
    live = np.flatnonzero(~frozen)
    for j in live:
        others = J[:, [k for k in live if k != j]]
        column = J[:, j]
        if others.shape[1]:
            column = column - others @ np.linalg.lstsq(others, column, rcond=None)[0]
        effect[j] = float(np.abs(column).max(initial=0.0)) * abs(x[j])
    return effect


def _linearize(pm, x, target, norm, scale_j, cancel):
    """(J, r, w): normalized Jacobian (R, P) as numpy, residuals (R,) and Huber weights at ``x``."""
    values, J = pm.jacobian(torch.as_tensor(x), cancel)
    values, J = values.to(torch.float64), J.to(torch.float64)
    s = 1.0 if scale_j is None else math.exp(x[scale_j])
    r = ((s * values - target) / norm).cpu().numpy()
    J = (J * (s / norm)).cpu().numpy()
    if scale_j is not None:
        J[:, scale_j] = (s * values / norm).cpu().numpy()
    return J, r, _weights(r, _threshold(r))


def _damped_step(pm, state, J, r, w, frozen, lam, target, norm, scale_j, cancel):
    """Try damped Gauss-Newton steps until one lowers the loss: (improved, new damping)."""
    A = J.T @ (w[:, None] * J)
    g = J.T @ (w * r)
    A[frozen, :], A[:, frozen], g[frozen] = 0.0, 0.0, 0.0
    diag = np.diag(A).copy()
    diag[frozen] = 1.0
    diag = np.maximum(diag, 1e-30 * max(diag.max(initial=0.0), 1e-300))
    threshold = _threshold(r)
    while lam < 1e12:
        step = np.linalg.lstsq(A + lam * np.diag(diag), -g, rcond=None)[0]
        trial = state.x + step
        values = pm.values(torch.as_tensor(trial), cancel).to(torch.float64)
        if scale_j is not None:
            trial[scale_j] = _best_log_scale(values, target, trial[scale_j])
        s = 1.0 if scale_j is None else math.exp(trial[scale_j])
        cost = _huber_cost(((s * values - target) / norm).cpu().numpy(), threshold)
        if cost < state.cost:
            relative = (state.cost - cost) / max(state.cost, 1e-300)
            within_error = _step_within_error(step, J, r, w, frozen) and lam < 1e-2
            state.x, state.values, state.cost = trial, values, cost
            return relative > CONVERGED and not within_error, max(lam / 10.0, 1e-9)
        lam *= 5.0
    return False, lam


def _step_within_error(step, J, r, w, frozen) -> bool:
    """Whether every parameter moved by less than ``STEP_OF_SIGMA`` of its standard error:
    further steps would only fit the noise."""
    sigma = np.sqrt(np.clip(np.diag(_covariance(J, r, w, frozen)), 0.0, None))
    live = ~frozen
    return bool(np.all(np.abs(step[live]) <= STEP_OF_SIGMA * sigma[live]))


def _best_log_scale(values: torch.Tensor, target: torch.Tensor, current: float) -> float:
    """ln of the least-squares scale of ``values`` onto ``target`` (``current`` if none is positive)."""
    num = float((values * target).sum())
    den = float((values * values).sum())
    return math.log(num / den) if num > 0 and den > 0 else current


def _threshold(r: np.ndarray) -> float:
    return HUBER_RMS * max(float(np.sqrt(np.mean(r * r))) if r.size else 0.0, 1e-300)


def _weights(r: np.ndarray, c: float) -> np.ndarray:
    a = np.abs(r)
    return np.where(a <= c, 1.0, c / np.maximum(a, 1e-300))


def _huber_cost(r: np.ndarray, c: float) -> float:
    a = np.abs(r)
    return float(np.where(a <= c, 0.5 * a * a, c * a - 0.5 * c * c).sum())


def _covariance(J: np.ndarray, r: np.ndarray, w: np.ndarray, frozen: np.ndarray) -> np.ndarray:
    """Gauss-Newton s2 (J^T W J)^+ with s2 = sum w r^2 / (R - P): cheap, for the stopping
    test only (it is too small as a reported error; see the module's docstring)."""
    n, p = J.shape
    covariance = np.zeros((p, p))
    live = ~frozen
    if not live.any():
        return covariance
    s2 = float((w * r * r).sum()) / max(n - int(live.sum()), 1)
    covariance[np.ix_(live, live)] = s2 * _inverse_curvature(J[:, live], w)
    return covariance


def _sandwich_covariance(J: np.ndarray, r: np.ndarray, w: np.ndarray, frozen: np.ndarray,
                         tiles: np.ndarray) -> np.ndarray:
    """A^+ B A^+ (A = J^T W J; B = sum over tiles of u u^T, u = the tile's sum of w r J),
    times R / (R - P) for the fitted parameters; frozen parameters get 0."""
    n, p = J.shape
    covariance = np.zeros((p, p))
    live = ~frozen
    if not live.any():
        return covariance
    Jl = J[:, live]
    inverse = _inverse_curvature(Jl, w)
    u = np.zeros((int(tiles.max(initial=-1)) + 1, Jl.shape[1]))
    np.add.at(u, tiles, (w * r)[:, None] * Jl)
    correction = n / max(n - int(live.sum()), 1)
    covariance[np.ix_(live, live)] = correction * (inverse @ (u.T @ u) @ inverse)
    return covariance


def _inverse_curvature(Jl: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(J^T W J)^+, the inverse taken on the unit-diagonal (correlation) form so that units
    do not set the cut-off."""
    A = Jl.T @ (w[:, None] * Jl)
    d = np.sqrt(np.diag(A))
    return np.linalg.pinv(A / np.outer(d, d), rcond=1e-13, hermitian=True) / np.outer(d, d)
