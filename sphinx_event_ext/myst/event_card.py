"""The ``event`` directive for mystmd: validate the options as Sphinx does and render the event's card."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..model.config import EventConfig
from ..model.event import Event
from ..model.validate import ParseResult, parse_event
from ..plan.links import LinkError, event_binder_link, event_nbgitpuller_link
from ..plan.notify import heads_up_email, hub_team, issue_form_url, notification_email
from ..plan.prewarm import event_prewarm_text, prewarm_request
from ..plan.timing import format_utc_hours, notice
from . import ast
from .directive_data import DirectiveCall, default_id
from .outputs import SITE_FILES, write_event
from .problems import error_block

#: The card's links to its event's files: a path from the project's folder (a leading ``/``), which mystmd
#: resolves to the file, copies into the site and links there, in every export.
EVENTS_URL = f"/{SITE_FILES.as_posix()}"


def parse_call(call: DirectiveCall) -> ParseResult:
    """The event of a directive call, validated by the model layer exactly as for Sphinx."""
    return parse_event(call.arg, call.options, default_id=default_id(call.arg))


def _dates(event: Event) -> str:
    if len(event.days) == 1:
        return f"{event.start:%A} {event.start.isoformat()} (one day)"
    return f"{event.start.isoformat()} to {event.end.isoformat()} ({len(event.days)} days)"


def facts(event: Event) -> ast.Node:
    """The facts the hub team and attendees need (the Sphinx card's field list)."""
    items: list[tuple[str, list[ast.Node | str]]] = [
        ("Dates", [_dates(event)]),
        ("Active hours", [f"{event.active_hours_text} {event.timezone} ({format_utc_hours(event)})"]),
        ("Attendees", [str(event.attendees)]),
        ("Hub", [ast.link(event.hub)]),
        ("Pre-warming", [event_prewarm_text(event)]),  # the Sphinx card's sentence, which prewarm.json repeats
    ]
    if event.has_content:
        if event.content_repo:
            branch = f" (branch {event.content_branch})" if event.content_branch else ""
            items.append(("Content", [ast.link(event.content_repo), branch]))
        else:
            items.append(("Content", [f"in this repository: {event.content_path}"]))
    if event.environment_repo:
        items.append(("Environment", [ast.link(event.environment_repo)]))
    if event.image:
        items.append(("Image", [ast.code(event.image)]))
    if event.contact:
        items.append(("Contact", [event.contact]))
    if event.notified:
        items.append(("Hub team notified", [event.notified.isoformat()]))
    if event.ticket:
        items.append(("Ticket", [ast.link(event.ticket)]))
    if event.notes:
        items.append(("Notes", [event.notes]))
    return ast.definitions(items)


def attendee_buttons(event: Event) -> list[ast.Node]:
    """Open the content on the hub or on Binder, and add the event to a calendar."""
    buttons = []
    if event.content_repo:
        for label, make in (("Open on the hub", event_nbgitpuller_link), ("Try on Binder", event_binder_link)):
            try:
                buttons.append(ast.button(label, make(event)))
            except LinkError:
                continue  # the check reports it at the option; the card leaves the button out
    buttons.append(ast.button("Add to calendar", f"{EVENTS_URL}/{event.id}/event.ics"))
    return buttons


def organizer_buttons(event: Event, config: EventConfig, today: dt.date) -> list[ast.Node]:
    """Pre-filled messages to the hub team (where its address is known) and the pre-warm request."""
    team = hub_team(event.hub, config.support_email, config.issue_repo)
    request = prewarm_request(
        event, today=today, notice_days=config.notice_days, lead_minutes=config.prewarm_lead_minutes, page_url=None
    )
    buttons = []
    if team.support_email:
        buttons.append(ast.button("Notify the hub team", notification_email(request, to=team.support_email).mailto))
    if team.issue_repo:
        url = issue_form_url(request, repo=team.issue_repo, template=config.issue_template, hub_name=event.hub_name)
        buttons.append(ast.button("Open the event issue form", url))
    if team.support_email:
        buttons.append(ast.button("Heads-up email", heads_up_email(request, to=team.support_email).mailto))
    buttons.append(ast.button("Pre-warm request (JSON)", f"{EVENTS_URL}/{event.id}/prewarm.json"))
    return buttons


def event_card(event: Event, body: list[ast.Node], config: EventConfig, today: dt.date) -> ast.Node:
    """The card: title and notice; attendees' buttons first, then facts and the directive's text;
    the organizers' buttons at the foot."""
    verdict = notice(event, today, config.notice_days)
    body_nodes = [ast.button_row("For attendees:", attendee_buttons(event)), facts(event), *body]
    footer = [ast.button_row("For organizers:", organizer_buttons(event, config, today))]
    return ast.card(f"event-{event.id}", [ast.strong(event.title), " ", ast.badge(verdict.label)], body_nodes, footer)


def run_event(call: DirectiveCall, config: EventConfig, today: dt.date) -> list[ast.Node]:
    """The card of a valid event; else an error block naming each problem at its option's line."""
    result = parse_call(call)
    if result.event is None:
        problems = [
            (call.line_of(problem.option), f"event option {problem.option!r}: {problem.message}")
            for problem in result.problems
        ]
        return [error_block("This event's metadata has problems", problems)]
    write_event(Path.cwd() / SITE_FILES, result.event, config, today)  # what the buttons link to
    card: dict[str, Any] = event_card(result.event, call.body, config, today)
    # Read by the page transform (checklists and links of this page), then removed from the page.
    card["eventSource"] = {"title": call.arg, "options": call.options}
    return [card]
