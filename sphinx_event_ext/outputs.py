"""Files the HTML build writes for the hub team and attendees, under ``_events/`` in the output.

Per event: ``prewarm.json`` and ``event.ics``; for the site: ``events.json``, ``events.ics``
and ``prewarm.schema.json``. Each file is written atomically; folders of events that no
longer exist are removed, so the output always matches the pages.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from .collector import EventRecord, valid_events
from .config import settings, today_for
from .ics import combined_calendar, event_calendar
from .prewarm import dumps, events_index, prewarm_request, write_atomic

FOLDER = "_events"


def page_url(app: Sphinx, record: EventRecord) -> str | None:
    """The event's public address, when ``html_baseurl`` says where the site is published."""
    base = app.config.html_baseurl
    if not base:
        return None
    return f"{base.rstrip('/')}/{app.builder.get_target_uri(record.docname)}#event-{record.event.id}"


def resolve_assets(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Make links to files under ``_events/`` relative to the page that holds them."""
    here = app.builder.get_target_uri(docname)
    for node in doctree.findall(nodes.reference):
        if "event_asset" in node:
            node["refuri"] = relative_uri(here, node["event_asset"])


def write_event_files(app: Sphinx) -> None:
    """Write every event's pre-warm request and calendar, and the site's index of both."""
    config = settings(app.config)
    today = today_for(app.config)
    root = Path(app.outdir) / FOLDER
    requests, events, urls = [], [], {}
    for record in valid_events(app.env):
        event, url = record.event, page_url(app, record)
        request = prewarm_request(
            event,
            today=today,
            notice_days=config.notice_days,
            lead_minutes=config.prewarm_lead_minutes,
            page_url=url,
        )
        write_atomic(root / event.id / "prewarm.json", dumps(request))
        write_atomic(root / event.id / "event.ics", event_calendar(event, today=today, page_url=url))
        requests.append(request)
        events.append(event)
        if url:
            urls[event.id] = url
    write_atomic(root / "events.json", dumps(events_index(requests)))
    write_atomic(root / "events.ics", combined_calendar(events, today=today, page_urls=urls, name=app.config.project))
    schema = resources.files(__package__).joinpath("schemas/prewarm.schema.json").read_text("utf-8")
    write_atomic(root / "prewarm.schema.json", schema)
    current = {event.id for event in events}
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in current:
            shutil.rmtree(folder)
