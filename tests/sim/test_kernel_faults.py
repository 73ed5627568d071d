"""Compiled kernels cannot hurt: real stored packages damaged on disk, a full or read-only
kernel folder, concurrent first runs and the loader's temporaries, all through
``python -m sim`` in child processes (a damaged package loaded by mistake would kill the
process with a signal, so none is loaded here).

One real kernel is built by the three concurrent first runs of the module fixture and
copied for the other tests; one test rebuilds a damaged copy.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sim.agreement import image_agreement

REPO = Path(__file__).resolve().parents[2]
BASE = "-cell 100 100 100 90 90 90 -default_F 100 -N 5 -lambda 6.2 -distance 100 -pixel 0.2 -oversample 2 "
# 50 orientations x 4 sub-pixels: the compiled orientations kernel in float32.
MOSAIC = "-mosaic 0.5 -mosaic_dom 10 -phi 0 -osc 0.5 -phisteps 5 "
# 256^2 pixels: 13 million iterations, enough to load a stored kernel, too few to build one.
MEDIUM = (BASE + MOSAIC + "-detpixels 256").split()
# 512^2 pixels: 52 million iterations, a missing kernel is built.
HEAVY = (BASE + MOSAIC + "-detpixels 512").split()
OUTPUTS = "--dtype float32 -nonoise -nopgm -noprogress -floatfile float.bin".split()


def run_sim(args, cache: Path, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    """``python -m sim`` of this checkout with its kernels in ``cache`` and its temporary
    files in ``cwd/tmp`` (checked empty by the tests)."""
    (cwd / "tmp").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, NANOBRAGG_KERNEL_CACHE=str(cache), TMPDIR=str(cwd / "tmp"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return subprocess.Popen([sys.executable, "-m", "sim", *args, *OUTPUTS], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def finished(process) -> subprocess.CompletedProcess:
    out, err = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def run(args, cache: Path, cwd: Path) -> subprocess.CompletedProcess:
    return finished(run_sim(args, cache, cwd))


def builders(cache: Path) -> list:
    """Process ids of kernel builders working for ``cache``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"sim.kernel.build" in command and str(cache).encode() + b"\0" in command:
            found.append(int(entry.name))
    return found


def wait_for_builders(cache: Path, timeout_s: float = 400) -> None:
    deadline = time.monotonic() + timeout_s
    while builders(cache):
        assert time.monotonic() < deadline, "the kernel builder did not finish"
        time.sleep(0.2)


def packages(cache: Path) -> list:
    return sorted(cache.glob("*/*.pt2"))


def kernel_notes(stderr: str) -> list:
    return [line for line in stderr.splitlines() if "kernel" in line]


@pytest.fixture(scope="module")
def first_runs(tmp_path_factory):
    """Three processes start the heavy line at once on an empty kernel folder: the first
    as usual (the kernel is built in the background), two with --wait-kernel."""
    cache, work = tmp_path_factory.mktemp("kernels"), tmp_path_factory.mktemp("first")
    folders = [work / f"run{i}" for i in range(3)]
    processes = [run_sim(HEAVY + (["--wait-kernel"] if i else []), cache, folder)
                 for i, folder in enumerate(folders)]
    runs = [finished(p) for p in processes]
    wait_for_builders(cache)
    return cache, folders, runs


@pytest.fixture
def stored(first_runs, tmp_path) -> Path:
    """A copy of the kernel folder built by the first runs: its package."""
    cache = tmp_path / "kernels"
    shutil.copytree(first_runs[0], cache)
    (package,) = packages(cache)
    return package


def test_three_concurrent_first_runs_build_once(first_runs):
    cache, folders, runs = first_runs
    for result in runs:
        assert result.returncode == 0, result.stderr
        assert len(kernel_notes(result.stderr)) <= 1, result.stderr  # none if it came late
    assert "in the background" in runs[0].stderr and "this run is eager" in runs[0].stderr
    assert "(compiled" not in runs[0].stdout
    assert all("(compiled orientations kernel)" in result.stdout for result in runs[1:])
    (package,) = packages(cache)
    assert len((package.parent / "keys.txt").read_text().splitlines()) == 1  # one build
    assert package.with_name(package.name + ".sha256").exists()
    assert not list(package.parent.glob(".*partial*"))
    eager, *fused = (np.fromfile(folder / "float.bin", dtype="<f4") for folder in folders)
    assert eager.max() > 0 and np.array_equal(fused[0], fused[1])
    assert image_agreement(fused[0], eager).within_golden


def damage(package: Path, how: str) -> None:
    data = bytearray(package.read_bytes())
    if how == "zeroed":  # what a crash or power loss in the middle of a write leaves
        middle = len(data) // 2
        data[middle:middle + 65536] = bytes(65536)
    elif how == "truncated":
        data = data[: len(data) // 3]
    else:
        data = bytearray(random.Random(1).randbytes(len(data)))
    package.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["zeroed", "truncated", "random"])
def test_damaged_kernel_is_moved_aside_with_one_warning_and_the_run_is_eager(stored, how, tmp_path):
    damage(stored, how)
    result = run(MEDIUM, stored.parents[1], tmp_path)
    assert result.returncode == 0, result.stderr
    (warning,) = kernel_notes(result.stderr)
    assert warning.startswith("warning: compiled kernel") and "moved aside" in warning
    assert "(compiled" not in result.stdout and np.fromfile(tmp_path / "float.bin", "<f4").max() > 0
    assert not stored.exists() and len(list(stored.parent.glob(stored.name + ".bad-*"))) == 1


def test_foreign_kernel_without_digest_is_not_loaded(stored, tmp_path):
    stored.with_name(stored.name + ".sha256").unlink()
    result = run(MEDIUM, stored.parents[1], tmp_path)
    assert result.returncode == 0 and "moved aside" in result.stderr and "(compiled" not in result.stdout


def test_damaged_kernel_is_rebuilt_once_then_used(stored, tmp_path):
    damage(stored, "zeroed")
    result = run(HEAVY + ["--wait-kernel"], stored.parents[1], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(compiled orientations kernel)" in result.stdout
    assert [line.split(":")[0] for line in kernel_notes(result.stderr)] == ["warning", "note"]
    assert len((stored.parent / "keys.txt").read_text().splitlines()) == 2  # the first build, and this
    again = run(MEDIUM, stored.parents[1], tmp_path)
    assert "(compiled orientations kernel)" in again.stdout and kernel_notes(again.stderr) == []


def test_loader_leaves_no_temporary_files(stored, tmp_path):
    for _ in range(2):
        result = run(MEDIUM, stored.parents[1], tmp_path)
        assert "(compiled orientations kernel)" in result.stdout, result.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.fixture
def full_folder(tmp_path):
    """A 64 KB tmpfs (needs root, as in CI's container), unmounted afterwards."""
    mount = tmp_path / "full"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_full_kernel_folder_means_eager_with_one_line(full_folder, tmp_path):
    result = run(HEAVY + ["--wait-kernel"], full_folder, tmp_path)
    assert result.returncode == 0, result.stderr
    (warning,) = kernel_notes(result.stderr)
    assert warning.startswith("warning: compiled kernel unavailable (no space") and "eagerly" in warning
    assert np.fromfile(tmp_path / "float.bin", "<f4").max() > 0


def test_unwritable_kernel_folder_means_eager_with_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run(HEAVY, blocker / "kernels", tmp_path)
    assert result.returncode == 0, result.stderr
    (warning,) = kernel_notes(result.stderr)
    assert "cannot write the kernel folder" in warning and "eagerly" in warning


def test_a_failed_build_is_reported_in_one_line():
    from sim.kernel.build import failure_reason

    dump = ("terminate called after throwing an instance of 'c10::Error'\n"
            "  what():  No space left on device\n"
            "Exception raised from ... (most recent call first):\nframe #0: c10::Error::Error(...)\n")
    assert failure_reason(-6, dump) == "the kernel builder was killed by SIGABRT, no space left on device"
    assert failure_reason(1, "W1201 a torch warning\nreason: OSError: [Errno 28] No space left on device\n") \
        == "OSError: [Errno 28] No space left on device"


def test_warmup_names_the_kernel_of_a_line(stored, tmp_path):
    result = run(["warmup"] + MEDIUM, stored.parents[1], tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("orientations kernel, float32: stored")
    short = run(["warmup"] + MEDIUM[:-1] + ["64"], stored.parents[1], tmp_path)
    assert short.returncode == 0 and "no kernel to build" in short.stdout
