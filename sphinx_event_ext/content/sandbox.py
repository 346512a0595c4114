"""The copy content runs in, and the proof afterwards that the run left the source alone.

Notebooks run in a temporary copy, so a notebook that writes files next to itself changes
the copy only. Links inside the content are copied as what they point to: written through,
they change the copy, never the file they pointed at. A link that leads out of the content
folder is refused, since the check would otherwise run the content against the organizer's
own files rather than what the hub gets. The copy cannot stop a notebook that writes by
absolute path (the check runs the organizer's own code, with their permissions), so the
source and content folders are fingerprinted before and after: any file changed, added or
removed under them is reported and fails the check.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

Fingerprint = dict[str, tuple[int, ...]]
_SHOWN = 10


class ContentLinkError(ValueError):
    """The content has links the check will not follow; the message lists them."""


def copy_content(root: Path, target: Path, skip: Iterable[str]) -> None:
    """Copy ``root`` to ``target`` with every link replaced by what it points to; links out of ``root`` refused."""
    skipped = set(skip)
    problems = [problem for problem in (_link_problem(root, link) for link in _links(root, skipped)) if problem]
    if problems:
        shown = problems[:_SHOWN] + ([f"and {len(problems) - _SHOWN} more"] if len(problems) > _SHOWN else [])
        raise ContentLinkError(
            "the content has links that leave its folder, which the check does not follow (on the hub they "
            "point elsewhere, and here they would let a notebook change your own files): " + "; ".join(shown)
        )
    shutil.copytree(
        root,
        target,
        symlinks=False,
        ignore=shutil.ignore_patterns(*skipped),
        ignore_dangling_symlinks=True,
    )


def _links(root: Path, skipped: set[str]) -> list[Path]:
    found: list[Path] = []
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name not in skipped]
        found.extend(Path(folder) / name for name in [*folders, *files] if os.path.islink(Path(folder) / name))
    return found


def _link_problem(root: Path, link: Path) -> str | None:
    relative = link.relative_to(root).as_posix()
    target = Path(os.path.realpath(link))
    if not target.exists():
        return None  # a broken link is left out of the copy: nothing to write through
    if not target.is_relative_to(root):
        return f"{relative} -> {target}"
    if target.is_dir() and link.parent.resolve().is_relative_to(target):
        return f"{relative} -> {target} (a folder that contains the link itself)"
    return None


class Surroundings:
    """The folders around the content's copy, which no notebook should write to: what appeared there, and when.

    The copy runs deep in the run's temporary folder (see ``RunFolder.content_copy``), so a
    relative path that climbs out of it (``../../conf.py``) lands here, not in the organizer's files.
    """

    def __init__(self, top: Path, copy: Path) -> None:
        self._top, self._copy = top, copy
        self._seen = fingerprint([top], [copy])

    def new_writes(self) -> list[str]:
        """What changed here since the last look, as paths relative to the copy's root (as a notebook wrote them)."""
        now = fingerprint([self._top], [self._copy])
        changed = changed_paths(self._seen, now)
        self._seen = now
        return [os.path.relpath(path, self._copy) for path in changed]


def fingerprint(folders: Iterable[Path], exclude: Iterable[Path] = ()) -> Fingerprint:
    """Every file, link and folder under ``folders`` with what any change to it changes.

    A file's size, modification and status-change times and inode: rewriting a file, even
    with the same bytes and its old modification time restored, changes its status-change
    time, which no program can set back. Folders count by their existence only.
    """
    skipped = [path.resolve() for path in exclude]
    seen: Fingerprint = {}
    for top in folders:
        top = top.resolve()
        for folder, folders_here, files in os.walk(top):
            here = Path(folder)
            folders_here[:] = [name for name in folders_here if not _under(here / name, skipped)]
            for name in files:
                _add(seen, here / name, _file_state)
            for name in folders_here:
                _add(seen, here / name, _folder_state)
    return seen


def _add(seen: Fingerprint, path: Path, state: Callable[[os.stat_result], tuple[int, ...]]) -> None:
    with suppress(OSError):  # gone between listing and reading: the comparison sees it as removed
        seen[str(path)] = state(path.lstat())


def _file_state(info: os.stat_result) -> tuple[int, ...]:
    return (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode)


def _folder_state(info: os.stat_result) -> tuple[int, ...]:
    return (stat.S_IFMT(info.st_mode),)


def _under(path: Path, skipped: list[Path]) -> bool:
    return any(path == folder or path.is_relative_to(folder) for folder in skipped)


def changed_paths(before: Fingerprint, after: Fingerprint) -> list[str]:
    """The paths added, removed or changed between two fingerprints, sorted."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
