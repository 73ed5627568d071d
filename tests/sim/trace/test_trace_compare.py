"""Comparing traces: tolerances per kind, computation order, the first divergence."""

import csv
import io
import json
import math

import pytest

from sim.errors import InputError
from sim.trace.c_log import load_trace_log, parse_trace_text
from sim.trace.compare import compare_traces, format_table, to_csv
from sim.trace.record import TraceRecord


def _pair(name, ours, theirs):
    a, b = TraceRecord(pixel=(1, 2)), TraceRecord(pixel=(1, 2))
    a.add(name, ours)
    b.add(name, theirs)
    return compare_traces(a, b).rows[0]


def test_a_golden_log_agrees_with_itself(golden_log):
    record = load_trace_log(golden_log)
    comparison = compare_traces(record, record)
    assert comparison.first_divergence is None
    assert all(row.status == "agree" for row in comparison.rows)
    assert format_table(comparison).endswith(
        f"all {len(record.entries)} shared quantities agree\n")


def test_a_planted_wavelength_change_is_the_first_divergence(oversampled_log, scale_first_value):
    text = oversampled_log.read_text(encoding="utf-8")
    ours = parse_trace_text(scale_first_value(text, "lambda_meters", 1 + 1e-6), "ours.log")
    comparison = compare_traces(ours, parse_trace_text(text, "c.log"))
    first = comparison.first_divergence
    assert (first.name, first.occurrence) == ("lambda_meters", 0)
    assert first.rel_diff == pytest.approx(1e-6, rel=1e-3)
    assert [r.name for r in comparison.rows if r.status == "differ"] == ["lambda_meters"]
    assert "first divergence: lambda_meters (occurrence 0)" in format_table(comparison)


def test_a_difference_below_rtol_agrees():
    assert _pair("lambda_meters", (1.0,), (1.0 + 5e-10,)).agree
    assert not _pair("lambda_meters", (1.0,), (1.0 + 2e-9,)).agree


def test_a_near_zero_component_of_a_large_vector_does_not_fail_on_noise():
    row = _pair("pixel_pos_meters", (0.1, 0.05, 1e-20), (0.1, 0.05, 3e-12))
    assert row.agree and row.abs_diff == pytest.approx(3e-12)
    assert not _pair("R_distance_meters", (1e-20,), (3e-12,)).agree


def test_atol_applies_where_the_values_bracket_zero():
    assert _pair("F_latt", (0.0,), (5e-13,)).agree
    assert _pair("cos_2theta", (1e-17,), (-3e-17,)).agree
    assert _pair("hkl_frac", (1e-17, -2e-17, 0.0), (0.0, 0.0, 0.0)).agree
    assert not _pair("F_latt", (0.0,), (5e-12,)).agree


def test_values_small_only_in_si_units_are_compared_relatively():
    r_e_sqr = 7.94079248018965e-30
    assert not _pair("r_e_sqr", (r_e_sqr,), (r_e_sqr * 1.1,)).agree
    assert not _pair("omega_pixel_sr", (1e-8,), (1e-8 * (1 + 1e-7),)).agree
    assert _pair("omega_pixel_sr", (1e-8,), (1e-8 * (1 + 1e-10),)).agree


def test_matrices_compare_on_their_norm():
    row = _pair("Rx", (1.0, 0, 0, 0, 1.0, -0.0, 0, 0, 1.0), (1.0, 0, 0, 0, 1.0, 1e-12, 0, 0, 1.0))
    assert row.agree
    assert not _pair("Rx", (1.0,) * 9, (1.0,) * 8 + (1.001,)).agree


def test_integers_must_be_equal():
    assert not _pair("hkl_rounded", (1, 2, 3), (1, 2, 4)).agree
    assert _pair("steps", (4,), (4.0,)).agree


def test_text_compares_with_whitespace_normalised():
    assert _pair("angles_rad", "rotx:0  roty:0", "rotx:0 roty:0 ").agree
    assert not _pair("angles_rad", "rotx:0 roty:0", "rotx:0 roty:1").agree


def test_nans_agree_only_with_nans():
    nan = math.nan
    assert _pair("polar", (nan,), (nan,)).agree
    assert not _pair("polar", (nan,), (1.0,)).agree
    assert not _pair("polar", (math.inf,), (1.0,)).agree


def test_rows_on_one_side_are_reported_in_schema_order_but_are_not_divergences(small_record):
    theirs = TraceRecord(pixel=(3, 4))
    for entry in small_record.entries:
        if entry.name != "subpixel_index":
            theirs.add(entry.name, entry.value)
    theirs.add("extra_after_final", (1.0,))
    ours = TraceRecord(pixel=(3, 4))
    for entry in small_record.entries:
        if not (entry.name == "F_latt_a" and entry.occurrence == 1):
            ours.add(entry.name, entry.value)
    comparison = compare_traces(ours, theirs)
    names = [(r.name, r.occurrence, r.status) for r in comparison.rows]
    at = names.index(("F_latt_a", 1, "theirs only"))
    assert names[at - 1][:2] == ("hkl_rounded", 1) and names[at + 1][:2] == ("F_cell", 1)
    assert names[-1] == ("extra_after_final", 0, "theirs only")
    assert ("subpixel_index", 0, "ours only") in names
    assert comparison.first_divergence is None
    assert "4 on one side only" in format_table(comparison)


def test_their_geometry_block_goes_before_our_pixel_block(small_record):
    ours = TraceRecord(pixel=(3, 4))
    for entry in small_record.entries[3:]:
        ours.add(entry.name, entry.value)
    rows = compare_traces(ours, small_record).rows
    assert [r.status for r in rows[:3]] == ["theirs only"] * 3
    assert rows[3].name == "subpixel_index"


def test_traces_of_different_pixels_are_refused(small_record):
    other = TraceRecord(pixel=(4, 3), origin="c.log")
    with pytest.raises(InputError, match=r"different pixels: \(3, 4\) in small, \(4, 3\) in c.log"):
        compare_traces(small_record, other)


def test_json_is_strict_and_names_the_first_divergence():
    a, b = TraceRecord(pixel=(1, 2)), TraceRecord(pixel=(1, 2))
    a.add("lambda_meters", (1.0,))
    b.add("lambda_meters", (2.0,))
    a.add("polar", (math.nan,))
    b.add("polar", (0.5,))
    a.add("Rx", (1.0,) * 9)
    data = json.loads(json.dumps(compare_traces(a, b).to_json(), allow_nan=False))
    assert data["pixel"] == [1, 2] and data["first_divergence"] == "lambda_meters"
    lam, polar, rx = data["rows"]
    assert (lam["ours"], lam["c"], lam["abs_diff"], lam["status"]) == (1.0, 2.0, 1.0, "differ")
    assert polar["ours"] == "nan" and polar["abs_diff"] == "nan"
    assert rx["ours"] == [1.0] * 9 and rx["c"] is None and rx["agree"] is None
    assert data["rtol"] == 1e-9


def test_csv_has_a_header_and_one_line_per_row(small_record):
    rows = list(csv.reader(io.StringIO(to_csv(compare_traces(small_record, small_record)))))
    assert rows[0] == ["name", "occurrence", "unit", "ours", "c", "abs_diff", "rel_diff",
                       "agree", "status"]
    assert len(rows) == 1 + len(small_record.entries)
    assert rows[2] == ["Rx", "0", "", "[1 0 0; 0 1 -0; 0 0 1]", "[1 0 0; 0 1 -0; 0 0 1]",
                       "0", "0", "True", "agree"]
