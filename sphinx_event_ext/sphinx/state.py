"""The one typed home of what the extension keeps on Sphinx's environment, between and within builds.

Pickled with the environment, so an incremental build starts from what the last one knew: the
pages' events and links (kept right by the collector), what this build's check core proved (one
``SiteCheck``: links and content) and what the ticket check proved, which the cards, checklists and
published files are drawn from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sphinx.environment import BuildEnvironment

from ..content.check_record import EventCheck, SiteCheck
from ..model.event import Event, Problem
from ..plan.placeholders import Overlap

_ATTRIBUTE = "sphinx_event_ext_state"


@dataclass(frozen=True)
class EventRecord:
    """One ``event`` directive: where it is, and the event or the problems it has."""

    docname: str
    lineno: int
    event: Event | None
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    option_lines: tuple[tuple[str, int], ...] = ()  # (option, line) of each option written

    def line_of(self, option: str) -> int:
        """The line of an option, or the directive's line when the option is not written."""
        return dict(self.option_lines).get(option, self.lineno)


@dataclass(frozen=True)
class ValidRecord(EventRecord):
    """An ``event`` directive whose metadata validated: its ``event`` is always there."""

    event: Event


@dataclass(frozen=True)
class LinkUse:
    """A link into an event's content: ``path`` inside the content, or ``None`` for the content folder.

    ``event_id`` is ``None`` for the page's own event, which may be written below the link.
    """

    docname: str
    lineno: int
    kind: str
    event_id: str | None
    path: str | None


@dataclass
class PageData:
    """Everything the extension remembers about one page."""

    events: list[EventRecord] = field(default_factory=list)
    links: list[LinkUse] = field(default_factory=list)
    lists_events: bool = False
    #: The event ids the page's checklists name ("" for the page's own event).
    checklists: list[str] = field(default_factory=list)


@dataclass
class SiteState:
    """Everything the extension keeps on the environment."""

    pages: dict[str, PageData] = field(default_factory=dict)
    #: Valid events by id, made once all pages are read and forgotten when pages change.
    index: dict[str, ValidRecord] | None = None
    #: The "today" and extension version the pages were last read with.
    today: dt.date | None = None
    version: str | None = None
    #: Every event as last seen, so pages that list events are written again when one changes.
    events_seen: list[tuple[str, int, str]] | None = None
    #: What this build's check core proved: each event's link proof and content run (None before the first).
    check: SiteCheck | None = None
    #: Per event id, what reading the hub team's issue back proved.
    ticket_proofs: dict[str, str] = field(default_factory=dict)
    #: Per page, what its overlap warnings said when last written, so it is written again when they change.
    overlaps_shown: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    #: This build's overlaps that the scaler's maximum leaves short, and the titles of their events: found once
    #: after the checks (``env-updated``) for every page the build writes.
    short_overlaps: list[Overlap] | None = None
    overlap_titles: dict[str, str] = field(default_factory=dict)
    #: Per page, the pre-warm sentence of each of its events' cards by event id, as this build writes them.
    prewarm_shown: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Per page, what its checklists showed when last written.
    checklists_shown: dict[str, list[Any]] = field(default_factory=dict)
    #: This build's pre-warm request of each valid event by id, made once after the checks (``env-updated``)
    #: for every page and file the build writes; never pickled, so no build writes another's.
    requests: dict[str, dict[str, Any]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "requests": None}


def event_check(env: BuildEnvironment, event_id: str) -> EventCheck | None:
    """What this build's check found about one event; None when it did not see the event."""
    check = site_state(env).check
    return check.event(event_id) if check else None


def site_state(env: BuildEnvironment) -> SiteState:
    """The extension's state on ``env``, created on first use (or when an older version left another)."""
    found = getattr(env, _ATTRIBUTE, None)
    if not isinstance(found, SiteState):
        found = SiteState()
        setattr(env, _ATTRIBUTE, found)
    return found
