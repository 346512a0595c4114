"""Every event of the site, kept in the build environment and merged across parallel readers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector

from .config import today_for
from .model import Event, Problem

ATTR = "sphinx_event_records"
CHECKLIST_ATTR = "sphinx_event_checklist_docs"
TODAY_ATTR = "sphinx_event_today"


@dataclass(frozen=True)
class EventRecord:
    """One ``event`` directive: where it is, and the event or the problems it has."""

    docname: str
    lineno: int
    event: Event | None
    problems: tuple[Problem, ...] = field(default_factory=tuple)


def records(env: BuildEnvironment) -> dict[str, list[EventRecord]]:
    """The records by page; created on first use."""
    if not hasattr(env, ATTR):
        setattr(env, ATTR, {})
    return getattr(env, ATTR)


def checklist_docs(env: BuildEnvironment) -> set[str]:
    """Pages with an ``event-checklist``, which depend on every event of the site."""
    if not hasattr(env, CHECKLIST_ATTR):
        setattr(env, CHECKLIST_ATTR, set())
    return getattr(env, CHECKLIST_ATTR)


def add_record(env: BuildEnvironment, record: EventRecord) -> None:
    """Remember an event directive of the page being read."""
    records(env).setdefault(record.docname, []).append(record)


def valid_events(env: BuildEnvironment) -> Iterator[EventRecord]:
    """Valid events, in page order then line order, so output never depends on read order."""
    for docname in sorted(records(env)):
        for record in records(env)[docname]:
            if record.event is not None:
                yield record


def duplicate_ids(env: BuildEnvironment) -> list[tuple[EventRecord, EventRecord]]:
    """(first, duplicate) pairs of events that share an id."""
    seen: dict[str, EventRecord] = {}
    pairs = []
    for record in valid_events(env):
        first = seen.setdefault(record.event.id, record)
        if first is not record:
            pairs.append((first, record))
    return pairs


def find_event(env: BuildEnvironment, event_id: str) -> EventRecord | None:
    """The first valid event with this id."""
    return next((record for record in valid_events(env) if record.event.id == event_id), None)


class EventCollector(EnvironmentCollector):
    """Keeps the per-page records right when pages are removed, re-read or read in parallel."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        records(env).pop(docname, None)
        checklist_docs(env).discard(docname)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
        theirs = records(other)
        for docname in docnames:
            if docname in theirs:
                records(env)[docname] = theirs[docname]
        checklist_docs(env).update(checklist_docs(other) & docnames)

    def process_doc(self, app: Sphinx, doctree: Any) -> None:
        """Records are added by the directives themselves while the page is parsed."""

    def get_outdated_docs(
        self, app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
    ) -> list[str]:
        """Re-read pages whose problems must be reported again, and pages whose output depends on "today"."""
        outdated = {docname for docname, recs in records(env).items() if any(r.problems for r in recs)}
        outdated.update(duplicate.docname for _, duplicate in duplicate_ids(env))
        today = today_for(app.config)
        if getattr(env, TODAY_ATTR, None) != today:
            outdated.update(records(env))
        setattr(env, TODAY_ATTR, today)
        if added or changed or removed or outdated:
            outdated.update(checklist_docs(env))
        return sorted(outdated - removed)
