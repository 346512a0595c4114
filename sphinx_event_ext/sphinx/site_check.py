"""The check core, called once per build: its inputs built from Sphinx's application and environment, its
problems logged at their pages' lines, its result kept in the extension's typed state for the pages."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..content.check_record import (
    ERROR,
    INFO,
    WARNING,
    CheckSettings,
    EventSite,
    Finding,
    LinkSite,
)
from ..content.check_settings import check_settings as settings_from
from ..content.live_progress import terminal
from ..content.site_check import check_site
from ..model.config import settings, today_for
from . import warning_replay
from .collector import ValidRecord, event_for, pages, valid_events
from .progress import line_writer
from .state import site_state

logger = logging.getLogger(__name__)


def event_site(env: BuildEnvironment, record: ValidRecord) -> EventSite:
    """What the core needs of an event: the event and where it is written."""
    page = Path(env.doc2path(record.docname))
    return EventSite(record.event, record.docname, page, record.lineno, record.option_lines)


def check_settings(app: Sphinx) -> CheckSettings:
    """The ``event_*`` options the check needs, with paths made absolute as the build reads them."""
    return settings_from(
        settings(app.config),
        Path(app.confdir),
        Path(app.doctreedir),
        today_for(app.config),
        protect=(Path(app.srcdir),),
        unprotected=(Path(app.outdir), Path(app.doctreedir)),
    )


def _links(env: BuildEnvironment) -> list[LinkSite]:
    """Every link into an event's content, page by page in name order, with the event it leads into."""
    found = []
    for docname in sorted(pages(env)):
        for use in pages(env)[docname].links:
            record = event_for(env, docname, use.event_id)
            if record is not None:
                found.append(LinkSite(record.event.id, docname, use.lineno, use.kind, use.path))
    return found


def _log(finding: Finding) -> None:
    location = (finding.docname, finding.lineno) if finding.docname is not None else None
    if finding.level == INFO:
        logger.info("%s", finding.message, location=location)
        return
    log = logger.error if finding.level == ERROR else logger.warning
    assert finding.level in (ERROR, WARNING)
    log("%s", finding.message, location=location, type="event", subtype=finding.subtype)


def run_site_check(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: prove the links and run the content, on every build (the content can change without its
    pages). Returns the pages whose report changed, so Sphinx writes them again even when they were not edited."""
    state = site_state(env)
    previous = state.check
    records = list(valid_events(env))
    with warning_replay.live(app):  # these warnings speak for themselves and are never replayed
        check = check_site(
            Path(app.srcdir),
            [event_site(env, record) for record in records],
            _links(env),
            check_settings(app),
            line_writer(app),
            terminal=terminal(),
            report=_log,
        )
    state.check = check
    unpulled = set(check.unpulled)
    changed = []
    for record in records:
        event = record.event
        now, before = check.event(event.id), previous.event(event.id) if previous else None
        report = now.execution if now else None
        not_run = report is None and (
            bool(now and now.failures)
            or (check.execute and not event.content_path and (event.content_repo, event.content_branch) in unpulled)
        )
        if not_run or _without_run_time(report) != _without_run_time(before.execution if before else None):
            changed.append(record.docname)
    return sorted(set(changed))


def _without_run_time(report: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A report without the whole run's duration, which differs on every run."""
    return None if report is None else {key: value for key, value in report.items() if key != "duration"}
