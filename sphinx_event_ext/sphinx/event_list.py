"""The ``event-list`` directive: every event of the site, upcoming first, then past."""

from __future__ import annotations

from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..model.config import settings, today_for
from ..plan.timing import notice
from .card import BADGE_COLOURS, badge
from .collector import ValidRecord, page, valid_events
from .tables import nowrap, table


class event_list_placeholder(nodes.General, nodes.Element):
    """Where the index goes; filled once every page has been read."""


class EventListDirective(SphinxDirective):
    """Place the table of every event in the site."""

    def run(self) -> list[nodes.Node]:
        page(self.env, self.env.docname).lists_events = True
        placeholder = event_list_placeholder()
        self.set_source_info(placeholder)
        return [placeholder]


def _row(app: Sphinx, docname: str, record: ValidRecord, label: nodes.Node) -> list[nodes.Node | str]:
    event = record.event
    uri = app.builder.get_relative_uri(docname, record.docname) + f"#event-{event.id}"
    title = nodes.reference(event.title, event.title, refuri=uri, internal=True)
    dates = nodes.inline()
    dates += nowrap(event.start.isoformat())
    if event.start != event.end:
        dates += [nodes.Text(" to "), nowrap(event.end.isoformat())]
    host = hub_host(event.hub)
    hub = nodes.reference(host, host, refuri=event.hub)
    return [title, dates, hub, str(event.attendees), label]


def hub_host(url: str) -> str:
    """The hub's address without its scheme: what a reader recognises, and shorter on a phone."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path.rstrip("/")) or url


def resolve_event_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Fill each index: upcoming events by start date, then past events, most recent first."""
    placeholders = list(doctree.findall(event_list_placeholder))
    if not placeholders:
        return
    today, notice_days = today_for(app.config), settings(app.config).notice_days
    records = list(valid_events(app.env))
    upcoming = sorted((r for r in records if r.event.end >= today), key=lambda r: (r.event.start, r.event.id))
    past = sorted((r for r in records if r.event.end < today), key=lambda r: (r.event.start, r.event.id), reverse=True)
    rows = []
    for record in [*upcoming, *past]:
        verdict = notice(record.event, today, notice_days)
        rows.append(_row(app, docname, record, badge(verdict.label, BADGE_COLOURS[verdict.state])))
    for placeholder in placeholders:
        if rows:
            placeholder.replace_self(
                table(
                    ["Event", "Dates", "Hub", "Attendees", "Notice"],
                    rows,
                    [30, 20, 25, 10, 15],
                    stack=[None, "Dates", "Hub", "Attendees", "Notice"],
                )
            )
        else:
            placeholder.replace_self(nodes.paragraph("", "No events yet."))
