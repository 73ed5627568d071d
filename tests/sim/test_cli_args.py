"""The nanoBragg command line: C matching quirks, values, errors, and the round trip."""

import dataclasses
import math
import shlex

import pytest

from sim.cli.args import ParsedArgs, format_args, format_command, parse_args
from sim.cli.options import BRANCHES
from sim.model.config import (BeamConfig, Convention, CrystalConfig, CrystalShape, DetectorConfig,
                        OutputConfig, Pivot, SimConfig)
from sim.errors import InputError, UnsupportedOption
from tests.golden import case_names, load_case

CELL = ["-cell", "100", "100", "100", "90", "90", "90"]


def parse(line: str) -> ParsedArgs:
    return parse_args(shlex.split(line))


def roundtrip(config: SimConfig, trace_pixels=()) -> ParsedArgs:
    return parse_args(format_args(config, trace_pixels))


def golden_args(name: str):
    return load_case(name).c_args


# ---- golden command lines -------------------------------------------------------------------

@pytest.mark.parametrize("name", case_names())
def test_golden_command_line_parses_and_round_trips(name):
    parsed = parse_args(golden_args(name))
    assert parsed.warnings == ()
    again = roundtrip(parsed.config)
    assert again.config == parsed.config
    assert again.warnings == ()


def test_golden_tilted_sample_pivot():
    det = parse_args(golden_args("tilted_sample_pivot")).config.detector
    assert det.rot_deg == (5.0, 3.0, 2.0)
    assert det.twotheta_deg == 10.0
    assert (det.beam_x_mm, det.beam_y_mm) == (25.0, 27.0)
    # -twotheta and -pivot sample ask for SAMPLE, but -Xbeam/-Ybeam come later on the line
    # and set BEAM again: that is the C's pivot after its loop.
    assert det.pivot is Pivot.BEAM


def test_golden_xds_orgx():
    det = parse_args(golden_args("xds_orgx")).config.detector
    assert det.convention is Convention.XDS
    assert (det.orgx_px, det.orgy_px) == (240.0, 270.0)
    assert det.pivot is Pivot.SAMPLE


def test_golden_triclinic_misset_negative_values():
    crystal = parse_args(golden_args("triclinic_misset")).config.crystal
    assert crystal.misset_deg == (-89.968546, -31.328953, 177.753396)
    assert crystal.cell_A_deg == (70.0, 80.0, 90.0, 75.0, 85.0, 95.0)


def test_golden_custom_vectors():
    config = parse_args(golden_args("custom_vectors")).config
    det = config.detector
    assert det.convention is Convention.CUSTOM
    assert det.fdet_vector == (0.173648, 0.0, 0.984808)
    assert det.sdet_vector == (0.0, -1.0, 0.0)
    assert det.odet_vector == (0.984808, 0.0, -0.173648)
    assert config.beam.beam_vector == (1.0, 0.0, 0.0)
    assert det.pivot is Pivot.SAMPLE


def test_golden_rect_energy_close():
    config = parse_args(golden_args("rect_energy_close")).config
    assert config.beam.wavelength_A == 1.0
    det = config.detector
    assert det.close_distance_mm == 95.0 and det.distance_mm is None
    assert (det.fpixels, det.spixels) == (320, 200)
    assert det.pivot is Pivot.SAMPLE


# ---- strstr matching and other C quirks -----------------------------------------------------

def test_mosaic_dom_sets_domains_not_spread():
    crystal = parse("-mosaic_dom 5").config.crystal
    assert (crystal.mosaic_domains, crystal.mosaic_spread_deg) == (5, None)
    assert parse("-mosaic 0.5").config.crystal.mosaic_spread_deg == 0.5
    assert parse("-mosaic_spread 0.3").config.crystal.mosaic_spread_deg == 0.3


def test_detpixels_per_axis_sets_one_axis():
    det = parse("-detpixels_f 320").config.detector
    assert (det.fpixels, det.spixels) == (320, None)
    det = parse("-detpixels_x 320 -detpixels_y 100").config.detector
    assert (det.fpixels, det.spixels) == (320, 100)
    det = parse("-detpixels 64").config.detector
    assert (det.fpixels, det.spixels) == (64, 64)


def test_thicksteps_spellings_do_not_set_thickness():
    for flag in ("-detector_thicksteps", "-thicksteps"):
        det = parse(f"{flag} 3").config.detector
        assert (det.thick_steps, det.thick_um) == (3, 0.0)
    det = parse("-detector_thick 300").config.detector
    assert (det.thick_steps, det.thick_um) == (None, 300.0)


def test_twotheta_axis_also_sets_twotheta_and_sample_pivot():
    parsed = parse("-twotheta 10 -twotheta_axis 0.5 1 0")
    det = parsed.config.detector
    assert det.twotheta_axis == (0.5, 1.0, 0.0)
    assert det.twotheta_deg == 0.5
    assert det.convention is Convention.CUSTOM and det.pivot is Pivot.SAMPLE
    assert any("also sets -twotheta" in w for w in parsed.warnings)


def test_vector_flags_switch_to_custom_convention():
    for flag, get in (("-spindle_axis", lambda c: c.crystal.spindle_axis),
                      ("-polar_vector", lambda c: c.beam.polar_vector),
                      ("-pix0_vector", lambda c: c.detector.pix0_vector_m)):
        config = parse(f"-xds {flag} 0 1 0").config
        assert config.detector.convention is Convention.CUSTOM
        assert get(config) == (0.0, 1.0, 0.0)
    config = parse("-polar_vector 0 1 0").config
    assert (config.beam.kahn_polarization, config.beam.nopolar) == (0.0, False)


def test_oversample_subflags_do_not_read_a_value():
    parsed = parse("-oversample_thick 5 -oversample_polar -oversample_omega")
    det = parsed.config.detector
    assert (det.oversample_thick, det.oversample_polar, det.oversample_omega) == (True,) * 3
    assert det.oversample is None
    assert any("stray value '5'" in w for w in parsed.warnings)


def test_mosaic_and_misset_seeds_do_not_set_noise_seed():
    # C_QUIRKS.md says they do; strstr(arg, "-seed") cannot match "_seed", and the C agrees.
    config = parse("-mosaic_seed 7 -misset_seed 9").config
    assert (config.crystal.mosaic_seed, config.crystal.misset_seed) == (7, 9)
    assert config.output.seed is None
    assert config.crystal.misset_deg is None and not config.crystal.misset_random
    assert parse("-seed 12345").config.output.seed == 12345


def test_misset_random_and_angles_last_one_wins():
    assert parse("-misset random").config.crystal.misset_random
    crystal = parse("-misset random -misset 1 2 3").config.crystal
    assert (crystal.misset_random, crystal.misset_deg) == (False, (1.0, 2.0, 3.0))
    crystal = parse("-misset 1 2 3 -misset random").config.crystal
    assert crystal.misset_random
    assert roundtrip(parse("-misset 1 2 3 -misset random").config).config.crystal == crystal


@pytest.mark.parametrize("line, pivot", [
    ("-pivot sample -distance 100", Pivot.BEAM),
    ("-distance 100 -pivot sample", Pivot.SAMPLE),
    ("-twotheta 10 -pivot sample", Pivot.SAMPLE),
    ("-xds", Pivot.SAMPLE),
    ("-xds -Xbeam 10", Pivot.BEAM),
    ("-dials", Pivot.BEAM),
    ("-mosflm -ORGX 10", Pivot.SAMPLE),
    ("-close_distance 90", Pivot.SAMPLE),
    ("-Xclose 10 -Ybeam 3", Pivot.BEAM),
])
def test_pivot_follows_flags_in_command_line_order(line, pivot):
    assert parse(line).config.detector.pivot is pivot


def test_double_dash_spelling_of_a_c_flag_fires_it_like_strstr():
    assert parse("--distance 123").config.detector.distance_mm == 123.0


def test_negative_numbers_are_values():
    parsed = parse("-detector_rotx -4 -misset -89.9 -31.3 177.7 -sdet_vector 0 -1 0")
    assert parsed.config.detector.rot_deg == (-4.0, 0.0, 0.0)
    assert parsed.config.crystal.misset_deg == (-89.9, -31.3, 177.7)
    assert parsed.warnings == ()


def test_cell_stops_at_a_value_starting_with_dash():
    assert parse(" ".join(CELL) + " -N 2").config.crystal.cell_A_deg == (100.0,) * 3 + (90.0,) * 3
    with pytest.raises(InputError, match="-cell: expected 6 numbers.*got 3"):
        parse("-cell 100 100 100 -90 90 90")


def test_atoi_truncates_with_a_warning():
    parsed = parse("-N 2.5")
    assert parsed.config.crystal.N_cells == (2, 2, 2)
    assert any("read as 2" in w for w in parsed.warnings)


def test_energy_sets_wavelength():
    assert parse("-energy 12398.42").config.beam.wavelength_A == 1.0
    assert parse("-energy 6199.21 -lambda 1.5").config.beam.wavelength_A == 1.5


def test_output_flags_follow_command_line_order():
    out = parse("-nonoise -noisefile n.img -nopgm -pgmscale 2").config.output
    assert (out.nonoise, out.noisefile, out.nopgm, out.pgm_scale) == (False, "n.img", False, 2.0)
    out = parse("-noisefile n.img -nonoise -pgmfile p.pgm -nopgm").config.output
    assert (out.nonoise, out.nopgm) == (True, True)
    out = parse("-floatimage f.bin -intimage i.img -scale 3 -adc 10 -noprogress").config.output
    assert (out.floatfile, out.intfile, out.intfile_scale, out.adc_offset) == (
        "f.bin", "i.img", 3.0, 10.0)
    assert not out.progress


def test_detector_abs_inf_or_zero_also_zeroes_thickness_in_order():
    det = parse("-detector_thick 300 -detector_abs inf").config.detector
    assert (det.thick_um, det.absorption_um) == (0.0, math.inf)
    det = parse("-detector_abs 0 -detector_thick 300").config.detector
    assert (det.thick_um, det.absorption_um) == (300.0, 0.0)
    assert roundtrip(parse("-detector_abs inf -detector_thick 300").config).config.detector == (
        parse("-detector_abs inf -detector_thick 300").config.detector)


def test_polar_after_nopolar_turns_polarization_back_on():
    assert not parse("-nopolar -polar 0.8").config.beam.nopolar
    beam = parse("-polar 0.8 -nopolar").config.beam
    assert (beam.kahn_polarization, beam.nopolar) == (0.8, True)


def test_curved_det_at_the_end_is_ignored_like_the_c():
    parsed = parse("-curved_det")
    assert not parsed.config.detector.curved
    assert any("-curved_det at the end" in w for w in parsed.warnings)
    assert parse("-curved_det -nonoise").config.detector.curved
    curved = dataclasses.replace(SimConfig().detector, curved=True)
    config = dataclasses.replace(SimConfig(), detector=curved)
    assert roundtrip(config).config == config


def test_value_starting_with_dash_is_also_read_as_an_option():
    parsed = parse("-hkl -xds")
    assert parsed.config.crystal.hkl_file == "-xds"
    assert parsed.config.detector.convention is Convention.XDS
    assert any("both as a value and as an option" in w for w in parsed.warnings)


# ---- unknown, unsupported and no-effect options ---------------------------------------------

def test_unknown_option_and_stray_value_warn_and_are_ignored():
    parsed = parse("-rotx 5 -distance 90")
    assert parsed.config == parse("-distance 90").config
    assert "ignoring unknown option -rotx (the C program ignores it too)" in parsed.warnings
    assert any("stray value '5'" in w for w in parsed.warnings)


@pytest.mark.parametrize("line", ["-img x.img", "-mask m.img", "-stol s.txt", "-4stol s.txt",
                                  "-Q q.txt", "-stolout s.txt", "-coherent", "-printout",
                                  "-printout_pixel 1 2"])
def test_unsupported_options_raise(line):
    with pytest.raises(UnsupportedOption, match=f"^{line.split()[0]} is not supported yet$"):
        parse("-distance 100 " + line)


@pytest.mark.parametrize("flag", ["-density", "-sample_den", "-MW", "-molecules"])
def test_density_and_molecular_weight_have_no_effect(flag):
    parsed = parse(f"{flag} 1.2")
    assert parsed.config == SimConfig()
    assert any("has no effect in nanoBragg" in w for w in parsed.warnings)


# ---- bad values -----------------------------------------------------------------------------

def test_non_numeric_value_names_option_and_value():
    with pytest.raises(InputError, match=r"^-distance: expected a number, got 'abc'$"):
        parse("-distance abc")


@pytest.mark.parametrize("line", ["-distance", "-fdet_vector 0 1", "-misset 1 2",
                                  "-trace_pixel 5", "-roi 1 2 3", "-cell"])
def test_missing_value_at_the_end_names_the_option(line):
    with pytest.raises(InputError, match=f"^{line.split()[0]}: .*end of the command line"):
        parse(line)


@pytest.mark.parametrize("line", ["-lambda 0", "-lambda -1", "-energy 0", "-pixel 0",
                                  "-distance -5", "-close_distance 0", "-detpixels 0",
                                  "-detpixels_s -3", "-detsize 0", "-N -1", "-Na -2",
                                  "-oversample -1", "-trace_pixel -1 5", "-trace_pixel 5 -2",
                                  "-pivot middle"])
def test_out_of_range_values_raise_naming_the_option(line):
    with pytest.raises(InputError, match=f"^{line.split()[0]}: "):
        parse(line)


# ---- trace pixels and this port's own options -----------------------------------------------

def test_trace_pixel_several_times_with_tags():
    parsed = parse("-trace_pixel 10 20 peak -trace_pixel 5 6 -trace_pixel 1 2 -nonoise "
                   "-trace_pixel 3 4 7")
    assert parsed.trace_pixels == ((10, 20, "peak"), (5, 6, None), (1, 2, None), (3, 4, None))
    assert parsed.config.output.nonoise
    assert any("stray value '7'" in w for w in parsed.warnings)
    again = roundtrip(parsed.config, parsed.trace_pixels)
    assert again.trace_pixels == parsed.trace_pixels[:3] + ((3, 4, None),)


def test_own_options():
    parsed = parse("-distance 90 --trace-dir out --compare-trace c.log --device cuda "
                   "--dtype=float32 --no-phi0-reuse")
    assert (parsed.trace_dir, parsed.compare_trace, parsed.device, parsed.dtype) == (
        "out", "c.log", "cuda", "float32")
    assert parsed.no_phi0_reuse and not parsed.config.phi0_reuse
    assert parsed.warnings == ()
    defaults = parse("")
    assert (defaults.dtype, defaults.device, defaults.config.phi0_reuse) == ("float64", None, True)
    with pytest.raises(InputError, match="--dtype"):
        parse("--dtype float16")


@pytest.mark.parametrize("own", ["--trace-dir", "--compare-trace", "--device", "--dtype",
                                 "--no-phi0-reuse"])
def test_own_options_match_no_c_branch(own):
    assert not [b for b in BRANCHES if b.matches(own)]


def test_curved_det_before_an_own_option_counts_it_like_the_c():
    assert parse("-curved_det --no-phi0-reuse").config.detector.curved


# ---- format_args / format_command -----------------------------------------------------------

FULL = SimConfig(
    crystal=CrystalConfig(cell_A_deg=(70.5, 80.25, 90.0, 75.0, 85.0, 95.1), matrix_file="A.mat",
                          misset_deg=(-89.968546, -31.3, 177.7), misset_random=True,
                          misset_seed=4, N_cells=(2, 3, 4),
                          xtal_size_mm=(0.1, None, 0.2), shape=CrystalShape.TOPHAT, fudge=1.5,
                          mosaic_spread_deg=0.3, mosaic_domains=7, mosaic_seed=99,
                          phi_start_deg=-5.0, osc_deg=1.0, phi_step_deg=0.25, phi_steps=4,
                          spindle_axis=(0.0, 1.0, 0.0), hkl_file="P1.hkl", default_F=10.0,
                          interpolate=False),
    beam=BeamConfig(wavelength_A=12398.42 / 9000.0, dispersion_pct=0.1, dispersion_steps=3,
                    hdiv_range_mrad=0.3, vdiv_range_mrad=0.2, hdiv_step_mrad=0.1,
                    vdiv_step_mrad=0.05, hdiv_steps=3, vdiv_steps=5, round_div=False,
                    source_file="src.txt", fluence_per_m2=1e24, flux_per_s=1e13,
                    exposure_s=0.5, beamsize_mm=0.05, kahn_polarization=0.8, nopolar=True,
                    beam_vector=(0.0, 0.0, 1.0), polar_vector=(1.0, 0.0, 0.0), water_um=200.0),
    detector=DetectorConfig(distance_mm=95.5, close_distance_mm=94.0, pixel_mm=0.172,
                            fpixels=320, spixels=200, detsize_f_mm=55.0, detsize_s_mm=34.4,
                            beam_x_mm=25.0, beam_y_mm=-3.0, close_x_mm=1.0, close_y_mm=2.0,
                            orgx_px=240.5, orgy_px=270.0, convention=Convention.DENZO,
                            pivot=Pivot.SAMPLE, rot_deg=(-4.0, 0.0, 2.5), twotheta_deg=12.0,
                            twotheta_axis=(-1.0, 0.0, 0.0), fdet_vector=(0.0, 0.0, 1.0),
                            sdet_vector=(0.0, -1.0, 0.0), odet_vector=(1.0, 0.0, 0.0),
                            pix0_vector_m=(0.1, -0.02, 0.03), curved=True, point_pixel=True,
                            oversample=2, oversample_thick=True, oversample_polar=True,
                            oversample_omega=True, thick_um=300.0, absorption_um=math.inf,
                            thick_steps=3, roi=(1, 100, 2, 200), dmin_A=2.0),
    output=OutputConfig(floatfile="f.bin", intfile="i.img", pgmfile="p.pgm",
                        noisefile="n.img", nonoise=True, nopgm=True, intfile_scale=2.5,
                        pgm_scale=3.0, adc_offset=10.0, seed=12345, progress=False),
    phi0_reuse=False)


def test_round_trip_of_a_config_with_every_field_set():
    for section in ("crystal", "beam", "detector", "output"):
        part = getattr(FULL, section)
        unset = [f.name for f in dataclasses.fields(part)
                 if getattr(part, f.name) == f.default and f.name != "convention"]
        assert unset == [], f"FULL leaves {section} fields at their defaults: {unset}"
    parsed = roundtrip(FULL)
    assert parsed.config == FULL


@pytest.mark.parametrize("changes", [
    dict(detector=DetectorConfig(convention=Convention.XDS, pivot=Pivot.BEAM, fpixels=64)),
    dict(detector=DetectorConfig(convention=Convention.CUSTOM, odet_vector=(0.0, 0.0, 1.0))),
    dict(detector=DetectorConfig(detsize_f_mm=100.0), crystal=CrystalConfig(N_cells=(1, 1, 9))),
    dict(crystal=CrystalConfig(misset_random=True, xtal_size_mm=(0.05,) * 3, N_cells=(3, 3, 3))),
    dict(output=OutputConfig(pgmfile="p.pgm", pgm_scale=2.0),
         beam=BeamConfig(wavelength_A=0.1 + 0.2)),
    dict(detector=DetectorConfig(twotheta_axis=(0.0, 1.0, 0.0))),
])
def test_round_trip_of_hand_built_configs(changes):
    config = SimConfig(**changes)
    assert roundtrip(config).config == config


def test_default_config_formats_to_nothing():
    assert format_args(SimConfig()) == []


def test_string_value_starting_with_dash_cannot_be_written():
    with pytest.raises(InputError, match="-hkl: '-x.hkl' starts with '-'"):
        format_args(SimConfig(crystal=CrystalConfig(hkl_file="-x.hkl")))


def test_custom_convention_without_vectors_cannot_be_written():
    with pytest.raises(InputError, match="CUSTOM"):
        format_args(SimConfig(detector=DetectorConfig(convention=Convention.CUSTOM)))


def test_format_command_is_shell_quoted():
    config = SimConfig(crystal=CrystalConfig(hkl_file="my file.hkl", default_F=1.0))
    line = format_command(config, trace_pixels=((3, 4, "spot"),))
    assert line.startswith("nanoBragg ")
    assert "'my file.hkl'" in line
    parsed = parse_args(shlex.split(line)[1:])
    assert parsed.config == config and parsed.trace_pixels == ((3, 4, "spot"),)
