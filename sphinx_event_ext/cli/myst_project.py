"""Whether a folder is a mystmd (Jupyter Book 2) project: light, for every command that reads pages."""

from __future__ import annotations

from pathlib import Path

CONFIG = "myst.yml"


def find_myst_project(source: Path) -> Path | None:
    """The folder of ``myst.yml`` for ``source``: the folder itself, or the nearest parent in its repository.

    A ``conf.py`` on the way makes it a Sphinx project, found as before.
    """
    for folder in [source, *source.resolve().parents]:
        if (folder / CONFIG).is_file():
            return folder
        if (folder / "conf.py").is_file() or (folder / ".git").exists():
            break
    return None
