"""Page snippets shared by the tests."""

from __future__ import annotations

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
