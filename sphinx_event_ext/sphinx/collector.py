"""What each page holds (events, links to their content, pages that list events), kept in the
build environment and merged across parallel readers."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector

from .._version import __version__
from ..model.config import today_for
from ..model.event import Event, Problem
from .state import EventRecord, PageData, ValidRecord, site_state


def record(
    docname: str,
    lineno: int,
    event: Event | None,
    problems: tuple[Problem, ...],
    option_lines: tuple[tuple[str, int], ...] = (),
) -> EventRecord:
    """The record of one directive: a ``ValidRecord`` when the event validated."""
    if event is None:
        return EventRecord(docname, lineno, None, problems, option_lines)
    return ValidRecord(docname, lineno, event, problems, option_lines)


def pages(env: BuildEnvironment) -> dict[str, PageData]:
    """Per-page data; created on first use."""
    return site_state(env).pages


def page(env: BuildEnvironment, docname: str) -> PageData:
    """The data of one page, created when the page first records something."""
    return pages(env).setdefault(docname, PageData())


def all_records(env: BuildEnvironment) -> Iterator[EventRecord]:
    """Every event directive of the site, valid or not, in page then line order."""
    for docname in sorted(pages(env)):
        yield from pages(env)[docname].events


def valid_events(env: BuildEnvironment) -> Iterator[ValidRecord]:
    """Valid events, in page order then line order, so output never depends on read order."""
    return (record for record in all_records(env) if isinstance(record, ValidRecord))


def page_event(env: BuildEnvironment, docname: str) -> ValidRecord | None:
    """The first valid event of a page."""
    return next((r for r in pages(env).get(docname, PageData()).events if isinstance(r, ValidRecord)), None)


def duplicate_ids(env: BuildEnvironment) -> list[tuple[ValidRecord, ValidRecord]]:
    """(first, duplicate) pairs of events that share an id."""
    seen: dict[str, ValidRecord] = {}
    pairs = []
    for record in valid_events(env):
        first = seen.setdefault(record.event.id, record)
        if first is not record:
            pairs.append((first, record))
    return pairs


def find_event(env: BuildEnvironment, event_id: str) -> ValidRecord | None:
    """The first valid event with this id (looked up in an index made once all pages are read)."""
    state = site_state(env)
    if state.index is None:
        state.index = {}
        for record in valid_events(env):
            state.index.setdefault(record.event.id, record)
    return state.index.get(event_id)


def forget_index(app: Sphinx, env: BuildEnvironment, *args: Any) -> list[str]:
    """``env-before-read-docs`` and ``env-updated``: pages change, so the id index is made again."""
    site_state(env).index = None
    return []


def event_for(env: BuildEnvironment, docname: str, event_id: str | None) -> ValidRecord | None:
    """The event a checklist or link means: the one named by id, else the page's own."""
    return find_event(env, event_id) if event_id else page_event(env, docname)


class EventCollector(EnvironmentCollector):
    """Keeps the per-page data right when pages are removed, re-read or read in parallel."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        pages(env).pop(docname, None)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: AbstractSet[str], other: BuildEnvironment
    ) -> None:
        theirs = pages(other)
        pages(env).update((docname, theirs[docname]) for docname in docnames if docname in theirs)

    def process_doc(self, app: Sphinx, doctree: Any) -> None:
        """Data is added by the directives and roles themselves while the page is parsed."""

    def get_outdated_docs(
        self, app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
    ) -> list[str]:
        """Re-read pages whose problems must be reported again, and pages whose output depends on "today"."""
        outdated = {record.docname for record in all_records(env) if record.problems}
        outdated.update(duplicate.docname for _, duplicate in duplicate_ids(env))
        today = today_for(app.config)
        state = site_state(env)
        if state.today != today:
            outdated.update(
                docname for docname, data in pages(env).items() if data.events or data.lists_events or data.checklists
            )
        state.today = today
        if state.version not in (None, __version__):  # what this version renders may differ
            outdated.update(pages(env))
        state.version = __version__
        # Nothing else is read again: what a page shows of other pages' events (lists, links, checklists) is
        # resolved when it is written, and ``listing_pages`` has it written again when those events change.
        return sorted(outdated - removed)


def listing_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages that list or link to other pages' events, when any event changed, so Sphinx
    writes them again without reading them (checklists are refreshed by what they show, in their module)."""
    events = sorted((record.docname, record.lineno, repr(record.event)) for record in all_records(env))
    state = site_state(env)
    previous, state.events_seen = state.events_seen, events
    if previous == events:
        return []
    return sorted(docname for docname, data in pages(env).items() if data.lists_events)
