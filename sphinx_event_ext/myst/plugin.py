"""The executable plugin's entry: print the spec, or run one directive, role or the page transform.

mystmd starts one process per directive, so this module imports only ``json`` and ``sys`` at the
top; each handler imports what it needs (see benchmarks/bench_myst_plugin.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

NAME = "sphinx-event-ext: event pages"
PAGE_TRANSFORM = "event-page"


def spec() -> dict[str, Any]:
    """The ``PLUGIN_SPEC``: every option of the event schema as raw text, validated by the model layer."""
    from ..model.schema import option_properties

    event_options = {
        name: {"type": "string", "doc": str(prop.get("description", ""))[:200]}
        for name, prop in option_properties().items()
        if name != "title"
    }
    pick = {"event": {"type": "string", "doc": "The id of an event of the site (default: the page's event)."}}
    return {
        "name": NAME,
        "directives": [
            {
                "name": "event",
                "doc": "An event: its card, checked metadata and links.",
                "arg": {"type": "string", "doc": "The event's title."},
                "options": event_options,
                "body": {"type": "myst"},
            },
            {"name": "event-checklist", "doc": "The organizer checklist with due dates.", "options": pick},
            {
                "name": "event-links",
                "doc": "Hub and Binder links to the event's notebooks.",
                "options": pick,
                "body": {"type": "string", "doc": "Notebook paths, one a line (default: the event's notebooks)."},
            },
            {"name": "event-list", "doc": "Every event of the site, upcoming first."},
        ],
        "roles": [
            {
                "name": "nbgitpuller",
                "doc": "A link that pulls the page event's content on its hub.",
                "body": {"type": "string"},
            },
            {
                "name": "binder",
                "doc": "A link that opens the page event's content on Binder.",
                "body": {"type": "string"},
            },
        ],
        "transforms": [
            {"name": PAGE_TRANSFORM, "doc": "Fills checklists and links with the page's event.", "stage": "document"}
        ],
    }


def _event(data: dict[str, Any]) -> Any:
    from .directive_data import read_call
    from .event_card import run_event
    from .settings import site_settings, site_today

    return run_event(read_call(data), site_settings(), site_today())


def _named(event_id: str) -> Any:
    """The site index's event with this id (what ``sphinx-event check`` wrote), or None."""
    from .directive_data import default_id
    from .site_index import read_index

    for item in read_index(Path.cwd()):
        event = item.event(default_id(item.title))
        if event is not None and event.id == event_id:
            return item, event
    return None


def _checklist(data: dict[str, Any]) -> Any:
    from .directive_data import read_call
    from .placeholders import CHECKLIST, placeholder
    from .problems import error_block
    from .settings import site_settings

    call = read_call(data)
    wanted = (call.options.get("event") or "").strip()
    if not wanted:
        return [placeholder(CHECKLIST, call.line)]
    from .checklist import checklist

    found = _named(wanted)
    if found is None:
        problem = f"event-checklist: no valid event with id {wanted!r} in the site index (run sphinx-event check)"
        return [error_block("This checklist has no event", [(call.line_of("event"), problem)])]
    item, event = found
    return checklist(event, site_settings().notice_days, item.evidence)


def _links(data: dict[str, Any]) -> Any:
    from .directive_data import read_call
    from .placeholders import LINKS, placeholder

    call = read_call(data)
    paths = [line.strip() for line in call.raw_body.splitlines() if line.strip()]
    wanted = (call.options.get("event") or "").strip()
    if not wanted:
        return [placeholder(LINKS, call.line, paths=paths)]
    from .links import links_table
    from .problems import error_block

    found = _named(wanted)
    if found is None:
        problem = f"event-links: no valid event with id {wanted!r} in the site index (run sphinx-event check)"
        return [error_block("These links have no event", [(call.line_of("event"), problem)])]
    item, event = found
    return links_table(event, paths or list(item.notebooks))


def _list(data: dict[str, Any]) -> Any:
    from .directive_data import default_id
    from .event_list import event_table
    from .settings import site_settings, site_today
    from .site_index import read_index

    events = [e for e in (item.event(default_id(item.title)) for item in read_index(Path.cwd())) if e is not None]
    return event_table(events, site_today(), site_settings().notice_days)


def _role(kind: str) -> Callable[[dict[str, Any]], Any]:
    def run(data: dict[str, Any]) -> Any:
        from ..model.formats import check_content_glob
        from .directive_data import read_call
        from .links import split_role_text
        from .placeholders import LINK, placeholder

        line = read_call(data).line
        shown, path = split_role_text(str(data.get("body") or ""))
        fields: dict[str, Any] = {"kind": kind, "shown": shown, "path": path}
        if path is not None:
            try:
                check_content_glob(path)
            except ValueError as error:
                fields["problem"] = f"{kind}: path {path!r}: {error}"
        return [placeholder(LINK, line, **fields)]

    return run


def _page(tree: dict[str, Any]) -> Any:
    from .page import transform_page
    from .settings import site_settings

    def load_index() -> dict[str, Any]:
        from .directive_data import default_id
        from .site_index import read_index

        indexed = {}
        for item in read_index(Path.cwd()):
            event = item.event(default_id(item.title))
            if event is not None:
                indexed[event.id] = item
        return indexed

    return transform_page(tree, site_settings().notice_days, load_index)


HANDLERS: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("--directive", "event"): _event,
    ("--directive", "event-checklist"): _checklist,
    ("--directive", "event-links"): _links,
    ("--directive", "event-list"): _list,
    ("--role", "nbgitpuller"): _role("nbgitpuller"),
    ("--role", "binder"): _role("binder"),
    ("--transform", PAGE_TRANSFORM): _page,
}


def main(argv: Sequence[str] | None = None, stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """mystmd's protocol: no argument prints the spec; ``--directive NAME`` (``--role``, ``--transform``)
    reads the JSON of one call on stdin and writes the nodes (the tree, for a transform) on stdout."""
    args = list(sys.argv[1:] if argv is None else argv)
    out = stdout or sys.stdout
    if not args:
        json.dump(spec(), out)
        return 0
    handler = HANDLERS.get((args[0], args[1])) if len(args) == 2 else None
    if handler is None:
        print(f"event plugin: unknown call {' '.join(args)!r}; expected one of the spec's names", file=sys.stderr)
        return 2
    try:
        data = json.load(stdin or sys.stdin)
        nodes = handler(data)
    except (ValueError, TypeError, KeyError, AttributeError, OSError) as error:
        # mystmd shows a failing plugin's standard error in its own error: one line, no traceback.
        print(f"event plugin: {' '.join(args)}: {type(error).__name__}: {error}"[:500], file=sys.stderr)
        return 1
    json.dump(nodes, out)
    return 0


def run_plugin() -> None:
    """What the project's three-line ``event_plugin.py`` calls."""
    raise SystemExit(main())
