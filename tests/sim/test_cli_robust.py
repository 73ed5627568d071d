"""Hostile command lines, in this process: degenerate geometry and runs too large are
refused in one line (exit 2) before any work; values the C program runs on into a NaN
image run with a warning; what the C runs, we run; a bug is one line with exit 3."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli import main as cli
from sim.model import work_guard
from sim.cli.args import parse_args
from tests.sim.test_cli_fuzz import run_main

TINY = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100", "-N", "2",
        "-lambda", "1", "-distance", "100", "-detpixels", "16", "-pixel", "0.1",
        "-noprogress", "-seed", "1"]

FILES = {
    "big_index.hkl": "1 2 3 100\n9223372036854775808 0 0 5\n",
    "singular.mat": "0.01 0.02 0.01\n0.0 0.01 0.0\n0.0 0.0 0.0\n",
    "left_handed.mat": "-0.01 0 0\n0 0.01 0\n0 0 0.01\n",
    "zero_wavelength.txt": "0 0 10 1 0\n",
}

# (id, arguments after TINY, words the one error line must contain)
REFUSED = [
    ("zero beam vector", ["-beam_vector", "0", "0", "0"], ["-beam_vector 0 0 0", "zero vector"]),
    ("infinite distance", ["-distance", "inf"], ["-distance inf", "finite"]),
    ("nan pixel", ["-pixel", "nan"], ["-pixel", "nan"]),
    ("infinite two-theta", ["-twotheta", "inf"], ["-twotheta inf", "finite"]),
    ("uncountable phi steps", ["-osc", "1e300", "-phistep", "1e-300"], ["-osc", "-phistep"]),
    ("full-width digits", ["-distance", "\uff11\uff12"], ["-distance", "expected a number"]),
    ("atoi overflow", ["-N", "9223372036854775808"], ["-N", "negative"]),
    ("hkl index beyond 2^63", ["-hkl", "big_index.hkl"], ["big_index.hkl:2", "out of range"]),
    ("singular matrix", ["-mat", "singular.mat"], ["singular.mat", "singular"]),
    ("900001-fold oversampling", ["-lambda", "1e-6"],
     ["memory", "sub-pixels (auto-selected)", "-oversample N"]),
    ("millimetre crystal", ["-xtalsize", "3"], ["90000x90000 sub-pixels", "-oversample N"]),
    ("320 GB detector", ["-detpixels", "200000"], ["200000x200000", "TB", "-detpixels"]),
    ("detector beyond memory", ["-detpixels", "40000"], ["40000x40000", "GB", "-detpixels"]),
    ("too much work", ["-detpixels", "1024", "-oversample", "2000"],
     ["4.19e+12 iterations", "-oversample", "--force"]),
    ("a billion sources", ["-divsteps", "100000"], ["sources", "-divsteps"]),
]

# (id, arguments after TINY, words of the warning)
NAN_RUNS = [
    ("nan osc", ["-osc", "nan"], ["-osc nan", "NaN"]),
    ("nan phi", ["-phi", "nan"], ["-phi nan", "NaN"]),
    ("nan fluence", ["-fluence", "nan"], ["-fluence nan", "NaN"]),
    ("infinite default_F", ["-default_F", "inf"], ["-default_F inf", "NaN"]),
    ("nan water", ["-water", "nan"], ["-water nan", "NaN"]),
    ("nan polar", ["-polar", "nan"], ["-polar nan", "NaN"]),
    ("zero source wavelength", ["-sourcefile", "zero_wavelength.txt"], ["wavelength", "NaN"]),
]


@pytest.fixture
def files(in_scratch):
    for name, text in FILES.items():
        (in_scratch / name).write_text(text)
    return in_scratch


@pytest.mark.parametrize("args, words", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_in_one_line_before_any_work(files, monkeypatch, args, words):
    monkeypatch.setattr(work_guard, "_mem_available", lambda: 16 * 10 ** 9)  # any machine
    rc, _, err = run_main(TINY + args)
    lines = [line for line in err.splitlines() if not line.startswith("WARNING:")]
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert all(word in lines[0] for word in words), lines[0]
    assert not list(files.glob("*image*")), "nothing is written"


@pytest.mark.parametrize("args, words", [c[1:] for c in NAN_RUNS], ids=[c[0] for c in NAN_RUNS])
def test_values_the_c_runs_into_nan_run_with_a_warning(files, args, words):
    rc, out, err = run_main(TINY + args)
    warnings = [line for line in out.splitlines() if line.startswith("WARNING")]
    assert rc == 0, err
    assert any(all(word in line for word in words) for line in warnings), warnings


# (id, arguments after TINY, words of the warning): the C computes no pixel, its image is 0
EMPTY_RUNS = [
    ("inverted roi", ["-roi", "10", "5", "0", "15"], ["-roi 10 5 0 15", "empty", "all zero"]),
    ("roi off the detector", ["-roi", "100", "200", "100", "200"], ["-roi", "outside the 16x16"]),
]


@pytest.mark.parametrize("args, words", [c[1:] for c in EMPTY_RUNS], ids=[c[0] for c in EMPTY_RUNS])
def test_an_roi_without_pixels_gives_the_c_zero_image_with_a_warning(files, args, words):
    rc, out, err = run_main(TINY + args + ["-nonoise"])
    assert rc == 0, err
    assert any(all(word in line for word in words) for line in (out + err).splitlines()), out + err
    assert not np.fromfile("floatimage.bin", dtype="<f4").any()


def test_subnormal_distance_runs_as_the_c(files):
    """-distance 1e-320: the C's auto-oversampling ratio is infinite, it takes 1-fold and
    prints an all-zero image; so do we (no refusal, no crash)."""
    rc, out, err = run_main(TINY + ["-distance", "1e-320", "-nonoise"])
    assert rc == 0, err
    assert "1-fold" in out or "oversampl" in out, out
    assert not np.fromfile("floatimage.bin", dtype="<f4").any()


def test_divsteps_1_gives_the_c_image(files):
    """No divergence point survives the round trim: the C divides by 0 steps and writes
    -nan (bytes 0xffc00000) in every float pixel and 0 in every SMV pixel."""
    rc, _, err = run_main(TINY + ["-divsteps", "1"])
    assert rc == 0, err
    assert (np.fromfile("floatimage.bin", dtype="<u4") == 0xFFC00000).all()
    for name in ("intimage.img", "noiseimage.img"):
        data = (files / name).read_bytes()
        assert not any(data[-16 * 16 * 2:]), name


def test_left_handed_matrix_runs_as_in_the_c(files):
    """The C runs with the negative volume (its image is then byte-identical to ours)."""
    rc, out, err = run_main(TINY[7:] + ["-mat", "left_handed.mat"])
    assert rc == 0, err
    assert "volume = -1e+06 A^3" in out


def test_a_bug_is_one_line_asking_for_a_report(in_scratch, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_image", broken)
    rc, _, err = run_main(TINY)
    assert rc == 3 and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("internal error: RuntimeError: boom; please report")
    rc, _, err = run_main(TINY + ["--debug"])
    assert rc == 3 and "Traceback" in err


def test_force_lifts_the_work_limit_but_not_the_memory_limit(monkeypatch):
    monkeypatch.setattr(work_guard, "MAX_ITERATIONS", 100)
    config = parse_args(TINY).config
    with pytest.raises(work_guard.WorkRefused, match="--force"):
        work_guard.check_work(config)
    assert work_guard.check_work(config, force=True).iterations == 256
    monkeypatch.setattr(work_guard, "_mem_available", lambda: 16 * 10 ** 9)
    huge = parse_args(TINY + ["-detpixels", "200000"]).config
    with pytest.raises(work_guard.WorkRefused, match="memory"):
        work_guard.check_work(huge, force=True)


def test_a_non_finite_image_from_finite_values_is_reported(files):
    """A huge -water makes the background infinite (as in the C): the run ends, and says so."""
    rc, _, err = run_main(TINY + ["-water", "1e300"])
    assert rc == 0, err
    assert "WARNING: 256 of 256 pixels are NaN or infinite" in err
