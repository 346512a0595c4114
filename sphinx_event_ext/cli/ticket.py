"""``sphinx-event ticket``: compare one event with the hub team's issue for it, field by field."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..content.github_issue import IssueError, fetch_issue, load_issue
from ..content.store import ticket_record
from ..model.config import resolve_today
from ..plan.ticket_compare import FieldCheck, compare_ticket, differences, ticket_evidence_record
from ..util.atomic import dumps, write_atomic
from ..util.sanitize import one_line
from .scan import scan
from .site import add_event_flag, add_source, conf_values, relative, report, site_state_folder

COLUMNS = ("Field", "Result", "Page", "Issue", "Note")


def _cell(text: str) -> str:
    """One line, ``|`` escaped for Markdown and control characters shown escaped (the parser escaped the issue's
    already; this keeps any other text from reaching the terminal raw)."""
    return one_line(" ".join(text.replace("|", "\\|").split()))


def comparison_table(checks: list[FieldCheck]) -> str:
    """A Markdown table, readable in a terminal and ready to paste into the issue as a comment."""
    rows = [COLUMNS, *[(c.option, c.status, c.page, c.issue, c.note) for c in checks]]
    cells = [[_cell(text) for text in row] for row in rows]
    widths = [max(len(row[n]) for row in cells) for n in range(len(COLUMNS))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(cells[0]), rule, *[line(row) for row in cells[1:]]]) + "\n"


def _fail(message: str) -> int:
    print(f"sphinx-event ticket: error: {message}", file=sys.stderr)
    return 2


def run_ticket(args: argparse.Namespace) -> int:
    """Print the comparison table; exit 1 when a field differs, 2 when the comparison cannot be made."""
    source: Path = args.source
    if not source.exists():
        return _fail(f"no such file or folder: {source}")
    everything = scan([source])
    events = [item.result.event for item in everything if item.result.event and item.result.event.id == args.event]
    if not events:
        for line in report(everything):
            print(line, file=sys.stderr)
        return _fail(f"no valid event with id {args.event!r} in {source}")
    event = events[0]
    try:
        if args.issue is not None:
            issue = load_issue(args.issue)
        elif event.ticket:
            issue = fetch_issue(event.ticket)
        else:
            return _fail(f"event {event.id!r} has no ticket option; add it, or pass the issue with --issue FILE")
    except IssueError as error:
        return _fail(str(error))
    checks = compare_ticket(event, issue)
    sys.stdout.write(comparison_table(checks))
    kept = ticket_record(args.state or site_state_folder(source), event.id)
    ticket = event.ticket if args.issue is None else None
    write_atomic(kept, dumps(ticket_evidence_record(event, issue, checks, _today(source), ticket)))
    print(f"sphinx-event ticket: the comparison is kept in {relative(kept)}", file=sys.stderr)
    differing = differences(checks)
    if differing:
        names = ", ".join(check.option for check in differing)
        print(f"sphinx-event ticket: the issue differs from the page in: {names}", file=sys.stderr)
        return 1
    return 0


def _today(source: Path) -> dt.date:
    """The site's "today" (``event_today``, else ``SOURCE_DATE_EPOCH``, else the date), as its build has it."""
    try:
        today = conf_values(source).get("event_today")
        return resolve_today(today if isinstance(today, str) else None)
    except Exception:  # a conf.py that does not run here, or a bad event_today: the build says so; this dates a record
        return resolve_today(None)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``ticket`` on the main parser."""
    ticket = commands.add_parser(
        "ticket",
        help="compare an event with the hub team's issue for it",
        description="Read the hub team's GitHub issue for an event (its ticket URL, fetched through GitHub's REST "
        "API, or a saved copy with --issue) and compare its dates, hours, attendee count and hub with the event "
        "page, one line per field. Exit status 1 when a field differs.",
    )
    add_source(ticket, "the folder (or MyST file) with the event")
    add_event_flag(ticket, "the event's id", required=True)
    ticket.add_argument(
        "--issue",
        type=Path,
        default=None,
        metavar="FILE",
        help="the issue as GitHub's REST API returns it (JSON with body, title, created_at); "
        "by default the event's ticket URL is fetched, with GITHUB_TOKEN when set",
    )
    ticket.add_argument(
        "--state",
        type=Path,
        default=None,
        metavar="DIR",
        help="the build's state folder, where the comparison is kept in event-evidence/tickets/<id>.json for the "
        "checklist (default: the site's _build/doctrees, or _build/events in a mystmd project, as for check)",
    )
    ticket.set_defaults(func=run_ticket)
    return ticket
