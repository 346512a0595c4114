"""The ``sphinx-event`` command: validate events and check a whole site."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from .._version import __version__
from ..plan.site_layout import BUILDERS
from ..util.atomic import dumps
from ..util.commands import subcommands
from .check import run_check
from .site import add_event_flag, add_paths, add_source, annotate_metadata, report

#: The sub-commands whose parsers live in their own modules, in the order ``--help`` lists them after
#: ``validate``, ``check`` and ``prewarm``. A command line imports only the module of the command it names:
#: importing them all would cost every warm check a good part of its time.
MODULES = ("placeholders", "board", "link", "rehearse", "ticket", "new", "init", "cache")


def _module(name: str) -> ModuleType:
    return import_module(f".{name}", __package__)


def run_validate(args: argparse.Namespace) -> int:
    """Validate events in files and folders without building; exit 1 when any is invalid."""
    missing = [path for path in args.paths if not path.exists()]
    if missing:
        print(f"sphinx-event validate: error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    from .scan import scan_site

    found = scan_site(args.paths)
    lines = report(found)
    for line in lines:
        print(line)
    annotate_metadata(found)
    print(f"{len(found)} event(s) checked, {len(lines)} problem(s)", file=sys.stderr)
    return 1 if lines else 0


def _formatter(prog: str) -> argparse.HelpFormatter:
    """A fixed width, so the generated CLI reference does not depend on the terminal."""
    return argparse.HelpFormatter(prog, width=88)


def run_prewarm(args: argparse.Namespace) -> int:
    """Print the pre-warm request of one event (``--event``), or ``events.json`` for all, without a build."""
    from ..plan.prewarm import events_index

    site = _module("placeholders").gather(
        args.paths, args.out, args.event, "sphinx-event prewarm", args.builder, args.state
    )
    if isinstance(site, int):
        return site
    sys.stdout.write(dumps(site.requests[0] if args.event else events_index(site.requests)))
    return 0


def _use_formatter(command: argparse.ArgumentParser) -> None:
    command.formatter_class = _formatter
    for _, sub in subcommands(command):
        _use_formatter(sub)


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line interface; with ``only``, a sub-command's name, the parser of that one alone (the same
    arguments, help and errors), which imports no other sub-command's module."""
    main_parser = argparse.ArgumentParser(
        prog="sphinx-event",
        description="Validate workshop event pages and check a whole Sphinx site.",
    )
    main_parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True)
    if only in (None, "validate"):
        _add_validate(commands)
    if only in (None, "check"):
        _add_check(commands)
    if only in (None, "prewarm"):
        _add_prewarm(commands)
    for name in MODULES:
        if only in (None, name):
            _module(name).add_parser(commands)
    _use_formatter(main_parser)
    return main_parser


def _add_validate(commands: argparse._SubParsersAction) -> None:
    validate = commands.add_parser(
        "validate",
        help="validate event directives without building",
        description="Read every event directive in MyST files, as a build would, and report each problem as "
        "FILE:LINE: OPTION: message, in file and line order, with what was expected. Nothing is built, pulled or "
        "run; exit status 1 when any event is invalid. In a GitHub Actions job the problems are also annotations "
        "on the pull request.",
    )
    add_paths(validate, "MyST files, or folders searched for .md files")
    validate.set_defaults(func=run_validate)


def _add_check(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check",
        help="validate every event and build the site with warnings as errors",
        description="Validate every event, then build the site with warnings as errors: every hub and Binder link "
        "is proven against the content nbgitpuller pulls (or the local content-path copy), every notebook runs "
        "top to bottom in a fresh kernel in the event's environment, and the build's files are written. It ends "
        "with what it proved. When nothing changed since the last passing check it says so and stops.",
    )
    add_source(check, "the Sphinx source folder; its conf.py is there or in a folder above")
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


def _add_prewarm(commands: argparse._SubParsersAction) -> None:
    prewarm = commands.add_parser(
        "prewarm",
        help="print the pre-warm request JSON without building",
        description="Print what the build writes as _events/<id>/prewarm.json for one event, or as "
        "_events/events.json for all, using the site's conf.py; nothing is built.",
    )
    add_paths(prewarm, "MyST files or folders")
    add_event_flag(prewarm, "print this event's request (default: the index of all)")
    prewarm.add_argument(
        "--builder",
        choices=BUILDERS,
        default="html",
        help="the Sphinx builder the site is published with, which decides its page addresses (default: html)",
    )
    _module("placeholders").add_out_option(prewarm)
    prewarm.set_defaults(func=run_prewarm)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``sphinx-event``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    named = arguments[0] if arguments else None
    only = named if named in (*MODULES, "validate", "check", "prewarm") else None  # else the whole parser
    if named == "link":
        arguments = _module("link").with_default_kind(arguments)
    args = parser(only).parse_args(arguments)
    return args.func(args)


def run() -> NoReturn:
    """The ``sphinx-event`` program: :func:`main`, then exit without collecting what it leaves behind.

    At exit Python walks every reference cycle once more to free it; after a check those are the
    whole Sphinx application, a seventh of a warm check on 200 pages. Frozen, they are left to the
    operating system, as mypy's exit leaves its own; exit handlers still run and output is flushed.
    Tests call :func:`main`, so their process collects as usual.
    """
    status = main()
    gc.freeze()
    sys.exit(status)
