"""The site a command works on: its conf.py, its values, and problems reported as ``FILE:LINE: message``."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

from ..plan.site_layout import HTML_SETTINGS
from .scan import FoundEvent


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def report(found: list[FoundEvent]) -> list[str]:
    """``FILE:LINE: OPTION: message`` for every problem, duplicate ids across files included."""
    lines: list[str] = []
    seen: dict[str, FoundEvent] = {}
    for item in found:
        where = f"{relative(item.path)}:{item.line}"
        path = relative(item.path)
        lines.extend(f"{path}:{item.line_of(problem.option)}: {problem}" for problem in item.result.problems)
        event = item.result.event
        if event is None:
            continue
        first = seen.setdefault(event.id, item)
        if first is not item:
            lines.append(
                f"{where}: id: {event.id!r} is already used at {relative(first.path)}:{first.line}; set a unique :id:"
            )
    return lines


def find_confdir(source: Path) -> Path | None:
    """The folder of the ``conf.py`` for a source folder: the folder itself, or the nearest parent."""
    for folder in [source, *source.resolve().parents]:
        if (folder / "conf.py").is_file():
            return folder
        if (folder / ".git").exists():
            break
    return None


def conf_values(path: Path) -> dict[str, Any]:
    """The ``event_*`` values and the HTML settings of page addresses of the conf.py that builds ``path``,
    so the CLI prints what the build writes (see :mod:`..plan.site_layout`)."""
    folder = path if path.is_dir() else path.parent
    confdir = find_confdir(folder)
    if confdir is None:
        return {}
    namespace = runpy.run_path(str(confdir / "conf.py"))
    return {
        name: value
        for name, value in namespace.items()
        if name.startswith("event_") or name in HTML_SETTINGS or name == "project"
    }
