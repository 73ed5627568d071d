"""The files that make a series resumable: its manifest and its completion log.

``series_manifest.json`` holds the description, its digest and every frame's parameters.
It is written once, streamed (one frame per line, so memory does not grow with the frame
count), and its first line alone holds the description, so a rerun reads only that line.
``series_done.jsonl`` gets one line per finished frame (files and SHA-256 checksums),
appended by the one process that coordinates the run. A frame counts as done only when
its record is there and its files still match their checksums.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, Optional

from sim.errors import InputError
from sim.io.file_mode import give_new_file_mode
from sim.series.description import SeriesDescription
from sim.integrity import file_digest as sha256_of

MANIFEST = "series_manifest.json"
DONE_LOG = "series_done.jsonl"
#: Temporary files of an interrupted write: ``.<final name>.<random>.tmp``.
TEMP_GLOB = ".series_*.tmp"


def write_manifest(out_dir: Path, description: SeriesDescription,
                   frames: Iterable[Dict[str, Any]]) -> Path:
    """Write the manifest through a temporary file and rename it into place."""
    path = out_dir / MANIFEST
    head = {"digest": description.digest(), "description": description.to_json()}
    fd, tmp = tempfile.mkstemp(prefix=f".{MANIFEST}.", suffix=".tmp", dir=out_dir)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(head)[:-1] + ",\n" + '"frames": [\n')
            for i, frame in enumerate(frames):
                handle.write(("" if i == 0 else ",\n") + json.dumps(frame))
            handle.write("\n]}\n")
        give_new_file_mode(tmp)
        os.replace(tmp, path)
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", str(path)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_description(out_dir: Path) -> Optional[SeriesDescription]:
    """The description of the manifest in ``out_dir`` (None when there is none)."""
    path = out_dir / MANIFEST
    try:
        with open(path) as handle:
            first = handle.readline()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", str(path)) from None
    try:
        head = json.loads(first.rstrip().rstrip(",") + "}")
        return SeriesDescription.from_json(head["description"], str(path))
    except (ValueError, KeyError, TypeError):
        raise InputError("not a series manifest (first line unreadable)", str(path)) from None


def read_frames(out_dir: Path) -> Iterator[Dict[str, Any]]:
    """The manifest's frame entries, one at a time."""
    with open(out_dir / MANIFEST) as handle:
        handle.readline()
        handle.readline()
        for line in handle:
            line = line.strip().rstrip(",")
            if line.startswith("{"):
                yield json.loads(line)


class DoneLog:
    """The completion log: read (verified) at the start of a run, appended to during it."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / DONE_LOG
        self.out_dir = out_dir
        self._handle = None

    def verified(self, count: int) -> bytearray:
        """done[i] = 1 for each frame whose record is there and whose files match it."""
        done = bytearray(count)
        for record in self._records():
            index = record.get("index")
            if isinstance(index, int) and 0 <= index < count and self._intact(record):
                done[index] = 1
        return done

    def _records(self) -> Iterator[Dict[str, Any]]:
        try:
            handle = open(self.path)
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                try:
                    yield json.loads(line)
                except ValueError:  # a line torn by a kill
                    continue

    def _intact(self, record: Dict[str, Any]) -> bool:
        try:
            return all(sha256_of(self.out_dir / name) == digest
                       for name, digest in zip(record["files"], record["sha256"], strict=True))
        except (OSError, KeyError, TypeError, ValueError):
            return False

    def append(self, record: Dict[str, Any]) -> None:
        if self._handle is None:
            self._handle = open(self.path, "a")
        entry = {k: record[k] for k in ("index", "files", "sha256")}
        self._handle.write(json.dumps(entry) + "\n")
        self._handle.flush()

    def reset(self) -> None:
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def remove_stale_temporaries(out_dir: Path) -> int:
    """Delete temporary files left by a killed run; how many there were."""
    stale = list(out_dir.glob(TEMP_GLOB))
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
