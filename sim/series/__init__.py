"""Data sets from one nanoBragg line: rotation sweeps and serial shots (``python -m sim series``).

- ``description``: what a series is (kind, frame count, the line, seeds), stored in its manifest;
- ``frames``: each frame's parameters from the description and its index alone;
- ``render``: one frame simulated and written, in whatever process runs it;
- ``writers``: the frame-writer interface and the NXmx, CBF and SMV writers;
- ``manifest``: the manifest and the completion log that make a series resumable;
- ``runner``: a run in this process; ``cluster``: the same on Dask;
- ``cli``: the command line; ``progress``: its progress line; ``sampling``: automatic phi steps;
- ``reader``: a written series read back (each frame's config and image), for the viewer;
- ``image_files``: a series read from its image files alone (NXmx master, numbered frames).

No Qt. Dask is optional (the ``dask`` extra).
"""

from sim.series.description import SeriesDescription, Spread
from sim.series.runner import RunOptions, RunSummary, run_series

__all__ = ["SeriesDescription", "Spread", "RunOptions", "RunSummary", "run_series"]
