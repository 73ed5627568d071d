"""The C nanoBragg's random numbers, reproduced bit for bit.

nanoBragg draws mosaic domain orientations, random missetting angles and Poisson noise
from Numerical Recipes' ``ran1`` (Park-Miller minimal standard generator with a Bays-Durham
shuffle table) and returns C ``float`` values; the noise image matches the C only if every
float rounding is reproduced. Python floats are doubles: a C float operation is emulated by
computing in double and rounding to float32 with :func:`to_float32`, which gives the same
result for + - * / and sqrt (double has more than twice float's precision).

Seeds follow the C: a generator starts from a negative ``long``. The user-facing functions
take the number the user typed (``-seed N``) and start from ``-N``, as the C does.
"""

from __future__ import annotations

import math
import struct

import numpy as np

_F32 = struct.Struct("f")

# Park-Miller constants and Schrage's factorisation of the modulus (Numerical Recipes).
_IA = 16807
_IM = 2147483647
_AM = 1.0 / _IM
_IQ = 127773
_IR = 2836
_NTAB = 32
_NDIV = 1 + (_IM - 1) // _NTAB
_RNMX = 1.0 - 1.2e-7


def to_float32(x: float) -> float:
    """``x`` rounded to the nearest C float (overflow gives +-inf, as on x86-64)."""
    try:
        return _F32.unpack(_F32.pack(x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


_RNMX_F32 = to_float32(_RNMX)
_ONE_THIRD_F32 = to_float32(1.0 / 3.0)


def park_miller_step(idum: int) -> int:
    """One minimal-standard step, 16807 idum mod (2^31 - 1), for 0 < idum < 2^31 - 1.

    Uses Schrage's factorisation, as the C does, so that no intermediate leaves 32 bits.
    """
    k = idum // _IQ
    idum = _IA * (idum - k * _IQ) - _IR * k
    return idum + _IM if idum < 0 else idum


class Ran1:
    """Uniform deviates on (0, 1) as C floats, the C's ``ran1``; call the object for the next.

    ``seed`` is the C's ``long`` state: a value <= 0 (re)loads the shuffle table. The object
    also carries the static state of the C's ``gaussdev`` (spare deviate) and ``poidev``
    (values cached for the last mean), so one object stands for one C random stream.
    The C shares its shuffle table between all streams; they only interact when a stream
    starts from a positive seed, which this class (like a fresh C process) treats as 1.
    """

    def __init__(self, seed: int):
        self.idum = int(seed)
        self._iy = 0
        self._iv = [0] * _NTAB
        self.gauss_spare = None
        self.poisson_cache = (-1.0, 0.0, 0.0, 0.0)  # last mean, g, sq, log(mean)

    def _load_table(self) -> None:
        """Warm up the generator and fill the shuffle table (8 discarded steps first)."""
        idum = 1 if -self.idum < 1 else -self.idum
        for j in range(_NTAB + 7, -1, -1):
            idum = park_miller_step(idum)
            if j < _NTAB:
                self._iv[j] = idum
        self._iy = self._iv[0]
        self.idum = idum

    def __call__(self) -> float:
        if self.idum <= 0 or not self._iy:
            self._load_table()
        self.idum = park_miller_step(self.idum)
        j = self._iy // _NDIV
        self._iy = self._iv[j]
        self._iv[j] = self.idum
        value = to_float32(_AM * self._iy)
        return _RNMX_F32 if value > _RNMX else value


def gaussdev(rng: Ran1) -> float:
    """Normal deviate (mean 0, rms 1) as a C float: polar Box-Muller, the C's ``gaussdev``.

    Each accepted pair gives two deviates; the second is kept on ``rng`` for the next call.
    """
    if rng.gauss_spare is not None:
        spare, rng.gauss_spare = rng.gauss_spare, None
        return spare
    while True:
        v1 = to_float32(2.0 * rng() - 1.0)
        v2 = to_float32(2.0 * rng() - 1.0)
        rsq = to_float32(to_float32(v1 * v1) + to_float32(v2 * v2))
        if 0.0 < rsq < 1.0:
            break
    fac = to_float32(math.sqrt(-2.0 * math.log(rsq) / rsq))
    rng.gauss_spare = to_float32(v1 * fac)
    return to_float32(v2 * fac)


_LANCZOS = (76.18009172947146, -86.50532032941677, 24.01409824083091,
            -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5)


def gammln(xx: float) -> float:
    """ln Gamma(xx) for xx > 0 (Lanczos series in double), returned as a C float."""
    x = to_float32(xx)
    tmp = x + 5.5
    tmp -= (x + 0.5) * math.log(tmp)
    series = 1.000000000190015
    y = x
    for coefficient in _LANCZOS:
        y += 1.0
        series += coefficient / y
    return to_float32(-tmp + math.log(2.5066282746310005 * series / x))


def _exp(x: float) -> float:
    """exp(x), giving inf instead of raising on overflow, as C's exp does."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def poidev(xm: float, rng: Ran1) -> float:
    """Poisson deviate of mean ``xm`` (a C float), the C's ``poidev``.

    Means below 12 multiply uniform deviates until the product drops below exp(-xm);
    larger means use rejection from a Lorentzian; above 1e6 a Gaussian approximation.
    """
    xm = to_float32(xm)
    if math.isnan(xm):  # the C's rejection loop passes once on NaN: two deviates, NaN out
        rng()
        rng()
        return xm
    if xm > 1.0e6:
        return to_float32(xm + math.sqrt(xm) * gaussdev(rng))
    if xm < 12.0:
        return _poisson_by_products(xm, rng)
    return _poisson_by_rejection(xm, rng)


def _poisson_by_products(xm: float, rng: Ran1) -> float:
    """Count how many uniform deviates it takes for their product to reach exp(-xm)."""
    last, g, sq, log_xm = rng.poisson_cache
    if xm != last:
        g = to_float32(_exp(-xm))
        rng.poisson_cache = (xm, g, sq, log_xm)
    events = -1.0
    product = 1.0
    while True:
        events += 1.0
        product = to_float32(product * rng())
        if not product > g:
            return events


def _poisson_by_rejection(xm: float, rng: Ran1) -> float:
    """Rejection method: Lorentzian candidates accepted with the Poisson/Lorentzian ratio."""
    last, g, sq, log_xm = rng.poisson_cache
    if xm != last:
        sq = to_float32(math.sqrt(2.0 * xm))
        log_xm = to_float32(math.log(xm))
        g = to_float32(to_float32(xm * log_xm) - gammln(xm + 1.0))
        rng.poisson_cache = (xm, g, sq, log_xm)
    while True:
        count, y = _lorentzian_candidate(xm, sq, rng)
        log_ratio = to_float32(to_float32(to_float32(count * log_xm) - gammln(count + 1.0)) - g)
        accept = to_float32(0.9 * (1.0 + to_float32(y * y)) * _exp(log_ratio))
        if not rng() > accept:
            return count


def _lorentzian_candidate(xm: float, sq: float, rng: Ran1) -> tuple[float, float]:
    """A non-negative whole-number candidate count and the Lorentzian deviate y behind it."""
    while True:
        y = to_float32(math.tan(math.pi * rng()))
        count = to_float32(to_float32(sq * y) + xm)
        if not count < 0.0:
            return (float(math.floor(count)) if count == count else count), y  # NaN mean: NaN


def _powf(base: float, exponent: float) -> float:
    """C ``powf`` of two floats (numpy's float32 scalar power calls the C library's powf)."""
    return float(np.float32(base) ** np.float32(exponent))


def mosaic_rotation_umat(mosaicity_rad: float, rng: Ran1) -> np.ndarray:
    """(3, 3) rotation about a random axis by a random angle, the C's ``mosaic_rotation_umat``.

    The axis is uniform on the sphere; the angle is mosaicity x (1 - r^2)^(1/3) for r
    uniform on [-1, 1], so that rotations fill a ball of radius ``mosaicity_rad`` (radians)
    evenly. The C takes the mosaicity as a float and forms the angle in float arithmetic.
    """
    r1, r2, r3 = (2.0 * rng() - 1.0 for _ in range(3))
    cap = _powf(to_float32(1.0 - r3 * r3), _ONE_THIRD_F32)
    angle = to_float32(to_float32(mosaicity_rad) * cap)
    xy_radius = math.sqrt(1.0 - r2 * r2)
    axis = (xy_radius * math.sin(math.pi * r1), xy_radius * math.cos(math.pi * r1), r2)
    return _axis_angle_matrix(axis, angle)


def _axis_angle_matrix(axis: tuple[float, float, float], angle: float) -> np.ndarray:
    """Rodrigues' rotation matrix cI + (1-c) v v^T + s [v]x for a unit ``axis``, in the C's order."""
    v1, v2, v3 = axis
    c, s = math.cos(angle), math.sin(angle)
    t = 1.0 - c
    tv1v2, tv1v3, tv2v3 = t * v1 * v2, t * v1 * v3, t * v2 * v3
    return np.array([
        [c + t * (v1 * v1), tv1v2 - s * v3, tv1v3 + s * v2],
        [tv1v2 + s * v3, c + t * (v2 * v2), tv2v3 - s * v1],
        [tv1v3 - s * v2, tv2v3 + s * v1, c + t * (v3 * v3)],
    ])


def mosaic_umats(spread_rad: float, domains: int, seed: int) -> np.ndarray:
    """(domains, 3, 3) mosaic domain rotations for ``-mosaic_seed seed``, as the C draws them.

    Every domain draws a rotation (so the stream advances the same way), then domain 0
    is made the identity, so that one domain is always aligned with the crystal.
    """
    rng = Ran1(-seed)
    umats = np.array([mosaic_rotation_umat(spread_rad, rng) for _ in range(domains)])
    if domains > 0:
        umats[0] = np.eye(3)
    return umats.reshape(domains, 3, 3)


def random_orientation_umat(seed: int) -> np.ndarray:
    """(3, 3) random crystal orientation of ``-misset random`` with misset seed ``seed``.

    The C passes the literal 90.0 as the cap size, which its caller meant as degrees but
    which is used as radians; the result is still a random rotation.
    """
    return mosaic_rotation_umat(90.0, Ran1(-seed))


def umat2misset(umat: np.ndarray) -> tuple[float, float, float]:
    """Missetting angles (rotx, roty, rotz), radians, of a rotation matrix: the C's ``umat2misset``.

    Rows are normalised; a zero row is rebuilt from the cross product of the other two
    (twice, so that two zero rows also get filled); then umat = Rz Ry Rx is decomposed.
    At gimbal lock (|uzx| = 1) the C returns rotx = pi, roty = pi/2.
    """
    rows = [[float(value) for value in row] for row in np.asarray(umat).reshape(3, 3)]
    norms = [math.sqrt(_dot(row, row)) for row in rows]
    rows = [_normalised(row) for row in rows]
    for i in range(3):
        if all(norms[j] <= 0 for j in range(3) if j != i):
            rows = [[1.0 * (k == j) for k in range(3)] if j != i else rows[j] for j in range(3)]
    for _ in range(2):
        crosses = [_normalised(_cross(rows[(i + 1) % 3], rows[(i + 2) % 3])) for i in range(3)]
        rows = [crosses[i] if norms[i] <= 0 else rows[i] for i in range(3)]
    (uxx, uxy, _), (uyx, uyy, _), (uzx, uzy, uzz) = [_normalised(row) for row in rows]
    if uzx * uzx < 1.0:
        return (math.atan2(uzy, uzz), math.atan2(-uzx, math.sqrt(uzy * uzy + uzz * uzz)),
                math.atan2(uyx, uxx))
    return math.atan2(1, 1) * 4, math.atan2(1, 1) * 2, math.atan2(uxy, -uyy)


def _dot(a: list[float], b: list[float]) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: list[float], b: list[float]) -> list[float]:
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def _normalised(v: list[float]) -> list[float]:
    """``v`` divided by its length, or ``v`` itself when that length is 0."""
    length = math.sqrt(_dot(v, v))
    return [x / length for x in v] if length > 0 else v
