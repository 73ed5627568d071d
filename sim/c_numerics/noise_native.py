"""The Poisson noise loop of ``sim.c_numerics.noise`` as a compiled function (``sim.c_numerics.native``).

The C program draws every pixel's deviate from one sequential random stream, so the
loop cannot be vectorized; compiled it takes about 20 ns a pixel instead of 10 us.
The C++ below restates ``sim.c_numerics.rng`` (ran1, gaussdev, gammln, poidev) with the same float
and double roundings: every C ``float`` step is a float operation here, every libm call
takes and returns a double (``std::exp(float)`` would call expf), and fused multiply-adds
are off (``sim.c_numerics.native.CXX_FLAGS``). Before first use in a process the library's counts
are compared with ``sim.c_numerics.rng``'s on means covering all three methods; any difference
and the caller keeps the Python loop.
"""

from __future__ import annotations

import ctypes
from typing import Optional, Tuple

import numpy as np

from sim.c_numerics.native import load_library

SOURCE = r"""
#include <cmath>
#include <cstdint>

namespace {

// Park-Miller minimal standard generator with Schrage's factorisation, and a
// Bays-Durham shuffle table of 32 entries (Numerical Recipes' ran1).
const int64_t kA = 16807, kM = 2147483647, kQ = 127773, kR = 2836;
const int kTable = 32;
const int64_t kDiv = 1 + (kM - 1) / kTable;
const double kToUnit = 1.0 / 2147483647.0;
const double kBelowOne = 1.0 - 1.2e-7;
const double kPi = 3.14159265358979323846;

struct Stream {
  int64_t state;
  int64_t last = 0;
  int64_t table[kTable];
  bool spare_ready = false;
  float spare = 0.0f;
  float mean_seen = -1.0f, g = 0.0f, root2mean = 0.0f, log_mean = 0.0f;
};

int64_t advance(int64_t s) {
  int64_t k = s / kQ;
  s = kA * (s - k * kQ) - kR * k;
  return s < 0 ? s + kM : s;
}

float uniform(Stream& r) {
  if (r.state <= 0 || r.last == 0) {
    int64_t s = -r.state < 1 ? 1 : -r.state;
    for (int j = kTable + 7; j >= 0; --j) {
      s = advance(s);
      if (j < kTable) r.table[j] = s;
    }
    r.last = r.table[0];
    r.state = s;
  }
  r.state = advance(r.state);
  int j = static_cast<int>(r.last / kDiv);
  r.last = r.table[j];
  r.table[j] = r.state;
  float u = static_cast<float>(kToUnit * static_cast<double>(r.last));
  return static_cast<double>(u) > kBelowOne ? static_cast<float>(kBelowOne) : u;
}

float normal(Stream& r) {
  if (r.spare_ready) {
    r.spare_ready = false;
    return r.spare;
  }
  float v1, v2, rsq;
  do {
    v1 = static_cast<float>(2.0 * static_cast<double>(uniform(r)) - 1.0);
    v2 = static_cast<float>(2.0 * static_cast<double>(uniform(r)) - 1.0);
    rsq = v1 * v1 + v2 * v2;
  } while (!(rsq > 0.0f && rsq < 1.0f));
  double r2 = static_cast<double>(rsq);
  float fac = static_cast<float>(std::sqrt(-2.0 * std::log(r2) / r2));
  r.spare = v1 * fac;
  r.spare_ready = true;
  return v2 * fac;
}

float log_gamma(float xx) {
  static const double terms[6] = {76.18009172947146, -86.50532032941677, 24.01409824083091,
                                  -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5};
  double x = xx, y = xx;
  double tmp = x + 5.5;
  tmp -= (x + 0.5) * std::log(tmp);
  double series = 1.000000000190015;
  for (int j = 0; j < 6; ++j) {
    y += 1.0;
    series += terms[j] / y;
  }
  return static_cast<float>(-tmp + std::log(2.5066282746310005 * series / x));
}

float by_products(float mean, Stream& r) {
  if (mean != r.mean_seen) {
    r.mean_seen = mean;
    r.g = static_cast<float>(std::exp(-static_cast<double>(mean)));
  }
  float events = -1.0f, product = 1.0f;
  do {
    events += 1.0f;
    product *= uniform(r);
  } while (product > r.g);
  return events;
}

float by_rejection(float mean, Stream& r) {
  if (mean != r.mean_seen) {
    r.mean_seen = mean;
    r.root2mean = static_cast<float>(std::sqrt(2.0 * static_cast<double>(mean)));
    r.log_mean = static_cast<float>(std::log(static_cast<double>(mean)));
    r.g = mean * r.log_mean - log_gamma(static_cast<float>(static_cast<double>(mean) + 1.0));
  }
  float count, y, accept;
  do {
    do {
      y = static_cast<float>(std::tan(kPi * static_cast<double>(uniform(r))));
      count = r.root2mean * y + mean;
    } while (count < 0.0f);
    count = static_cast<float>(std::floor(static_cast<double>(count)));
    float log_ratio = count * r.log_mean - log_gamma(static_cast<float>(static_cast<double>(count) + 1.0));
    log_ratio = log_ratio - r.g;
    double lorentz = 0.9 * (1.0 + static_cast<double>(y * y));
    accept = static_cast<float>(lorentz * std::exp(static_cast<double>(log_ratio)));
  } while (uniform(r) > accept);
  return count;
}

float poisson(float mean, Stream& r) {
  double m = static_cast<double>(mean);
  if (m > 1.0e6) return static_cast<float>(m + std::sqrt(m) * static_cast<double>(normal(r)));
  if (m < 12.0) return by_products(mean, r);
  return by_rejection(mean, r);
}

uint16_t to_unsigned_short(double value) {
  if (!(std::fabs(value) < 2147483648.0)) return 0;
  return static_cast<uint16_t>(static_cast<uint32_t>(static_cast<int32_t>(value)) & 0xFFFFu);
}

}  // namespace

// counts[i] for each pixel with inside[i] != 0 (inside may be null: every pixel), in order,
// from one stream started at state `seed_state`; other counts are left as they are.
extern "C" void poisson_counts(const float* means, const uint8_t* inside, int64_t n,
                               int64_t seed_state, double adc_offset, uint16_t* counts,
                               double* photons, int64_t* overloads) {
  Stream r;
  r.state = seed_state;
  double total = 0.0;
  int64_t over = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (inside != nullptr && inside[i] == 0) continue;
    float drawn = poisson(means[i], r);
    total += static_cast<double>(drawn);
    double value = static_cast<double>(drawn) + adc_offset;
    if (value > 65535.0) {
      value = 65535.0;
      ++over;
    }
    counts[i] = to_unsigned_short(value);
  }
  *photons = total;
  *overloads = over;
}
"""

Counts = Tuple[np.ndarray, float, int]

#: Means for the check before first use: each method, a repeated mean (cached constants),
#: zero, negative, overloads, and NaN (index 13, left out by the second check's mask, so
#: that the photon totals are compared as numbers there).
_CHECK_MEANS = np.array([0.0, 0.3, 0.3, 2.5, 11.99, 12.0, 12.0, 47.25, 880.5, 3.0e4, 65600.0,
                         2.0e6, 2.0e6, float("nan"), -3.0, 0.0, 7.0], dtype=np.float32)

_checked = []


def poisson_counts(means: np.ndarray, inside: Optional[np.ndarray], seed_state: int,
                   adc_offset: float) -> Optional[Counts]:
    """The compiled loop over flat float32 ``means`` (and uint8 ``inside``, or None), or None
    when no checked library is available."""
    function = _checked_function()
    return None if function is None else _call(function, means, inside, seed_state, adc_offset)


def unavailable_reason() -> str:
    """Why :func:`poisson_counts` returns None ("" when it does not)."""
    _checked_function()
    return _checked[0][1] if _checked else ""


def _checked_function():
    if not _checked:
        _checked.append(_load_and_check())
    return _checked[0][0]


def _load_and_check():
    from sim.c_numerics.noise_reference import draw_in_python

    library, reason = load_library("poisson_noise", SOURCE)
    if library is None:
        return None, reason
    function = library.poisson_counts
    function.restype = None
    inside = (np.arange(_CHECK_MEANS.size) % 5 != 3).astype(np.uint8)
    for mask in (None, inside):
        if not _same(_call(function, _CHECK_MEANS, mask, -7, 40.0),
                     draw_in_python(_CHECK_MEANS, mask, -7, 40.0)):
            return None, "the compiled noise loop disagrees with sim.c_numerics.rng on this machine"
    return function, ""


def _same(a: Counts, b: Counts) -> bool:
    return (np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1], equal_nan=True)
            and a[2] == b[2])


def _call(function, means: np.ndarray, inside: Optional[np.ndarray], seed_state: int,
          adc_offset: float) -> Counts:
    means = np.ascontiguousarray(means, dtype=np.float32)
    counts = np.zeros(means.size, dtype=np.uint16)
    photons, overloads = ctypes.c_double(), ctypes.c_int64()
    mask = None if inside is None else np.ascontiguousarray(inside, dtype=np.uint8)
    function(means.ctypes.data_as(ctypes.c_void_p),
             None if mask is None else mask.ctypes.data_as(ctypes.c_void_p),
             ctypes.c_int64(means.size), ctypes.c_int64(seed_state), ctypes.c_double(adc_offset),
             counts.ctypes.data_as(ctypes.c_void_p), ctypes.byref(photons), ctypes.byref(overloads))
    return counts, photons.value, overloads.value
