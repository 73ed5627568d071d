"""Raw float32 images: the C -floatfile layout, size checks and safe writes."""

import os

import numpy as np
import pytest

from sim.errors import InputError
from sim.io.floatfile import read_float32, write_float32
from tests.golden import load_case


def test_rewriting_golden_float_image_reproduces_its_bytes(tmp_path):
    source = load_case("noise_seeded").image_path
    image = read_float32(source, (256, 256))
    assert image.dtype == np.float32 and image.shape == (256, 256)
    write_float32(tmp_path / "out.bin", image)
    assert (tmp_path / "out.bin").read_bytes() == source.read_bytes()


def test_layout_is_little_endian_row_major(tmp_path):
    image = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]])
    write_float32(tmp_path / "img.bin", image)
    expected = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.5], dtype="<f4").tobytes()
    assert (tmp_path / "img.bin").read_bytes() == expected
    np.testing.assert_array_equal(read_float32(tmp_path / "img.bin", (2, 3)), image)


def test_wrong_size_names_both_sizes(tmp_path):
    write_float32(tmp_path / "img.bin", np.zeros((4, 4)))
    with pytest.raises(InputError) as err:
        read_float32(tmp_path / "img.bin", (4, 5))
    assert "64 bytes" in err.value.problem and "4x5" in err.value.problem and "80" in err.value.problem


def test_unwritable_path_says_cannot_write_and_leaves_nothing(tmp_path):
    target = tmp_path / "no_such_dir" / "img.bin"
    with pytest.raises(InputError) as err:
        write_float32(target, np.zeros((2, 2)))
    assert err.value.problem.startswith("cannot write: ") and err.value.path == str(target)
    (tmp_path / "is_a_dir").mkdir()
    with pytest.raises(InputError, match="cannot write"):
        write_float32(tmp_path / "is_a_dir", np.zeros((2, 2)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["is_a_dir"]
    assert list((tmp_path / "is_a_dir").iterdir()) == []


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "img.bin"
    write_float32(target, np.ones((2, 2)))
    before = target.read_bytes()

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(InputError, match="No space left"):
        write_float32(target, np.zeros((2, 2)))
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["img.bin"]
