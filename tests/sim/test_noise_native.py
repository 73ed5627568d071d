"""The compiled noise loop: the same counts as sim.c_numerics.rng's Python loop, and a safe fallback."""

import numpy as np
import pytest

import sim.c_numerics.native as native
import sim.c_numerics.noise_native as noise_native
from sim.c_numerics.noise import poisson_noise_image
from sim.c_numerics.noise_reference import draw_in_python
from sim.integrity import is_trusted

needs_compiler = pytest.mark.skipif(native.compiler() is None, reason="no C++ compiler on this machine")


def _mixed_image(rng, shape):
    """Means from every method of poidev: tiny, below 12, rejection, overloads, Gaussian."""
    scale = rng.choice([0.01, 1.0, 8.0, 100.0, 3.0e4, 2.0e6], size=shape, p=[.3, .3, .2, .1, .05, .05])
    return (rng.exponential(1.0, shape) * scale).astype(np.float32)


@needs_compiler
@pytest.mark.parametrize("seed, adc", [(12345, 40.0), (1, 0.0), (2**31 - 1, -100.0)])
def test_compiled_loop_equals_python_loop(seed, adc):
    rng = np.random.default_rng(seed % 1000)
    image = _mixed_image(rng, (60, 70))
    inside = (rng.random(image.shape) > 0.25).reshape(-1).view(np.uint8)
    for mask in (None, inside):
        compiled = noise_native.poisson_counts(image.reshape(-1), mask, -seed, adc)
        assert compiled is not None, noise_native.unavailable_reason()
        expected = draw_in_python(image.reshape(-1), mask, -seed, adc)
        np.testing.assert_array_equal(compiled[0], expected[0])
        assert compiled[1:] == expected[1:]


def _fresh(monkeypatch, tmp_path):
    """Forget loaded libraries and use an empty cache folder."""
    monkeypatch.setattr(native, "_LOADED", {})
    monkeypatch.setattr(noise_native, "_checked", [])
    monkeypatch.setenv("NANOBRAGG_KERNEL_CACHE", str(tmp_path))


def test_without_a_compiler_the_python_loop_runs_with_a_warning(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    monkeypatch.setenv("CXX", str(tmp_path / "no-such-compiler"))
    image = np.array([[0.5, 20.0], [3.0, 0.0]], dtype=np.float32)
    with pytest.warns(UserWarning, match="noise image drawn in Python, slowly: no C.. compiler"):
        counts, photons, _ = poisson_noise_image(image, 5, 40.0)
    expected = draw_in_python(image.reshape(-1), None, -5, 40.0)
    np.testing.assert_array_equal(counts.reshape(-1), expected[0])
    assert photons == expected[1]


@needs_compiler
def test_a_damaged_library_is_rebuilt_not_loaded(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    library, reason = native.load_library("poisson_noise", noise_native.SOURCE)
    assert library is not None, reason
    (path,) = native.library_folder().glob("poisson_noise-*.so")
    data = bytearray(path.read_bytes())
    data[len(data) // 4: len(data) // 2] = bytes(len(data) // 2 - len(data) // 4)
    damaged = path.with_name("damaged")
    damaged.write_bytes(bytes(data))
    damaged.replace(path)  # a new file: the loaded library's pages stay mapped as they were
    assert not is_trusted(path)
    monkeypatch.setattr(native, "_LOADED", {})
    library, reason = native.load_library("poisson_noise", noise_native.SOURCE)
    assert library is not None and is_trusted(path), reason
    assert noise_native.poisson_counts(np.ones(4, np.float32), None, -3, 40.0) is not None
