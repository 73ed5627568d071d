"""Structure factors of a run: the HKL table kept between runs only while the file is unchanged."""

from sim.model.config import CrystalConfig
from sim.kernel import structure_factors
from sim.kernel.structure_factors import load_structure_factors


def _F000(path):
    factors = load_structure_factors(CrystalConfig(hkl_file=str(path), default_F=1.0), (5, 5, 5))
    return float(factors.grid[0, 0, 0])


def test_an_unchanged_file_is_parsed_once(tmp_path, monkeypatch):
    path = tmp_path / "t.hkl"
    path.write_text("0 0 0 10.0\n1 0 0 20.0\n")
    assert _F000(path) == 10.0
    monkeypatch.setattr("sim.io.hkl.read_hkl", lambda _: (_ for _ in ()).throw(AssertionError("parsed again")))
    assert _F000(path) == 10.0


def test_a_rewritten_file_is_read_again_even_with_the_same_size(tmp_path):
    path = tmp_path / "t.hkl"
    path.write_text("0 0 0 10.0\n1 0 0 20.0\n")
    assert _F000(path) == 10.0
    path.write_text("0 0 0 30.0\n1 0 0 20.0\n")
    assert _F000(path) == 30.0


def test_large_tables_are_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(structure_factors, "CACHED_TABLE_MAX_CELLS", 1)
    path = tmp_path / "t.hkl"
    path.write_text("0 0 0 10.0\n1 0 0 20.0\n")
    _F000(path)
    assert structure_factors.kept_table_path() is None
