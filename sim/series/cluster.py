"""Frames on a Dask cluster: a LocalCluster of worker processes on this machine, or any
running scheduler (dask-jobqueue on SLURM/PBS/SGE, dask-mpi under mpirun/srun).

Workers run ``render.render_task`` and write the frame files themselves, so on a cluster
the output folder must be on a file system they share. Only a bounded window of frames
is in flight at a time, so neither side's memory grows with the frame count.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Iterator, Optional

from sim.errors import InputError
from sim.series.description import SeriesDescription
from sim.series.render import FrameRecord, render_task

#: How long a scheduler address may stay silent before the run gives up.
CONNECT_TIMEOUT_S = 3


class DaskFrames:
    """Runs frames on ``workers`` local worker processes, or on the scheduler at ``address``."""

    def __init__(self, workers: Optional[int] = None, address: Optional[str] = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError("--workers/--scheduler need Dask: pip install 'nanobragg-studio[dask]'") from None
        self.cluster = None
        if address is not None:
            self.client = _connect(Client, address)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)

    def slots(self) -> int:
        """Worker threads the cluster has now (at least 1, for a cluster still scaling up)."""
        threads = self.client.nthreads()
        return max(1, sum(threads.values()))

    def run(self, description: SeriesDescription, out_dir: str, device: Optional[str],
            indices: Iterable[int]) -> Iterator[FrameRecord]:
        """Records of the frames ``indices``, in the order they finish."""
        from distributed import as_completed

        pending = iter(indices)
        window = 2 * self.slots() + 2
        data, digest = description.to_json(), description.digest()[:16]
        submit = lambda i: self.client.submit(render_task, data, out_dir, device, i,  # noqa: E731
                                              key=f"series-frame-{digest}-{i}", pure=False)
        futures = as_completed([submit(i) for _, i in zip(range(window), pending)])
        for future in futures:
            record = _result(future)
            future.release()
            following = next(pending, None)
            if following is not None:
                futures.add(submit(following))
            yield record

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _result(future) -> FrameRecord:
    """The frame's record; a failure on the cluster (workers that cannot import this package,
    a worker killed over and over...) as one line."""
    try:
        return future.result()
    except InputError:
        raise
    except Exception as err:
        reason = str(err).splitlines()[0][:160] if str(err) else ""
        raise InputError(f"the Dask cluster could not compute {future.key}: {type(err).__name__}: {reason} "
                         "(do its scheduler and workers run this version of nanobragg-studio?)") from None


def _connect(client_class, address: str):
    """A client of the scheduler at ``address``: tcp://HOST:PORT, or a scheduler file (the JSON
    that ``dask scheduler --scheduler-file`` and dask-mpi write)."""
    where = {"scheduler_file": address} if Path(address).is_file() else {"address": address}
    try:
        return client_class(**where, timeout=f"{CONNECT_TIMEOUT_S}s")
    except Exception as err:  # whatever answers there (or nothing), it is not a Dask scheduler
        reason = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise InputError(f"--scheduler {address}: no Dask scheduler answers there within "
                         f"{CONNECT_TIMEOUT_S} s ({reason})") from None
