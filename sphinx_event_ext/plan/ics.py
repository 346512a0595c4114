"""iCalendar files for events: one per event and one for the whole site.

Each session is a VEVENT in the event's own zone, with a VTIMEZONE so that any calendar
shows the right hours across daylight-saving changes. UIDs and DTSTAMP come from the
event and the build's "today", never from the clock, so identical inputs give identical
bytes and calendar apps update events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..model.event import Event
from ..util.sanitize import one_line
from .timing import UTC, session_bounds

if TYPE_CHECKING:  # icalendar loads when a calendar is made: a warm build that writes none does not pay for it
    from icalendar import Calendar, Timezone
    from icalendar import Event as VEvent

PRODID = "-//sphinx-event-ext//Event calendar//EN"


def uid(event: Event, day: dt.date, domain: str | None = None) -> str:
    """A stable UID for one session: event id, date and a domain (the hub's host by default)."""
    return f"{event.id}-{day:%Y%m%d}@{domain or urlsplit(event.hub).hostname}"


def _description(event: Event, page_url: str | None) -> str:
    lines = [f"Hub: {event.hub}", f"Active hours: {event.active_hours_text} {event.timezone}"]
    if page_url:
        lines.append(f"Event page: {page_url}")
    if event.contact:
        lines.append(f"Contact: {event.contact}")
    return "\n".join(lines)


def session_events(
    event: Event, *, today: dt.date, page_url: str | None = None, domain: str | None = None
) -> list[VEvent]:
    """One VEVENT per day of ``event``, stamped with the build's ``today`` at midnight UTC."""
    from icalendar import Event as VEvent

    stamp = dt.datetime.combine(today, dt.time(0, 0), tzinfo=UTC)
    days = event.days
    components = []
    for number, day in enumerate(days, start=1):
        start, end = session_bounds(event, day)
        component = VEvent()
        component.add("uid", uid(event, day, domain))
        component.add("dtstamp", stamp)
        component.add("dtstart", start)
        component.add("dtend", end)
        component.add("summary", event.title if len(days) == 1 else f"{event.title} (day {number} of {len(days)})")
        component.add("location", event.hub)
        component.add("description", _description(event, page_url))
        if page_url:
            component.add("url", page_url)
        components.append(component)
    return components


def _timezones(calendar: Calendar, events: list[Event]) -> list[Timezone]:
    """A VTIMEZONE per zone the sessions use, sorted, covering whole years around the events."""
    components = []
    for tzid in sorted(calendar.get_missing_tzids()):
        years = [year for event in events if event.timezone == tzid for year in (event.start.year, event.end.year)]
        components.append(_timezone(tzid, min(years), max(years) + 1))
    return components


@lru_cache(maxsize=256)
def _timezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A zone's VTIMEZONE for whole years; computed once per build for every calendar that uses it.

    icalendar adds a ``COMMENT`` saying which years the rules cover; calendar apps show it to nobody useful and
    some show it to everyone, so it goes."""
    from icalendar import Timezone

    timezone = Timezone.from_tzid(tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 1, 1))
    timezone.pop("COMMENT", None)
    return timezone


def _calendar(
    name: str, events: list[Event], today: dt.date, page_urls: Mapping[str, str], domain: str | None
) -> bytes:
    ids = [event.id for event in events]
    duplicates = sorted({event_id for event_id in ids if ids.count(event_id) > 1})
    if duplicates:
        raise ValueError(f"event ids must be unique across the site; repeated: {', '.join(duplicates)}")
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(" ".join(name.split())))  # the site's name is one line in a calendar
    for event in sorted(events, key=lambda item: (item.start, item.id)):
        for component in session_events(event, today=today, page_url=page_urls.get(event.id), domain=domain):
            calendar.add_component(component)
    for index, timezone in enumerate(_timezones(calendar, events)):
        calendar.subcomponents.insert(index, timezone)
    return bytes(calendar.to_ical())


def event_calendar(event: Event, *, today: dt.date, page_url: str | None = None, domain: str | None = None) -> bytes:
    """The ``.ics`` file of one event."""
    return _calendar(event.title, [event], today, {event.id: page_url} if page_url else {}, domain)


def combined_calendar(
    events: Iterable[Event],
    *,
    today: dt.date,
    page_urls: Mapping[str, str] | None = None,
    domain: str | None = None,
    name: str = "Events",
) -> bytes:
    """One ``.ics`` with every session of every event, in date order whatever order the events came in."""
    return _calendar(name, list(events), today, page_urls or {}, domain)
