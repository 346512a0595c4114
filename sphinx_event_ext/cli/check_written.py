"""Which files of the published folder the last check wrote, so that a plain build over some of its pages has
the next check write exactly those again, not the whole site.

After each check, the state of every page and ``_events/`` file it left in the published folder is kept in
the evidence store (``written.json``: each name, relative to the folder, with its size, times, inode and
sha256; the hash is the proof, the rest spares re-hashing). Before the next check, a page whose bytes are
not those is marked outdated for Sphinx's HTML builder by setting its modification time to the epoch, so
Sphinx writes it again from the check's evidence without reading its source; an ``_events/`` file that is
not the check's is removed, and the build writes it again. With no record, every page is written (``-a``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..content.inputs import FileState, file_state, stored_state, walk_files
from ..plan.site_layout import EVENTS_FOLDER
from ..util.atomic import dumps, write_atomic

WRITTEN = "written.json"


def _tracked(output: Path) -> dict[str, str]:
    """The pages and ``_events/`` files in ``output``: name relative to it → path."""
    found = {}
    prefix = len(str(output)) + 1  # walk_files joins onto ``output`` as given
    for path in walk_files(output, ("_static", "_sources", ".doctrees")):
        name = path[prefix:].replace(os.sep, "/")
        if name.endswith(".html") or name.startswith(f"{EVENTS_FOLDER}/"):
            found[name] = path
    return found


def _load(evidence: Path) -> dict[str, FileState] | None:
    try:
        files = json.loads((evidence / WRITTEN).read_text("utf-8"))["files"]
        return {str(name): stored_state(value) for name, value in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def record(evidence: Path, output: Path) -> None:
    """Keep what the check left in ``output``; a page it was to write again but did not (still at the epoch:
    the build stopped early) is left out, so the next check writes it."""
    known = _load(evidence) or {}
    files = {}
    for name, path in _tracked(output).items():
        state = file_state(path, known, name)
        if state is not None and state[1] != 0:
            files[name] = state
    write_atomic(evidence / WRITTEN, dumps({"files": files}))


def forget(evidence: Path) -> None:
    """No record: the next check writes every page (after an interrupted build, which left some unwritten)."""
    (evidence / WRITTEN).unlink(missing_ok=True)


def replaced(evidence: Path, output: Path) -> list[str] | None:
    """The pages and ``_events/`` files in ``output`` that are not as the last check wrote them (another build
    wrote them), sorted; None when no check recorded what it wrote."""
    known = _load(evidence)
    if known is None:
        return None
    changed = []
    for name, path in _tracked(output).items():
        state = file_state(path, known, name)
        if state is not None and (name not in known or state[4] != known[name][4]):
            changed.append(name)
    return changed


def mark_outdated(output: Path, names: list[str]) -> None:
    """Have the next build write ``names`` again: a page's time goes back to the epoch (Sphinx's HTML builder
    writes a page older than its source), an ``_events/`` file goes (the build writes a missing one)."""
    for name in names:
        path = output / name
        if name.startswith(f"{EVENTS_FOLDER}/"):
            path.unlink(missing_ok=True)
        else:
            os.utime(path, ns=(0, 0))
