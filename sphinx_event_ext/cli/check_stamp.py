"""When nothing has changed since the last check that passed, its result stands without a build.

A check's result depends on the site's files, ``conf.py``, the content copies, the installed
packages (this extension included), the interpreter, the command's options, "today", and the
commits of the branches it pulled. After a check passes, a fingerprint of all of them is kept
beside Sphinx's own records; the next check recomputes it from file sizes and modification
times, asks each remote branch for its commit (one ``git ls-remote`` each, as a build does), and
when all are the same says so instead of starting Sphinx. Anything it cannot tell leads to the
ordinary incremental build, and ``--fresh`` always builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..util.atomic import dumps, write_atomic
from .scan import SKIP_FOLDERS

STAMP_NAME = "check-stamp.json"
#: Environment variables that change what a check concludes.
_ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
_PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Stamp:
    """What the last passing check read: the fingerprint of its inputs and the remote commits it pulled."""

    key: str
    remotes: tuple[tuple[str, str | None, str], ...]
    checked: str

    @classmethod
    def load(cls, path: Path) -> Stamp | None:
        """The stamp at ``path``, or None when there is none or it is not one this version wrote."""
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("version") != __version__:
                return None
            remotes = tuple((str(repo), branch, str(commit)) for repo, branch, commit in data["remotes"])
            return cls(str(data["key"]), remotes, str(data["checked"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, path: Path) -> None:
        """Keep the stamp, written atomically."""
        data: dict[str, Any] = {
            "version": __version__,
            "checked": self.checked,
            "key": self.key,
            "remotes": [list(remote) for remote in self.remotes],
        }
        write_atomic(path, dumps(data))


def _files(root: Path, skip: set[Path]) -> Iterator[tuple[str, int, int]]:
    """(path, size, modification time) of every file under ``root``, in a stable order."""
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(
            name for name in folders if name not in SKIP_FOLDERS and Path(folder, name).resolve() not in skip
        )
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            yield os.path.relpath(path, root), stat.st_size, stat.st_mtime_ns


def _size_and_time(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _folder_times(paths: Iterable[str]) -> list[tuple[str, int]]:
    """Each existing folder of ``sys.path`` with its modification time: installing or removing a package changes it."""
    times = []
    for entry in paths:
        try:
            times.append((entry, os.stat(entry).st_mtime_ns))
        except OSError:
            continue
    return times


def inputs_key(roots: Sequence[Path], skip: Iterable[Path], flags: Sequence[str], files: Sequence[Path] = ()) -> str:
    """The fingerprint of everything a check reads but the remote branches; equal keys mean equal inputs.

    ``files`` are single files read besides the folders (a rehearsal's record in the output).
    """
    skipped = {path.resolve() for path in skip}
    data = {
        "roots": [(str(root.resolve()), list(_files(root, skipped))) for root in roots],
        "files": [(str(path), *_size_and_time(path)) for path in files if path.is_file()],
        "package": list(_files(_PACKAGE, set())),
        "packages": _folder_times(sys.path),
        "python": sys.executable,
        "flags": list(flags),
        "today": dt.date.today().isoformat(),
        "environment": [(name, os.environ.get(name)) for name in _ENVIRONMENT],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def unchanged(path: Path, key: str) -> Stamp | None:
    """The stamp of the last passing check when nothing it read has changed since (``key`` is the
    fingerprint of the inputs now, from :func:`inputs_key`); else None."""
    stamp = Stamp.load(path)
    if stamp is None or stamp.key != key:
        return None
    return stamp if remotes_unmoved(stamp.remotes) else None


def passed(path: Path, key: str, resolved: Mapping[tuple[str, str | None], str | None]) -> None:
    """Keep the stamp of a check that passed, unless a branch it asked for could not be resolved."""
    remotes = tuple((repo, branch, commit) for (repo, branch), commit in resolved.items() if commit)
    if len(remotes) == len(resolved):
        Stamp(key, remotes, _now()).save(path)


def remotes_unmoved(remotes: Iterable[tuple[str, str | None, str]]) -> bool:
    """Whether every branch still points at the commit the check pulled (False when one cannot be read)."""
    from ..content.pull import PullError, resolve

    for repo, branch, commit in remotes:
        try:
            if resolve(repo, branch)[1] != commit:
                return False
        except PullError:
            return False
    return True


def _now() -> str:
    """The time a check passed, for the message that says its result stands."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
