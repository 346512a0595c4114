"""The built environments kept in the cache folder: what each holds, its size and last use, and pruning.

Conda environments take gigabytes, so an organizer can see them and remove the ones no check
has used for a while. An environment that is removed is simply built again by the next check
that needs it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

#: As written by content/environment.py: the record (last, so a record means complete) and the last-use stamp.
RECORD = "sphinx-event-environment.json"
LAST_USED = "sphinx-event-last-used"
#: rattler's package and repodata cache, shared by the conda environments of the folder.
SHARED_CACHE = ".conda"


@dataclass(frozen=True)
class CachedEnvironment:
    """One folder of the cache: a built environment, an unfinished build, or the shared package cache."""

    path: Path
    size: int
    last_used: dt.datetime
    kind: str  # "environment", "unfinished" or "shared"
    python: str = ""
    solver: str = ""
    built_from: str = ""


def list_environments(cache: Path) -> list[CachedEnvironment]:
    """Everything in the cache folder, most recently used first."""
    if not cache.is_dir():
        return []
    found = [_describe(folder) for folder in cache.iterdir() if folder.is_dir() and not folder.is_symlink()]
    return sorted(found, key=lambda item: (item.last_used, item.path.name), reverse=True)


def prune(entries: list[CachedEnvironment], unused_for: dt.timedelta | None, now: dt.datetime) -> list[Path]:
    """Remove environments unused for ``unused_for`` (all, with ``None``) and every unfinished build.

    The shared package cache goes only with ``None``: it makes the next build fast.
    """
    removed = []
    for entry in entries:
        stale = unused_for is None or now - entry.last_used >= unused_for
        if entry.kind == "unfinished" or (stale and (entry.kind == "environment" or unused_for is None)):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.path)
    return removed


def _describe(folder: Path) -> CachedEnvironment:
    size, newest = _size(folder)
    if folder.name == SHARED_CACHE:
        return CachedEnvironment(folder, size, _time(newest), "shared")
    try:
        record = json.loads((folder / RECORD).read_text("utf-8"))
    except (OSError, ValueError):
        record = None
    if not isinstance(record, dict):
        return CachedEnvironment(folder, size, _time(newest), "unfinished")
    stamp = folder / LAST_USED
    used = stamp.stat().st_mtime if stamp.exists() else (folder / RECORD).stat().st_mtime
    return CachedEnvironment(
        folder,
        size,
        _time(used),
        "environment",
        python=str(record.get("python", "")),
        solver=str(record.get("solver", "")),
        built_from=str(record.get("built_from", "")),
    )


def _size(folder: Path) -> tuple[int, float]:
    """Bytes in the folder (each hard-linked file once) and its newest modification time."""
    seen: set[tuple[int, int]] = set()
    total, newest = 0, folder.stat().st_mtime
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                info = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            newest = max(newest, info.st_mtime)
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_size
    return total, newest


def _time(stamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(stamp, tz=dt.timezone.utc)


def human_size(size: int) -> str:
    """``1.2 GB``: sizes as an organizer reads them."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"  # pragma: no cover - the loop returns at GB
