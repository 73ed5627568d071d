"""Ctrl-C and SIGTERM while the output files are written, in real processes: the run ends
with one line and exit 130 or 143, no temporary is left, and the files of an earlier run
are untouched (the set is renamed into place only when every file is complete)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.sim.test_cli_main import C_DEFAULT_FILES, REPO, SMALL

#: The child runs the command line with a pause after the PAUSE_AT-th file is staged,
#: announced on stderr, so that the signal arrives at a known point of the set.
_CHILD = """
import os, sys, time
from sim.io import files
stage = files._Batch.stage
def paused(self, path, data):
    stage(self, path, data)
    if len(self.staged) == int(os.environ["PAUSE_AT"]):
        print("STAGED", len(self.staged), flush=True, file=sys.stderr)
        time.sleep(60)
files._Batch.stage = paused
from sim.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
#: (signal, exit code, last line)
SIGNALS = ((signal.SIGINT, 130, "error: interrupted"), (signal.SIGTERM, 143, "error: terminated"))
OLD = b"the file of an earlier run\n"


def _start(folder: Path, count: int) -> subprocess.Popen:
    for name in C_DEFAULT_FILES:
        (folder / name).write_bytes(OLD)
    env = dict(os.environ, PYTHONPATH=str(REPO), PAUSE_AT=str(count))
    return subprocess.Popen([sys.executable, "-c", _CHILD, *SMALL, "-seed", "1", "-noprogress"],
                            cwd=folder, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _wait_staged(child: subprocess.Popen, count: int) -> list:
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = child.stderr.readline()
        assert line, f"child ended before staging file {count}: {lines}"
        lines.append(line.rstrip("\n"))
        if line.strip() == f"STAGED {count}":
            return lines
    raise AssertionError(f"file {count} never staged: {lines}")


def test_signal_at_each_output_file_leaves_earlier_files_and_no_temporaries(tmp_path):
    runs = {}
    for sig, code, last in SIGNALS:
        for count in range(1, len(C_DEFAULT_FILES) + 1):
            folder = tmp_path / f"{sig.name}_{count}"
            folder.mkdir()
            runs[(sig, count)] = (folder, _start(folder, count), code, last)
    for (sig, count), (folder, child, code, last) in runs.items():
        _wait_staged(child, count)
        child.send_signal(sig)
        err = child.communicate(timeout=60)[1]
        lines = [line for line in err.splitlines() if line.strip()]
        assert child.returncode == code, f"{sig.name} at file {count}: exit {child.returncode}: {err}"
        assert lines[-1] == last and "Traceback" not in err, err
        assert {p.name for p in folder.iterdir()} == C_DEFAULT_FILES, f"{sig.name} at {count}"
        for name in C_DEFAULT_FILES:
            assert (folder / name).read_bytes() == OLD, f"{name} changed ({sig.name} at {count})"


def test_uninterrupted_run_replaces_the_whole_set(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for name in C_DEFAULT_FILES:
        (tmp_path / name).write_bytes(OLD)
    proc = subprocess.run([sys.executable, "-m", "sim", *SMALL, "-seed", "1", "-noprogress"],
                          cwd=tmp_path, env=env, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in tmp_path.iterdir()} == C_DEFAULT_FILES
    assert all((tmp_path / name).read_bytes() != OLD for name in C_DEFAULT_FILES)
