"""MOSFLM A-matrix files: the columns are a*, b*, c*; only the first nine numbers count."""

import re

import numpy as np
import pytest

from sim.errors import InputError
from sim.io.mosflm import read_mosflm_matrix
from tests.golden import load_case


def _c_raw_vectors(run_log: str) -> np.ndarray:
    """The rows the C printed as 'a_star (raw) = [x, y, z]' etc. (%g, 6 digits)."""
    rows = []
    for name in ("a_star", "b_star", "c_star"):
        match = re.search(rf"{name} \(raw\) = \[([^\]]*)\]", run_log)
        rows.append([float(v) for v in match.group(1).split(",")])
    return np.array(rows)


def test_golden_matrix_rows_match_c_raw_reciprocal_vectors(golden_dir):
    matrix = read_mosflm_matrix(golden_dir / "inputs" / "A_triclinic.mat")
    expected = _c_raw_vectors(load_case("mosflm_matrix").run_log())
    np.testing.assert_allclose(matrix, expected, rtol=1e-5)
    assert matrix.shape == (3, 3) and matrix.dtype == np.float64


def test_columns_of_the_file_become_rows(tmp_path):
    path = tmp_path / "A.mat"
    path.write_text("1 2 3\n4 5 6\n7 8 9\n0 0 0\nignored lines x y\n")
    np.testing.assert_array_equal(read_mosflm_matrix(path), [[1, 4, 7], [2, 5, 8], [3, 6, 9]])


def test_numbers_are_read_across_line_breaks_like_fscanf(tmp_path):
    path = tmp_path / "A.mat"
    path.write_text("1 2\n3 4 5 6\n7\n8 9 10\n")
    np.testing.assert_array_equal(read_mosflm_matrix(path)[:, 0], [1, 2, 3])


def test_fewer_than_nine_numbers_is_an_error_with_the_line(tmp_path):
    path = tmp_path / "A.mat"
    path.write_text("1 2 3\n4 5 6\n7 8\n")
    with pytest.raises(InputError) as err:
        read_mosflm_matrix(path)
    assert err.value.line == 3 and "found 8" in err.value.problem


def test_non_number_in_matrix_is_an_error_with_the_line(tmp_path):
    path = tmp_path / "A.mat"
    path.write_text("1 2 3\n4 five 6\n7 8 9\n")
    with pytest.raises(InputError) as err:
        read_mosflm_matrix(path)
    assert str(err.value) == f"{path}:2: expected a number of the A matrix, got 'five'"


def test_missing_matrix_file_says_cannot_read(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_mosflm_matrix(tmp_path / "missing.mat")
