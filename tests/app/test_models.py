"""The Qt-free models of the viewer: state, display, parameters, trace banner; import rules."""

import subprocess
import sys
import numpy as np
import pytest

from sim.cli.args import parse_args
from sim.cli.format import number_text
from sim.trace.c_log import load_trace_log
from sim.trace.record import TraceRecord

from app.display import (DIFFERENCE, RATIO, Display, DisplaySettings, auto_levels, display_values,
                         lut_positions, scale_fraction)
from app.params import PARAMS, parse, resolved_text, texts, with_value
from app.state import DEFAULT_RTOL, CTrace, RunOptions, ViewerState
from app.trace_summary import HINT, MISMATCH, PENDING, banner

BY_KEY = {p.key: p for p in PARAMS}


@pytest.fixture
def state(fast_args):
    return ViewerState(parse_args(fast_args).config)


def _recorder(signal):
    seen = []
    signal.connect(lambda *args: seen.append(args))
    return seen


def test_state_announces_each_change_once(state):
    config_seen = _recorder(state.config_changed)
    state.set_config(state.config)
    assert config_seen == []
    changed = with_value(state.config, BY_KEY["wavelength"], 1.5)
    state.set_config(changed)
    assert config_seen == [(changed,)]


def test_selecting_a_new_pixel_drops_the_old_trace(state):
    state.set_our_trace(TraceRecord(pixel=(1, 2)))
    assert state.pixel == (1, 2)
    pixels = _recorder(state.pixel_changed)
    state.select_pixel((3, 4))
    assert pixels == [((3, 4),)] and state.our_trace is None


def test_c_trace_of_another_pixel_is_not_compared(state, example_log):
    state.set_c_trace(CTrace(load_trace_log(example_log), str(example_log)))
    assert banner(state).kind == HINT and banner(state).jump_to == (368, 262)
    state.select_pixel((1, 1))
    assert state.pixel_mismatch
    assert banner(state).kind == MISMATCH
    state.select_pixel((368, 262))
    assert banner(state).kind == PENDING


def test_float32_loosens_the_default_tolerance_only(state):
    state.set_options(RunOptions("cpu", "float32"))
    assert state.rtol == DEFAULT_RTOL["float32"]
    state.set_rtol(1e-3)
    state.set_options(RunOptions("cpu", "float64"))
    assert state.rtol == 1e-3


def test_params_show_and_read_back_every_digit(state):
    misset = BY_KEY["misset"]
    assert texts(state.config, misset) == ("-89.968546", "-31.328953", "177.753396")
    assert number_text(1.0 + 1e-6) == "1.000001" and number_text(70.0) == "70"
    assert parse(BY_KEY["wavelength"], (number_text(0.1 + 0.2),)) == 0.1 + 0.2


def test_params_parse_optional_tuple_choice_and_errors(state):
    assert parse(BY_KEY["distance"], ("",)) is None
    assert parse(BY_KEY["N"], ("5", "6", "7")) == (5, 6, 7)
    assert parse(BY_KEY["convention"], ("xds",)).value == "xds"
    with pytest.raises(ValueError, match="not a whole number"):
        parse(BY_KEY["N"], ("5", "6.5", "7"))
    with pytest.raises(ValueError, match="give all 3 values or none"):
        parse(BY_KEY["misset"], ("1", "", "3"))
    config = with_value(state.config, BY_KEY["cell"], (50.0, 60.0, 70.0, 90.0, 90.0, 90.0))
    assert config.crystal.cell_A_deg[0] == 50 and config.crystal.default_F == 100


def test_every_param_round_trips_through_its_editor_text(state):
    for param in PARAMS:
        value = parse(param, texts(state.config, param))
        assert with_value(state.config, param, value) == state.config, param.key


def test_resolved_placeholder_says_what_auto_chose():
    from sim.model.resolved import build_model

    model = build_model(parse_args(["-cell", "70", "80", "90", "75", "85", "95", "-default_F", "1",
                                    "-N", "5", "-detpixels", "64"]).config)
    assert resolved_text(model, BY_KEY["oversample"]) == "auto (2)"
    assert resolved_text(None, BY_KEY["oversample"]) == "auto"


def test_display_keeps_photons_and_scales_through_the_lookup_table():
    data = np.array([[-4.0, 0.0, 9.0, np.nan]])
    assert display_values(data, DIFFERENCE).tolist() == [[-4.0, 0.0, 9.0, 0.0]]  # units kept
    assert display_values(data, RATIO)[0, 3] == 1.0
    low, high = auto_levels(display_values(data, DIFFERENCE), Display(view=DIFFERENCE, percentile=100.0))
    assert (low, high) == (-9.0, 9.0)
    low, high = auto_levels(np.array([[0.5, 1.0, 1.2, 1.5]]), Display(view=RATIO, percentile=100.0))
    assert (low, high) == (0.5, 1.5)  # centred on 1
    x = np.array([0.0, 0.25, 1.0])
    assert np.allclose(scale_fraction(x, Display(scale="sqrt")), [0.0, 0.5, 1.0])
    assert np.allclose(scale_fraction(x, Display(view=DIFFERENCE, scale="sqrt")), [0.0, (1 - 0.5 ** 0.5) / 2, 1.0])
    assert np.allclose(scale_fraction(x, Display(view=RATIO, scale="sqrt")), x)
    log = scale_fraction(np.array([0.0, 1e-4, 1.0]), Display(scale="log"))
    assert log[0] == 0 and log[2] == 1 and np.isclose(log[1], np.log10(2 - 1e-4) / 4)
    positions = lut_positions(Display(scale="sqrt"), 5)
    assert positions.tolist() == [0, 2, 3, 3, 4]  # sqrt of 0, .25, .5, .75, 1 on 4 steps


def test_display_settings_keep_a_colormap_per_kind_of_view():
    settings = DisplaySettings()
    seen = _recorder(settings.display_changed)
    settings.update(view=DIFFERENCE)
    settings.update(colormap="viridis")
    assert settings.value.signed_colormap == "viridis" and settings.value.colormap == "inverted grey"
    settings.update(view=DIFFERENCE)
    assert len(seen) == 2
    settings.update(view="ours", colormap="magma")
    assert settings.value.colormap == "magma" and settings.value.signed_colormap == "viridis"


QT_FREE = ["app.state", "app.display", "app.params", "app.trace_summary", "app.image_compare",
           "app.signals", "app.example"]


def test_models_import_neither_qt_nor_torch():
    code = ("import sys; import " + ", ".join(QT_FREE) +
            "; bad = [m for m in sys.modules if m.split('.')[0] in ('PyQt6', 'torch', 'pyqtgraph')];"
            " print(bad); sys.exit(1 if bad else 0)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_only_the_worker_imports_torch():
    from pathlib import Path

    app = Path(__file__).resolve().parents[2] / "app"
    users = sorted(p.relative_to(app).as_posix() for p in app.rglob("*.py")
                   if "import torch" in p.read_text())
    assert users == ["worker.py"]



def test_sim_never_imports_app():
    from pathlib import Path

    sim = Path(__file__).resolve().parents[2] / "sim"
    offenders = [p.name for p in sim.rglob("*.py")
                 if any(line.lstrip().startswith(("from app", "import app"))
                        for line in p.read_text().splitlines())]
    assert offenders == []
