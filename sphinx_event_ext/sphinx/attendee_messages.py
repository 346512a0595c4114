"""The attendees' messages of an event as this build renders them: links from the event, the page's public
address from ``html_baseurl``, wording from the site's templates folder where it has one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from ..model.config import settings
from ..model.event import Event
from ..plan.attendees import AttendeeMessage, MessageTemplateError, message_values, render_messages
from ..plan.links import LinkError, event_binder_link, event_nbgitpuller_link
from ..plan.site_layout import event_file
from .collector import ValidRecord

logger = logging.getLogger(__name__)


def _link(make: Callable[[Event], str], event: Event) -> str | None:
    try:
        return make(event) if event.content_repo else None
    except LinkError:
        return None  # the card already warns about a link it cannot make


def attendee_messages(app: Sphinx, record: ValidRecord, page_url: str | None) -> list[AttendeeMessage]:
    """The event's three messages; none, with a warning at the event, when the site's template is broken."""
    event = record.event
    base = (app.config.html_baseurl or "").rstrip("/")
    values = message_values(
        event,
        hub_link=_link(event_nbgitpuller_link, event) or event.hub,
        binder_link=_link(event_binder_link, event),
        page_url=page_url,
        calendar_url=f"{base}/{event_file(event.id, 'event.ics')}" if base else None,
    )
    folder = settings(app.config).attendee_templates
    try:
        return render_messages(event, values, Path(app.confdir) / folder if folder else None)
    except MessageTemplateError as error:
        logger.warning("%s", error, location=(record.docname, record.lineno), type="event", subtype="template")
        return []
