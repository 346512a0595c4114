"""Problems as GitHub Actions workflow commands, so they show on a pull request's diff at their line.

Printed only when ``GITHUB_ACTIONS=true`` (GitHub sets it in every job), in addition to the usual
``FILE:LINE: message`` lines. Values are escaped as GitHub's workflow-command rules ask: ``%``, CR and LF in the
message; also ``:`` and ``,`` in the properties.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: GitHub shows at most 50 annotations per job; more would only be dropped.
MAX_ANNOTATIONS = 50
_LEVELS = ("WARNING", "ERROR", "CRITICAL")
_TYPE = re.compile(r"\s\[(?P<type>[a-z_]+\.[a-z_-]+)\]$")


@dataclass(frozen=True)
class Problem:
    """One problem: where (a file relative to the working folder, and a line, when known) and what."""

    file: str | None
    line: int | None
    title: str
    message: str


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this runs in a GitHub Actions job."""
    return (os.environ if environ is None else environ).get("GITHUB_ACTIONS") == "true"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(problem: Problem) -> str:
    """``::error file=F,line=L,title=T::message``."""
    properties = []
    if problem.file:
        properties.append(f"file={_property(problem.file)}")
        if problem.line:
            properties.append(f"line={problem.line}")
    properties.append(f"title={_property(problem.title)}")
    return f"::error {','.join(properties)}::{_data(problem.message)}"


def commands(problems: Iterable[Problem]) -> list[str]:
    """The workflow commands, at most :data:`MAX_ANNOTATIONS` of them (the last one says how many were left)."""
    listed = list(problems)
    lines = [command(problem) for problem in listed[:MAX_ANNOTATIONS]]
    if len(listed) > MAX_ANNOTATIONS:
        rest = len(listed) - MAX_ANNOTATIONS
        lines.append(command(Problem(None, None, "sphinx-event", f"{rest} more problem(s); see the job's log")))
    return lines


def _relative(file: str, cwd: Path) -> str:
    path = Path(file)
    try:
        return path.resolve().relative_to(cwd.resolve()).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()


def _split(line: str) -> tuple[str | None, int | None, str] | None:
    """(file, line, message) of a line that starts a Sphinx warning, else None."""
    for level in _LEVELS:
        marker = f"{level}: "
        if line.startswith(marker):
            return None, None, line[len(marker) :]
        at = line.find(f": {marker}")
        if at > 0:
            where, text = line[:at], line[at + 2 + len(marker) :]
            file, colon, number = where.rpartition(":")
            if colon and number.isdigit():
                return file, int(number), text
            return where, None, text
    return None


def from_sphinx_warnings(text: str, cwd: Path) -> list[Problem]:
    """The problems of a Sphinx warnings file (``-w``): ``FILE:LINE: WARNING: message [type.subtype]``, a message
    going on over the lines that follow it (a notebook's traceback), its type at its very end."""
    started: list[tuple[str | None, int | None, list[str]]] = []
    for line in text.splitlines():
        start = _split(line)
        if start is not None:
            started.append((start[0], start[1], [start[2]]))
        elif started:
            started[-1][2].append(line)
    problems = []
    for file, number, lines in started:
        message = "\n".join(lines).rstrip()
        kind = _TYPE.search(message)
        title = f"sphinx-event: {kind.group('type')}" if kind else "sphinx-event: Sphinx build"
        problems.append(Problem(_relative(file, cwd) if file else None, number, title, message))
    return problems
