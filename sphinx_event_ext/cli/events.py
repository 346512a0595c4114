"""Find one event by id in a site's pages, and say which ids exist when it is not there."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from .scan import FoundEvent, scan
from .site import relative


class EventNotFound(LookupError):
    """No valid event with this id; the message lists the ids that exist."""


def unknown_id(wanted: str, known: Sequence[str]) -> str:
    """``no event with id 'x'; did you mean 'y'? Known ids: a, b`` (or that the pages hold none)."""
    message = f"no event with id {wanted!r}"
    if not known:
        return message + "; the pages hold no valid event"
    close = sorted(name for name in known if name.startswith(wanted)) or difflib.get_close_matches(wanted, known, n=1)
    if close:
        return message + f"; did you mean {close[0]!r}? Known ids: {', '.join(sorted(known))}"
    return message + f"; known ids: {', '.join(sorted(known))}"


def find_event(targets: list[Path], event_id: str) -> FoundEvent:
    """The valid event ``event_id`` in the files and folders; the known ids (and invalid events) otherwise."""
    found = scan(targets)
    for item in found:
        if item.result.event is not None and item.result.event.id == event_id:
            return item
    message = unknown_id(event_id, [item.result.event.id for item in found if item.result.event is not None])
    invalid = [item for item in found if item.result.event is None]
    if invalid:
        where = ", ".join(f"{relative(item.path)}:{item.line}" for item in invalid)
        message += f". Invalid events (see sphinx-event validate): {where}"
    raise EventNotFound(message)
