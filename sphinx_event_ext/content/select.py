"""Which notebooks an event runs: its globs under the content folder, never checkpoints.

Kept apart from the runner so that the links table lists exactly what the check runs
without importing the kernel machinery.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

DEFAULT_GLOBS = ("**/*.ipynb",)
NEVER_RUN = {".ipynb_checkpoints", ".git"}


def select_notebooks(content_dir: str | os.PathLike[str], globs: Iterable[str] = DEFAULT_GLOBS) -> list[Path]:
    """The notebooks an event runs: paths relative to ``content_dir``, sorted, checkpoints never included."""
    root = Path(content_dir).resolve()
    found: set[Path] = set()
    for pattern in tuple(globs) or DEFAULT_GLOBS:
        found.update(matching_notebooks(root, pattern))
    return sorted(found)


def matching_notebooks(root: Path, pattern: str) -> list[Path]:
    """The notebooks one glob selects under ``root``; a glob that reaches outside it is refused."""
    if Path(pattern).is_absolute():
        raise ValueError(f"notebook glob {pattern!r} must be relative to the content folder")
    matches = []
    for path in root.glob(pattern):
        relative = path.relative_to(root)
        if path.suffix != ".ipynb" or NEVER_RUN.intersection(relative.parts) or not path.is_file():
            continue
        if not path.resolve().is_relative_to(root):
            raise ValueError(f"notebook glob {pattern!r} selects {relative}, outside the content folder")
        matches.append(relative)
    return matches
