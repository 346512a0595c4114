"""``sphinx-event new``: write a new event page from a template, validated before it is written.

With ``--from-issue`` the values come from the hub team's issue (flags win). What the issue
leaves unclear becomes a ``FILL IN:`` placeholder; the page is written anyway, and validation
then reports exactly the placeholders, each at its line, until someone fills them in.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..content.github_issue import IssueError, read_issue
from ..model.event import Problem
from ..model.formats import parse_date
from ..model.schema import load_schema, required_options
from ..model.validate import parse_event, placeholder_hint, slugify
from ..plan.templates import PAGE_TEMPLATES, render_page
from ..plan.ticket_page import event_title, issue_options, placeholder
from ..plan.ticket_parse import Issue
from ..util.atomic import write_atomic
from .scan import FoundEvent, scan_text
from .site import report

#: Optional event options that ``new`` takes as flags, besides the title, the required options and ``id``.
OPTIONAL = ("content-repo", "content-branch", "content-path", "contact", "notified", "ticket")


def _required() -> list[str]:
    """The title (the directive's argument) and the required options, in the schema's order."""
    return ["title", *required_options()]


class NewPageError(Exception):
    """Why a page cannot be written; each line is one problem."""


def _dest(option: str) -> str:
    return option.replace("-", "_")


#: What to type, shown in place of the value's name in --help.
_FORMATS = {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "active-hours": "HH:MM-HH:MM"}


def add_event_options(command: argparse.ArgumentParser, *, required_help: str) -> None:
    """The event's options as flags, with the schema's descriptions as help."""
    properties = load_schema()["properties"]
    for option in (*_required(), "id", *OPTIONAL):
        text = properties[option]["description"]
        if option == "id":
            text = f"The event's id and the page's name, ID.md: {properties[option]['x-expected']}. Default: a slug of the title."
        suffix = f" {required_help}" if option in _required() else ""
        metavar = _FORMATS.get(option, option.upper().replace("-", "_"))
        command.add_argument(f"--{option}", dest=_dest(option), metavar=metavar, help=text + suffix)


#: How many times one value is asked for again before ``new`` gives up (and says why).
ASK_AGAIN = 5


def _ask(option: str, values: dict[str, Any]) -> str:
    """One value from the terminal; the end date offers the start date (a one-day event) as its default."""
    expected = load_schema()["properties"][option]["x-expected"] if option != "title" else "the event's name"
    default = str(values.get("start") or "") if option == "end" else ""
    try:
        parse_date(default)
    except ValueError:
        default = ""  # a start that is not a date is no default
    shown = f" [{default}]" if default else ""
    return input(f"{option} ({expected}){shown}: ").strip() or default


def _refused(values: dict[str, Any], asked: list[str]) -> list[Problem]:
    """The problems of the values typed in the terminal (a flag's own problem is reported as before)."""
    title = _one_line(str(values.get("title") or "")) or "untitled"
    options = event_options(values)
    slug = options.get("id") or slugify(title) or "event"
    problems = parse_event(title, options, default_id=slug, page_dir=Path(".")).problems
    return sorted((problem for problem in problems if problem.option in asked), key=lambda p: asked.index(p.option))


def ask_missing(values: dict[str, Any], options: Sequence[str]) -> list[str]:
    """Ask for each missing required value when a terminal is attached, and again for a typed value that is not
    valid (keeping the others); the ones still missing."""
    missing = [option for option in options if not values.get(_dest(option))]
    if not missing or not sys.stdin.isatty():
        return missing
    for option in missing:
        values[_dest(option)] = _ask(option, values)
    for _ in range(ASK_AGAIN):
        problems = _refused(values, missing)
        if not problems:
            break
        for problem in problems:
            print(f"{problem.option}: {problem.message}; please type it again", file=sys.stderr)
            values[_dest(problem.option)] = _ask(problem.option, values)
    return [option for option in options if not values.get(_dest(option))]


def event_options(values: dict[str, Any]) -> dict[str, str]:
    """The directive's raw option strings (without the title) from the given values."""
    names = (*required_options(), "id", *OPTIONAL)
    return {name: str(values[_dest(name)]) for name in names if values.get(_dest(name))}


def _one_line(title: str) -> str:
    return " ".join(title.split())  # one line, as the directive reads it


def _flag_errors(problems: list[Problem]) -> NewPageError:
    return NewPageError("\n".join(f"--{problem}" for problem in problems))


def _render(
    template: str, title: str, options: dict[str, str], folder: Path, **extra: Any
) -> tuple[Path, str, FoundEvent]:
    """The page's path, text and what validation finds in it; an existing page is never replaced."""
    path = folder / f"{options['id']}.md"
    if path.exists():
        raise NewPageError(f"{path} already exists; choose another --id, or edit that page")
    page_values = {_dest(name): value for name, value in options.items()}
    text = render_page(template, {**page_values, **extra, "title": title})
    found = scan_text(text, path, options["id"])
    if len(found) != 1:
        raise NewPageError(f"the {template} template gave {len(found)} events instead of one")
    return path, text, found[0]


def _unexpected(found: FoundEvent, placeholders: list[str]) -> None:
    """Raise unless validation refuses exactly the placeholders, as the organizer will see it."""
    problems = found.result.problems
    named = sorted(problem.option for problem in problems if problem.message.startswith("to fill in: "))
    if named != sorted(placeholders) or len(problems) != len(placeholders):
        others = [str(problem) for problem in problems if problem.option not in placeholders]
        raise NewPageError(f"the page template gave an invalid page: {'; '.join(others) or 'placeholders lost'}")


def render_event_page(template: str, values: dict[str, Any], folder: Path) -> tuple[Path, str]:
    """The path and text of a new, valid event page in ``folder``; raises :class:`NewPageError` otherwise."""
    options = event_options(values)
    title = _one_line(str(values["title"]))
    options["id"] = options.get("id") or slugify(title)
    result = parse_event(title, options, default_id=options["id"], page_dir=folder)
    if result.problems:
        raise _flag_errors(result.problems)
    path, text, found = _render(template, title, options, folder)
    _unexpected(found, [])
    return path, text


def issue_page_options(issue: Issue, title: str, given: dict[str, str], folder: Path) -> dict[str, str]:
    """The issue's option values under the flags' (``given``), with a placeholder for every value the page
    would refuse: a vague one, a required one the issue lacks, or one the issue gives that does not validate."""
    properties = load_schema()["properties"]
    options = {**issue_options(issue), **given}
    for name in required_options():
        options.setdefault(name, placeholder(properties[name]["x-expected"], "the issue does not say"))
    options["id"] = options.get("id") or slugify(title)
    for _ in range(len(options)):  # a refused value can hide a problem between options (end before start)
        problems = parse_event(title, options, default_id=options["id"], page_dir=folder).problems
        refused = [problem for problem in problems if placeholder_hint(options.get(problem.option)) is None]
        flagged = [problem for problem in refused if problem.option not in options or problem.option in given]
        if flagged:
            raise _flag_errors(flagged)
        if not refused:
            break
        for problem in refused:
            options[problem.option] = placeholder(problem.message, "as read from the issue")
    return options


def render_issue_page(template: str, issue: Issue, values: dict[str, Any], folder: Path) -> tuple[Path, str, list[str]]:
    """The path and text of a page started from an issue, and what validation will ask to fill in there."""
    title = _one_line(str(values.get("title") or event_title(issue)))
    if not title:
        raise NewPageError("--title: the issue has no title; give the event's title with --title")
    options = issue_page_options(issue, title, event_options(values), folder)
    placeholders = [name for name, value in options.items() if placeholder_hint(value) is not None]
    from_issue = issue.url or values["from_issue"]
    path, text, found = _render(template, title, options, folder, from_issue=from_issue, placeholders=placeholders)
    _unexpected(found, placeholders)
    return path, text, report([found])


def _fail(message: str) -> int:
    for line in message.splitlines():
        print(f"sphinx-event new: error: {line}", file=sys.stderr)
    return 2


def run_from_issue(args: argparse.Namespace) -> int:
    """Write a page from the hub team's issue, placeholders and all; list what is left to fill in."""
    try:
        issue = read_issue(args.from_issue)
        path, text, to_fill = render_issue_page(args.template, issue, vars(args), args.dir)
    except (IssueError, NewPageError) as error:
        return _fail(str(error))
    write_atomic(path, text)
    source = issue.url or args.from_issue
    if not to_fill:
        print(
            f"sphinx-event new: wrote {path} from {source}; check it with: sphinx-event validate {path}",
            file=sys.stderr,
        )
        return 0
    print(f"sphinx-event new: wrote {path} from {source}; {len(to_fill)} value(s) to fill in:", file=sys.stderr)
    for line in to_fill:
        print(f"  {line}", file=sys.stderr)
    print(f"sphinx-event new: fill them in, then check the page with: sphinx-event validate {path}", file=sys.stderr)
    return 0


def run_new(args: argparse.Namespace) -> int:
    """Write a new event page from a template into ``--dir``."""
    if args.from_issue is not None:
        return run_from_issue(args)
    values = vars(args)
    missing = ask_missing(values, _required())
    if missing:
        flags = ", ".join(f"--{option}" for option in missing)
        return _fail(
            f"missing required values: {flags} (give them as options, or run in a terminal to be asked for them)"
        )
    try:
        path, text = render_event_page(args.template, values, args.dir)
    except NewPageError as error:
        return _fail(str(error))
    write_atomic(path, text)
    print(f"sphinx-event new: wrote {path}; check it with: sphinx-event validate {path}", file=sys.stderr)
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``new``."""
    new = subparsers.add_parser(
        "new",
        help="write a new event page from a template",
        description="Write docs/events/ID.md for a new event, from a template (workshop, hackathon or course), "
        "with the event directive filled in from the flags, from the hub team's issue (--from-issue), or from "
        "answers in a terminal, where a value that is not valid is asked for again. Nothing is overwritten.",
    )
    new.add_argument(
        "--template", choices=PAGE_TEMPLATES, default="workshop", help="the kind of event (default: workshop)"
    )
    add_event_options(new, required_help="Required, or read from --from-issue; asked for in a terminal when missing.")
    new.add_argument(
        "--from-issue",
        metavar="FILE_OR_URL",
        help="start the page from the hub team's event issue: a GitHub issue URL, fetched through the REST API "
        "(with GITHUB_TOKEN when set), or a file with the issue's JSON as that API returns it. Clear values are "
        "filled in and the issue's URL becomes the ticket; flags given as well win. What the issue leaves unclear "
        "is written as a 'FILL IN: ...' placeholder, which validate reports until it is replaced. "
        "Nothing is asked for in a terminal.",
    )
    new.add_argument(
        "--dir",
        type=Path,
        default=Path("docs/events"),
        metavar="DIR",
        help="the folder of the new page (default: docs/events)",
    )
    new.set_defaults(func=run_new)
    return new
