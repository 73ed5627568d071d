"""HKL structure-factor files: grid, counts, duplicates and one-line errors."""

import re
import time

import numpy as np
import pytest

from sim.errors import InputError
from sim.io.hkl import read_hkl
from tests.golden import load_case


def _write(tmp_path, text, name="test.hkl"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_golden_hkl_count_matches_c_initialized_hkls(golden_dir):
    table = read_hkl(golden_dir / "inputs" / "P1_random.hkl")
    c_log = load_case("hkl_file").run_log()
    c_count = int(re.search(r"(\d+) initialized hkls", c_log).group(1))
    assert table.count == c_count == 14859
    assert table.present.sum() == c_count  # the file lists each reflection once


def test_golden_hkl_grid_spans_indices_and_holds_amplitudes(golden_dir):
    path = golden_dir / "inputs" / "P1_random.hkl"
    rows = np.loadtxt(path)
    table = read_hkl(path)
    lo, hi = rows[:, :3].min(axis=0), rows[:, :3].max(axis=0)
    assert (table.h_min, table.k_min, table.l_min) == tuple(lo.astype(int))
    assert (table.h_max, table.k_max, table.l_max) == tuple(hi.astype(int))
    assert table.F.shape == tuple((hi - lo + 1).astype(int))
    index = tuple((rows[:, :3] - lo).astype(int).T)
    np.testing.assert_array_equal(table.F[index], rows[:, 3])
    assert table.F[-12 - table.h_min, -12 - table.k_min, -12 - table.l_min] == 101.252
    assert np.all(table.F[~table.present] == 0.0)


def test_filled_sets_missing_reflections_to_default_only(tmp_path):
    table = read_hkl(_write(tmp_path, "0 0 0 5\n2 1 1 7\n"))
    filled = table.filled(100.0)
    assert filled.shape == (3, 2, 2)
    assert filled[0, 0, 0] == 5 and filled[2, 1, 1] == 7
    assert np.count_nonzero(filled == 100.0) == 10
    assert table.F[1, 0, 0] == 0.0  # the table itself is untouched


def test_later_duplicate_overwrites_earlier(tmp_path):
    table = read_hkl(_write(tmp_path, "1 2 3 10\n0 0 0 1\n1 2 3 20\n"))
    assert table.F[1, 2, 3] == 20.0
    assert table.count == 3


def test_blank_and_comment_lines_are_skipped(tmp_path):
    table = read_hkl(_write(tmp_path, "# h k l F\n\n  -1 0 2   3.5\n   \n#x\n"))
    assert (table.h_min, table.l_max, table.count) == (-1, 2, 1)
    assert table.F[0, 0, 0] == 3.5


@pytest.mark.parametrize("line", ["1 2 x 4", "1 2 3", "1 2 3 4 5", "1,2,3,4", "1 2 3 1_0"])
def test_malformed_line_names_file_and_line(tmp_path, line):
    path = _write(tmp_path, f"0 0 0 1\n# c\n{line}\n")
    with pytest.raises(InputError) as err:
        read_hkl(path)
    assert str(err.value) == f"{path}:3: expected 'h k l F', got '{line}'"


def test_non_integer_index_is_an_error_naming_the_line(tmp_path):
    path = _write(tmp_path, "0 0 0 1\n1 2.5 3 4\n")
    with pytest.raises(InputError) as err:
        read_hkl(path)
    assert err.value.line == 2 and "non-integer k" in err.value.problem


def test_integral_decimal_indices_are_accepted(tmp_path):
    assert read_hkl(_write(tmp_path, "1.0 -2.0 3 4\n")).h_min == 1


def test_missing_file_says_cannot_read(tmp_path):
    with pytest.raises(InputError) as err:
        read_hkl(tmp_path / "nope.hkl")
    assert err.value.problem.startswith("cannot read: ")
    assert err.value.path == str(tmp_path / "nope.hkl") and err.value.line is None


def test_file_without_reflections_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no reflections"):
        read_hkl(_write(tmp_path, "# only a comment\n\n"))


def test_huge_index_range_is_refused(tmp_path):
    with pytest.raises(InputError, match="too large"):
        read_hkl(_write(tmp_path, "0 0 0 1\n1000 1000 1000 1\n"))


def test_reading_15k_reflections_is_fast(golden_dir):
    start = time.perf_counter()
    read_hkl(golden_dir / "inputs" / "P1_random.hkl")
    assert time.perf_counter() - start < 1.0
