"""Pieces of the lattice stage that are easy to get subtly wrong: the float32 sphere
transform's series and the table lookup's range test on int32 indices."""

import math

import torch

from sim.kernel.lattice import nearest_cell_factor, sinc3


def _sinc3_exact(x: float) -> float:
    """3 (sin x - x cos x) / x^3 from its series near 0 (no cancellation), else the formula."""
    if abs(x) < 0.1:
        return 1 - x * x / 10 + x ** 4 / 280 - x ** 6 / 15120
    return 3 * (math.sin(x) - x * math.cos(x)) / x ** 3


def test_float32_sphere_transform_is_accurate_on_both_sides_of_the_series_switch():
    xs = [0.0, 1e-4, 0.01, 0.3, 0.999, 1.0, 1.001, 2.0, 4.4934, 7.0, 30.0]
    ours = sinc3(torch.tensor(xs, dtype=torch.float32)).tolist()
    for x, value in zip(xs, ours):
        assert abs(value - _sinc3_exact(x)) <= 1e-6 * max(1.0, abs(_sinc3_exact(x)) * 10), x


def test_float64_sphere_transform_is_the_c_formula():
    x = torch.tensor([0.0, 0.5, 3.0], dtype=torch.float64)
    expected = [1.0] + [3 * (math.sin(v) / v - math.cos(v)) / (v * v) for v in (0.5, 3.0)]
    assert sinc3(x).tolist() == expected


def test_lookup_outside_the_table_gives_default_F_even_for_huge_indices():
    grid = torch.arange(2 * 3 * 4, dtype=torch.float64).reshape(2, 3, 4)
    mins = torch.tensor([-1.0, 0.0, 2.0])
    h = torch.tensor([[-1.0], [0.0], [-2.0], [1.0], [3e9], [-3e9], [math.inf], [-1.0]])
    k = torch.tensor([[0.0], [2.0], [0.0], [0.0], [0.0], [0.0], [0.0], [3.0]])
    l = torch.tensor([[2.0], [5.0], [2.0], [2.0], [2.0], [2.0], [2.0], [2.0]])
    values = nearest_cell_factor((h, k, l), grid, mins, 100.0).reshape(-1).tolist()
    # (0, 0, 0) and (1, 2, 3) are inside; h -2 and 1, huge h and k 3 are outside
    assert values == [0.0, 23.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0]
