"""Shared fixtures for the trace tests: the golden C logs and a small synthetic trace.

Any test that takes ``golden_log`` runs once per golden ``trace_s<S>_f<F>.log``.
"""

import re
from pathlib import Path

import pytest

from sim.trace.format import format_trace
from sim.trace.record import TraceRecord
from sim.trace.schema import BY_NAME, FINAL_NAMES, INT, ORDER
from tests.golden import readme_text, require_file, require_golden, trace_logs

TRACE_NAME = re.compile(r"trace_s(\d+)_f(\d+)\.log$")


def pytest_generate_tests(metafunc):
    """Parametrize ``golden_log`` over every golden trace log (one placeholder when none)."""
    if "golden_log" not in metafunc.fixturenames:
        return
    logs = trace_logs()
    if logs:
        metafunc.parametrize("golden_log", logs,
                             ids=[f"{p.parent.name}/{p.stem}" for p in logs])
    else:
        metafunc.parametrize("golden_log", [None], ids=["golden-data-missing"])


@pytest.fixture(autouse=True)
def _golden_present(request):
    """Tests over golden logs fail under CI (skip elsewhere) when the data is missing."""
    if "golden_log" in request.fixturenames and request.getfixturevalue("golden_log") is None:
        require_golden()


@pytest.fixture
def golden_pixel(golden_log):
    """(slow, fast) from the golden log's file name."""
    slow, fast = TRACE_NAME.search(golden_log.name).groups()
    return int(slow), int(fast)


@pytest.fixture
def golden_readme():
    """The golden README's text."""
    return readme_text()


@pytest.fixture
def oversampled_log():
    """A golden log with four sub-pixel blocks (2x2 oversampling)."""
    return require_file("triclinic_misset/trace_s256_f256.log")


@pytest.fixture
def scale_first_value():
    """f(text, name, factor): ``text`` with the first ``name`` scalar line's value scaled."""
    def scale(text: str, name: str, factor: float) -> str:
        pattern = re.compile(rf"^(TRACE_(?:C|PY): {name} )(\S+)$", re.MULTILINE)
        match = pattern.search(text)
        assert match, f"no {name} line to change"
        changed = "%.15g" % (float(match.group(2)) * factor)
        return text[:match.start(2)] + changed + text[match.end(2):]
    return scale


@pytest.fixture
def small_record() -> TraceRecord:
    """A synthetic trace of pixel (3, 4): a geometry block, two sub-pixel blocks, final."""
    record = TraceRecord(pixel=(3, 4), origin="small")
    record.add("detector_convention", "MOSFLM")
    record.add("Rx", (1.0, 0.0, 0.0, 0.0, 1.0, -0.0, 0.0, 0.0, 1.0))
    record.add("pix0_vector", (0.1, 0.0513, -0.0513))
    for sub in range(2):
        record.add("subpixel_index", (0, 0, sub))
        record.add("pix0_vector_meters", (0.1, 0.0513, -0.0513))
        record.add("lambda_meters", (6.2e-10,))
        record.add("hkl_rounded", (-2, 6, 4 + sub))
        record.add("F_latt_a", (-1.23728275378091,))
        record.add("F_cell", (100.0,))
    for name in FINAL_NAMES:
        integer = BY_NAME[name].kind == INT
        record.add(name, (1,) if integer else (0.5 + ORDER[name],))
    return record


@pytest.fixture
def small_text(small_record) -> str:
    """``small_record`` as a TRACE_C log, with banner and progress lines around it."""
    lines = ["nanoBragg nanocrystal diffraction simulator - test", "0% done"]
    lines += format_trace(small_record, "TRACE_C")
    return "\n".join(lines + ["100% done", "writing floatimage.bin"]) + "\n"


@pytest.fixture
def small_log(tmp_path, small_text) -> Path:
    """``small_text`` written to a file."""
    path = tmp_path / "small_c.log"
    path.write_text(small_text, encoding="utf-8")
    return path
