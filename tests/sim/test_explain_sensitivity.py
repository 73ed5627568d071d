"""d(pixel)/d(parameter) of the sensitivity view against central finite differences, and
its one representation in the command line's lines, the trace bundle and the exports."""

from __future__ import annotations

import csv
import dataclasses
import json

import pytest

from sim.model.config import BeamConfig, CrystalConfig, DetectorConfig, Pivot, SimConfig, Convention
from sim.explain.groups import GROUPS, fit_parameters
from sim.explain.sensitivity import pixel_sensitivity
from sim.model.resolved import build_model
from sim.simulator import simulate

CONFIG = SimConfig(
    crystal=CrystalConfig(cell_A_deg=(30.0, 34.0, 38.0, 80.0, 95.0, 100.0), misset_deg=(10.0, 20.0, 30.0),
                          N_cells=(3, 3, 3), default_F=100.0),
    beam=BeamConfig(wavelength_A=1.2),
    detector=DetectorConfig(distance_mm=60.0, pixel_mm=2.0, beam_x_mm=5.0, beam_y_mm=6.0, fpixels=8,
                            spixels=8, oversample=1, convention=Convention.CUSTOM, pivot=Pivot.SAMPLE,
                            rot_deg=(2.0, 3.0, 4.0), twotheta_deg=5.0))
PIXEL = (3, 5)
STEP = 1e-5


def _pixel(config: SimConfig) -> float:
    slow, fast = PIXEL
    return float(simulate(config, device="cpu", window=(slow, slow + 1, fast, fast + 1)).image[0, 0])


def _moved(config: SimConfig, param, delta: float) -> SimConfig:
    if param.is_scale:
        beam = dataclasses.replace(config.beam, fluence_per_m2=param.start + delta * param.start)
        return dataclasses.replace(config, beam=beam)
    section = next(s for s in ("crystal", "beam", "detector") if hasattr(getattr(config, s), param.field))
    old = getattr(getattr(config, section), param.field)
    new = old + delta if param.index is None else tuple(
        v + delta if i == param.index else v for i, v in enumerate(old))
    return dataclasses.replace(config, **{section: dataclasses.replace(getattr(config, section),
                                                                        **{param.field: new})})


@pytest.fixture(scope="module")
def sensitivity():
    return pixel_sensitivity(CONFIG, *PIXEL)


def test_every_derivative_matches_a_central_difference(sensitivity):
    rows = sensitivity.rows
    params, _ = fit_parameters(CONFIG, build_model(CONFIG), GROUPS)
    assert [r.flag for r in rows] == [p.flag for p in params] and sensitivity.pixel == PIXEL
    scale = abs(_pixel(CONFIG))
    for row, param in zip(rows, params):
        h = STEP if not param.is_scale else 1e-3  # the scale is linear: a relative step
        numeric = (_pixel(_moved(CONFIG, param, h)) - _pixel(_moved(CONFIG, param, -h))) / (2 * h)
        if param.is_scale:
            numeric /= param.start
        assert row.derivative == pytest.approx(numeric, rel=1e-5, abs=1e-9 * scale), row.flag
    assert any(abs(r.derivative) > 0 for r in rows if r.flag != "-fluence")


def test_text_json_and_csv_carry_every_derivative(sensitivity):
    rows = sensitivity.rows
    lines = sensitivity.to_text()
    assert len(lines) == len(rows) + 1
    assert all(line.startswith("SENSITIVITY:") for line in lines)
    assert "-detector_rotz" in "\n".join(lines)
    data = json.loads(json.dumps(sensitivity.to_json()))
    assert data["pixel"] == list(PIXEL)
    assert [(p["name"], p["unit"], p["derivative"]) for p in data["parameters"]] == [
        (r.flag, r.unit, r.derivative) for r in rows]
    table = list(csv.DictReader(sensitivity.to_csv().splitlines()))
    assert [(t["name"], float(t["derivative"])) for t in table] == [(r.flag, r.derivative) for r in rows]
    assert {(t["slow"], t["fast"]) for t in table} == {tuple(str(v) for v in PIXEL)}


def test_the_command_line_prints_the_sensitivity_and_bundles_it(tmp_path, monkeypatch, capsys):
    from sim.cli.main import main

    monkeypatch.chdir(tmp_path)
    flags = ("-cell 30 34 38 80 95 100 -misset 10 20 30 -N 3 -default_F 100 -lambda 1.2 -distance 60 "
             "-pixel 2 -detpixels 8 -oversample 1 -trace_pixel 3 5 --sensitivity").split()
    assert main(flags) == 0
    out = capsys.readouterr().out
    sensitivity = [line for line in out.splitlines() if line.startswith("SENSITIVITY:")]
    assert out.index("TRACE_PY") < out.index("SENSITIVITY:")
    assert len(sensitivity) == 1 + 18 and any("-distance" in line for line in sensitivity)
    assert list(tmp_path.iterdir()) == []  # a trace writes no image
    assert main(flags + ["--trace-dir", "bundle"]) == 0
    meta = json.loads((tmp_path / "bundle" / "pixel_3_5_metadata.json").read_text())
    data = json.loads((tmp_path / "bundle" / meta["sensitivity"]).read_text())
    assert data["pixel"] == [3, 5] and len(data["parameters"]) == 18
    distance = next(line for line in sensitivity if line.split()[1] == "-distance")
    bundled = next(p for p in data["parameters"] if p["name"] == "-distance")
    assert bundled["derivative"] == pytest.approx(float(distance.split()[4]), rel=1e-6)
    assert all(p["name"] in "\n".join(sensitivity) for p in data["parameters"])


def test_a_bundle_without_sensitivity_has_no_sensitivity_file(tmp_path, monkeypatch):
    from sim.cli.main import main

    monkeypatch.chdir(tmp_path)
    flags = ("-cell 30 34 38 80 95 100 -N 3 -default_F 100 -lambda 1.2 -distance 60 -pixel 2 "
             "-detpixels 8 -oversample 1 -trace_pixel 3 5 --trace-dir bundle").split()
    assert main(flags) == 0
    assert "sensitivity" not in json.loads((tmp_path / "bundle" / "pixel_3_5_metadata.json").read_text())
    assert not list((tmp_path / "bundle").glob("*sensitivity*"))
