"""Series runs end to end: Dask worker processes give the in-process frames bit for bit,
a run killed with SIGKILL and rerun gives the same files, every frame is the plain
nanoBragg run its manifest entry describes, and a rerun skips verified frames only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import fabio
import numpy as np
import psutil
import pytest

from sim.cli.args import format_args
from sim.io.smv import read_smv
from sim.series.cli import build_description, series_main, split_options
from sim.series.frames import frame_config, frame_params
from sim.series.manifest import DONE_LOG, MANIFEST, read_description
from sim.series.runner import RunOptions, run_series
from tests.sim.test_cli_main import REPO, run_sim

SWEEP = ["-cell", "60", "70", "80", "90", "90", "90", "-default_F", "100", "-N", "4", "-distance", "60",
         "-detpixels", "32", "-mosaic", "0.3", "-mosaic_dom", "3", "-misset", "10", "20", "30", "-nonoise",
         "--frames", "10", "--osc", "0.5"]


def frames_of(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("series_0*"))}


def series(folder: Path, *args) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "sim", "series", *args, "--out", str(folder)],
                            cwd=folder.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """The sweep computed in this process."""
    folder = tmp_path_factory.mktemp("reference") / "sweep"
    options, line = split_options(SWEEP)
    run_series(build_description(options, line), RunOptions(folder, progress=False))
    frames = frames_of(folder)
    assert len(frames) == 10
    return frames


def test_two_dask_worker_processes_give_the_same_frames_bit_for_bit(tmp_path, reference):
    """Even with one worker process killed (SIGKILL) during the run: Dask restarts it and
    computes its frame again."""
    folder = tmp_path / "dask"
    proc = series(folder, *SWEEP, "--workers", "2")
    wait_for_records(folder, proc, 2)
    workers = [p for p in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(p.cmdline())]
    assert len(workers) == 2
    workers[0].send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    assert frames_of(folder) == reference
    assert "10/10 frames" in err and "frames/s" in err
    assert not list(folder.glob(".*.tmp"))


def wait_for_records(folder: Path, proc, count: int) -> None:
    """Until the run has recorded ``count`` finished frames (or has ended)."""
    done_log = folder / DONE_LOG
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if done_log.exists() and len(done_log.read_text().splitlines()) >= count:
            return
        time.sleep(0.02)


def test_a_run_killed_half_way_and_rerun_gives_the_same_files(tmp_path, reference):
    folder = tmp_path / "killed"
    proc = series(folder, *SWEEP)
    wait_for_records(folder, proc, 2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    left = frames_of(folder)
    assert 2 <= len(left) < 10, f"the run was not stopped half way ({len(left)} frames written)"
    assert all(left[name] == reference[name] for name in left)
    # a frame whose file was renamed into place but not yet recorded when the kill came
    # is computed again: the rerun counts recorded frames only
    recorded = sum(line.endswith("}") for line in (folder / DONE_LOG).read_text().splitlines())
    assert 2 <= recorded <= len(left)
    rerun = run_sim("series", *SWEEP, "--out", folder, "--no-progress", cwd=tmp_path)
    assert rerun.rc == 0, rerun.err
    assert f"{recorded} were already done" in rerun.out
    assert frames_of(folder) == reference
    assert not list(folder.glob(".*.tmp"))


def test_each_frame_is_the_nanoBragg_run_of_its_own_line(tmp_path):
    hkl = tmp_path / "tiny.hkl"
    hkl.write_text("".join(f"{h} {k} {l} {10 + abs(h * 7 + k * 3 - l)}\n"
                           for h in range(-6, 7) for k in range(-6, 7) for l in range(-6, 7)))
    args = ["-hkl", "tiny.hkl", "-cell", "50", "60", "70", "90", "90", "90", "-N", "3", "-distance", "50",
            "-detpixels", "32", "-mosaic", "0.5", "-mosaic_dom", "2", "-seed", "9", "--shots", "4",
            "--shot-seed", "3", "--spread-mosaic-seed", "--spread-size", "20", "--spread-fluence", "30",
            "--spread-wavelength", "2", "--format", "smv"]
    folder = tmp_path / "shots"
    assert run_sim("series", *args, "--out", folder, "--no-progress", cwd=tmp_path).rc == 0
    description = read_description(folder)
    entry = [json.loads(line.rstrip(",")) for line in (folder / MANIFEST).read_text().splitlines()[2:4]][1]
    params = frame_params(description, 1, 1.2593201528622709e29)
    assert entry == {**params.to_json(), "file": "series_00002.img"}
    line = format_args(frame_config(description.config(), params))
    alone = tmp_path / "alone"
    alone.mkdir()
    assert run_sim(*line, "-adc", "0", "-noisefile", "frame.img", cwd=alone).rc == 0
    fields, pixels = read_smv(folder / "series_00002.img")
    np.testing.assert_array_equal(pixels, read_smv(alone / "frame.img")[1])
    assert float(fields["PHI"]) == 0.0 and float(fields["WAVELENGTH"]) == params.wavelength_A
    assert fields["ADC_OFFSET"] == fields["IMAGE_PEDESTAL"] == "0"


def test_frames_carry_no_adc_offset_as_every_export(tmp_path):
    """A noise-free SMV sweep frame is the C's -intfile of its own line with -adc 0 (the
    series' common -scale), not the C's default offset of 40; the CBF header says 0."""
    args = [*SWEEP[:SWEEP.index("--frames")], "--frames", "2", "--osc", "0.5"]
    for fmt in ("smv", "cbf"):
        assert run_sim("series", *args, "--format", fmt, "--out", tmp_path / fmt, "--no-progress",
                       cwd=tmp_path).rc == 0
    description = read_description(tmp_path / "smv")
    line = format_args(frame_config(description.config(), frame_params(description, 1)))
    assert run_sim(*line, "-adc", "0", "-intfile", "c.img", cwd=tmp_path).rc == 0
    fields, pixels = read_smv(tmp_path / "smv" / "series_00002.img")
    expected = read_smv(tmp_path / "c.img")[1]
    np.testing.assert_array_equal(pixels, expected)
    assert expected.min() == 0 and expected.max() > 1000
    assert fields["ADC_OFFSET"] == "0"
    cbf = (tmp_path / "cbf" / "series_00002.cbf").read_bytes()
    assert b"# counts: photons x scale + ADC offset 0" in cbf
    np.testing.assert_array_equal(fabio.open(str(tmp_path / "cbf" / "series_00002.cbf")).data, expected)


def test_a_rerun_skips_verified_frames_and_redoes_a_damaged_one(tmp_path, reference):
    folder = tmp_path / "again"
    options, line = split_options(SWEEP)
    description = build_description(options, line)
    run_series(description, RunOptions(folder, progress=False))
    damaged = folder / "series_00004.h5"
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\x01")
    summary = run_series(description, RunOptions(folder, progress=False))
    assert (summary.already_done, summary.written) == (9, 1)
    assert frames_of(folder) == reference


def test_a_folder_holding_another_series_is_refused_saying_why(tmp_path, capsys):
    folder = tmp_path / "other"
    short = SWEEP[:-4] + ["--frames", "2"]
    assert series_main([*short, "--osc", "0.5", "--out", str(folder), "--no-progress"]) == 0
    refused = run_sim("series", *short, "--osc", "0.25", "--out", folder, cwd=tmp_path)
    assert refused.rc == 2
    assert refused.err.strip().count("\n") == 0
    assert "holds another series" in refused.err and "osc_deg 0.5 there, 0.25 now" in refused.err
    capsys.readouterr()
    assert series_main(["--resume", "--out", str(folder)]) == 0
    assert "2 were already done" in capsys.readouterr().out
