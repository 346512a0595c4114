"""Honest plain builds: the end of a build says what it did not check, and which command does.

What a check proved is said by ``sphinx-event check`` itself, from the check core's record
(content/check_summary.py), not by the build."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util import logging

from ..model.config import settings
from .collector import valid_events

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
