"""The ``event-list`` directive: every event of the site's index, upcoming first, then past."""

from __future__ import annotations

import datetime as dt

from ..model.event import Event
from ..plan.timing import notice
from . import ast


def event_reference(event: Event) -> ast.Node:
    """A link to the event's card, which mystmd resolves on whichever page the card is."""
    return {
        "type": "crossReference",
        "identifier": f"event-{event.id}",
        "label": f"event-{event.id}",
        "children": [ast.text(event.title)],
    }


def event_table(events: list[Event], today: dt.date, notice_days: int) -> list[ast.Node]:
    if not events:
        return [ast.paragraph("No events yet.")]
    upcoming = sorted((e for e in events if e.end >= today), key=lambda e: (e.start, e.id))
    past = sorted((e for e in events if e.end < today), key=lambda e: (e.start, e.id), reverse=True)
    rows: list[list[ast.Node | str]] = []
    for event in [*upcoming, *past]:
        dates = event.start.isoformat() if event.start == event.end else f"{event.start} to {event.end}"
        label = notice(event, today, notice_days).label
        rows.append([event_reference(event), dates, ast.link(event.hub), str(event.attendees), label])
    return [ast.table(["Event", "Dates", "Hub", "Attendees", "Notice"], rows)]
