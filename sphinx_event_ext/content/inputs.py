"""What a check's result depends on, as values that compare equal only when the inputs are byte-identical.

Shared by the notebook results and the check's stamp, so both agree on what "unchanged" means:
file contents (hashed; size, times and inode only as a shortcut to skip re-hashing a file
seen before), the environment's identity (interpreter and resolved packages, not the path of
the virtual environment that holds them), and the kernels' environment variables.
"""

from __future__ import annotations

import hashlib
import os
import platform
import site
import sys
import sysconfig
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

#: Environment variables every kernel's result depends on; a site adds its own with ``event_execute_env``.
KERNEL_ENVIRONMENT = (
    "SOURCE_DATE_EPOCH",
    "TZ",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONPATH",
    "PYTHONHASHSEED",
    "PYTHONWARNINGS",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "MPLBACKEND",
    "JUPYTER_PATH",
)
#: (size, modification time, status-change time, inode, sha256): the stat part is the shortcut, the hash the proof.
FileState = tuple[int, int, int, int, str]
_CHUNK = 1 << 20


def stored_state(value: Any) -> FileState:
    """A :data:`FileState` as a record on disk keeps it (a JSON list); raises for anything else."""
    size, mtime, ctime, inode, digest = value
    return int(size), int(mtime), int(ctime), int(inode), str(digest)


def kernel_environment(extra: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    """The value of each variable a kernel's result depends on: the fixed set, then ``extra``, sorted."""
    names = sorted({*KERNEL_ENVIRONMENT, *extra})
    return [(name, os.environ.get(name)) for name in names]


@cache
def environment_identity() -> str:
    """The checker's environment as a hash of its interpreter and its installed distributions (name and version,
    as their ``.dist-info`` folders spell them in the installation's package folders).

    Two virtual environments holding the same packages have the same identity, so switching
    between ``nox -s check`` and an organizer's own environment does not re-run every notebook.
    Folder names, not each package's metadata, are read: a warm check pays milliseconds for it.
    """
    folders = {sysconfig.get_paths()[name] for name in ("purelib", "platlib")}
    user = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    if isinstance(user, str):
        folders.add(user)
    packages = sorted(
        {
            name.lower()
            for folder in folders
            if os.path.isdir(folder)
            for name in os.listdir(folder)
            if name.endswith((".dist-info", ".egg-info"))
        }
    )
    data = repr((sys.version, platform.machine(), sys.implementation.name, packages))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def file_hash(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_state(path: str, known: Mapping[str, FileState] | None = None, name: str | None = None) -> FileState | None:
    """``path``'s state; its hash is reused from ``known`` (where it is ``name``, ``path`` unless given) when
    size, times and inode are all unchanged.

    Rewriting a file with the same size and its old modification time restored still changes
    its status-change time, which no program can set back, so the shortcut cannot be fooled cheaply.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return None
    shortcut = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    previous = (known or {}).get(name or path)
    if previous is not None and tuple(previous[:4]) == shortcut:
        return (*shortcut, previous[4])
    try:
        return (*shortcut, file_hash(path))
    except OSError:
        return None


def walk_files(root: Path, skip_names: Iterable[str] = (), skip_paths: Iterable[Path] = ()) -> Iterator[str]:
    """Every file under ``root`` (absolute paths, stable order), leaving out folders by name or by path."""
    names = set(skip_names)
    paths = {path.resolve() for path in skip_paths}
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(
            name for name in folders if name not in names and not (paths and Path(folder, name).resolve() in paths)
        )
        for name in sorted(files):
            yield os.path.join(folder, name)


def tree_hash(root: Path, skip_names: Iterable[str] = (), suffix_left_out: str = "") -> str:
    """A hash of the names and bytes of every file under ``root`` but those ending in ``suffix_left_out``."""
    digest = hashlib.sha256()
    for path in walk_files(root, skip_names):
        if suffix_left_out and path.endswith(suffix_left_out):
            continue
        try:
            content = file_hash(path)
        except OSError:
            continue
        digest.update(f"{os.path.relpath(path, root)}\0{content}\0".encode())
    return digest.hexdigest()
