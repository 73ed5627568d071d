"""``python -m sim`` end to end, as a user runs it: output files, summary, traces, bundles,
trace comparison and the progress bar. Every command runs in a child process in an empty
scratch folder; bad input is in ``test_cli_bad_input.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List

import numpy as np
import pytest

from sim.trace.schema import BY_NAME
from tests.golden import load_case

REPO = Path(__file__).resolve().parents[2]
#: A small, fast run (64x64 pixels, about 0.1 s of simulation).
SMALL = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100", "-N", "2",
         "-lambda", "1", "-distance", "100", "-detpixels", "64"]
C_DEFAULT_FILES = {"floatimage.bin", "intimage.img", "image.pgm", "noiseimage.img"}


@dataclass
class Run:
    """A finished ``python -m sim`` run: exit code, stdout and stderr."""

    rc: int
    out: str
    err: str


def run_sim(*args, cwd: Path = None) -> Run:
    """Run ``python -m sim ARGS`` from this checkout, in ``cwd`` (default: the current,
    scratch, folder)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    proc = subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd or Path.cwd(),
                          capture_output=True, text=True, timeout=300, env=env)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def folder_names(folder: Path) -> set:
    return {p.name for p in folder.iterdir()}


def replay_args(case) -> List[str]:
    """A golden case's C arguments, with its input file names made absolute."""
    return [str(case.inputs / a) if (case.inputs / a).is_file() else a for a in case.c_args]


def trace_names(text: str, prefix: str) -> List[str]:
    """The traced names of a log in order, ``TRACE_CONFIG`` where that line is, ours-only
    names left out: the structure two logs of the same pixel must share."""
    names = []
    for line in text.splitlines():
        if line.startswith("TRACE_CONFIG:"):
            names.append("TRACE_CONFIG")
        elif line.startswith(prefix + ":"):
            name = re.split(r"[= ]", line[len(prefix) + 1:].strip(), maxsplit=1)[0]
            if not (name in BY_NAME and BY_NAME[name].ours_only):
                names.append(name)
    return names


# ---- images and summary -------------------------------------------------------------------

def test_default_run_writes_the_c_files_and_prints_a_summary(in_scratch):
    run = run_sim(*SMALL)
    assert run.rc == 0, run.err
    assert folder_names(in_scratch) == C_DEFAULT_FILES
    assert (in_scratch / "floatimage.bin").stat().st_size == 64 * 64 * 4
    assert (in_scratch / "image.pgm").read_bytes().startswith(b"P5\n64 64\n")
    for name in ("intimage.img", "noiseimage.img"):
        assert (in_scratch / name).read_bytes().startswith(b"{\nHEADER_BYTES=")
    for words in ("detector 64x64 pixels of 0.1 mm", "auto-selected 1-fold oversampling",
                  "incident fluence: 1.25932e+29 photons/m^2", "MOSFLM Xbeam=3.25 Ybeam=3.25 mm",
                  "DENZO 3.3 3.3 mm", "ADXV 3.3 3.1 mm", "XDS ORGX=33.5 ORGY=33.5 px",
                  "DIALS origin=-3.3,3.3,-100 mm", "max_I = ", "mean= "):
        assert words in run.out
    assert run.err == "", "a tiny run shows no progress bar and no warning"


def test_named_output_files_are_written_and_nothing_else(in_scratch):
    run = run_sim(*SMALL, "-floatfile", "a.bin", "-intfile", "b.img", "-pgmfile", "c.pgm",
                  "-noisefile", "d.img", "-seed", "7")
    assert run.rc == 0, run.err
    assert folder_names(in_scratch) == {"a.bin", "b.img", "c.pgm", "d.img"}
    assert "seed 7" in run.out


def test_nopgm_and_nonoise_leave_out_those_files(in_scratch):
    run = run_sim(*SMALL, "-nopgm", "-nonoise")
    assert run.rc == 0, run.err
    assert folder_names(in_scratch) == {"floatimage.bin", "intimage.img"}


def test_golden_cubic_replay_matches_c_files(in_scratch):
    """The float image agrees to float32 rounding (our float64 sum may round the other way
    in a rare pixel: at most one ulp, in at most 1e-5 of the pixels) and the SMV file, which
    the C rounds to integers, is byte for byte the C's."""
    case = load_case("cubic_1024")
    run = run_sim(*case.c_args, "-floatfile", "x.bin", "-intfile", "x.img", "-nonoise", "-nopgm")
    assert run.rc == 0, run.err
    assert folder_names(in_scratch) == {"x.bin", "x.img"}
    ours = np.fromfile(in_scratch / "x.bin", dtype="<f4")
    theirs = np.fromfile(case.image_path, dtype="<f4")
    ulps = np.abs(ours.view(np.int32).astype(np.int64) - theirs.view(np.int32).astype(np.int64))
    assert ulps.max() <= 1 and np.count_nonzero(ulps) <= 1e-5 * ulps.size
    assert (in_scratch / "x.img").read_bytes() == (case.folder / "image.img").read_bytes()
    c_log = case.run_log().splitlines()
    for c_line in ("mean= 0.881009 rms= 5.69567 rmsd= 5.62712", "max_I = 154.652 ",
                   "incident fluence: 1.25932e+29 photons/m^2", "auto-selected 1-fold oversampling"):
        assert any(c_line in line for line in c_log), f"golden run.log lacks {c_line!r}"
        assert c_line in run.out, f"summary lacks the C's {c_line!r}"
    _check_progress_bar(run)


def _check_progress_bar(run: Run) -> None:
    """The bar shows for a simulation clearly over a second, never for one clearly under."""
    seconds = float(re.search(r"simulated on \S+ in \S+: ([\d.]+) s", run.out).group(1))
    bar = "100.0%" in run.err
    if seconds > 1.2:
        assert bar, f"{seconds} s run without a progress bar"
    elif seconds < 0.9:
        assert not bar, f"{seconds} s run with a progress bar"


def test_golden_noise_replay_is_byte_identical(in_scratch):
    case = load_case("noise_seeded")
    assert "-seed" in case.c_args
    run = run_sim(*case.c_args, "-noisefile", "n.img")
    assert run.rc == 0, run.err
    assert folder_names(in_scratch) == {"floatimage.bin", "intimage.img", "image.pgm", "n.img"}
    assert (in_scratch / "n.img").read_bytes() == (case.folder / "noise.img").read_bytes()
    assert "seed 12345" in run.out


# ---- traces ---------------------------------------------------------------------------------

@pytest.mark.parametrize("case_name, pixel, summary", [
    ("cubic_1024", (512, 512), "MOSFLM Xbeam=51.25 Ybeam=51.25 mm"),  # baseline, 1 sub-pixel
    ("triclinic_misset", (256, 256), "2-fold oversampling"),         # 2x2 sub-pixel blocks
    ("adxv_beam", (87, 159), "ADXV 24 27 mm"),                        # geometry block
    ("xds_orgx", (256, 256), "XDS ORGX=240 ORGY=270 px"),             # no geometry block
    ("mosflm_matrix", (184, 281), "Unit Cell:"),                      # input file
])
def test_trace_lines_have_the_c_logs_structure(in_scratch, case_name, pixel, summary):
    case = load_case(case_name)
    slow, fast = pixel
    run = run_sim(*replay_args(case), "-trace_pixel", slow, fast)
    assert run.rc == 0, run.err
    c_text = (case.folder / f"trace_s{slow}_f{fast}.log").read_text(encoding="utf-8")
    assert trace_names(run.out, "TRACE_PY") == trace_names(c_text, "TRACE_C")
    assert summary in run.out, "the summary gives the beam centre the C command line set"
    assert folder_names(in_scratch) == set(), "a trace run without image flags writes no files"
    assert "simulated on" not in run.out, "a trace run without image flags simulates no image"


def test_trace_with_floatfile_also_writes_the_image(in_scratch):
    run = run_sim(*SMALL, "-trace_pixel", "32", "32", "-floatfile", "f.bin")
    assert run.rc == 0, run.err
    assert folder_names(in_scratch) == {"f.bin"}
    assert "TRACE_PY: I_pixel_final" in run.out
    image = np.fromfile(in_scratch / "f.bin", dtype="<f4").reshape(64, 64)
    traced = float(re.search(r"TRACE_PY: floatimage_accumulated (\S+)", run.out).group(1))
    assert float(image[32, 32]) == pytest.approx(traced, rel=1e-6)


@pytest.fixture(scope="module")
def triclinic_bundle(tmp_path_factory):
    """A run tracing two tagged pixels of triclinic_misset into a bundle, compared with the
    C log of the first: (folder, run, case)."""
    case = load_case("triclinic_misset")
    folder = tmp_path_factory.mktemp("bundle_run")
    run = run_sim(*case.c_args, "-trace_pixel", "256", "256", "centre", "-trace_pixel", "10",
                  "500", "edge", "--trace-dir", "bundle",
                  "--compare-trace", case.folder / "trace_s256_f256.log", cwd=folder)
    return folder, run, case


def test_trace_dir_holds_logs_metadata_env_and_command(triclinic_bundle):
    folder, run, case = triclinic_bundle
    assert run.rc == 0, run.out + run.err
    bundle = folder / "bundle"
    assert folder_names(folder) == {"bundle"}
    assert folder_names(bundle) == {"pixel_256_256.log", "pixel_256_256_metadata.json",
                                    "pixel_10_500.log", "pixel_10_500_metadata.json",
                                    "env.json", "commands.txt"}
    for (slow, fast), tag in (((256, 256), "centre"), ((10, 500), "edge")):
        log = (bundle / f"pixel_{slow}_{fast}.log").read_text(encoding="utf-8").splitlines()
        meta = json.loads((bundle / f"pixel_{slow}_{fast}_metadata.json").read_text())
        assert meta["pixel"] == [slow, fast] and meta["tag"] == tag
        assert meta["lines"] == len(log)
        final = next(line for line in log if line.startswith("TRACE_PY: I_pixel_final "))
        assert meta["final_intensity"] == pytest.approx(float(final.split()[2]), rel=1e-14)
        assert all(line in run.out.splitlines() for line in log)
    env = json.loads((bundle / "env.json").read_text())
    assert {"commit", "python", "torch", "device", "dtype"} <= set(env)
    assert env["device"] == "cpu" and env["dtype"] == "float64"
    command = (bundle / "commands.txt").read_text()
    assert command.startswith("python -m sim -cell") and "--trace-dir bundle" in command


def test_compare_trace_option_reports_agreement(triclinic_bundle):
    _, run, _ = triclinic_bundle
    assert run.rc == 0
    assert re.search(r"all \d+ shared quantities agree", run.out)


def test_compare_trace_option_names_a_planted_divergence(in_scratch):
    case = load_case("triclinic_misset")
    args = case.c_args
    args[args.index("-lambda") + 1] = "%.15g" % (float(args[args.index("-lambda") + 1]) * (1 + 1e-6))
    run = run_sim(*args, "-trace_pixel", "256", "256",
                  "--compare-trace", case.folder / "trace_s256_f256.log")
    assert run.rc == 1, run.err
    assert "first divergence: lambda_meters" in run.out


def test_compare_trace_command_exit_codes_and_json(triclinic_bundle, in_scratch):
    folder, _, case = triclinic_bundle
    ours = folder / "bundle" / "pixel_256_256.log"
    c_log = case.folder / "trace_s256_f256.log"
    agree = run_sim("compare-trace", ours, c_log, "--json")
    assert agree.rc == 0, agree.err
    assert json.loads(agree.out)["first_divergence"] is None
    text = ours.read_text(encoding="utf-8")
    planted = re.sub(r"^(TRACE_PY: lambda_meters )(\S+)$",
                     lambda m: m.group(1) + "%.15g" % (float(m.group(2)) * (1 + 1e-6)),
                     text, count=1, flags=re.MULTILINE)
    assert planted != text
    (in_scratch / "planted.log").write_text(planted, encoding="utf-8")
    diverge = run_sim("compare-trace", "planted.log", c_log)
    assert diverge.rc == 1 and "first divergence: lambda_meters" in diverge.out
    diverge_json = run_sim("compare-trace", "planted.log", c_log, "--json")
    assert diverge_json.rc == 1
    assert json.loads(diverge_json.out)["first_divergence"] == "lambda_meters"
    missing = run_sim("compare-trace", "nope.log", c_log)
    assert missing.rc == 2 and missing.out == ""
    assert len(missing.err.splitlines()) == 1 and "nope.log" in missing.err
    assert "Traceback" not in missing.err
