"""``sphinx-event cache``: list the built environments the checks keep, and prune those unused for a while."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..content.sanitize import one_line


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``cache list`` and ``cache prune``."""
    cache = commands.add_parser(
        "cache",
        help="list or prune the environments the content check built",
        description="List the kernel environments the content check built and keeps between checks (their size, "
        "last use, Python and builder), or prune the ones not used for a while and unfinished builds: conda "
        "environments take gigabytes. A pruned environment is built again by the next check that needs it.",
    )
    cache.add_argument("action", nargs="?", choices=("list", "prune"), default="list", help="default: list")
    cache.add_argument(
        "--dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="the cache folder (event_environment_cache; default: ~/.cache/sphinx-event-ext/environments)",
    )
    cache.add_argument(
        "--older-than",
        type=_days,
        default=30,
        metavar="DAYS",
        help="prune: remove environments no check has used for DAYS days (default: 30)",
    )
    cache.add_argument(
        "--all", action="store_true", help="prune: remove every environment, and the shared conda package cache"
    )
    cache.set_defaults(func=run_cache)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, 0 or more, got {text!r}")
    return value


def run_cache(args: argparse.Namespace) -> int:
    """Print one line per cached environment (size, last use, Python, what it was built from); prune on request."""
    from ..content.environment import default_cache_dir
    from ..content.environment_cache import human_size, list_environments, prune

    folder = (args.dir or default_cache_dir()).resolve()
    entries = list_environments(folder)
    now = dt.datetime.now(dt.timezone.utc)
    if args.action == "prune":
        unused_for = None if args.all else dt.timedelta(days=args.older_than)
        removed = prune(entries, unused_for, now)
        freed = sum(entry.size for entry in entries if entry.path in removed)
        print(f"sphinx-event cache: removed {len(removed)} folder(s), {human_size(freed)}, from {folder}")
        return 0
    if not entries:
        print(f"sphinx-event cache: no environments in {folder}", file=sys.stderr)
        return 0
    for entry in entries:
        used = f"{entry.last_used:%Y-%m-%d %H:%M} UTC"
        if entry.kind == "environment":
            what = f"Python {entry.python}, {entry.solver}, {one_line(entry.built_from)}"
        elif entry.kind == "shared":
            what = "conda packages and channel data, shared by the conda environments"
        else:
            what = "an unfinished build (prune removes it)"
        print(f"{entry.path.name}  {human_size(entry.size):>9}  last used {used}  {what}")
    total = sum(entry.size for entry in entries)
    print(f"sphinx-event cache: {len(entries)} folder(s), {human_size(total)}, in {folder}", file=sys.stderr)
    return 0
