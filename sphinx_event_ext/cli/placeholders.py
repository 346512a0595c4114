"""``sphinx-event placeholders``: the placeholder schedule a scaler reads, without a build; and the gathering of
every event's pre-warm request that it shares with ``sphinx-event prewarm``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.rehearsal_record import read_execution, read_rehearsal
from ..model.config import EventConfig, resolve_today
from ..model.event import Event
from ..plan.placeholders import placeholder_calendar, placeholders_index, site_schedule
from ..plan.prewarm import prewarm_request
from ..plan.site_layout import HtmlSettings, page_url
from ..util.atomic import dumps
from .events import unknown_id
from .scan import scan_site
from .site import add_paths, conf_values, report, site_state_folder

NAME = "sphinx-event placeholders"
#: Sphinx's own ``project`` when conf.py sets none: the build names the calendar after it.
SPHINX_DEFAULT_PROJECT = "Project name not set"


@dataclass(frozen=True)
class SiteRequests:
    """The valid events of the pages given, their pre-warm requests (in the same order) and the site's settings."""

    events: list[Event]
    requests: list[dict[str, Any]]
    config: EventConfig
    project: str


def gather(
    paths: list[Path],
    out: Path | None,
    wanted: str | None,
    command: str,
    builder: str = "html",
    state: Path | None = None,
) -> SiteRequests | int:
    """Every event's request as the build writes it, the advice read from the rehearsal records in the evidence
    store (in ``state``, default the first path's ``_build/doctrees``, as ``check`` and ``rehearse`` find it;
    records an older version left in ``out``, default the first path's ``_build/html``, still count) and the
    content checks' ``execution.json`` under ``out``; an exit status, with the problems printed, when it
    cannot be."""
    found = scan_site(paths)
    lines = report(found)
    if lines:
        print("\n".join(lines), file=sys.stderr)
        return 1
    pairs = [(item.docname, item.result.event) for item in found if item.result.event is not None]
    if wanted:
        known = [event.id for _, event in pairs]
        pairs = [(docname, event) for docname, event in pairs if event.id == wanted]
        if not pairs:
            print(f"{command}: error: {unknown_id(wanted, known)}", file=sys.stderr)
            return 2
    values = conf_values(paths[0])
    config, problems = EventConfig.from_values(values)
    if problems:
        for problem in problems:
            print(f"{command}: error: conf.py: {problem}", file=sys.stderr)
        return 2
    today = resolve_today(config.today)
    settings = HtmlSettings.from_values(values)
    folder = paths[0] if paths[0].is_dir() else paths[0].parent
    records = out or folder / "_build" / "html"
    requests = [
        prewarm_request(
            event,
            today=today,
            notice_days=config.notice_days,
            lead_minutes=config.prewarm_lead_minutes,
            page_url=page_url(docname, event.id, builder, settings),
            rehearsal=read_rehearsal(state or site_state_folder(folder), event.id, records),
            node_pool=config.node_pool,
            execution=read_execution(records, event.id),
        )
        for docname, event in pairs
    ]
    return SiteRequests(
        [event for _, event in pairs], requests, config, str(values.get("project", SPHINX_DEFAULT_PROJECT))
    )


def run(args: argparse.Namespace) -> int:
    """Print ``placeholders.ics`` (or ``placeholders.json`` with ``--format json``) as the build writes it."""
    site = gather(args.paths, args.out, None, NAME, state=args.state)
    if isinstance(site, int):
        return site
    windows, entries = site_schedule(
        zip(site.events, site.requests, strict=True),
        lead_minutes=site.config.prewarm_lead_minutes,
        pool=site.config.node_pool,
    )
    if args.format == "json":
        sys.stdout.write(dumps(placeholders_index(entries, windows)))
    else:
        today = resolve_today(site.config.today)
        calendar = placeholder_calendar(windows, today=today, name=f"{site.project}: placeholders")
        sys.stdout.write(calendar.decode("utf-8"))
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``placeholders`` on the main parser."""
    command = commands.add_parser(
        "placeholders",
        help="print the placeholder schedule (placeholders.ics or .json) without building",
        description="Print what the build writes as _events/placeholders.ics (the calendar a node-placeholder "
        "scaler reads: one entry per active window, with the nodes to keep warm per pool) or, with --format json, "
        "_events/placeholders.json (cluster, hub, replicas, windows and the provider's workflow command line); "
        "nothing is built.",
    )
    add_paths(command, "MyST files or folders")
    command.add_argument(
        "--format", choices=("ics", "json"), default="ics", help="the calendar (default) or placeholders.json"
    )
    add_out_option(command)
    command.set_defaults(func=run)
    return command


def add_out_option(command: argparse.ArgumentParser) -> None:
    """``--out`` and ``--state``: where the records that decide the advice are (the content check's in the
    published folder, the rehearsals' in the evidence store)."""
    command.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="HTML output folder whose _events/<id>/execution.json records say what the content check proved "
        "(default: the first FILE_OR_DIR's _build/html)",
    )
    command.add_argument(
        "--state",
        type=Path,
        default=None,
        metavar="DIR",
        help="the build's state folder, whose event-evidence/ holds the rehearsal records, as for check and "
        "rehearse (default: the first FILE_OR_DIR's _build/doctrees, or _build/events in a mystmd project)",
    )
