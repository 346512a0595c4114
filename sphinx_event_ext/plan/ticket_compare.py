"""Compare an event page with the hub team's issue for it, field by field.

The provider's guide asks organizers to check the issue the hub team opens from their
email. Each field is the same, differs (with both values), or is not comparable (with
the reason), so a vague issue is reported as vague instead of as wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..model.event import Event
from ..model.memory import parse_memory
from .free_text import read_intake, storage_text
from .support_issue import read_issue
from .ticket_parse import Hours, Issue, Reading, TicketReading, issue_from_json, normalise_hub

SAME = "same"
DIFFERS = "differs"
NOT_COMPARABLE = "not comparable"


@dataclass(frozen=True)
class FieldCheck:
    """One compared field, named by the event option it checks."""

    option: str
    status: str
    page: str
    issue: str
    note: str = ""


def _utc_span(begin: dt.datetime, end: dt.datetime) -> str:
    return f"{begin:%H:%M}-{end:%H:%M} UTC"


def _hours_text(hours: Hours, day: dt.date) -> str:
    zone = hours.zone
    name = zone.name if zone.written == zone.name else f"{zone.name} ({zone.written})"
    return f"{hours.begin:%H:%M}-{hours.end:%H:%M} {name} = {_utc_span(*hours.on(day))}"


def _check(option: str, page_value: Any, page_text: str, reading: Reading[Any], issue_text: str) -> FieldCheck:
    if not reading.comparable:
        return FieldCheck(option, NOT_COMPARABLE, page_text, reading.raw.strip(), reading.reason or "")
    status = SAME if page_value == reading.value else DIFFERS
    note = reading.note if reading.confidence != "certain" or status == DIFFERS else ""
    return FieldCheck(option, status, page_text, issue_text, note)


def compare(event: Event, reading: TicketReading) -> list[FieldCheck]:
    """start, end, active-hours (UTC instants on the first day), attendees and hub, in that order."""
    day = event.start
    begin, end = event.active_hours
    page_hours = (
        dt.datetime.combine(day, begin, event.zone).astimezone(dt.timezone.utc),
        dt.datetime.combine(day, end, event.zone).astimezone(dt.timezone.utc),
    )
    hours = reading.active_hours
    issue_hours = hours.value.on(day) if hours.value else None
    return [
        _check("start", event.start, event.start.isoformat(), reading.start, _day(reading.start)),
        _check("end", event.end, event.end.isoformat(), reading.end, _day(reading.end)),
        _check(
            "active-hours",
            page_hours,
            f"{event.active_hours_text} {event.timezone} = {_utc_span(*page_hours)}",
            Reading(hours.raw, issue_hours, hours.confidence, hours.reason, hours.note),
            _hours_text(hours.value, day) if hours.value else "",
        ),
        _check("attendees", event.attendees, str(event.attendees), reading.attendees, str(reading.attendees.value)),
        _check("hub", normalise_hub(event.hub), normalise_hub(event.hub), reading.hub, str(reading.hub.value)),
    ]


def _day(reading: Reading[dt.date]) -> str:
    return reading.value.isoformat() if reading.value else ""


def compare_ticket(event: Event, issue: Issue) -> list[FieldCheck]:
    """Read the issue (the event form, or a support ticket's free text) against the event's zone and first day,
    then compare every field, and the intake answers the issue states."""
    reading = read_issue(issue, timezone=event.timezone, first_day=event.start)
    return compare(event, reading) + compare_intake(event, read_intake(issue.body))


def compare_intake(event: Event, stated: dict[str, Reading[Any]]) -> list[FieldCheck]:
    """kind, similar-before and storage-per-user, each only where the issue states it."""
    similar = event.similar_before
    page: dict[str, tuple[Any, str]] = {
        "kind": (event.kind, event.kind or ""),
        "similar-before": (None if similar is None else ("no" if similar == "no" else "yes"), similar or ""),
        "storage-per-user": (
            parse_memory(event.storage_per_user) if event.storage_per_user else None,
            storage_text(parse_memory(event.storage_per_user)) if event.storage_per_user else "",
        ),
    }
    checks = []
    for option, reading in stated.items():
        value, text = page[option]
        shown = storage_text(reading.value) if option == "storage-per-user" and reading.value else str(reading.value)
        if value is None:
            checks.append(FieldCheck(option, NOT_COMPARABLE, "", reading.raw.strip(), "the page does not say"))
        else:
            checks.append(_check(option, value, text, reading, shown))
    return checks


def differences(checks: list[FieldCheck]) -> list[FieldCheck]:
    """The fields where the issue says something else than the page."""
    return [check for check in checks if check.status == DIFFERS]


def ticket_proof(checks: list[FieldCheck]) -> str | None:
    """Why the checklist's "check the hub team's issue" step is done, or ``None`` when it is not proven.

    Proven when nothing differs and at least one field could be compared.
    """
    same = [check.option for check in checks if check.status == SAME]
    if differences(checks) or not same:
        return None
    vague = [check.option for check in checks if check.status == NOT_COMPARABLE]
    text = f"the hub team's issue says the same {', '.join(same)} as this page"
    return text + (f" ({', '.join(vague)} not comparable)" if vague else "")


def ticket_evidence_record(
    event: Event, issue: Issue, checks: list[FieldCheck], read_on: dt.date, ticket: str | None
) -> dict[str, Any]:
    """What ``sphinx-event ticket`` keeps in the evidence store (``ticket.schema.json``): the issue as it was
    read, so every build can compare it with the page as the page is then, each field, and the result."""
    proof = ticket_proof(checks)
    differing = [check.option for check in differences(checks)]
    if proof:
        summary = proof
    elif differing:
        summary = f"the hub team's issue differs from this page in {', '.join(differing)}"
    else:
        summary = "no field of the hub team's issue could be compared with this page"
    return {
        "schema_version": "1",
        "event": event.id,
        "date": read_on.isoformat(),
        "ticket": ticket,
        "issue": {
            "title": issue.title,
            "body": issue.body,
            "created_at": issue.created.isoformat(),
            "html_url": issue.url,
        },
        "ok": proof is not None,
        "summary": f"{summary} (read on {read_on.isoformat()})",
        "checks": [
            {"option": c.option, "status": c.status, "page": c.page, "issue": c.issue, "note": c.note} for c in checks
        ],
    }


def kept_ticket_proof(event: Event, record: dict[str, Any]) -> str | None:
    """Why the ticket step is done, from a kept record (valid against its schema): its issue compared with the
    page as it is now, so a page edited since no longer counts as checked against the issue."""
    if record.get("event") != event.id:
        return None
    try:
        issue = issue_from_json(record["issue"])
    except ValueError:
        return None
    proof = ticket_proof(compare_ticket(event, issue))
    return f"{proof} (read back by sphinx-event ticket on {record['date']})" if proof else None
