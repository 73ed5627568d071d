"""Building a compiled kernel in a child process, once, under a lock.

A build (export, C++ compile, 10-15 s) runs in ``python -m sim.kernel.build``, never in
the process that asked for it: whatever goes wrong there (a full disk makes the compiler
abort with a C++ stack dump, a bad package can die with SIGILL when run) ends that child
only, and the caller gets one line and runs eagerly. The child

1. takes an exclusive ``fcntl`` lock on ``<name>.lock`` in the kernel folder (concurrent
   first runs queue here, and find the kernel built when they get the lock);
2. exports and compiles the kernel beside its final name;
3. loads it and runs it on example inputs against the eager module, so a package that
   crashes or computes something else never becomes a stored kernel (the child dies, or
   fails, and ``<name>.failed`` says so);
4. renames it into place and writes its digest (``sim.kernel.cache.trust``).

A failed build leaves ``<name>.failed`` with its reason: "auto" runs do not retry it
(``python -m sim warmup`` and ``--wait-kernel`` do).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Optional

from sim.integrity import is_trusted, trust
from sim.kernel import cache as kernel_cache
from sim.kernel.modules import KernelRequest


class BuildFailed(Exception):
    """A kernel could not be built; the message is one line saying why."""


def lock_path(package: Path) -> Path:
    return package.with_suffix(".lock")


def failure_path(package: Path) -> Path:
    return package.with_suffix(".failed")


def log_path(package: Path) -> Path:
    return package.with_suffix(".log")


def previous_failure(package: Path) -> Optional[str]:
    """Why the last build of this kernel failed, or None when it did not (or was never tried)."""
    try:
        return failure_path(package).read_text().strip() or "reason unknown"
    except OSError:
        return None


@contextmanager
def build_lock(package: Path, wait: bool = True):
    """Hold the kernel's build lock; yields False (without waiting) when another holds it."""
    with open(lock_path(package), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_in_progress(package: Path) -> bool:
    with build_lock(package, wait=False) as got:
        return not got


#: Free space a build needs in the kernel folder (a package takes about 1.6 MB).
MIN_FREE_BYTES = 8 << 20


def writable_folder(package: Path) -> None:
    """BuildFailed unless the kernel folder exists (or can be made), takes a lock file and
    has room for a package: checked here, before a child spends 10 s compiling."""
    folder = package.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock_path(package).touch()
        free = shutil.disk_usage(folder).free
    except OSError as err:
        raise BuildFailed(f"cannot write the kernel folder {folder}: {err.strerror}") from None
    if free < MIN_FREE_BYTES:
        raise BuildFailed(f"no space for a kernel in {folder} ({free >> 10} KB free, "
                          f"{MIN_FREE_BYTES >> 20} MB needed)")


_RUNNING: Dict[str, subprocess.Popen] = {}


def build_command(request: KernelRequest, background: bool = False):
    """(argv, environment) of the child that builds ``request``; a ``background`` one runs at
    the lowest priority (``yield_cores``)."""
    root = str(kernel_cache.cache_root())
    env = dict(os.environ, NANOBRAGG_KERNEL_CACHE=root)
    # The child imports this very package, whatever its working folder.
    here = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "sim.kernel.build", "--cache", root, request.to_json()]
    return command + (["--background"] if background else []), env


def start_background(request: KernelRequest) -> None:
    """Start a detached build (it outlives this process) unless one is running already."""
    if running(request):
        return
    package = kernel_cache.package_path(request.key)
    writable_folder(package)
    command, env = build_command(request, background=True)
    try:
        log = open(log_path(package), "w")
    except OSError:
        log = open(os.devnull, "w")
    with log:
        _RUNNING[request.key] = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)  # Ctrl-C in the terminal does not reach it


def running(request: KernelRequest) -> bool:
    """A build of this kernel is under way (started here, or by another process)."""
    process = _RUNNING.get(request.key)
    if process is not None and process.poll() is None:
        return True
    _RUNNING.pop(request.key, None)
    package = kernel_cache.package_path(request.key)
    try:
        return build_in_progress(package)
    except OSError:
        return False


def any_running() -> bool:
    """Whether a build started by this process is still running."""
    return any(process.poll() is None for process in _RUNNING.values())


def wait_for_running(timeout_s: float = 600) -> None:
    """Wait for the builds started by this process (a test session, say); stop any that
    takes longer than ``timeout_s``."""
    for process in list(_RUNNING.values()):
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _RUNNING.clear()


def build_and_wait(request: KernelRequest) -> None:
    """Build the kernel in a child process and wait for it; BuildFailed with one line."""
    package = kernel_cache.package_path(request.key)
    writable_folder(package)
    command, env = build_command(request)
    done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")
    if done.returncode != 0:
        raise BuildFailed(failure_reason(done.returncode, done.stdout))


def failure_reason(returncode: int, output: str) -> str:
    """One line from a failed build's exit status and output: the builder's own
    ``reason:`` line, else how it ended."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    stated = [line[len("reason: "):] for line in lines if line.startswith("reason: ")]
    if stated:
        return stated[-1]
    how = (f"killed by {signal.Signals(-returncode).name}" if returncode < 0
           else f"exit status {returncode}")
    if any("No space left on device" in line for line in lines):
        how += ", no space left on device"
    return f"the kernel builder was {how}"


def _build_locked(request: KernelRequest, package: Path) -> str:
    """Build, check and store the kernel (the lock held); returns what was done."""
    if is_trusted(package):
        return "already built"
    for stale in package.parent.glob(f".{package.stem}-partial-*"):
        stale.unlink()  # left by a builder that died: none can be running while we hold the lock
    if package.exists():
        kernel_cache.move_aside(package)
    from sim.kernel.compile import compile_package

    # Stays unless the build ends here, one way or another: a builder killed by a signal
    # (a compiler abort, a crash while checking the package) is not retried by every run.
    failure_path(package).write_text("the builder was killed or crashed\n")
    partial = package.with_name(f".{package.stem}-partial-{os.getpid()}.pt2")
    try:
        start = time.perf_counter()
        compile_package(request, partial)
        os.replace(partial, package)
    finally:
        if partial.exists():
            partial.unlink()
    trust(package)
    with open(package.parent / "keys.txt", "a") as index:
        index.write(f"{package.name} {request.key}\n")
    _forget_failure(package)
    return f"built in {time.perf_counter() - start:.1f} s"


def _forget_failure(package: Path) -> None:
    try:
        failure_path(package).unlink()
    except FileNotFoundError:
        pass


def yield_cores() -> None:
    """Lowest priority for a background build: its own nice, and on Linux its session's
    (started in a session of its own, the build is a scheduling group of its own, which
    competes with the user's run as an equal whatever its nice)."""
    if hasattr(os, "nice"):
        os.nice(19)
    try:
        with open("/proc/self/autogroup", "w") as group:
            group.write("19")
    except OSError:
        pass  # not Linux, or no autogroup scheduling: the nice alone is enough there


def main(argv) -> int:
    """``python -m sim.kernel.build --cache ROOT REQUEST_JSON [--background]``: build one kernel.

    ``--background``: at the lowest priority, so that the eager run that started it (and
    the viewer) keep the cores (``yield_cores``)."""
    if "--background" in argv[3:]:
        yield_cores()
    os.environ["NANOBRAGG_KERNEL_CACHE"] = argv[1]
    request = KernelRequest.from_json(argv[2])
    package = kernel_cache.package_path(request.key)
    try:
        with build_lock(package):
            print(_build_locked(request, package), flush=True)
        return 0
    except KeyboardInterrupt:  # stopped by the user (Ctrl-C while waiting): not a failure
        _forget_failure(package)
        return 130
    except Exception as err:  # noqa: BLE001 - any failure is reported as one line
        reason = f"{type(err).__name__}: {' '.join(str(err).split())[:300]}"
        try:
            failure_path(package).write_text(reason + "\n")
        except OSError:
            pass
        print(f"reason: {reason}", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
