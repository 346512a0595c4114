"""The ``sphinx-event`` command: validate events and check a whole site."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .._version import __version__
from ..model.config import EventConfig, resolve_today
from ..model.schema import skip_unused_format_backends
from ..plan.prewarm import events_index, prewarm_request
from ..util.atomic import dumps
from ..util.commands import subcommands
from . import init as cli_init
from . import link as cli_link
from . import new as cli_new
from . import rehearse as cli_rehearse
from . import ticket as cli_ticket
from .check import run_check
from .events import unknown_id
from .myst_project import find_myst_project
from .scan import FoundEvent, scan
from .site import conf_values, report


def _scan(paths: list[Path]) -> list[FoundEvent]:
    """The events of the paths; in a mystmd project (``myst.yml``) ids default from titles, as its plugin's do."""
    myst = any(find_myst_project(path if path.is_dir() else path.parent) for path in paths)
    return scan(paths, ids_from_titles=myst)


def run_validate(args: argparse.Namespace) -> int:
    """Validate events in files and folders without building; exit 1 when any is invalid."""
    missing = [path for path in args.paths if not path.exists()]
    if missing:
        print(f"sphinx-event validate: error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    found = _scan(args.paths)
    lines = report(found)
    for line in lines:
        print(line)
    print(f"{len(found)} event(s) checked, {len(lines)} problem(s)", file=sys.stderr)
    return 1 if lines else 0


def _formatter(prog: str) -> argparse.HelpFormatter:
    """A fixed width, so the generated CLI reference does not depend on the terminal."""
    return argparse.HelpFormatter(prog, width=88)


def run_prewarm(args: argparse.Namespace) -> int:
    """Print the pre-warm request of one event (``--id``), or ``events.json`` for all, without a build."""
    found = _scan(args.paths)
    lines = report(found)
    if lines:
        print("\n".join(lines), file=sys.stderr)
        return 1
    events = [(item.docname, item.result.event) for item in found if item.result.event is not None]
    if args.id:
        known = [event.id for _, event in events]
        events = [(docname, event) for docname, event in events if event.id == args.id]
        if not events:
            print(f"sphinx-event prewarm: error: {unknown_id(args.id, known)}", file=sys.stderr)
            return 2
    values = conf_values(args.paths[0])
    config, problems = EventConfig.from_values(values)
    if problems:
        for problem in problems:
            print(f"sphinx-event prewarm: error: conf.py: {problem}", file=sys.stderr)
        return 2
    notice_days, lead = config.notice_days, config.prewarm_lead_minutes
    today = resolve_today(config.today)
    base = (values.get("html_baseurl") or "").rstrip("/")
    requests = [
        prewarm_request(
            event,
            today=today,
            notice_days=notice_days,
            lead_minutes=lead,
            page_url=f"{base}/{docname}.html#event-{event.id}" if base else None,
        )
        for docname, event in events
    ]
    sys.stdout.write(dumps(requests[0] if args.id else events_index(requests)))
    return 0


def _use_formatter(command: argparse.ArgumentParser) -> None:
    command.formatter_class = _formatter
    for _, sub in subcommands(command):
        _use_formatter(sub)


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    main_parser = argparse.ArgumentParser(
        prog="sphinx-event",
        description="Validate workshop event pages and check a whole Sphinx site.",
    )
    main_parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="validate event directives without building")
    validate.add_argument(
        "paths", nargs="+", type=Path, metavar="FILE_OR_DIR", help="MyST files, or folders searched for .md files"
    )
    validate.set_defaults(func=run_validate)
    check = commands.add_parser("check", help="validate every event and build the site with warnings as errors")
    check.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=Path("docs"),
        metavar="SOURCE_DIR",
        help="the Sphinx source folder (default: docs); its conf.py is there or in a folder above",
    )
    check.add_argument("--out", type=Path, default=None, metavar="DIR", help="HTML output folder")
    check.add_argument("--jobs", type=int, default=0, metavar="N", help="notebooks run at once (default: one per CPU)")
    check.add_argument(
        "--force", action="store_true", help="run every notebook, even those unchanged since they passed"
    )
    check.add_argument(
        "--fresh",
        action="store_true",
        help="read every page again instead of only those that changed (sphinx-build -E)",
    )
    check.add_argument(
        "--verify-ticket",
        action="store_true",
        help="also compare every event with the hub team's GitHub issue named by its ticket (needs the network; "
        "event_verify_ticket)",
    )
    check.set_defaults(func=run_check)
    prewarm = commands.add_parser("prewarm", help="print the pre-warm request JSON without building")
    prewarm.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR", help="MyST files or folders")
    prewarm.add_argument("--id", help="print this event's request (default: the events.json index of all)")
    prewarm.set_defaults(func=run_prewarm)
    cli_link.add_parser(commands)
    cli_rehearse.add_parser(commands)
    cli_ticket.add_parser(commands)
    cli_new.add_parser(commands)
    cli_init.add_parser(commands)
    _use_formatter(main_parser)
    return main_parser


#: Commands that run a Sphinx build or Jupyter machinery in this process.
_BUILDS = {"check", "rehearse"}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``sphinx-event``."""
    args = parser().parse_args(cli_link.with_default_kind(sys.argv[1:] if argv is None else argv))
    skip_unused_format_backends(building=args.command in _BUILDS)
    return args.func(args)
