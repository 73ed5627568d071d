"""Loading trace logs: both line forms, noise lines ignored, clear one-line errors."""

import math

import pytest

from sim.errors import InputError
from sim.trace.c_log import load_trace_log, parse_trace_text
from sim.trace.format import format_trace
from sim.trace.schema import ORDER


def test_small_log_loads_values_of_every_kind(small_log):
    record = load_trace_log(small_log)
    assert record.pixel == (3, 4)
    assert record.first("detector_convention") == "MOSFLM"
    assert record.first("Rx") == (1.0, 0.0, 0.0, 0.0, 1.0, -0.0, 0.0, 0.0, 1.0)
    assert record.values("hkl_rounded") == [(-2, 6, 4), (-2, 6, 5)]
    assert isinstance(record.first("steps")[0], int)
    assert record.meta == {"command": None, "prefix": "TRACE_C"}


def test_repeated_names_are_numbered_in_order(small_log):
    record = load_trace_log(small_log)
    cells = [e for e in record.entries if e.name == "F_cell"]
    assert [e.occurrence for e in cells] == [0, 1]


def test_our_own_log_loads_like_a_c_log(small_record, small_text):
    ours = parse_trace_text("\n".join(format_trace(small_record, "TRACE_PY")), "ours.log")
    theirs = parse_trace_text(small_text, "c.log")
    assert ours.entries == theirs.entries == small_record.entries
    assert ours.meta["prefix"] == "TRACE_PY"


def test_a_trace_line_after_unterminated_output_is_still_read(small_text):
    text = small_text.replace("TRACE_C: F_cell 100",
                              "WARNING: further warnings will not be printed! TRACE_C: F_cell 7", 1)
    assert parse_trace_text(text).values("F_cell") == [(7.0,), (100.0,)]


def test_prose_that_mentions_a_prefix_is_ignored(small_text):
    text = "lines printed as `TRACE_C:` for one pixel\n" + small_text
    assert parse_trace_text(text).entries == parse_trace_text(small_text).entries


def test_nan_and_infinities_parse(small_text):
    text = (small_text.replace(f"polar {0.5 + ORDER['polar']}", "polar -nan")
            .replace(f"omega_pixel {0.5 + ORDER['omega_pixel']}", "omega_pixel inf"))
    record = parse_trace_text(text)
    assert math.isnan(record.first("polar")[0])
    assert record.first("omega_pixel") == (math.inf,)


def test_unknown_names_become_numbers_or_text(small_text):
    text = small_text.replace("TRACE_C: F_cell 100",
                              "TRACE_C: extra 1 -2e3\nTRACE_C:label=a b  c\nTRACE_C: F_cell 100", 1)
    record = parse_trace_text(text)
    assert record.first("extra") == (1.0, -2000.0)
    assert record.first("label") == "a b  c"


def test_bad_bytes_and_non_ascii_text_do_not_stop_loading(tmp_path, small_text):
    path = tmp_path / "c.log"
    mapping = "TRACE_C:convention_mapping=Fbeam←Ybeam_mm(+0.5px)\n"
    path.write_bytes(b"\xff\xfe banner\n" + mapping.encode("utf-8") + small_text.encode("utf-8"))
    assert load_trace_log(path).first("convention_mapping") == "Fbeam←Ybeam_mm(+0.5px)"


def test_a_command_line_in_the_log_is_kept(small_text):
    record = parse_trace_text("$ nanoBragg -cell 100 100 100 90 90 90 -trace_pixel 3 4\n"
                              + small_text)
    assert record.meta["command"] == "nanoBragg -cell 100 100 100 90 90 90 -trace_pixel 3 4"


def _error(text, origin="c.log", **kwargs):
    with pytest.raises(InputError) as caught:
        parse_trace_text(text, origin, **kwargs)
    return str(caught.value)


def test_missing_file_is_an_input_error_naming_it(tmp_path):
    with pytest.raises(InputError, match="no such file") as caught:
        load_trace_log(tmp_path / "absent.log")
    assert str(caught.value).startswith(str(tmp_path / "absent.log"))


def test_a_log_without_trace_lines_is_an_input_error_at_its_end():
    assert _error("banner\n0% done\ndone\n") == (
        "c.log:3: no trace lines found (expected TRACE_C: or TRACE_PY: lines)")


def test_a_truncated_trace_names_the_missing_final_quantity(small_text):
    lines = small_text.splitlines()
    cut = lines.index("TRACE_C: steps 1")
    message = _error("\n".join(lines[:cut]))
    assert message.startswith(f"c.log:{cut}: truncated trace")
    assert "'steps'" in message


def test_a_log_with_only_the_geometry_block_says_the_pixel_was_not_traced(small_text):
    head = small_text.split("TRACE_C: subpixel_index")[0]
    assert "no per-pixel trace lines for pixel (3, 4)" in _error(head)


@pytest.mark.parametrize("line,expected", [
    ("TRACE_C: pixel_pos_meters 1 2", "pixel_pos_meters: expected 3 numbers, got '1 2'"),
    ("TRACE_C: hkl_rounded 1 2 3.5", "hkl_rounded: expected 3 integers"),
    ("TRACE_C: lambda_meters 1_0", "lambda_meters: expected 1 number"),
    ("TRACE_C:Rx=[1 0 0; 0 1 0]", "Rx: expected a matrix"),
    ("TRACE_C: 3bad 1", "unreadable trace line"),
])
def test_a_value_that_does_not_fit_its_kind_names_file_and_line(small_text, line, expected):
    message = _error(line + "\n" + small_text)
    assert message.startswith("c.log:1: ")
    assert expected in message


def test_the_wrong_pixel_is_an_input_error(small_text):
    assert _error(small_text, expected_pixel=(4, 3)) == (
        "c.log:6: trace is for pixel (3, 4), not (4, 3)")
    assert parse_trace_text(small_text, expected_pixel=(3, 4)).pixel == (3, 4)


def test_two_traces_in_one_log_are_refused(small_text):
    assert "more than one trace" in _error(small_text + small_text)


def test_mixed_prefixes_are_refused(small_text):
    text = small_text.replace("TRACE_C: F_cell", "TRACE_PY: F_cell", 1)
    assert "TRACE_PY line in a TRACE_C log" in _error(text)
