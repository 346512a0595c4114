"""``sphinx-event board FEED...``: every community's events for a hub team, from their sites' ``events.json``
(files or https URLs), and one merged placeholder calendar for the scaler."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..content.feeds import DEFAULT_TIMEOUT, read_feed
from ..model.config import resolve_today
from ..plan.board import board, merged_calendar, text_report
from ..util.atomic import write_atomic

NAME = "sphinx-event board"


def default_cache() -> Path:
    """Where feeds read once are kept, so the board rebuilds offline: the user's cache folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sphinx-event-ext" / "board"


def run(args: argparse.Namespace) -> int:
    """Print the board; write the merged calendar with ``--ics``. A feed that cannot be used is reported and skipped:
    the board never fails because one site is down."""
    today = resolve_today(None)
    feeds = [read_feed(source, cache=args.cache, timeout=args.timeout, today=today) for source in args.feeds]
    problems = [(feed.source, feed.problem) for feed in feeds if feed.problem]
    stale = [(feed.source, f"from the copy cached on {feed.cached_on} ({feed.now})") for feed in feeds if feed.now]
    plan = board([(feed.source, feed.events) for feed in feeds if feed.ok], today=today)
    for line in text_report(plan, [*problems, *stale]):
        print(line)
    if args.ics is not None:
        write_atomic(args.ics, merged_calendar(plan, today=today))
        print(f"{NAME}: wrote the merged placeholder calendar to {args.ics}", file=sys.stderr)
    for source, problem in problems:
        print(f"{NAME}: skipped {source}: {problem}", file=sys.stderr)
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``board`` on the main parser."""
    command = commands.add_parser(
        "board",
        help="every community's events for a hub team, from their events.json",
        description="Print a hub team's board of every community's upcoming events, read from each site's "
        "published _events/events.json (a file, or an https URL): by hub and by cluster, the windows where events "
        "overlap with their attendees and placeholders, late notice, events nothing proved, and the feeds that "
        "could not be read. A feed that fails is reported and skipped; the board never fails because of one.",
    )
    command.add_argument(
        "feeds",
        nargs="+",
        metavar="FEED",
        help="a site's _events/events.json: a file, or an https URL (plain http only to a loopback address)",
    )
    command.add_argument("--ics", type=Path, default=None, metavar="FILE", help="write the merged placeholders.ics")
    command.add_argument(
        "--cache",
        type=Path,
        default=default_cache(),
        metavar="DIR",
        help="where feeds read once are kept for offline runs (default: ~/.cache/sphinx-event-ext/board)",
    )
    command.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds to read one feed (default: {DEFAULT_TIMEOUT:g})",
    )
    command.set_defaults(func=run)
    return command
