"""With ``event_verify_ticket``, read each event's hub-team issue and warn where it differs from the page."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..model.config import settings
from . import warning_replay
from .collector import ValidRecord, pages, valid_events
from .state import site_state

logger = logging.getLogger(__name__)

_FENCE = re.compile(r"^\s*(`{3,}|:{3,})")


def option_line(source: Path, directive_line: int, option: str) -> int | None:
    """The line of ``:option:`` (or ``option:`` in a YAML block) inside the directive starting at ``directive_line``."""
    try:
        lines = source.read_text("utf-8").splitlines()
    except OSError:
        return None
    wanted = re.compile(rf"^\s*:?{re.escape(option)}:(\s|$)")
    for number in range(directive_line, len(lines)):
        line = lines[number]
        if _FENCE.match(line):
            return None
        if wanted.match(line):
            return number + 1
    return None


def _location(env: BuildEnvironment, record: ValidRecord) -> tuple[str, int]:
    line = option_line(Path(env.doc2path(record.docname)), record.lineno, "ticket")
    return record.docname, line or record.lineno


def _check(env: BuildEnvironment, record: ValidRecord) -> str | None:
    event = record.event
    assert event.ticket is not None  # only events with a ticket are checked
    # The HTTP client and the issue's parser load only when tickets are read.
    from ..content.github_issue import IssueError, fetch_issue
    from ..plan.ticket_compare import compare_ticket, differences, ticket_proof

    location = _location(env, record)
    try:
        issue = fetch_issue(event.ticket)
    except IssueError as error:
        logger.warning("ticket of event %r: %s", event.id, error, location=location, type="event", subtype="ticket")
        return None
    checks = compare_ticket(event, issue)
    for check in differences(checks):
        note = f" ({check.note})" if check.note else ""
        logger.warning(
            "the hub team's issue %s differs from event %r in %s: the page says %s, the issue says %s%s",
            event.ticket,
            event.id,
            check.option,
            check.page,
            check.issue,
            note,
            location=location,
            type="event",
            subtype="ticket",
        )
    return ticket_proof(checks)


def verify_tickets(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Compare every event that has a ``ticket`` with its issue, on every build (the issue can change
    without the page); proofs are kept for the checklists.

    Returns the pages with checklists when a proof changed, so Sphinx writes them again.
    """
    state = site_state(env)
    previous = state.ticket_proofs
    proofs: dict[str, str] = {}
    if settings(app.config).verify_ticket:
        with warning_replay.live(app):
            for record in valid_events(env):
                if record.event.ticket:
                    proof = _check(env, record)
                    if proof:
                        proofs[record.event.id] = proof
    state.ticket_proofs = proofs
    if proofs == previous:
        return []
    return sorted(docname for docname, data in pages(env).items() if data.lists_events or data.checklists)


def ticket_evidence(env: BuildEnvironment, event_id: str) -> dict[str, str]:
    """What the checklist of an event may mark done because of its issue."""
    proof = site_state(env).ticket_proofs.get(event_id)
    return {"ticket": proof} if proof else {}
