"""``python -m sim series`` with bad input: one line on stderr, exit code 2, and before any
frame is computed."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import namedtuple

import pytest

from sim.series.cli import series_main
from tests.sim.test_cli_main import run_sim

LINE = ["-cell", "60", "70", "80", "90", "90", "90", "-default_F", "100", "-N", "4", "-distance", "60",
        "-detpixels", "32", "-nonoise"]

CASES = [
    ("no frames", ["--frames", "0", "--osc", "1"], ["--frames", "at least one frame, got 0"]),
    ("negative frames", ["--frames", "-3", "--osc", "1"], ["--frames", "got -3"]),
    ("no shots", ["--shots", "0"], ["--shots", "got 0"]),
    ("zero osc", ["--frames", "5", "--osc", "0"], ["--osc", "non-zero"]),
    ("negative osc", ["--frames", "5", "--osc", "-1"], ["--osc", "positive"]),
    ("no osc at all", ["--frames", "5"], ["--osc DEG"]),
    ("both kinds", ["--frames", "5", "--osc", "1", "--shots", "3"], ["either --frames"]),
    ("neither kind", [], ["either --frames"]),
    ("not a number", ["--frames", "many", "--osc", "1"], ["--frames", "'many'"]),
    ("unknown format", ["--frames", "2", "--osc", "1", "--format", "gif"], ["--format", "'gif'"]),
    ("no workers", ["--frames", "2", "--osc", "1", "--workers", "0"], ["--workers", "got 0"]),
    ("random misset without seed", ["--frames", "2", "--osc", "1", "-misset", "random"], ["-misset_seed"]),
    ("spread on a sweep", ["--frames", "2", "--osc", "1", "--spread-size", "5"], ["--spread"]),
]


@pytest.mark.parametrize("args, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_series_options(tmp_path, capsys, args, words):
    out = tmp_path / "out"
    assert series_main([*LINE, *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    assert all(w in err for w in words), err
    assert not out.exists() or not any(out.iterdir())


def test_an_output_folder_that_cannot_be_made(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert series_main([*LINE, "--frames", "2", "--osc", "1", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err.strip()
    assert "a_file/sub" in err and "cannot create the output folder" in err and "\n" not in err


def test_a_full_output_folder_is_refused_before_any_frame(tmp_path, capsys, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10 ** 9, 10 ** 9 - 4000, 4000))
    out = tmp_path / "full"
    assert series_main([*LINE, "--frames", "3", "--osc", "1", "--format", "cbf", "--out", str(out),
                        "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert "not enough space: 3 frames need 36.9 kB, 4.0 kB free" in err and "\n" not in err
    assert not list(out.glob("series_0*"))


def test_a_scheduler_that_does_not_answer_is_reported_within_10_s(tmp_path):
    start = time.monotonic()
    run = run_sim("series", *LINE, "--frames", "2", "--osc", "1", "--out", tmp_path / "x",
                  "--scheduler", "tcp://127.0.0.1:9", cwd=tmp_path)
    assert time.monotonic() - start < 10
    assert run.rc == 2
    assert run.err.strip().count("\n") == 0
    assert "--scheduler tcp://127.0.0.1:9: no Dask scheduler answers there within" in run.err


def test_an_output_folder_that_cannot_be_written_is_refused(tmp_path, capsys, monkeypatch):
    """A folder without write permission (simulated: the tests may run as root, who may
    write anywhere): one line naming it, before any frame or manifest is written."""
    out = tmp_path / "locked"
    out.mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert series_main([*LINE, "--frames", "2", "--osc", "1", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {out}: cannot write in the output folder: Permission denied"
    assert not any(out.iterdir())


def test_resume_with_another_description_is_refused_saying_why(tmp_path, capsys):
    out = tmp_path / "s"
    assert series_main([*LINE, "--frames", "2", "--osc", "1", "--format", "cbf", "--out", str(out),
                        "--no-progress"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert series_main([*LINE, "-lambda", "1.2", "--frames", "2", "--osc", "1", "--format", "cbf",
                        "--out", str(out), "--resume", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert "holds another series" in err and "wavelength_A 1.0 there, 1.2 now" in err and "\n" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_resume_where_there_is_no_series(tmp_path, capsys):
    assert series_main(["--resume", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {tmp_path}: --resume: no series manifest here to continue"
