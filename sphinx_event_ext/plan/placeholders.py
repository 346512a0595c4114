"""The placeholder schedule hub teams' tools read: ``placeholders.ics`` and ``placeholders.json``.

``placeholders.ics`` is in the format UC Berkeley DataHub's node-placeholder-scaler reads
(berkeley-dsep-infra/datahub, ``images/node-placeholder-scaler/scaler/``): it takes the events
happening now with the ``ical`` library, reads each DESCRIPTION as YAML ``<pool>: <count>`` and
sets each pool's placeholder replicas to the maximum over those events. One VEVENT per active
window per day, from ``event_prewarm_lead_minutes`` before the active hours until their end.
UIDs are the event id and day number, so a moved event keeps its UIDs with new times and a
cancelled one keeps them marked ``STATUS:CANCELLED`` with an empty mapping (the scaler, which
does not read STATUS, then counts nothing for it).

``placeholders.json`` serves the hub provider's manual ``scale-placeholders`` workflow
(inputs cluster, hub and replicas): the exact ``gh workflow run`` command lines. Pure functions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from ..model.event import Event
from ..util.sanitize import one_line
from .advice import Advice
from .notify import DEFAULT_ISSUE_REPO
from .prewarm import utc_text
from .timing import UTC, sessions_utc

PLACEHOLDERS_VERSION = "1"
PRODID = "-//sphinx-event-ext//Placeholder schedule//EN"
#: The provider's manual workflow that scales a hub's placeholders (in its infrastructure repository).
WORKFLOW = "scale-placeholders.yaml"
#: YAML reads these plain words as booleans or null, not as a pool name: such names are quoted.
_YAML_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"})
_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Window:
    """One day's warm window of one event: placeholder pods of one node each on ``pool``."""

    uid: str
    event_id: str
    title: str
    hub: str
    day: int
    days: int
    start: dt.datetime
    end: dt.datetime
    pool: str | None
    count: int
    attendees: int
    cancelled: bool

    def as_json(self) -> dict[str, str]:
        return {"start": utc_text(self.start), "end": utc_text(self.end)}


@dataclass(frozen=True)
class Overlap:
    """A span when several events' windows on one pool are open together."""

    pool: str
    start: dt.datetime
    end: dt.datetime
    event_ids: tuple[str, ...]
    replicas_max: int
    replicas_sum: int
    attendees: int

    def as_json(self) -> dict[str, Any]:
        return {
            "pool": self.pool,
            "start": utc_text(self.start),
            "end": utc_text(self.end),
            "events": list(self.event_ids),
            "replicas_max": self.replicas_max,
            "replicas_sum": self.replicas_sum,
            "attendees": self.attendees,
        }


def event_windows(
    event: Event, advice: Advice, *, lead_minutes: int, pool: str | None, domain: str | None = None
) -> list[Window]:
    """The event's warm windows when the advice asks for placeholders (none otherwise)."""
    if advice.placeholders < 1:
        return []
    lead = dt.timedelta(minutes=lead_minutes)
    host = domain or urlsplit(event.hub).hostname or "sphinx-event-ext"
    sessions = sessions_utc(event)
    return [
        Window(
            uid=f"{event.id}-placeholders-{number}@{host}",
            event_id=event.id,
            title=event.title,
            hub=event.hub,
            day=number,
            days=len(sessions),
            start=start - lead,
            end=end,
            pool=event.node_pool or pool,
            count=advice.placeholders,
            attendees=event.attendees,
            cancelled=event.cancelled,
        )
        for number, (start, end) in enumerate(sessions, start=1)
    ]


def overlaps(windows: Iterable[Window]) -> list[Overlap]:
    """Where two or more events' open windows meet on one pool: the scaler's count (the maximum) and the sum.

    Cancelled windows and windows without a pool count for nothing. A sweep over the windows'
    edges, in time order; consecutive spans with the same events are one overlap. An event's own windows
    (a long lead joins its days) count once.
    """
    by_pool: dict[str, list[Window]] = {}
    for window in windows:
        if window.pool and not window.cancelled:
            by_pool.setdefault(window.pool, []).append(window)
    found: list[Overlap] = []
    for pool, members in sorted(by_pool.items()):
        edges = sorted({moment for window in members for moment in (window.start, window.end)})
        previous: Overlap | None = None
        for begin, end in pairwise(edges):
            open_now = {window.event_id: window for window in members if window.start <= begin and end <= window.end}
            if len(open_now) < 2:
                previous = None
                continue
            ids = tuple(sorted(open_now))
            counts = [window.count for window in open_now.values()]
            people = sum(window.attendees for window in open_now.values())
            if previous is not None and previous.event_ids == ids and previous.end == begin:
                previous = found[-1] = Overlap(pool, previous.start, end, ids, max(counts), sum(counts), people)
            else:
                previous = Overlap(pool, begin, end, ids, max(counts), sum(counts), people)
                found.append(previous)
    return found


def short_overlaps(found: Iterable[Overlap]) -> list[Overlap]:
    """The overlaps where the scaler's maximum leaves fewer warm nodes than the events need together."""
    return [overlap for overlap in found if overlap.replicas_sum > overlap.replicas_max]


def yaml_key(pool: str) -> str:
    """The pool as a YAML key that reads back as the same string (quoted when YAML would read another type)."""
    if _PLAIN_KEY.match(pool) and pool.lower() not in _YAML_WORDS:
        return pool
    return '"' + pool.replace("\\", "\\\\").replace('"', '\\"') + '"'


def description(window: Window) -> str:
    """The scaler's YAML: ``<pool>: <count>``; an empty mapping for a cancelled window, so it counts for nothing."""
    assert window.pool is not None
    if window.cancelled:
        return f"{{}} # cancelled (was {yaml_key(window.pool)}: {window.count})"
    return f"{yaml_key(window.pool)}: {window.count}"


def placeholder_calendar(windows: Sequence[Window], *, today: dt.date, name: str = "Placeholders") -> bytes:
    """``placeholders.ics``: one VEVENT per window with a pool, in UTC, in start order, stamped with ``today``."""
    # icalendar loads when a calendar is made: a warm build that writes none does not pay for it.
    from icalendar import Calendar
    from icalendar import Event as VEvent

    stamp = dt.datetime.combine(today, dt.time(0, 0), tzinfo=UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(" ".join(name.split())))  # the site's name is one line
    for window in sorted(windows, key=lambda item: (item.start, item.uid)):
        if window.pool is None:
            continue
        component = VEvent()
        component.add("uid", window.uid)
        component.add("dtstamp", stamp)
        component.add("dtstart", window.start)
        component.add("dtend", window.end)
        day = f" (day {window.day} of {window.days})" if window.days > 1 else ""
        component.add("summary", f"Placeholders: {window.title}{day}")
        component.add("description", description(window))
        component.add("location", window.hub)
        component.add("status", "CANCELLED" if window.cancelled else "CONFIRMED")
        calendar.add_component(component)
    return bytes(calendar.to_ical())


def workflow_command(cluster: str, hub_name: str, replicas: int, repo: str = DEFAULT_ISSUE_REPO) -> str:
    """The exact command line that runs the provider's ``scale-placeholders`` workflow for one hub."""
    return f"gh workflow run {WORKFLOW} --repo {repo} -f cluster={cluster} -f hub={hub_name} -f replicas={replicas}"


def event_entry(event: Event, advice: Advice, windows: Sequence[Window]) -> dict[str, Any]:
    """One event of ``placeholders.json``: what to scale, when, and the workflow's command lines."""
    commands = None
    if event.cluster and event.hub_name:
        commands = {
            "scale_up": None
            if event.cancelled
            else workflow_command(event.cluster, event.hub_name, advice.placeholders),
            "scale_down": workflow_command(event.cluster, event.hub_name, 0),
        }
    return {
        "event_id": event.id,
        "title": event.title,
        "hub_url": event.hub,
        "cluster": event.cluster,
        "hub": event.hub_name,
        "pool": windows[0].pool if windows else None,
        "replicas": advice.placeholders,
        "status": event.status,
        "evidence": advice.evidence,
        "windows": [window.as_json() for window in windows],
        "commands": commands,
    }


def site_schedule(
    events: Iterable[tuple[Event, Mapping[str, Any]]], *, lead_minutes: int, pool: str | None
) -> tuple[list[Window], list[dict[str, Any]]]:
    """Every event's warm windows and ``placeholders.json`` entry, from its pre-warm request's ``advice``."""
    windows: list[Window] = []
    entries: list[dict[str, Any]] = []
    for event, request in events:
        advice = Advice.from_json(request["advice"])
        mine = event_windows(event, advice, lead_minutes=lead_minutes, pool=pool)
        if mine:
            windows.extend(mine)
            entries.append(event_entry(event, advice, mine))
    return windows, entries


def placeholders_index(entries: Iterable[dict[str, Any]], windows: Iterable[Window]) -> dict[str, Any]:
    """``placeholders.json``: every event that needs warm nodes, by first window then id, and the overlaps."""
    ordered = sorted(
        entries, key=lambda entry: (entry["windows"][0]["start"] if entry["windows"] else "", entry["event_id"])
    )
    return {
        "schema_version": PLACEHOLDERS_VERSION,
        "events": ordered,
        "overlaps": [overlap.as_json() for overlap in overlaps(windows)],
    }
