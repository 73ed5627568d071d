"""The formatter writes the C program's exact line forms."""

import pytest

from sim.trace.schema import ORDER
from sim.trace.format import config_line, format_trace
from sim.trace.record import TraceRecord


def test_geometry_entries_use_the_equals_form_and_matrices_brackets(small_record):
    lines = format_trace(small_record, "TRACE_C")
    assert lines[:3] == ["TRACE_C:detector_convention=MOSFLM",
                         "TRACE_C:Rx=[1 0 0; 0 1 -0; 0 0 1]",
                         "TRACE_C:pix0_vector=0.1 0.0513 -0.0513"]


def test_config_line_comes_before_the_first_pixel_entry(small_record):
    lines = format_trace(small_record)
    assert lines[3] == "TRACE_CONFIG: tracing pixel (spixel=3, fpixel=4)"
    assert lines[4].startswith("TRACE_PY: subpixel_index ")
    assert sum(line.startswith("TRACE_CONFIG") for line in lines) == 1


def test_pixel_entries_use_the_spaced_form_with_15_significant_digits():
    record = TraceRecord(pixel=(0, 0))
    record.add("lambda_meters", (1 / 3,))
    record.add("pixel_pos_meters", (-0.0, 1e-300, 123456789012345678.0))
    assert format_trace(record)[1:] == [
        "TRACE_PY: lambda_meters 0.333333333333333",
        "TRACE_PY: pixel_pos_meters -0 1e-300 1.23456789012346e+17"]


def test_integer_kinds_are_written_as_integers_even_from_floats():
    record = TraceRecord(pixel=None)
    record.add("hkl_rounded", (-2.0, 6.0, 0.0))
    record.add("steps", (16.0,))
    assert format_trace(record) == ["TRACE_PY: hkl_rounded -2 6 0", "TRACE_PY: steps 16"]


def test_ours_only_quantities_are_written_with_the_prefix(small_record):
    lines = format_trace(small_record, "TRACE_PY")
    assert "TRACE_PY: subpixel_index 0 0 1" in lines
    assert f"TRACE_PY: subpixel_sum_I {0.5 + ORDER['subpixel_sum_I']}" in lines


def test_special_floats_are_written_like_c():
    record = TraceRecord(pixel=None)
    record.add("polar", (float("inf"),))
    record.add("omega_pixel", (float("-inf"),))
    record.add("cos_2theta", (float("nan"),))
    assert format_trace(record) == ["TRACE_PY: polar inf", "TRACE_PY: omega_pixel -inf",
                                    "TRACE_PY: cos_2theta nan"]


def test_unknown_names_are_written_as_numbers_or_text():
    record = TraceRecord(pixel=None)
    record.add("extra_numbers", (1.5, 2.0))
    record.add("extra_text", "a b")
    assert format_trace(record) == ["TRACE_PY: extra_numbers 1.5 2", "TRACE_PY: extra_text a b"]


def test_config_line_is_written_even_without_pixel_entries():
    record = TraceRecord(pixel=(7, 9))
    record.add("distance_m", (0.1,))
    assert format_trace(record) == ["TRACE_PY:distance_m=0.1", config_line((7, 9))]


@pytest.mark.parametrize("name,value", [("pixel_pos_meters", (1.0, 2.0)),
                                        ("Rx", (1.0,) * 8),
                                        ("lambda_meters", "one")])
def test_a_value_of_the_wrong_shape_is_a_value_error(name, value):
    record = TraceRecord(pixel=None)
    record.add(name, value)
    with pytest.raises(ValueError, match=name):
        format_trace(record)
