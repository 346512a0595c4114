"""Start an event page from the hub team's issue: clear values filled in, the rest left as placeholders.

A placeholder is an option whose value starts with ``FILL IN:`` and says what to write and what
the issue said; it is not a valid value, so ``sphinx-event validate`` fails on it, at its line,
until someone fills it in. Only values read with certainty are filled in.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.validate import PLACEHOLDER
from .support_issue import read_issue
from .ticket_parse import (
    CERTAIN,
    Issue,
    Reading,
    TicketReading,
    clock_range,
    find_zone,
    resolve_zone,
)

_TITLE_TAGS = re.compile(r"^\s*(?:\[[^\]]*\]\s*)+")
#: A ``#`` after a space starts a comment in a directive's option value: dropped from what the issue is quoted as.
_COMMENT = re.compile(r"(?<=\s)#+")
_SHOWN = 80


def _said(reading: Reading[Any]) -> str:
    text = _COMMENT.sub("", " ".join(reading.raw.replace('"', "'").split()))
    if not text:
        return _COMMENT.sub("", reading.reason or "the issue leaves it empty")
    return f'the issue says "{text[:_SHOWN]}{"..." if len(text) > _SHOWN else ""}"'


def placeholder(what: str, why: str) -> str:
    """An option value that validation refuses until it is replaced, saying what to write and why."""
    return f"{PLACEHOLDER}: {what} ({why})"


def _option(reading: Reading[Any], text: str, what: str) -> str:
    if reading.comparable and reading.confidence == CERTAIN:
        return text
    hint = f"; perhaps {text}, {reading.note}" if reading.comparable else ""
    return placeholder(what, f"{_said(reading)}{hint}")


def event_title(issue: Issue) -> str:
    """The issue's title without the form's ``[EVENT][<dates>]`` tags: usually the hub's name."""
    return _TITLE_TAGS.sub("", issue.title).strip() or issue.title.strip()


def issue_options(issue: Issue) -> dict[str, str]:
    """The ``event`` directive's option values read from an issue, by option name, placeholders included."""
    reading = read_issue(issue)
    times = clock_range(reading.active_hours.raw)
    options = {
        "hub": _option(reading.hub, str(reading.hub.value), "the hub's address, https://..."),
        "start": _option(reading.start, str(reading.start.value), "the first day, YYYY-MM-DD"),
        "end": _option(reading.end, str(reading.end.value), "the last day, YYYY-MM-DD"),
    }
    if isinstance(times, str) or times[2]:
        hint = f"; perhaps {times[0]:%H:%M}-{times[1]:%H:%M}, {times[2]}" if not isinstance(times, str) else ""
        what = "the hours of the day, HH:MM-HH:MM"
        options["active-hours"] = placeholder(what, f"{_said(reading.active_hours)}{hint}")
    else:
        options["active-hours"] = f"{times[0]:%H:%M}-{times[1]:%H:%M}"
    options["timezone"] = _timezone(issue, reading)
    options["attendees"] = _option(reading.attendees, str(reading.attendees.value), "one whole number")
    if issue.url:
        options["ticket"] = issue.url
    return options


def event_options(issue: Issue) -> str:
    """The ``event`` directive's option lines read from an issue, one per line, placeholders included."""
    return "".join(f":{name}: {value}\n" for name, value in issue_options(issue).items())


def _timezone(issue: Issue, reading: TicketReading) -> str:
    """The IANA zone of the hours, or of the start date when the hours give none."""
    what = "an IANA time zone such as America/Chicago"
    hours = reading.active_hours
    written = find_zone(hours.raw) or find_zone(reading.start.raw)
    resolved = resolve_zone(written, reading.start.value or issue.created) if written else None
    zone = None if isinstance(resolved, str) else resolved
    if zone is None or zone.confidence != CERTAIN or ("/" not in zone.name and zone.name != "UTC"):
        note = f"; perhaps {zone.name}, {zone.note}" if zone else ""
        return placeholder(what, f"{_said(hours)}{note}")
    return zone.name
