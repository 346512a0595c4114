"""``sphinx-event rehearse``: a dress rehearsal of one event on its real hub, through the hub's REST API.

The token comes only from the environment variable the organizer names; it is never read
from a file or an argument, and every line printed or written is redacted for it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from ..content.extra import MissingExtra, require_check_extra
from ..model.config import resolve_today
from ..model.event import Event
from ..plan.rehearsal import console_table
from ..util.atomic import dumps, write_atomic
from .scan import scan
from .site import add_event_flag, add_source, conf_values, relative, report

NAME = "sphinx-event rehearse"


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``rehearse`` command."""
    command = subparsers.add_parser(
        "rehearse",
        help="start servers on the event's hub, click its link, run its content",
        description="Rehearse the event on its real hub, as attendees will use it: create temporary users (named "
        "--user-prefix N) through the hub's REST API, start their servers on the real hub at once, pull the "
        "content through the event's nbgitpuller link, and run every notebook in a kernel on the hub, measuring "
        "start times and memory. The token (in the variable named by --hub-token-env) needs the scopes "
        "admin:users, admin:servers and access:servers. Afterwards the servers are stopped and the users deleted, "
        "also when the rehearsal fails or is interrupted (unless --keep). The result is written as "
        "_events/<id>/rehearsal.json, which the next build shows.",
    )
    add_source(command, "the Sphinx source folder with the event")
    add_event_flag(command, "the event to rehearse (needed when the folder has several)")
    command.add_argument(
        "--hub-token-env",
        required=True,
        metavar="VAR",
        help="the environment variable that holds the hub API token (never pass the token itself)",
    )
    command.add_argument("--users", type=int, default=1, metavar="N", help="servers started at once (default: 1)")
    command.add_argument(
        "--user-prefix",
        default="rehearsal-",
        help="names of the rehearsal's users or named servers (default: %(default)s)",
    )
    command.add_argument("--keep", action="store_true", help="leave the servers and users for a look afterwards")
    command.add_argument(
        "--timeout", type=float, default=600.0, metavar="S", help="seconds to start and pull all servers (default: 600)"
    )
    command.add_argument("--hub", metavar="URL", help="the hub's API address, when it differs from the event's hub")
    command.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="HTML output folder (default: SOURCE_DIR/_build/html)"
    )
    command.set_defaults(func=run)
    return command


def _fail(message: str) -> int:
    print(f"{NAME}: error: {message}", file=sys.stderr)
    return 2


def _pick(source: Path, wanted: str | None) -> Event | str:
    """The event to rehearse, or why there is none."""
    found = scan([source])
    problems = report(found)
    if problems:
        return "the event metadata has problems; run sphinx-event validate:\n" + "\n".join(problems)
    events = [item.result.event for item in found if item.result.event is not None]
    if wanted:
        events = [event for event in events if event.id == wanted]
        if not events:
            return f"no event with id {wanted!r} in {relative(source)}"
    if len(events) != 1:
        ids = ", ".join(event.id for event in events) or "none"
        return f"{relative(source)} has {len(events)} events ({ids}); choose one with --event"
    event = events[0]
    if not event.content_repo:
        return f"event {event.id!r}: content-repo: a rehearsal pulls the content with the event's link; set one"
    return event


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Rehearse, print the table, write ``rehearsal.json``; exit 1 when anything failed."""
    try:
        require_check_extra(NAME)
    except MissingExtra as error:
        return _fail(str(error))
    token = os.environ.get(args.hub_token_env, "").strip()
    if not token:
        return _fail(f"--hub-token-env: the environment variable {args.hub_token_env} is not set or empty")
    if args.users < 1:
        return _fail(f"--users: expected a positive whole number, received {args.users}")
    if not args.source.is_dir():
        return _fail(f"{args.source} is not a folder")
    picked = _pick(args.source, args.event)
    if isinstance(picked, str):
        return _fail(picked)
    from ..content.hub_api import Hub, HubError, redact
    from ..content.rehearsal import Rehearsal, RehearsalOptions

    def say(line: str) -> None:
        print(redact(line, token), flush=True)

    hub = Hub(args.hub or picked.hub, token)
    options = RehearsalOptions(args.users, args.user_prefix, args.keep, args.timeout)
    rehearsal = Rehearsal(hub, picked, options, say)
    today = resolve_today(conf_values(args.source).get("event_today"))
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        data = rehearsal.run(today)
    except KeyboardInterrupt:
        done = "left running (--keep)" if args.keep else "stopped, and the users it created deleted"
        print(f"{NAME}: interrupted; the servers it started were {done}", file=sys.stderr)
        return 130
    except HubError as error:
        return _fail(redact(str(error), token))
    out: Path = args.out or args.source / "_build" / "html"
    target = out / "_events" / picked.id / "rehearsal.json"
    write_atomic(target, redact(dumps(data), token))
    for problem in data["problems"]:
        print(redact(f"{NAME}: {problem}", token), file=sys.stderr)
    for line in console_table(data):
        say(line)
    wave = data["wave"]
    times = wave["start_seconds"]
    say(
        f"wave     {wave['started']} of {wave['servers']} server(s) started; start time median {times['median']} s, "
        f"90th percentile {times['p90']} s, max {times['max']} s"
    )
    advice = data["recommendation"]
    say(f"pre-warm {'ask for it' if advice['prewarm'] else 'not needed by this evidence'}: {advice['reason']}")
    verdict = "passed" if data["ok"] else f"failed ({len(data['problems'])} problem(s))"
    print(f"{NAME}: rehearsal {verdict}; report in {relative(target)}", file=sys.stderr)
    return 0 if data["ok"] else 1
