"""Honest plain builds: the end of a build says what it did not check, and which command does."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ..content.results import CACHED, EXPECTED_ERRORS, FAILED, PASSED
from ..model.config import settings
from .collector import ValidRecord, event_for, pages, valid_events
from .link_roles import branch_not_verified
from .progress import line_writer
from .state import site_state

logger = logging.getLogger(__name__)


def unchecked(app: Sphinx) -> list[str]:
    """What this build left unchecked in the events' content; empty for ``sphinx-event check``."""
    events = [record.event for record in valid_events(app.env) if record.event.has_content]
    config = settings(app.config)
    missed = []
    if events and not config.execute:
        missed.append("did not run the notebooks (event_execute)")
    remote = [event for event in events if event.content_repo and not event.content_path]
    if remote and not config.verify_links:
        missed.append(
            "did not verify links into content pulled from a content-repo (event_verify_links; "
            "links into content-path copies were checked)"
        )
    return missed


def report_unchecked(app: Sphinx, exception: Exception | None) -> None:
    """One line at the end of the build, so a green plain build is not read as a checked workshop."""
    if exception is not None or app.env is None:
        return
    missed = unchecked(app)
    if missed:
        logger.info("events: this build %s; sphinx-event check checks everything", " and ".join(missed))
    if app.builder.format == "html" and not app.config.html_baseurl and any(valid_events(app.env)):
        logger.info(
            "events: the calendars and pre-warm requests have no link to the event pages; set html_baseurl in "
            'conf.py to the address the site is published at (html_baseurl = "https://events.example.org/")'
        )


def _link_counts(app: Sphinx) -> dict[str, int]:
    """How many links (card buttons, roles, table rows) lead into each event's content."""
    counts: dict[str, int] = {}
    for docname, data in pages(app.env).items():
        for use in data.links:
            record = event_for(app.env, docname, use.event_id)
            if record is not None:
                counts[record.event.id] = counts.get(record.event.id, 0) + 1
    return counts


def _against(record: ValidRecord) -> str:
    """What an event's links were proven against: the repository nbgitpuller pulls, or a local copy whose branch
    the repository was asked for."""
    event = record.event
    branch = f" at {event.content_branch}" if event.content_branch else " at its default branch"
    if event.content_path:
        return f"the local copy {event.content_path} (the branch found in {event.content_repo}{branch})"
    return f"{event.content_repo}{branch}"


def check_summary(app: Sphinx) -> list[str]:
    """What a check proved, said at its end: events, links and what they were proven against, notebooks run,
    taken from an earlier check's cache, or failed, and the events that have no content to check."""
    records = list(valid_events(app.env))
    state = site_state(app.env)
    proven, unverified = state.links.proven, state.links.unverified_branches
    results: dict[str, dict[str, Any]] = state.execution
    counts = _link_counts(app)
    lines = [f"events: {len(records)} event(s) checked"]
    for record in records:
        event = record.event
        if not event.has_content:
            continue
        parts = []
        if event.id in proven:
            parts.append(f"{counts.get(event.id, 0)} link(s) proven against {_against(record)}")
        elif event.id in unverified:
            parts.append(f"{counts.get(event.id, 0)} link(s) {branch_not_verified(unverified[event.id])}")
        elif counts.get(event.id):
            parts.append(f"{counts[event.id]} link(s) not all proven")
        report = results.get(event.id)
        if report is None:
            parts.append("notebooks not run")
        else:
            statuses = [notebook["status"] for notebook in report["notebooks"]]
            ran = sum(status in (PASSED, EXPECTED_ERRORS) for status in statuses)
            parts.append(
                f"{ran} notebook(s) ran, {statuses.count(CACHED)} from the cache of an earlier check, "
                f"{statuses.count(FAILED)} failed"
            )
        lines.append(f"  {event.id}: " + "; ".join(parts))
    empty = sorted(record.event.id for record in records if not record.event.has_content)
    if empty:
        lines.append(f"  no content to check (no content-repo or content-path): {', '.join(empty)}")
    return lines


def report_check(app: Sphinx, exception: Exception | None) -> None:
    """At the end of a check (links verified and content run), what it proved."""
    config = settings(app.config)
    if exception is not None or app.env is None or not (config.verify_links and config.execute):
        return
    write = line_writer(app)
    for line in check_summary(app):
        write(line)
