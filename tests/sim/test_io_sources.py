"""Source list files: up to five numbers a line, C delimiters, NaN for missing columns."""

import re

import numpy as np
import pytest

from sim.errors import InputError
from sim.io.sources import read_source_file
from tests.golden import load_case


def _c_source_table(run_log: str) -> np.ndarray:
    """The 'X Y Z   I lambda' lines the C printed under 'created a total of N sources:'."""
    match = re.search(r"created a total of (\d+) sources:\n", run_log)
    lines = run_log[match.end():].splitlines()[: int(match.group(1))]
    return np.array([[float(v) for v in line.split()] for line in lines])


def test_golden_source_file_matches_c_source_table(golden_dir):
    sources = read_source_file(golden_dir / "inputs" / "three_sources.txt")
    expected = _c_source_table(load_case("sourcefile").run_log())
    assert sources.shape == (3, 5)
    np.testing.assert_allclose(sources, expected, rtol=1e-6)


def test_all_c_delimiters_separate_numbers(tmp_path):
    path = tmp_path / "src.txt"
    path.write_text("1,2;3:4!5e-10\n\t-1 \t 0.5\t\n")
    sources = read_source_file(path)
    np.testing.assert_array_equal(sources[0], [1, 2, 3, 4, 5e-10])
    np.testing.assert_array_equal(sources[1, :2], [-1, 0.5])


def test_missing_columns_are_nan_and_extra_columns_ignored(tmp_path):
    path = tmp_path / "src.txt"
    path.write_text("-10 0 0\n\n   \n-10 0 0 1 1e-10 99 junk\n")
    sources = read_source_file(path)
    assert sources.shape == (2, 5)
    assert np.isnan(sources[0, 3:]).all() and not np.isnan(sources[0, :3]).any()
    np.testing.assert_array_equal(sources[1], [-10, 0, 0, 1, 1e-10])


def test_windows_line_endings_do_not_add_columns(tmp_path):
    path = tmp_path / "src.txt"
    path.write_bytes(b"-10 0 0\r\n")
    assert np.isnan(read_source_file(path)[0, 3])


def test_non_numeric_token_is_an_error_with_the_line(tmp_path):
    path = tmp_path / "src.txt"
    path.write_text("-10 0 0 1\n# comment\n")
    with pytest.raises(InputError) as err:
        read_source_file(path)
    assert str(err.value) == f"{path}:2: expected a number for X, got '#'"


def test_file_without_sources_is_an_error(tmp_path):
    path = tmp_path / "src.txt"
    path.write_text("\n \t\n")
    with pytest.raises(InputError, match="no sources"):
        read_source_file(path)


def test_missing_source_file_says_cannot_read(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_source_file(tmp_path / "nope.txt")
