"""Read the hub provider's support issue back: the event's facts in its free text.

Many event requests reach the provider as support tickets, tracked on GitHub with its Freshdesk
form (``08_freshdesk-ticket.yaml``: title ``[Support] <ticket name>``, fields ``ticket_id``,
``ticket_type``, ``ticket_impact``, ``description``, ``results``), with the dates, hours, attendee
count and hub written in prose. The form's headings are read line by line; the facts come from
:mod:`.free_text`, with the same honesty as the event form's reader: a fact written once is read as
likely, with where it was found; anything else is "not comparable" with the reason.
"""

from __future__ import annotations

import datetime as dt

from .free_text import bounded_lines, read_dates, read_free_attendees, read_free_hours, read_free_hub
from .ticket_parse import Issue, TicketReading, read_ticket

SUPPORT_TITLE = "[support]"
#: The support form's fields: id and the label that heads its value in the issue.
SUPPORT_FORM_FIELDS = {
    "ticket_id": "The Freshdesk ticket link",
    "ticket_type": "Ticket request type",
    "ticket_impact": "Ticket impact",
    "description": "Short ticket description",
    "results": "(Optional) Investigation results",
}
_NO_RESPONSE = "_No response_"
_LABELS = {" ".join(label.lower().split()): key for key, label in SUPPORT_FORM_FIELDS.items()}
#: The fields whose free text holds the event's facts.
FREE_TEXT_FIELDS = ("description", "results")


def support_fields(body: str) -> dict[str, str]:
    """The support form's values by field id, read line by line (``### <label>`` starts a field)."""
    values: dict[str, list[str]] = {}
    current: str | None = None
    for line in bounded_lines(body):
        if line.startswith("###"):
            label = " ".join(line.lstrip("#").strip().rstrip("#").lower().split())
            current = _LABELS.get(label)
            if current is not None:
                values.setdefault(current, [])
            continue
        if current is not None:
            values[current].append(line)
    texts = {key: "\n".join(lines).strip() for key, lines in values.items()}
    return {key: "" if text == _NO_RESPONSE else text for key, text in texts.items()}


def is_support_issue(issue: Issue) -> bool:
    """Whether the issue is a support ticket: its form's ``[Support]`` title, or its description heading."""
    return issue.title.lstrip().lower().startswith(SUPPORT_TITLE) or "description" in support_fields(issue.body)


def free_text(issue: Issue) -> str:
    """The prose to read: the description and investigation results, else the whole body."""
    fields = support_fields(issue.body)
    parts = [fields[key] for key in FREE_TEXT_FIELDS if fields.get(key)]
    return "\n".join(parts) if parts else issue.body


def read_support_issue(issue: Issue, *, timezone: str | None = None, first_day: dt.date | None = None) -> TicketReading:
    """Every compared field, from the support issue's free text; hours are read on the event's first day."""
    text = free_text(issue)
    dates = read_dates(text, issue.created)
    day = first_day or dates.start.value or issue.created
    return TicketReading(
        dates.start,
        dates.end,
        read_free_hours(text, day, timezone),
        read_free_attendees(text),
        read_free_hub(text),
        issue.title,
    )


def read_issue(issue: Issue, *, timezone: str | None = None, first_day: dt.date | None = None) -> TicketReading:
    """An issue read with the reader of its form: the support form's free text, else the event form."""
    reader = read_support_issue if is_support_issue(issue) else read_ticket
    return reader(issue, timezone=timezone, first_day=first_day)
