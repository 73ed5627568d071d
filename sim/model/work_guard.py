"""Work and memory guard: estimate a run before it starts, refuse one that cannot finish.

``check_work(config, device, force)`` is called by the command line and the viewer before
a model is built (building one can itself take long: a divergence grid of a billion points
is made one point at a time). It resolves only the cheap geometry (detector, cell), counts
pixels x sub-pixels x sensor layers x sources x orientations, and raises
``WorkRefused`` (an ``InputError``: one line, exit 2) with the estimate and the flag to
change when

- the image and one chunk of the kernel do not fit in the memory available now
  (``MemAvailable`` in /proc/meminfo; free GPU memory on CUDA) -- never overridden;
- the work is above ``MAX_ITERATIONS`` or a set-up loop above ``MAX_LOOP_ITEMS`` -- unless
  ``force`` (``--force``).

Needs torch (for the geometry): the viewer calls it where it builds models (its worker).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from sim.errors import InputError

#: Peak host bytes per detector pixel of a run, with a margin: the float64 image and the
#: output conversions over row blocks (15 measured at 4096x4096), and the noise image on
#: top (3 more measured).
BYTES_PER_PIXEL = 24
NOISE_BYTES_PER_PIXEL = 8
#: Bytes per (pixel x iteration) element of one kernel chunk: about 40 live float64 tensors.
BYTES_PER_ELEMENT = 40 * 8
#: Elements per chunk the simulator aims at (its largest CPU budget): a chunk is one pixel
#: at least, so a pixel of more iterations than this makes a larger chunk.
CHUNK_ELEMENTS = 1 << 21
#: Above this many iterations a run takes an hour or more on a CPU: refused unless forced.
MAX_ITERATIONS = 10 ** 11
#: Sources, mosaic domains and phi steps are made one at a time: more is refused unless forced.
MAX_LOOP_ITEMS = 10 ** 6


class WorkRefused(InputError):
    """A run refused before it starts, with its estimate and the flag to change."""


@dataclass(frozen=True)
class WorkEstimate:
    """What one run would do: counts per factor, iterations and memory (bytes)."""

    fpixels: int
    spixels: int
    roi_pixels: int
    oversample: int
    oversample_auto: bool
    layers: int
    sources: int
    mosaic_domains: int
    phi_steps: int
    noise: bool = False

    @property
    def per_pixel(self) -> int:
        return (self.oversample ** 2 * self.layers * self.sources * self.mosaic_domains
                * self.phi_steps)

    @property
    def iterations(self) -> int:
        return self.roi_pixels * self.per_pixel

    @property
    def image_bytes(self) -> int:
        per_pixel = BYTES_PER_PIXEL + (NOISE_BYTES_PER_PIXEL if self.noise else 0)
        return self.fpixels * self.spixels * per_pixel

    @property
    def chunk_bytes(self) -> int:
        return max(CHUNK_ELEMENTS, self.per_pixel) * BYTES_PER_ELEMENT

    def describe(self) -> str:
        """'1024x1024 pixels x 2x2 sub-pixels x ... = 4.19e+06 iterations, 67.1 MB image'."""
        over = f"{self.oversample}x{self.oversample} sub-pixels"
        over += " (auto-selected)" if self.oversample_auto else ""
        return (f"{self.fpixels}x{self.spixels} pixels ({_float(self.roi_pixels):.3g} simulated)"
                f" x {over} x {self.layers} layers x {self.sources} sources x"
                f" {self.mosaic_domains} mosaic domains x {self.phi_steps} phi steps ="
                f" {_float(self.iterations):.3g}"
                f" iterations; memory: image {_size(self.image_bytes)},"
                f" kernel chunk {_size(self.chunk_bytes)}")


def estimate_work(config) -> WorkEstimate:
    """Counts of a run of ``config`` from its cheap geometry alone (no big tensors made)."""
    from sim.model.beam import divergence_and_dispersion
    from sim.model.resolved import auto_oversample, resolve_geometry
    from sim.model.sampling import mosaic_sampling, phi_sampling, sensor_sampling
    from sim import units

    detector, cell, N = resolve_geometry(config)
    crystal, det = config.crystal, config.detector
    oversample = auto_oversample(config, detector, cell, N)
    phi = phi_sampling(0.0, _rad(crystal.osc_deg), _rad(crystal.phi_step_deg), crystal.phi_steps)
    mosaic = mosaic_sampling(_rad(crystal.mosaic_spread_deg), crystal.mosaic_domains)
    sensor = sensor_sampling(units.um_to_m(det.thick_um), det.thick_steps, None)
    return WorkEstimate(detector.fpixels, detector.spixels, _roi_pixels(det.roi, detector),
                        oversample, not (det.oversample and det.oversample > 0), sensor.layers,
                        _source_count(config, divergence_and_dispersion), mosaic.domains,
                        phi.steps, not config.output.nonoise)


def check_work(config, device: Optional[str] = None, force: bool = False,
               pixels: Optional[int] = None) -> WorkEstimate:
    """The estimate of a run of ``config``; ``WorkRefused`` when it cannot or should not run
    (see the module docstring). ``device``: "cpu", "cuda[:N]" or None (CPU memory only);
    ``pixels``: how many pixels are simulated when not the image (traced pixels)."""
    work = estimate_work(config)
    if pixels is not None:
        work = replace(work, fpixels=1, spixels=pixels, roi_pixels=pixels, noise=False)
    available = available_bytes(device)
    if work.image_bytes + work.chunk_bytes > available:
        raise WorkRefused(f"needs more memory than is available ({_size(available)}): "
                          f"{work.describe()}; {_what_to_change(work)}")
    if force:
        return work
    if work.iterations > MAX_ITERATIONS:
        raise WorkRefused(f"too much work ({_float(work.iterations):.3g} iterations, more than "
                          f"{MAX_ITERATIONS:.0e}): {work.describe()}; {_what_to_change(work)}, "
                          "or add --force to run it anyway")
    if max(work.sources, work.mosaic_domains, work.phi_steps) > MAX_LOOP_ITEMS:
        raise WorkRefused(f"too many sources, mosaic domains or phi steps to set up (more than "
                          f"{MAX_LOOP_ITEMS:.0e}): {work.describe()}; {_what_to_change(work)}, "
                          "or add --force to run it anyway")
    return work


def available_bytes(device: Optional[str] = None) -> int:
    """Memory a run may take now: host MemAvailable, or the smaller of it and free GPU memory."""
    host = _mem_available()
    if device is not None and device.startswith("cuda"):
        import torch

        free, _ = torch.cuda.mem_get_info(torch.device(device))
        return min(host, int(free))
    return host


def _mem_available() -> int:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 62  # unknown (not Linux): no limit from us


def _what_to_change(work: WorkEstimate) -> str:
    """The flag that reduces the largest factor."""
    factors = [(work.oversample ** 2, "lower -oversample" if not work.oversample_auto else
                "give -oversample N (the auto-selected value follows -lambda, -distance, "
                "-pixel and the crystal size)"),
               (work.fpixels * work.spixels, "use fewer pixels (-detpixels) or a smaller -roi"),
               (work.sources, "use fewer sources (-divsteps, -dispsteps, -sourcefile)"),
               (work.mosaic_domains, "use fewer -mosaic_dom"), (work.phi_steps, "use fewer -phisteps"),
               (work.layers, "use fewer -detector_thicksteps")]
    return max(factors, key=lambda f: f[0])[1]


def _roi_pixels(roi, detector) -> int:
    if roi is None:
        return detector.fpixels * detector.spixels
    fmin, fmax, smin, smax = roi
    fmax = detector.fpixels - 1 if fmax < 0 else min(fmax, detector.fpixels - 1)
    smax = detector.spixels - 1 if smax < 0 else min(smax, detector.spixels - 1)
    return max(0, fmax - max(fmin, 0) + 1) * max(0, smax - max(smin, 0) + 1)


def _source_count(config, divergence_and_dispersion) -> int:
    """Sources of the run: the source file's lines, else the full divergence x dispersion
    grid (the elliptical trim removes some, so this errs high)."""
    if config.beam.source_file is not None:
        from sim.io.sources import read_source_file

        return len(read_source_file(config.beam.source_file))
    (_, _, hsteps), (_, _, vsteps), (_, _, dsteps) = divergence_and_dispersion(config.beam)
    return hsteps * vsteps * dsteps


def _rad(value_deg):
    from sim import units

    return None if value_deg is None else units.deg_to_rad(value_deg)


def _float(n: int) -> float:
    """float(n), inf for an int beyond the float range (an oversampling of 1e300, say)."""
    try:
        return float(n)
    except OverflowError:
        return float("inf")


def _size(n_bytes: int) -> str:
    n_bytes = _float(n_bytes)
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n_bytes < 1000 or unit == "PB":
            return f"{n_bytes:.3g} {unit}"
        n_bytes /= 1000
