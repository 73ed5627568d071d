"""``python -m sim ... --export FILE``: every format, bad paths, a write that fails half-way,
and the C's SMV image where its header overflows 512 bytes."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import fabio
import h5py
import numpy as np
import pytest

from sim.cli.main import main
from sim.io.smv import read_smv

REPO = Path(__file__).resolve().parents[2]
SMALL = ("-cell 60 70 80 90 90 90 -default_F 100 -N 5 -detpixels 64 -pixel 0.1 "
         "-distance 100 -nonoise -nopgm").split()
#: The C's default ADC offset (-adc), in its SMV counts and not in the exports.
ADC_OFFSET = 40
#: A valid line whose C header needs 516 bytes (rotated detector, long numbers).
LONG_HEADER = ("-detector_rotx -10.4814149 -detector_roty 1.7691690 -detector_rotz -5.2017933 "
               "-twotheta 6.2352023 -distance 206.4300760 -Xbeam -13.4471141 -Ybeam -18.6832008 "
               "-phi 75.3722174 -osc 0.5187080 -lambda 0.8514964").split()


def test_every_format_is_written_with_the_image(in_scratch, capsys):
    names = ["a.h5", "b.nxs", "c.cbf", "d.img", "e.edf", "f.tif"]
    assert main(SMALL + [arg for name in names for arg in ("--export", name)]) == 0
    out = capsys.readouterr().out
    assert all(f"wrote {name} (" in out for name in names)
    # the exports hold the C's -intfile counts without its ADC offset (-adc, 40 by default)
    counts = read_smv(in_scratch / "intimage.img")[1].astype(np.int32) - ADC_OFFSET
    assert "noiseless" in out
    with h5py.File(in_scratch / "a.h5") as handle:
        np.testing.assert_array_equal(handle["entry/data/data"][0], counts)
        assert handle["entry/definition"][()] == b"NXmx"
    np.testing.assert_array_equal(fabio.open(str(in_scratch / "c.cbf")).data, counts)
    np.testing.assert_array_equal(read_smv(in_scratch / "d.img")[1], counts)
    floats = np.fromfile(in_scratch / "floatimage.bin", dtype="<f4").reshape(64, 64)
    np.testing.assert_array_equal(fabio.open(str(in_scratch / "f.tif")).data, floats)


def test_with_noise_the_exports_hold_the_noise_image(in_scratch, capsys):
    """Without -nonoise the exports are the run's noise image (noiseimage.img's draw) less the
    ADC offset, for a given -seed and for the time seed alike."""
    noisy = [flag for flag in SMALL if flag != "-nonoise"]
    for seed in (["-seed", "7"], []):
        assert main(noisy + seed + ["--export", "n.cbf", "--export", "n.img", "--export", "n.tif"]) == 0
        assert "noise image, seed" in capsys.readouterr().out
        counts = read_smv(in_scratch / "noiseimage.img")[1].astype(np.int32) - ADC_OFFSET
        assert counts.max() < 65535 - ADC_OFFSET  # no overloads: the offset is all that differs
        np.testing.assert_array_equal(fabio.open(str(in_scratch / "n.cbf")).data, counts)
        np.testing.assert_array_equal(read_smv(in_scratch / "n.img")[1], counts)
        np.testing.assert_array_equal(fabio.open(str(in_scratch / "n.tif")).data, counts)


@pytest.mark.parametrize("target, message", [
    ("image.xyz", "unknown image format .xyz"),
    ("missing/image.h5", "cannot write: No such file or directory"),
])
def test_bad_export_path_is_one_line_before_the_run(in_scratch, capsys, target, message):
    assert main(SMALL + ["--export", target]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {target}: {message}" + err[0].split(message, 1)[1]]
    assert list(in_scratch.iterdir()) == []


def test_read_only_place_is_one_line_and_no_file(in_scratch, capsys):
    if os.geteuid() == 0:  # root writes into any folder of a read-write file system
        target = Path("/sys/nanobragg_export.h5")
    else:
        (in_scratch / "locked").mkdir(mode=0o500)
        target = in_scratch / "locked" / "image.h5"
    assert main(SMALL + ["-noprogress", "--export", str(target)]) == 2  # stderr: the error alone
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {target}: cannot write: ")
    assert not target.exists() and not list(target.parent.glob(f".{target.name}*"))


def _limit_file_size():
    """The child's files may not grow past 16500 bytes: a disk filling up mid-write."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16500, 16500))


@pytest.mark.parametrize("name", ["big.edf", "big.h5"])
def test_write_failing_half_way_leaves_no_partial_file(in_scratch, name):
    done = subprocess.run([sys.executable, "-m", "sim", *SMALL, "--export", name], cwd=in_scratch,
                          capture_output=True, text=True, preexec_fn=_limit_file_size,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == f"error: {name}: cannot write: File too large"
    assert (in_scratch / "floatimage.bin").stat().st_size == 16384  # the C's own outputs fit
    assert sorted(p.name for p in in_scratch.iterdir() if name.split(".")[0] in p.name) == []


def test_c_header_over_512_bytes_is_written_with_1024_and_a_warning(in_scratch, capsys):
    assert main(SMALL + LONG_HEADER) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if "HEADER_BYTES=1024" in line]
    assert warnings == ["WARNING: intimage.img: the C's SMV header lines need more than 512 bytes "
                        "(the C's own file would be corrupt); written with HEADER_BYTES=1024"]
    data = (in_scratch / "intimage.img").read_bytes()
    assert data.startswith(b"{\nHEADER_BYTES=1024;\n") and len(data) == 1024 + 2 * 64 * 64
    assert data[:1024].rstrip(b" ").endswith(b"BEAMLINE=fake;\n}\f")
    assert fabio.open(str(in_scratch / "intimage.img")).data.shape == (64, 64)


def test_warnings_where_the_c_output_misleads(in_scratch, capsys):
    assert main(SMALL + ["-xds", "-Xbeam", "3", "-twotheta", "0"]) == 0
    assert main(SMALL + ["-mosflm", "-twotheta", "10"]) == 0
    assert main(SMALL + ["-mosflm", "-Xbeam", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("WARNING: -Xbeam/-Ybeam have no effect under -xds") == 1
    assert out.count("WARNING: the SMV header's beam centres are 2.64 pixels from where the beam "
                     "meets the detector") == 1
    assert out.count("WARNING") == 2
