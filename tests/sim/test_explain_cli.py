"""``python -m sim explain``: exit codes, the report, the JSON file and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.cli.main import main
from sim.cli.args import parse_args
from sim.io.floatfile import write_float32
from sim.simulator import simulate

FLAGS = ("-cell 50 50 50 90 90 90 -misset 10 20 30 -N 5 -default_F 100 -lambda 1 -distance 60 "
         "-pixel 0.4 -detpixels 96 -oversample 1").split()


@pytest.fixture(scope="module")
def ours():
    return simulate(parse_args(FLAGS).config, device="cpu").image


def run(capsys, *args):
    code = main(["explain", *FLAGS, *[str(a) for a in args]])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_scaled_copy_is_explained_by_the_scale_with_json(tmp_path, capsys, ours):
    write_float32(tmp_path / "theirs.bin", ours * 1e9)
    code, out, _ = run(capsys, "--against", tmp_path / "theirs.bin", "--params", "scale,beam",
                       "--json", tmp_path / "r.json")
    assert code == 0, out
    assert "The other image matches ours if:" in out and "multiplied by 1e+09" in out
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["explained"] and report["explanations"] == ["-fluence"]
    scale = next(p for p in report["parameters"] if p["name"] == "-fluence")
    assert scale["change"] == pytest.approx(1e9, rel=1e-6) and scale["unit"] == "factor"
    beam = next(p for p in report["parameters"] if p["name"] == "-Xbeam")
    assert set(beam) >= {"name", "unit", "change", "uncertainty"} and beam["unit"] == "mm"
    assert report["agreement_after"]["within_golden"] and not report["agreement_before"]["within_golden"]


def test_noise_exits_1_and_says_not_explained(tmp_path, capsys, ours):
    noise = np.random.default_rng(1).poisson(5.0, ours.shape).astype(np.float32)
    write_float32(tmp_path / "noise.bin", noise)
    code, out, _ = run(capsys, "--against", tmp_path / "noise.bin", "--params", "scale", "--max-iter", "3")
    assert code == 1
    assert "NOT EXPLAINED" in out


@pytest.mark.parametrize("args, message", [
    ((), "--against IMAGE is required"),
    (("--against", "missing.bin"), "missing.bin"),
    (("--against", "x.bin", "--params", "beam,colour"), "unknown group 'colour'"),
    (("--against", "x.bin", "--params", "N"), "integer"),
    (("--against", "x.bin", "--roi", "0", "200", "0", "10"), "--roi"),
    (("--against", "x.bin", "--max-iter", "0"), "--max-iter"),
    (("--against", "x.bin", "--roi", "0"), "--roi"),
    (("--against", "short.bin"), "bytes"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, ours, args, message):
    monkeypatch.chdir(tmp_path)
    write_float32(tmp_path / "x.bin", ours)
    write_float32(tmp_path / "short.bin", ours[:10])
    code, out, err = run(capsys, *args)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
