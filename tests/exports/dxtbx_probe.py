"""Run with DIALS's Python: print, as JSON, the models dxtbx builds from each file named.

Usage: /usr/bin/python3 dxtbx_probe.py FILE... (prints one JSON object: file -> models);
for a ``.expt`` file, the unit cell of its crystal.
"""

import json
import sys

from dxtbx.model.experiment_list import ExperimentListFactory


def probe(path):
    if path.endswith(".expt"):  # a processed experiment: its crystal's unit cell
        crystal = ExperimentListFactory.from_json_file(path, check_format=False)[0].crystal
        return {"unit_cell": list(crystal.get_unit_cell().parameters())}
    experiments = ExperimentListFactory.from_filenames([path])
    experiment = experiments[0]
    beam, panel = experiment.beam, experiment.detector[0]
    fast_px, slow_px = panel.get_beam_centre_px(beam.get_s0())
    result = {
        "format": type(experiment.imageset.get_format_class()).__name__
        if not isinstance(experiment.imageset.get_format_class(), type)
        else experiment.imageset.get_format_class().__name__,
        "beam_centre_px": [fast_px, slow_px],
        "distance_mm": panel.get_distance(),
        "wavelength_A": beam.get_wavelength(),
        "beam": list(beam.get_unit_s0()),
        "fast": list(panel.get_fast_axis()),
        "slow": list(panel.get_slow_axis()),
        "normal": list(panel.get_normal()),
        "origin_mm": list(panel.get_origin()),
        "pixel_mm": list(panel.get_pixel_size()),
        "image_size": list(panel.get_image_size()),
        "pedestal": panel.get_pedestal(),
        "gain": panel.get_gain(),
        "trusted_range": list(panel.get_trusted_range()),
        "raw": list(experiment.imageset.get_raw_data(0)[0].as_double()),  # first image, row-major
    }
    if experiment.goniometer is not None:
        result["rotation_axis"] = list(experiment.goniometer.get_rotation_axis())
    if experiment.scan is not None:
        result["oscillation_deg"] = list(experiment.scan.get_oscillation())
        result["image_range"] = list(experiment.scan.get_image_range())
    return result


def main(paths):
    out = {}
    for path in paths:
        try:
            out[path] = probe(path)
        except Exception as err:  # reported per file, so one bad file does not hide the rest
            out[path] = {"error": f"{type(err).__name__}: {err}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
