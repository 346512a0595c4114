"""The organizer's messages to attendees: try the material on Binder before the day, log in at the start,
and the materials afterwards.

They belong to the checklist steps ``triage``, ``log-in-early`` and ``share``. Each is rendered from a Jinja2
template (``event_templates/attendees/<step>.txt.jinja``; a site's ``event_attendee_templates`` folder may hold
its own wording or language under the same names): the first line is ``Subject: ...``, then a blank line, then
the plain-text body. Pure: every value comes from the event and the links passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from ..model.event import Event
from .notify import mailto_url
from .templates import template_root
from .timing import UTC, session_bounds

#: The checklist steps that come with a message, and when to send it relative to the event.
MESSAGE_STEPS = ("triage", "log-in-early", "share")
#: How many days before the start attendees should have tried the material (the triage deadline).
TRY_BY_DAYS = 3
_SUBJECT = "Subject:"


@dataclass(frozen=True)
class AttendeeMessage:
    """One drafted message: its step, the day to send it, and its text."""

    key: str
    send_on: dt.date
    subject: str
    body: str
    to: str

    @property
    def mailto(self) -> str:
        """A draft to the organizer's own address (or none); the attendees go in BCC, which only they know."""
        return mailto_url(self.to, self.subject, self.body)

    @property
    def text(self) -> str:
        """The plain-text file: for a mailing list or a course announcement."""
        return f"{_SUBJECT} {self.subject}\n\n{self.body}"


def send_on(key: str, event: Event) -> dt.date:
    """When to send each message: the triage note a week before the start, the login note the day before, the
    materials the day after the end."""
    return {
        "triage": event.start - dt.timedelta(days=7),
        "log-in-early": event.start - dt.timedelta(days=1),
        "share": event.end + dt.timedelta(days=1),
    }[key]


def organizer_address(event: Event) -> str:
    """The e-mail address in the event's ``contact``, or an empty string (the draft then has no recipient)."""
    address = parseaddr(event.contact or "")[1]
    return address if "@" in address else ""


def message_values(
    event: Event,
    *,
    hub_link: str,
    binder_link: str | None,
    page_url: str | None,
    calendar_url: str | None,
) -> dict[str, Any]:
    """What the templates may use; each name is documented in the how-to on attendees' messages."""
    begin = session_bounds(event, event.start)[0]
    return {
        "title": " ".join(event.title.split()),
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "try_by": (event.start - dt.timedelta(days=TRY_BY_DAYS)).isoformat(),
        "login_local": f"{begin:%H:%M} {event.timezone}",
        "login_utc": _utc_moment(begin),
        "hub": event.hub,
        "hub_link": hub_link,
        "binder_link": binder_link,
        "content_repo": event.content_repo,
        "environment_repo": event.environment_repo,
        "page_url": page_url,
        "calendar_url": calendar_url,
        "contact": event.contact,
    }


def _utc_moment(moment: dt.datetime) -> str:
    """``16:00 UTC``, with the UTC date when it is not the local one (``00:30 UTC on 2027-03-11``)."""
    utc = moment.astimezone(UTC)
    return f"{utc:%H:%M} UTC" if utc.date() == moment.date() else f"{utc:%H:%M} UTC on {utc.date().isoformat()}"


def _folder_state(folder: Path | None) -> tuple[tuple[str, int, int], ...]:
    """The site's template files as they are now (name, size, modification time): a file added, removed or
    edited makes another environment."""
    if folder is None or not folder.is_dir():
        return ()
    found = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".jinja")), key=lambda entry: entry.name)
    return tuple((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns) for entry in found)


def _environment(folder: Path | None) -> jinja2.Environment:
    """The templates' environment, made once per state of the site's template folder, so each template is
    compiled once, not once per event (a site of 120 events spent a second of every check compiling them)."""
    return _environment_for(folder, _folder_state(folder))


@cache
def _environment_for(folder: Path | None, state: tuple[tuple[str, int, int], ...]) -> jinja2.Environment:
    root = template_root().joinpath("attendees")
    packaged = jinja2.FunctionLoader(lambda name: str(root.joinpath(name).read_text("utf-8")))
    loaders: list[jinja2.BaseLoader] = [packaged]
    if folder is not None:
        loaders.insert(0, jinja2.FileSystemLoader(folder))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain text: a mail body, never HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class MessageTemplateError(ValueError):
    """A site's message template that does not render, or has no ``Subject:`` line."""


def render_messages(event: Event, values: Mapping[str, Any], folder: Path | None = None) -> list[AttendeeMessage]:
    """The three messages for ``event``, from the site's templates in ``folder`` where it has them."""
    environment = _environment(folder)
    messages = []
    for key in MESSAGE_STEPS:
        name = f"{key}.txt.jinja"
        try:
            text = environment.get_template(name).render(values)
        except jinja2.TemplateError as error:
            raise MessageTemplateError(f"the attendees' message template {name}: {error}") from None
        first, _, body = text.lstrip("\n").partition("\n")
        if not first.startswith(_SUBJECT):
            raise MessageTemplateError(f"the attendees' message template {name} must start with '{_SUBJECT} ...'")
        subject = " ".join(first[len(_SUBJECT) :].split())
        messages.append(AttendeeMessage(key, send_on(key, event), subject, body.lstrip("\n"), organizer_address(event)))
    return messages
