"""Scripted mode: open, load the log, trace, save a screenshot and the JSON, exit with a code."""

import json
import shlex
import subprocess
import sys
from pathlib import Path

from PyQt6.QtGui import QImage

from app.main import main

REPO = Path(__file__).resolve().parents[2]


def test_scripted_run_writes_screenshot_and_comparison(qtbot, fast_args, example_log, tmp_path):
    shot, out = tmp_path / "shot.png", tmp_path / "trace.json"
    code = main(["--args", shlex.join(fast_args), "--c-trace", str(example_log), "--trace", "368", "262",
                 "--screenshot", str(shot), "--export-trace", str(out), "--quit"])
    assert code == 0
    assert QImage(str(shot)).width() > 300
    data = json.loads(out.read_text())
    assert data["pixel"] == [368, 262]
    assert data["first_divergence"] is None
    row = data["rows"][0]
    assert {"name", "occurrence", "ours", "c", "abs_diff", "rel_diff", "agree"} <= set(row)
    assert any(r["name"] == "I_pixel_final" and r["agree"] for r in data["rows"])
    assert data["sensitivity"]["pixel"] == [368, 262]  # d(photons)/d(parameter) rides along
    assert any(p["name"] == "-distance" for p in data["sensitivity"]["parameters"])


def test_scripted_run_reports_a_planted_divergence(qtbot, fast_args, unrecorded_log, tmp_path):
    out = tmp_path / "trace.json"
    args = fast_args + ["-lambda", "1.000001"]
    code = main(["--args", shlex.join(args), "--c-trace", str(unrecorded_log), "--trace", "368", "262",
                 "--export-trace", str(out), "--quit"])
    assert code == 0
    assert json.loads(out.read_text())["first_divergence"] == "lambda_meters"


def test_scripted_run_does_not_change_the_users_settings(qtbot, fast_args, tmp_path):
    from app.settings import Settings

    before = Settings().last_command()
    assert main(["--args", shlex.join(fast_args), "--trace", "370", "270", "--quit"]) == 0
    assert Settings().last_command() == before


def test_pixel_off_the_detector_fails_with_one_line(qtbot, fast_args, capsys):
    assert main(["--args", shlex.join(fast_args), "--trace", "600", "2", "--quit"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "off the detector" in err[0]


def test_bad_input_exits_non_zero_with_one_line(tmp_path):
    bad_log = tmp_path / "bad.log"
    bad_log.write_text("nothing here\n")
    cases = [["--args", "-cell 70 80", "--quit"],
             ["--args", "-cell 70 80 90 90 90 90 -default_F 1", "--c-trace", str(bad_log), "--quit"],
             ["--trace", "1", "--quit"]]
    for argv in cases:
        run = subprocess.run([sys.executable, "main.py", *argv], cwd=REPO, capture_output=True,
                             text=True, timeout=120)
        lines = [l for l in run.stderr.splitlines() if "propagateSizeHints" not in l]
        assert run.returncode != 0, argv
        assert len(lines) == 1 and lines[0].startswith("nanobragg-studio: "), (argv, run.stderr)
