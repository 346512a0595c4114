"""The site a command works on: its conf.py, its values, and problems reported as ``FILE:LINE: message``."""

from __future__ import annotations

import argparse
import runpy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..content.store import myst_state_folder, state_folder
from ..plan.site_layout import HTML_SETTINGS
from . import workflow_commands
from .myst_project import find_myst_project

if TYPE_CHECKING:
    from .scan import FoundEvent

#: The source folder every command that reads a site takes when none is given.
DEFAULT_SOURCE = Path("docs")


def add_source(parser: argparse.ArgumentParser, what: str) -> None:
    """The optional ``SOURCE_DIR`` of a command that reads one site, ``docs`` by default."""
    parser.add_argument(
        "source", nargs="?", type=Path, default=DEFAULT_SOURCE, metavar="SOURCE_DIR", help=f"{what} (default: docs)"
    )


def add_paths(parser: argparse.ArgumentParser, what: str) -> None:
    """The optional ``FILE_OR_DIR...`` of a command that reads pages, ``docs`` by default."""
    parser.add_argument(
        "paths", nargs="*", type=Path, default=[DEFAULT_SOURCE], metavar="FILE_OR_DIR", help=f"{what} (default: docs)"
    )


def add_event_flag(parser: argparse.ArgumentParser, what: str, *, required: bool = False) -> None:
    """``--event ID`` (``--id`` is its older spelling), the same on every command that works on one event."""
    parser.add_argument("--event", "--id", dest="event", metavar="ID", required=required, help=what)


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def report(found: list[FoundEvent]) -> list[str]:
    """``FILE:LINE: OPTION: message`` for every problem, duplicate ids across files included, in file and line
    order (an editor's list of problems reads top to bottom)."""
    return [f"{path}:{line}: {text}" for path, line, text in located_problems(found)]


def located_problems(found: list[FoundEvent]) -> list[tuple[str, int, str]]:
    """(file, line, message) of every problem of :func:`report`, in file and line order."""
    located: list[tuple[str, int, str]] = []
    seen: dict[str, FoundEvent] = {}
    for item in found:
        path = relative(item.path)
        for problem in item.result.problems:
            line = item.line_of(problem.option)
            located.append((path, line, str(problem)))
        event = item.result.event
        if event is None:
            continue
        first = seen.setdefault(event.id, item)
        if first is not item:
            text = f"id: {event.id!r} is already used at {relative(first.path)}:{first.line}; set a unique :id:"
            located.append((path, item.line, text))
    return sorted(located, key=lambda entry: (entry[0], entry[1]))


def annotate_metadata(found: list[FoundEvent]) -> None:
    """In a GitHub Actions job, every metadata problem also as an annotation at its line."""
    if workflow_commands.enabled():
        problems = (
            workflow_commands.Problem(path, line, "sphinx-event: event metadata", text)
            for path, line, text in located_problems(found)
        )
        for line in workflow_commands.commands(problems):
            print(line)


def site_state_folder(source: Path) -> Path:
    """The state folder ``check`` keeps the evidence of the site of ``source`` in (its folder, a folder in it, or a
    page), for ``rehearse``, ``ticket`` and ``placeholders``: a mystmd project's ``_build/events``, else the Sphinx
    build's doctrees beside the site's ``conf.py`` (or beside the folder given when there is none)."""
    folder = source if source.is_dir() else source.parent
    project = find_myst_project(folder)
    if project is not None:
        return myst_state_folder(project)
    return state_folder(find_confdir(folder) or folder)


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
