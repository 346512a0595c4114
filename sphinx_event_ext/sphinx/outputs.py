"""Files the HTML build writes for the hub team and attendees, under ``_events/`` in the output.

Per event: ``prewarm.json`` and ``event.ics``; for the site: ``events.json``, ``events.ics``,
``placeholders.ics``, ``placeholders.json`` and their schemas. Each file is written atomically; folders of events that no
longer exist are removed, so the output always matches the pages.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from .._version import __version__
from ..content.rehearsal_record import read_rehearsal
from ..model.config import settings, today_for
from ..model.schema import schema_text
from ..plan import site_layout
from ..plan.ics import combined_calendar, event_calendar
from ..plan.notify import (
    HUB_TEAM_SETTINGS,
    PROVIDER_DOMAIN,
    heads_up_email,
    hub_team,
    issue_form_url,
    notification_email,
)
from ..plan.placeholders import placeholder_calendar, placeholders_index
from ..plan.prewarm import events_index, prewarm_request
from ..util.atomic import dumps, write_atomic
from .attendee_messages import attendee_messages
from .checklist_directive import proofs_of
from .collector import ValidRecord, find_event, valid_events
from .page_urls import page_url
from .placeholder_files import Schedule, add_overlap_warnings, report_schedule, schedule
from .state import event_check, site_state

FOLDER = site_layout.EVENTS_FOLDER
logger = logging.getLogger(__name__)


def request_for(app: Sphinx, record: ValidRecord) -> dict[str, Any]:
    """The pre-warm request of an event, as this build writes it."""
    config = settings(app.config)
    return prewarm_request(
        record.event,
        today=today_for(app.config),
        notice_days=config.notice_days,
        lead_minutes=config.prewarm_lead_minutes,
        page_url=page_url(app, record),
        rehearsal=read_rehearsal(app.doctreedir, record.event.id),
        node_pool=config.node_pool,
        execution=_execution(app.env, record.event.id),
    )


def site_requests(app: Sphinx) -> dict[str, dict[str, Any]]:
    """Every valid event's pre-warm request by id, as this build writes them: made once per build."""
    state = site_state(app.env)
    if state.requests is None:
        state.requests = {record.event.id: request_for(app, record) for record in valid_events(app.env)}
    return state.requests


def _execution(env: BuildEnvironment, event_id: str) -> dict[str, Any] | None:
    """The event's content report, when this build's check ran its notebooks."""
    checked = event_check(env, event_id)
    return checked.execution if checked else None


def _action_url(app: Sphinx, action: str, record: ValidRecord, request: dict[str, Any]) -> str:
    if action == "mybinder":
        return str(request["mybinder"]["request_url"])
    config = settings(app.config)
    team = hub_team(record.event.hub, config.support_email, config.issue_repo)
    # The card only has a button whose team address is known (see the event directive).
    if action == "notify":
        return notification_email(request, to=str(team.support_email)).mailto
    if action == "heads-up":
        return heads_up_email(request, to=str(team.support_email)).mailto
    return issue_form_url(
        request, repo=str(team.issue_repo), template=config.issue_template, hub_name=record.event.hub_name
    )


def report_missing_hub_teams(app: Sphinx, env: BuildEnvironment) -> None:
    """Say once, as information, which events lack buttons to their hub team and what turns them on."""
    config = settings(app.config)
    hubs = sorted(
        {
            record.event.hub
            for record in valid_events(env)
            if not hub_team(record.event.hub, config.support_email, config.issue_repo).complete
        }
    )
    if hubs:
        logger.info(
            "events: no hub team is configured for %s (not under %s); the card leaves out the buttons that would "
            "write to it. Set %s in conf.py to turn them on.",
            ", ".join(hubs),
            PROVIDER_DOMAIN,
            " and ".join(HUB_TEAM_SETTINGS),
        )


def resolve_buttons(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Point the card's buttons at their files (relative to the page) and at pre-filled messages."""
    here = app.builder.get_target_uri(docname)
    for node in doctree.findall(nodes.reference):
        if "event_asset" in node:
            node["refuri"] = relative_uri(here, node["event_asset"])
        elif "event_action" in node:
            record = find_event(app.env, node["event_id"])
            if record is None:  # the button's own event is on this page, so it validated
                continue
            node["refuri"] = _action_url(app, node["event_action"], record, site_requests(app)[record.event.id])


def _overlaps_by_page(plan: Schedule) -> dict[str, list[tuple[str, ...]]]:
    shown: dict[str, list[tuple[str, ...]]] = {}
    for overlap in plan.short:
        for event_id in overlap.event_ids:
            shown.setdefault(plan.records[event_id].docname, []).append(
                (repr(overlap), *(plan.records[other].event.title for other in overlap.event_ids))
            )
    return shown


def refresh_overlaps(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages whose overlap warnings now say something else, although the pages did not
    change (another page's event moved, a rehearsal changed the advice)."""
    state = site_state(env)
    state.requests = None  # made again, now that this build's checks have run
    plan = _keep_overlaps(app)
    previous, shown = state.overlaps_shown, _overlaps_by_page(plan)
    state.overlaps_shown = shown
    return sorted(name for name in set(previous) | set(shown) if previous.get(name) != shown.get(name))


def resolve_overlaps(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Below the cards of this page's events, the overlaps on a node pool that the scaler's maximum leaves short."""
    mine = [record.event.id for record in valid_events(app.env) if record.docname == docname]
    if not mine:
        return
    # Found once per build (not once per page: 300 event pages made 90,000 requests, most of a cold build).
    state = site_state(app.env)
    if state.short_overlaps is None:
        _keep_overlaps(app)
    assert state.short_overlaps is not None  # for mypy: kept just above
    add_overlap_warnings(doctree, state.short_overlaps, state.overlap_titles, mine)


def _keep_overlaps(app: Sphinx) -> Schedule:
    """The site's schedule; its short overlaps and their events' titles are kept for the pages written."""
    plan = schedule(app, site_requests(app))
    state = site_state(app.env)
    state.short_overlaps = plan.short
    state.overlap_titles = {event_id: record.event.title for event_id, record in plan.records.items()}
    return plan


class _OutputFiles:
    """Writes the files under ``_events/``, skipping each one whose inputs are those it was last written from.

    A warm build then costs what changed: calendars are not serialised again for events that
    did not change. The inputs of each file are recorded in the doctree folder, beside
    Sphinx's own record of what it built, with the extension's version.
    """

    def __init__(self, app: Sphinx) -> None:
        self.record = Path(app.doctreedir) / "event-outputs.json"
        try:
            self.previous = json.loads(self.record.read_text("utf-8"))
        except (OSError, ValueError):
            self.previous = {}
        self.current: dict[str, str] = {}

    def write(self, path: Path, content: str | bytes) -> None:
        """Write ``content`` to ``path`` unless it was last written with the same content."""
        self.write_from(path, content, lambda: content)

    def write_from(self, path: Path, inputs: object, make: Callable[[], str | bytes]) -> None:
        """Write ``make()`` to ``path`` unless it was last written from the same ``inputs``."""
        key = hashlib.sha256(repr((__version__, inputs)).encode("utf-8")).hexdigest()
        self.current[str(path)] = key
        if self.previous.get(str(path)) != key or not path.is_file():
            write_atomic(path, make())

    def close(self) -> None:
        write_atomic(self.record, dumps(self.current))


def write_event_files(app: Sphinx) -> None:
    """Write every event's pre-warm request and calendar, and the site's index of both."""
    today = today_for(app.config)
    root = Path(app.outdir) / FOLDER
    files = _OutputFiles(app)
    requests, events, urls = [], [], {}
    requests_by_id = site_requests(app)
    execution = {}
    for record in valid_events(app.env):
        event, url = record.event, page_url(app, record)
        folder = Path(app.outdir) / site_layout.event_output_dir(event.id)
        request = requests_by_id[event.id]
        files.write_from(folder / "prewarm.json", request, partial(dumps, request))
        files.write_from(
            folder / "event.ics",
            (repr(event), today, url),
            partial(event_calendar, event, today=today, page_url=url),
        )
        for message in attendee_messages(app, record, url):
            files.write(
                Path(app.outdir) / site_layout.event_file(event.id, f"attendees/{message.key}.txt"), message.text
            )
        report = _execution(app.env, event.id)
        if report:
            execution[event.id] = report
            files.write(folder / "execution.json", dumps(report))
        else:
            (folder / "execution.json").unlink(missing_ok=True)
        requests.append(request)
        events.append(event)
        if url:
            urls[event.id] = url
    proofs = {event.id: proofs_of(app, event) for event in events}
    files.write_from(root / "events.json", (requests, proofs), lambda: dumps(events_index(requests, proofs)))
    if execution:
        files.write(root / "execution.json", dumps({"schema_version": "1", "events": dict(sorted(execution.items()))}))
    else:
        (root / "execution.json").unlink(missing_ok=True)
    files.write_from(
        root / "events.ics",
        ([repr(event) for event in events], today, sorted(urls.items()), app.config.project),
        partial(combined_calendar, events, today=today, page_urls=urls, name=app.config.project),
    )
    files.write(root / "prewarm.schema.json", schema_text("prewarm"))
    plan = schedule(app, {request["event_id"]: request for request in requests})
    report_schedule(plan)
    files.write_from(
        root / "placeholders.ics",
        ([repr(window) for window in plan.windows], today, app.config.project),
        partial(placeholder_calendar, plan.windows, today=today, name=f"{app.config.project}: placeholders"),
    )
    files.write(root / "placeholders.json", dumps(placeholders_index(plan.entries, plan.windows)))
    files.write(root / "placeholders.schema.json", schema_text("placeholders"))
    current = {event.id for event in events}
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in current:
            shutil.rmtree(folder)
    files.close()
