"""``sphinx-event new``: write a new event page from a template, validated before it is written."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..model.schema import load_schema, required_options
from ..model.validate import parse_event, slugify
from ..plan.templates import PAGE_TEMPLATES, render_page
from ..util.atomic import write_atomic
from .scan import scan_text

#: Optional event options that ``new`` takes as flags, besides the title, the required options and ``id``.
OPTIONAL = ("content-repo", "content-branch", "content-path", "contact", "notified")


def _required() -> list[str]:
    """The title (the directive's argument) and the required options, in the schema's order."""
    return ["title", *required_options()]


class NewPageError(Exception):
    """Why a page cannot be written; each line is one problem."""


def _dest(option: str) -> str:
    return option.replace("-", "_")


def add_event_options(command: argparse.ArgumentParser, *, required_help: str) -> None:
    """The event's options as flags, with the schema's descriptions as help."""
    properties = load_schema()["properties"]
    for option in (*_required(), "id", *OPTIONAL):
        text = properties[option]["description"]
        if option == "id":
            text = f"The event's id and the page's name, ID.md: {properties[option]['x-expected']}. Default: a slug of the title."
        suffix = f" {required_help}" if option in _required() else ""
        command.add_argument(
            f"--{option}", dest=_dest(option), metavar=option.upper().replace("-", "_"), help=text + suffix
        )


def ask_missing(values: dict[str, Any], options: Sequence[str]) -> list[str]:
    """Ask for each missing required value when a terminal is attached; the ones still missing."""
    missing = [option for option in options if not values.get(_dest(option))]
    if not missing or not sys.stdin.isatty():
        return missing
    properties = load_schema()["properties"]
    for option in missing:
        values[_dest(option)] = input(f"{option} ({properties[option]['x-expected']}): ").strip()
    return [option for option in options if not values.get(_dest(option))]


def event_options(values: dict[str, Any]) -> dict[str, str]:
    """The directive's raw option strings (without the title) from the given values."""
    names = (*required_options(), "id", *OPTIONAL)
    return {name: str(values[_dest(name)]) for name in names if values.get(_dest(name))}


def render_event_page(template: str, values: dict[str, Any], folder: Path) -> tuple[Path, str]:
    """The path and text of a new, valid event page in ``folder``; raises :class:`NewPageError` otherwise."""
    options = event_options(values)
    title = " ".join(str(values["title"]).split())  # one line, as the directive reads it
    page_id = options.get("id") or slugify(title)
    options["id"] = page_id
    result = parse_event(title, options, default_id=page_id, page_dir=folder)
    if result.problems:
        raise NewPageError("\n".join(f"--{problem}" for problem in result.problems))
    path = folder / f"{page_id}.md"
    if path.exists():
        raise NewPageError(f"{path} already exists; choose another --id, or edit that page")
    page_values = {_dest(name): value for name, value in options.items()}
    text = render_page(template, {**page_values, "title": title})
    found = scan_text(text, path, page_id)
    problems = [str(problem) for item in found for problem in item.result.problems]
    if len(found) != 1 or problems:
        raise NewPageError(f"the {template} template gave an invalid page: {'; '.join(problems) or 'no event'}")
    return path, text


def run_new(args: argparse.Namespace) -> int:
    """Write a new event page from a template into ``--dir``."""
    values = vars(args)
    missing = ask_missing(values, _required())
    if missing:
        flags = ", ".join(f"--{option}" for option in missing)
        print(
            f"sphinx-event new: error: missing required values: {flags} "
            "(give them as options, or run in a terminal to be asked for them)",
            file=sys.stderr,
        )
        return 2
    try:
        path, text = render_event_page(args.template, values, args.dir)
    except NewPageError as error:
        for line in str(error).splitlines():
            print(f"sphinx-event new: error: {line}", file=sys.stderr)
        return 2
    write_atomic(path, text)
    print(f"sphinx-event new: wrote {path}; check it with: sphinx-event validate {path}", file=sys.stderr)
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``new``."""
    new = subparsers.add_parser("new", help="write a new event page from a template")
    new.add_argument(
        "--template", choices=PAGE_TEMPLATES, default="workshop", help="the kind of event (default: workshop)"
    )
    add_event_options(new, required_help="Required; asked for in a terminal when missing.")
    new.add_argument(
        "--dir",
        type=Path,
        default=Path("docs/events"),
        metavar="DIR",
        help="the folder of the new page (default: docs/events)",
    )
    new.set_defaults(func=run_new)
    return new
