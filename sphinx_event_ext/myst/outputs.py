"""The files a mystmd site serves for the hub team and attendees, under ``_events/`` in mystmd's public
folder: the same files, made by the same plan functions, as the Sphinx build writes; only the page
addresses differ (none here: a mystmd project has no ``html_baseurl``).

The ``event`` directive writes its own event's ``prewarm.json`` and ``event.ics`` (so the card's buttons
work in a plain ``myst build``); ``sphinx-event check`` writes every file of the site.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..model.config import EventConfig
from ..model.event import Event
from ..model.schema import schema_text
from ..plan.checklist import Evidence, build_checklist, proof_summaries
from ..plan.ics import combined_calendar, event_calendar
from ..plan.prewarm import events_index, prewarm_request
from ..util.atomic import dumps, write_atomic

FOLDER = "_events"
#: Relative to the project's folder (where ``myst`` runs): mystmd's public folder, copied into the site.
SITE_FILES = Path("_build") / "site" / "public" / FOLDER


def write_event(root: Path, event: Event, config: EventConfig, today: dt.date) -> dict[str, Any]:
    """One event's ``prewarm.json`` and ``event.ics``; returns the pre-warm request."""
    request = prewarm_request(
        event, today=today, notice_days=config.notice_days, lead_minutes=config.prewarm_lead_minutes, page_url=None
    )
    write_atomic(root / event.id / "prewarm.json", dumps(request))
    write_atomic(root / event.id / "event.ics", event_calendar(event, today=today, page_url=None))
    return request


def write_event_files(
    root: Path,
    events: list[Event],
    config: EventConfig,
    today: dt.date,
    name: str,
    reports: Mapping[str, dict[str, Any]],
    evidence: Mapping[str, Evidence] | None = None,
) -> None:
    """Per event ``prewarm.json``, ``event.ics`` and (when its content ran) ``execution.json``; for the site
    ``events.json`` (with each event's proofs, from what the check proved: ``evidence``), ``events.ics``,
    ``execution.json`` and the schema. Folders of events that no longer exist are removed, and files of a
    check that no longer applies."""
    requests = []
    for event in events:
        request = write_event(root, event, config, today)
        if event.id in reports:
            write_atomic(root / event.id / "execution.json", dumps(reports[event.id]))
        else:
            (root / event.id / "execution.json").unlink(missing_ok=True)
        requests.append(request)
    proofs = {
        event.id: proof_summaries(
            build_checklist(event, config.notice_days, (evidence or {}).get(event.id, Evidence())), today
        )
        for event in events
    }
    write_atomic(root / "events.json", dumps(events_index(requests, proofs)))
    write_atomic(root / "events.ics", combined_calendar(events, today=today, page_urls={}, name=name))
    write_atomic(root / "prewarm.schema.json", schema_text("prewarm"))
    if reports:
        write_atomic(root / "execution.json", dumps({"schema_version": "1", "events": dict(sorted(reports.items()))}))
    else:
        (root / "execution.json").unlink(missing_ok=True)
    current = {event.id for event in events}
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in current:
            shutil.rmtree(folder)
