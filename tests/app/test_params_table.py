"""The viewer's parameter editors come from the option table: every config field has an
editor or is on the one list of fields deliberately left to the command line."""

from sim.model.options import OPTIONS

from app.params import CHOICE, FILE, INT, PARAMS

#: Fields the viewer does not edit: they are set on its command line (the command bar), as
#: they are about files written, noise, sampling or source details rather than the geometry
#: and crystal a trace comparison is about.
NOT_IN_VIEWER = {
    ("crystal", "misset_random"), ("crystal", "misset_seed"), ("crystal", "xtal_size_mm"),
    ("crystal", "shape"), ("crystal", "fudge"), ("crystal", "mosaic_seed"),
    ("crystal", "phi_step_deg"), ("crystal", "spindle_axis"), ("crystal", "interpolate"),
    ("beam", "dispersion_pct"), ("beam", "dispersion_steps"), ("beam", "hdiv_range_mrad"),
    ("beam", "vdiv_range_mrad"), ("beam", "hdiv_step_mrad"), ("beam", "vdiv_step_mrad"),
    ("beam", "hdiv_steps"), ("beam", "vdiv_steps"), ("beam", "round_div"),
    ("beam", "source_file"), ("beam", "fluence_per_m2"), ("beam", "flux_per_s"),
    ("beam", "exposure_s"), ("beam", "beamsize_mm"), ("beam", "kahn_polarization"),
    ("beam", "nopolar"), ("beam", "beam_vector"), ("beam", "polar_vector"), ("beam", "water_um"),
    ("detector", "close_distance_mm"), ("detector", "detsize_f_mm"), ("detector", "detsize_s_mm"),
    ("detector", "close_x_mm"), ("detector", "close_y_mm"), ("detector", "orgx_px"),
    ("detector", "orgy_px"), ("detector", "twotheta_axis"), ("detector", "fdet_vector"),
    ("detector", "sdet_vector"), ("detector", "odet_vector"), ("detector", "pix0_vector_m"),
    ("detector", "curved"), ("detector", "point_pixel"), ("detector", "oversample_thick"),
    ("detector", "oversample_polar"), ("detector", "oversample_omega"), ("detector", "thick_um"),
    ("detector", "absorption_um"), ("detector", "thick_steps"), ("detector", "roi"),
    ("detector", "dmin_A"),
    ("output", "floatfile"), ("output", "intfile"), ("output", "pgmfile"),
    ("output", "noisefile"), ("output", "nonoise"), ("output", "nopgm"),
    ("output", "intfile_scale"), ("output", "pgm_scale"), ("output", "adc_offset"),
    ("output", "seed"), ("output", "progress"), (None, "phi0_reuse"),
}


def test_every_field_has_an_editor_or_is_deliberately_left_out():
    edited = [p.entry.key for p in PARAMS]
    assert len(edited) == len(set(edited)) and not set(edited) & NOT_IN_VIEWER
    assert set(edited) | NOT_IN_VIEWER == {e.key for e in OPTIONS}


def test_labels_and_tips_come_from_the_table():
    by_key = {p.key: p for p in PARAMS}
    assert by_key["distance"].label == "Distance (mm)"
    assert by_key["cell"].label == "Cell (\u00c5, \u00b0)" and by_key["N"].label == "N cells a b c"
    assert by_key["distance"].tip == "-distance: sample to beam spot along the beam"
    assert by_key["N"].tip.startswith("-N -Na -Nb -Nc: ")
    assert by_key["convention"].tip.startswith("-adxv -mosflm -xds -dials -denzo: ")
    kinds = {key: by_key[key].kind for key in ("N", "hkl", "pivot", "wavelength")}
    assert kinds == {"N": INT, "hkl": FILE, "pivot": CHOICE, "wavelength": "float"}
    assert by_key["cell"].size == 6 and by_key["cell"].optional and not by_key["pixel"].optional
