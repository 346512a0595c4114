"""Page snippets shared by the tests."""

from __future__ import annotations

from sphinx_event_ext.model.event import Event
from sphinx_event_ext.model.validate import parse_event

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
