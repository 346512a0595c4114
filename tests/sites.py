"""Page snippets shared by the tests."""

from __future__ import annotations

from pathlib import Path

import nbformat

from sphinx_event_ext.model.event import Event
from sphinx_event_ext.model.validate import parse_event

#: 2026-12-01: "today" of the commands the tests run, so the events' dates are in the future.
TODAY_EPOCH = "1764547200"

GOOD_OPTIONS = """\
:hub: https://geo.hub.example.org
:start: 2027-03-10
:end: 2027-03-11
:active-hours: 09:00-17:00
:timezone: America/Denver
:attendees: 80
:notified: 2027-01-05
"""


def event_block(title: str = "Intro to Geospatial Python", options: str = GOOD_OPTIONS, body: str = "") -> str:
    """A MyST event directive with the given option lines."""
    return f"```{{event}} {title}\n{options}{body and chr(10) + body + chr(10)}```\n"


#: The options of a valid three-day event across a daylight-saving change in Denver.
BASE = {
    "hub": "https://geo.hub.example.org",
    "start": "2027-03-13",
    "end": "2027-03-15",
    "active-hours": "09:00-17:00",
    "timezone": "America/Denver",
    "attendees": "80",
}


def make_event(title: str = "Intro to Geospatial Python", **options: str) -> Event:
    result = parse_event(title, {**BASE, **options}, default_id="events/geo")
    assert result.problems == []
    return result.event


def write_notebook(path: Path, *sources: str) -> None:
    """A Python notebook at ``path``: a Markdown title, then one code cell per source."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_markdown_cell("# Lesson"), *(nbformat.v4.new_code_cell(s) for s in sources)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
