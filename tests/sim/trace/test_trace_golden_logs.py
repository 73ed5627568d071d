"""Every golden C log loads, in the README's order, and formats back to its own lines."""

import re

from sim.trace.c_log import load_trace_log, parse_trace_text
from sim.trace.format import format_trace
from sim.trace.schema import BY_NAME, FINAL_NAMES, PIXEL_NAMES

C_PIXEL_NAMES = [n for n in PIXEL_NAMES if not BY_NAME[n].ours_only]
C_FINAL_NAMES = [n for n in FINAL_NAMES if not BY_NAME[n].ours_only]


def _blocks(record):
    """The per-pixel entries cut into sub-pixel blocks, each starting at pix0_vector_meters."""
    blocks = []
    for entry in record.entries:
        if entry.name == "pix0_vector_meters":
            blocks.append([])
        if entry.name in C_PIXEL_NAMES:
            blocks[-1].append(entry.name)
    return blocks


def _expected_block_count(text):
    """Sub-pixels times sensor layers, from the C program's own summary lines."""
    oversample = int(re.search(r"(\d+)x\1 pixel oversample steps", text).group(1))
    layers = int(re.search(r"thick in (\d+) layers", text).group(1))
    return oversample * oversample * layers


def test_readme_order_is_the_schema_order(golden_readme):
    paragraph = golden_readme.split("Per-pixel names, in the order printed:")[1]
    names = re.search(r"`([^`]*)`", paragraph).group(1).split()
    assert names == C_PIXEL_NAMES + C_FINAL_NAMES


def test_golden_log_loads_for_the_pixel_in_its_name(golden_log, golden_pixel):
    record = load_trace_log(golden_log, expected_pixel=golden_pixel)
    assert record.pixel == golden_pixel
    assert record.meta["command"] is None


def test_golden_log_pixel_blocks_follow_the_readme_order(golden_log):
    for block in _blocks(load_trace_log(golden_log)):
        positions = [C_PIXEL_NAMES.index(name) for name in block]
        assert positions == sorted(set(positions))
        assert block[-1] == "F_cell"


def test_golden_log_has_one_block_per_subpixel_and_layer(golden_log):
    text = golden_log.read_text(encoding="utf-8")
    record = load_trace_log(golden_log)
    expected = _expected_block_count(text)
    assert len(_blocks(record)) == expected
    for name in ("pix0_vector_meters", "hkl_frac", "F_cell"):
        assert [e.occurrence for e in record.entries if e.name == name] == list(range(expected))


def test_golden_log_has_the_whole_final_block_once_at_the_end(golden_log):
    record = load_trace_log(golden_log)
    tail = [e.name for e in record.entries[-len(C_FINAL_NAMES):]]
    assert tail == C_FINAL_NAMES
    assert all(len(record.values(name)) == 1 for name in C_FINAL_NAMES)


def test_formatting_a_golden_log_gives_back_its_trace_lines(golden_log):
    text = golden_log.read_text(encoding="utf-8")
    original = [line for line in text.splitlines() if line.startswith(("TRACE_C:", "TRACE_CONFIG:"))]
    assert format_trace(load_trace_log(golden_log), "TRACE_C") == original


def test_golden_log_survives_a_round_trip_through_our_prefix(golden_log):
    record = load_trace_log(golden_log)
    again = parse_trace_text("\n".join(format_trace(record)), "ours.log")
    assert again.entries == record.entries
    assert again.pixel == record.pixel
