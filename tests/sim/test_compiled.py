"""The compiled inner stage: same image as the eager one, the "auto" policy, and the eager
fallback when a stored kernel is unusable. Kernels are built into a scratch cache folder."""

from __future__ import annotations

import logging
import shutil

import numpy as np
import pytest
import torch

from sim.kernel import compiled, cache as kernel_cache
from sim.cli.args import parse_args
from sim.kernel.compiled import compiled_stage
from sim.kernel.lattice import LatticeSpec
from sim.model.config import CrystalShape
from sim.simulator import simulate

CELL = "-cell 70 80 90 85 95 100 -default_F 50 -N 4 -lambda 1.2 -distance 80 -detpixels 48 -pixel 0.2 "
# 10 orientations (2 phi steps x 5 mosaic domains), 2 x 2 sub-pixels: the orientations layout.
MOSAIC = (CELL + "-mosaic 0.4 -mosaic_dom 5 -mosaic_seed 3 -phi 0 -osc 0.4 -phisteps 2 -oversample 2").split()
# 27 sources (divergence 3 x 3, dispersion 3), one orientation: the sources layout.
SOURCES = (CELL + "-dispersion 0.5 -dispsteps 3 -hdivrange 0.2 -vdivrange 0.2 -divsteps 3").split()
SPEC = LatticeSpec((5.0, 5.0, 5.0), CrystalShape.SQUARE, 1.0, 100.0, False)
CPU = torch.device("cpu")

# Building needs a C++ compiler; without one every run falls back to eager (tested below).
needs_compiler = pytest.mark.skipif(shutil.which("g++") is None and shutil.which("c++") is None,
                                    reason="no C++ compiler here: kernels cannot be built")


@pytest.fixture
def kernel_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NANOBRAGG_KERNEL_CACHE", str(tmp_path))
    monkeypatch.setattr(kernel_cache, "_LOADED", {})
    monkeypatch.setattr(compiled, "_FAILED", set())
    return tmp_path


def no_build(*args, **kwargs):
    raise AssertionError("the policy should not build a kernel here")


def images(argv, dtype):
    """(eager, compiled) images; the compiled run must not fall back to eager."""
    config = parse_args(argv).config
    eager = simulate(config, device="cpu", dtype=dtype, compile=False).image
    fused = simulate(config, device="cpu", dtype=dtype, compile=True)
    assert fused.kernel.startswith("compiled")
    return eager, fused.image


@needs_compiler
@pytest.mark.parametrize("argv, layout", [(MOSAIC, "orientations"), (SOURCES, "sources")])
def test_compiled_image_equals_eager_image_and_is_stored(argv, layout, kernel_dir, monkeypatch):
    eager, fused = images(argv, torch.float64)
    assert eager.max() > 0
    assert np.abs(fused - eager).max() <= 1e-12 * eager.max()
    assert len(list(kernel_dir.glob("*/*.pt2"))) == 1
    assert layout in (next(kernel_dir.glob("*/keys.txt"))).read_text()
    result = simulate(parse_args(argv).config, device="cpu", dtype=torch.float64, compile=True)
    assert result.kernel == f"compiled {layout}"
    # A later run finds the stored kernel: "auto" uses it without building.
    monkeypatch.setattr(compiled, "_build", no_build)
    monkeypatch.setattr(kernel_cache, "_LOADED", {})
    model_m = 10 if layout == "orientations" else 1
    stage = compiled_stage("auto", simulate_spec(argv), torch.float64, CPU, has_ok=False, has_grid=False,
                           iterations=10**7, orientations=model_m)
    assert stage is not None and stage.layout == layout


def simulate_spec(argv) -> LatticeSpec:
    from sim.model.resolved import build_model
    from sim.simulator import kernel_inputs

    return kernel_inputs(build_model(parse_args(argv).config), "cpu", torch.float64).spec


@needs_compiler
@pytest.mark.parametrize("base", [MOSAIC, SOURCES], ids=["orientations", "sources"])
def test_compiled_kernel_with_dmin_mask_and_hkl_table(base, kernel_dir, tmp_path):
    hkl = tmp_path / "small.hkl"
    hkl.write_text("".join(f"{h} {k} {l} {10 + abs(h) + 2 * abs(k) + 3 * abs(l)}\n"
                           for h in range(-3, 4) for k in range(-3, 4) for l in range(-3, 4)))
    argv = base[:] + ["-hkl", str(hkl), "-dmin", "9"]
    argv[argv.index("-default_F") + 1] = "0"
    eager, fused = images(argv, torch.float64)
    assert (eager == 0).sum() > 0 and eager.max() > 0  # -dmin and the table both bite
    assert np.abs(fused - eager).max() <= 1e-12 * eager.max()
    assert len(list(kernel_dir.glob("*/*.pt2"))) == 1


def test_auto_policy(kernel_dir, monkeypatch, caplog):
    builds = []
    monkeypatch.setattr(compiled, "_build",
                        lambda request, wait: builds.append(request.layout) or (lambda inputs: inputs))
    big = dict(has_ok=False, has_grid=False, iterations=10**9)
    assert compiled_stage(False, SPEC, torch.float32, CPU, orientations=100, **big) is None
    assert compiled_stage("auto", SPEC, torch.float32, torch.device("cuda"), orientations=100, **big) is None
    assert compiled_stage(True, SPEC, torch.float32, torch.device("cuda"), orientations=100, **big) is None
    assert "CPU only" in caplog.text
    small = dict(has_ok=False, has_grid=False, iterations=compiled.AUTO_BUILD_MIN_ITERATIONS - 1)
    assert compiled_stage("auto", SPEC, torch.float32, CPU, orientations=100, **small) is None
    assert builds == []
    assert compiled_stage("auto", SPEC, torch.float32, CPU, orientations=100, **big).layout == "orientations"
    assert compiled_stage("auto", SPEC, torch.float32, CPU, orientations=1, **big).layout == "sources"
    assert compiled_stage(True, SPEC, torch.float32, CPU, orientations=1, **small) is not None
    assert builds == ["orientations", "sources", "sources"]


def test_key_names_what_the_kernel_bakes_in():
    def key(spec=SPEC, orientations=1, dtype=torch.float32, has_ok=False):
        return compiled.kernel_request(spec, dtype, has_ok, False, orientations).key

    assert key(orientations=100) != key()
    assert key(dtype=torch.float64) != key()
    assert key(has_ok=True) != key()
    assert key(LatticeSpec((6.0, 5.0, 5.0), CrystalShape.SQUARE, 1.0, 100.0, False)) != key()
    # default_F and fudge are runtime inputs, and N too for the other shapes: one kernel each.
    assert key(LatticeSpec((5.0, 5.0, 5.0), CrystalShape.SQUARE, 2.0, 7.0, False)) == key()
    gauss = LatticeSpec((5.0, 5.0, 5.0), CrystalShape.GAUSS, 1.0, 100.0, False)
    assert key(LatticeSpec((9.0, 3.0, 4.0), CrystalShape.GAUSS, 0.5, 1.0, False)) == key(gauss) != key()


@pytest.mark.parametrize("dtype, tolerance", [(torch.float64, 4.5e-16), (torch.float32, 3.6e-7)])
def test_cos_polynomial_of_the_compiled_kernels_matches_the_cosine(dtype, tolerance):
    from sim.kernel.lattice import cos_pi_polynomial

    d = torch.linspace(-0.5, 0.5, 100_001, dtype=torch.float64)
    error = (cos_pi_polynomial(d.to(dtype)).double() - torch.cos(torch.pi * d)).abs().max()
    assert float(error) <= tolerance


def test_unwritable_kernel_folder_falls_back_to_eager(kernel_dir, monkeypatch, caplog):
    blocker = kernel_dir / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NANOBRAGG_KERNEL_CACHE", str(blocker / "kernels"))
    config = parse_args(MOSAIC).config
    fused = simulate(config, device="cpu", dtype=torch.float64, compile=True)
    assert fused.kernel == "eager"
    assert "compiled kernel unavailable (cannot write the kernel folder" in caplog.text
    eager = simulate(config, device="cpu", dtype=torch.float64, compile=False).image
    assert np.array_equal(fused.image, eager)


def test_a_missing_kernel_is_built_in_the_background_once(kernel_dir, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="sim")
    started = []
    monkeypatch.setattr(compiled.kernel_build, "start_background", started.append)
    big = dict(has_ok=False, has_grid=False, iterations=10**9, orientations=100)
    assert compiled_stage("auto", SPEC, torch.float32, CPU, **big) is None
    assert [r.layout for r in started] == ["orientations"]
    assert "in the background (10-15 s); this run is eager" in caplog.text
    # A build that failed before is not retried by "auto" (nor again in this process).
    package = kernel_cache.package_path(started[0].key)
    package.parent.mkdir(parents=True)
    compiled.kernel_build.failure_path(package).write_text("RuntimeError: no compiler\n")
    assert compiled_stage("auto", SPEC, torch.float32, CPU, **big) is None
    assert len(started) == 1 and "failed to build earlier (RuntimeError: no compiler)" in caplog.text


def test_kernel_inputs_are_built_once_and_frozen():
    """The compiled stage is chosen while the inputs are built; nothing changes them later."""
    import dataclasses

    from sim.model.resolved import build_model
    from sim.simulator import kernel_inputs

    k = kernel_inputs(build_model(parse_args(SOURCES).config), "cpu", torch.float64)
    assert k.compiled is None and not k.chained
    with pytest.raises(dataclasses.FrozenInstanceError):
        k.compiled = object()
