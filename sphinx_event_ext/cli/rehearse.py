"""``sphinx-event rehearse``: a dress rehearsal of one event on its real hub, through the hub's REST API.

The token comes only from the environment variable the organizer names; it is never read
from a file or an argument, and every line printed or written is redacted for it.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path
from types import FrameType

from ..content.extra import MissingExtra, require_check_extra
from ..content.store import rehearsal_record
from ..model.config import resolve_today
from ..model.event import Event
from ..model.schema import load_schema
from ..plan.capacity import suggest_capacity
from ..plan.login_wave import BURST, SLOW_START_SECONDS, SPREAD, arrival_offsets
from ..plan.rehearsal_text import console_table, wave_lines
from ..util.atomic import dumps, write_atomic
from ..util.sanitize import one_line
from .scan import scan
from .site import add_event_flag, add_source, conf_values, relative, report, site_state_folder

NAME = "sphinx-event rehearse"
#: A wave above this many users needs --confirm-size.
CONFIRM_ABOVE = 25


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
        "also when the rehearsal fails or is interrupted (unless --keep). The result is written into the build's "
        "evidence store (--state, default SOURCE_DIR/_build/doctrees, or _build/events in a mystmd project: "
        "event-evidence/rehearsals/<id>.json), which "
        "the next build shows.",
    )
    add_source(command, "the Sphinx source folder with the event")
    add_event_flag(command, "the event to rehearse (needed when the folder has several)")
    command.add_argument(
        "--hub-token-env",
        required=True,
        metavar="VAR",
        help="the environment variable that holds the hub API token (never pass the token itself)",
    )
    command.add_argument(
        "--users",
        type=int,
        default=1,
        metavar="N",
        help="attendees of the login wave, up to the event's attendees (default: 1)",
    )
    command.add_argument(
        "--confirm-size",
        type=int,
        metavar="N",
        help=f"repeat --users N when it is above {CONFIRM_ABOVE}: a wave that size costs the hub real nodes",
    )
    command.add_argument(
        "--arrivals",
        choices=(BURST, SPREAD),
        default=BURST,
        help="burst: everyone at the start; spread: Poisson arrivals over --over (default: %(default)s)",
    )
    command.add_argument(
        "--over",
        type=_duration,
        default="15m",
        metavar="DURATION",
        help="how long a spread wave lasts, like 15m, 90s or 1h (default: %(default)s)",
    )
    command.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed of the spread arrivals: the same seed, the same wave"
    )
    command.add_argument(
        "--slow-after",
        type=float,
        default=SLOW_START_SECONDS,
        metavar="S",
        help="a server that takes this many seconds to start waited for a node (default: %(default).0f)",
    )
    command.add_argument("--profile", metavar="SLUG", help="start the servers with this profile, not the event's")
    command.add_argument(
        "--dry-run",
        action="store_true",
        help="print the users, servers, arrival times and node estimate; touch nothing on the hub",
    )
    command.add_argument(
        "--user-prefix",
        default="rehearsal-",
        help="names of the rehearsal's users or named servers (default: %(default)s)",
    )
    command.add_argument("--keep", action="store_true", help="leave the servers and users for a look afterwards")
    command.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="S",
        help="seconds to start and pull all servers, after the last arrival (default: 600)",
    )
    command.add_argument("--hub", metavar="URL", help="the hub's API address, when it differs from the event's hub")
    command.add_argument(
        "--state",
        type=Path,
        default=None,
        metavar="DIR",
        help="the build's state folder, where the record goes into event-evidence/ (default: SOURCE_DIR/_build/doctrees; "
        "_build/events in a mystmd project)",
    )
    command.set_defaults(func=run)
    return command


def _duration(text: str) -> float:
    """Seconds in ``90s``, ``15m``, ``1h`` or a plain number of seconds."""
    match = re.fullmatch(r"([0-9]{1,6}(?:\.[0-9]{1,3})?)([smh]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"expected a duration such as 15m, 90s or 1h, received {text[:40]!r}")
    number, unit = match.groups()
    return float(number) * {"": 1, "s": 1, "m": 60, "h": 3600}[unit]


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


def _size_problem(args: argparse.Namespace, event: Event) -> str | None:
    """Why the wave's size (or the --profile given) is refused, or None."""
    profile = load_schema()["properties"]["profile"]
    if args.profile is not None and not re.fullmatch(profile["pattern"], args.profile[: profile["maxLength"] + 1]):
        return f"--profile: expected {profile['x-expected']}, received {args.profile[:70]!r}"
    if args.users > event.attendees:
        return f"--users: expected at most the event's {event.attendees} attendees, received {args.users}"
    if args.users > CONFIRM_ABOVE and args.confirm_size != args.users:
        return (
            f"--users {args.users} starts more than {CONFIRM_ABOVE} servers on the hub; "
            f"repeat the number with --confirm-size {args.users} to go ahead"
        )
    return None


def _user_options(args: argparse.Namespace, event: Event) -> dict[str, str]:
    """The profile to start with: --profile replaces the event's (and drops its choices, which belong to it)."""
    if args.profile:
        return {"profile": args.profile}
    return event.user_options


def _dry_run(args: argparse.Namespace, event: Event, offsets: list[float], options: dict[str, str]) -> int:
    """What the rehearsal would do, without a request to the hub."""
    capacity = suggest_capacity(
        event.attendees,
        memory_per_user=event.memory_per_user,
        node_memory=event.node_memory,
        cluster=event.cluster,
        hub_name=event.hub_name,
    )
    print(f"{NAME}: dry run, nothing is sent to {args.hub or event.hub}")
    profile = ", ".join(f"{key}={value}" for key, value in options.items()) or "the hub's default"
    print(f"profile  {profile}")
    for number, offset in enumerate(offsets, start=1):
        print(f"user     {args.user_prefix}{number}: default server, asked for at {offset:.1f} s")
    print(
        f"nodes    {event.attendees} attendees at {event.memory_per_user} each: {capacity.users_per_node} per "
        f"{event.node_memory} node, {capacity.nodes_needed} node(s) for everyone, {capacity.nodes_to_prewarm} to "
        "pre-warm (the rehearsal measures the real memory per attendee)"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Rehearse, print the table, keep the record in the evidence store; exit 1 when anything failed."""
    try:
        require_check_extra(NAME)
    except MissingExtra as error:
        return _fail(str(error))
    token = os.environ.get(args.hub_token_env, "").strip()
    if not token and not args.dry_run:
        return _fail(f"--hub-token-env: the environment variable {args.hub_token_env} is not set or empty")
    if args.users < 1:
        return _fail(f"--users: expected a positive whole number, received {args.users}")
    if args.slow_after <= 0:
        return _fail(f"--slow-after: expected a positive number of seconds, received {args.slow_after}")
    if not args.source.is_dir():
        return _fail(f"{args.source} is not a folder")
    picked = _pick(args.source, args.event)
    if isinstance(picked, str):
        return _fail(picked)
    size = _size_problem(args, picked)
    if size:
        return _fail(size)
    over = args.over if args.arrivals == SPREAD else 0.0
    offsets = arrival_offsets(args.users, over, args.seed)
    user_options = _user_options(args, picked)
    if args.dry_run:
        return _dry_run(args, picked, offsets, user_options)
    from ..content.hub_api import Hub, HubError, redact
    from ..content.rehearsal import Rehearsal, RehearsalOptions

    def say(line: str) -> None:
        print(one_line(redact(line, token)), flush=True)  # hub values shown escaped, never raw

    hub = Hub(args.hub or picked.hub, token)
    options = RehearsalOptions(
        args.users,
        args.user_prefix,
        args.keep,
        args.timeout,
        user_options=user_options,
        arrivals=offsets,
        arrivals_record={"mode": args.arrivals, "over_seconds": over, "seed": args.seed, "offsets": offsets},
        slow_after=args.slow_after,
    )
    rehearsal = Rehearsal(hub, picked, options, say)
    today = resolve_today(conf_values(args.source).get("event_today"))
    signals: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        signals.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    try:
        record = rehearsal.run(today)
        if signals:
            # The interrupt landed inside a kernel's connection, which turned it into that notebook's failure;
            # the run still cleaned up, and it is reported as interrupted, not as a result.
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        done = "left running (--keep)" if args.keep else "stopped, and the users it created deleted"
        print(f"{NAME}: interrupted; the servers it started were {done}", file=sys.stderr)
        return 130
    except HubError as error:
        return _fail(one_line(redact(str(error), token)))
    data = record.to_json()
    target = rehearsal_record(args.state or site_state_folder(args.source), picked.id)
    write_atomic(target, redact(dumps(data), token))
    for problem in data["problems"]:
        print(one_line(redact(f"{NAME}: {problem}", token)), file=sys.stderr)
    for line in console_table(data):
        say(line)
    for line in wave_lines(data):
        say(line)
    for warning in data["warnings"]:
        print(one_line(redact(f"{NAME}: warning: {warning}", token)), file=sys.stderr)
    print(
        f"{NAME}: rehearsal {one_line(redact(record.summary(), token))}; report in {relative(target)}", file=sys.stderr
    )
    return 0 if data["ok"] else 1
