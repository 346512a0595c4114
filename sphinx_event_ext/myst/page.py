"""The page transform: fills the checklists, role links and ``event-links`` tables that name no event
with the page's own event, once the whole page is known (a directive sees only itself)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..model.event import Event
from ..model.validate import parse_event
from ..plan.checklist import Evidence
from ..plan.links import LinkError
from . import ast
from .checklist import checklist
from .directive_data import default_id
from .links import links_table, role_link
from .placeholders import CHECKLIST, KINDS, LINK
from .problems import error_block, reported
from .site_index import IndexedEvent


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("children") or ():
        if isinstance(child, dict):
            yield from _walk(child)


def take_sources(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """The sources (title and raw options) the page's event cards carry, removed so they do not reach the site."""
    sources = []
    for node in _walk(tree):
        source = node.pop("eventSource", None)
        if isinstance(source, dict):
            sources.append(source)
    return sources


def page_event(sources: list[dict[str, Any]]) -> Event | None:
    """The first valid event of the page."""
    for source in sources:
        title = source.get("title")
        event = parse_event(title, source.get("options") or {}, default_id=default_id(title)).event
        if event is not None:
            return event
    return None


def _line(node: dict[str, Any]) -> int:
    return int(node.get("line") or 1)


def resolve(
    node: dict[str, Any], event: Event | None, notice_days: int, indexed: dict[str, IndexedEvent]
) -> list[dict[str, Any]]:
    """What one placeholder becomes, given the page's event and the site index."""
    kind = node["type"]
    evidence = indexed[event.id].evidence if event is not None and event.id in indexed else Evidence()
    if kind == CHECKLIST:
        return checklist(event, notice_days, evidence if event else None)
    if kind == LINK and (event is None or node.get("problem")):
        problem = node.get("problem") or f"{node.get('kind')}: the page has no valid event for this link"
        return [ast.text(f"{node.get('shown')} "), reported(_line(node), str(problem))]
    if event is None:
        problem = "event-links: the page has no valid event for this table (or name one with :event:)"
        return [error_block("This link has no event", [(_line(node), problem)])]
    try:
        if kind == LINK:
            return [role_link(str(node["kind"]), event, str(node.get("shown") or ""), node.get("path"))]
        paths = list(node.get("paths") or ()) or list(indexed[event.id].notebooks if event.id in indexed else ())
        if not paths:  # the notebooks are listed by the check, which pulls the content; a plain build cannot
            return [ast.paragraph("The notebooks of this event are listed here once `sphinx-event check` has run.")]
        return links_table(event, paths)
    except LinkError as error:
        if kind == LINK:
            return [ast.text(f"{node.get('shown')} "), reported(_line(node), f"{node.get('kind')}: {error}")]
        return [error_block("This link cannot be made", [(_line(node), f"{node.get('kind', 'event-links')}: {error}")])]


def transform_page(
    tree: dict[str, Any], notice_days: int, load_index: Callable[[], dict[str, IndexedEvent]]
) -> dict[str, Any]:
    """Replace every placeholder of the page, in place. A page without placeholders is only cleaned of the
    cards' sources: nothing is validated again, and the index is not read."""
    sources = take_sources(tree)
    if not any(node.get("type") in KINDS for node in _walk(tree)):
        return tree
    event, indexed = page_event(sources), load_index()
    for node in _walk(tree):
        children = node.get("children")
        if not isinstance(children, list) or not any(isinstance(c, dict) and c.get("type") in KINDS for c in children):
            continue
        made: list[Any] = []
        for child in children:
            if isinstance(child, dict) and child.get("type") in KINDS:
                made.extend(resolve(child, event, notice_days, indexed))
            else:
                made.append(child)
        node["children"] = made
    return tree
