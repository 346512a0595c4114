"""The links of a mystmd project's pages into event content, found without a build, for the check core.

The Sphinx check records links while Sphinx reads the pages; a mystmd project is read here with
MyST's own markdown-it parser instead: the card's button, the ``{nbgitpuller}`` and ``{binder}`` roles
(which link the page's own event) and ``event-links`` directives (the page's event, or the one ``:event:``
names). The check core proves them as it proves a Sphinx site's (``content/link_proof.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from ..content.check_record import ERROR, Finding, LinkSite
from .scan import FoundEvent, markdown_files, md_parser

_DIRECTIVE = re.compile(r"^\{([A-Za-z0-9_:.-]+)\}\s*(.*)$", re.S)
_EVENT_OPTION = re.compile(r"^\s*:event:\s*(.*)$")
ROLES = ("nbgitpuller", "binder")


@dataclass(frozen=True)
class PageLink:
    """One link into content: ``target`` inside it (``None`` for the content folder); ``event_id`` ``None``
    for the page's own event."""

    line: int
    kind: str
    event_id: str | None
    target: str | None


def _role_target(text: str) -> str | None:
    text = text.strip()
    if text.endswith(">") and "<" in text:
        text = text[:-1].rpartition("<")[2].strip()
    return None if text in ("", ".") else text


def _inline_links(token: Token, offset: int) -> Iterator[PageLink]:
    line = offset + (token.map[0] if token.map else 0) + 1
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "myst_role" and child.meta.get("name") in ROLES:
            yield PageLink(line, str(child.meta["name"]), None, _role_target(child.content))


def _event_links(content: str, line: int) -> Iterator[PageLink]:
    event_id: str | None = None
    paths: list[str | None] = []
    for text in content.splitlines():
        option = _EVENT_OPTION.match(text)
        if option:
            event_id = option.group(1).strip() or None
        elif text.strip() and not text.lstrip().startswith(":"):
            paths.append(text.strip())
    for path in paths or [None]:
        yield PageLink(line, "event-links", event_id, path)


def page_links(text: str, offset: int = 0) -> Iterator[PageLink]:
    """Every content link of a page (nested directives included), at its 1-based line."""
    for token in md_parser().parse(text):
        if token.type == "inline":
            yield from _inline_links(token, offset)
            continue
        if token.type not in ("fence", "colon_fence") or not token.map:
            continue
        match = _DIRECTIVE.match(token.info.strip())
        if not match:
            continue
        line = offset + token.map[0] + 1
        if match.group(1) == "event-links":
            yield from _event_links(token.content, line)
        else:
            yield from page_links(token.content, line)


@dataclass(frozen=True)
class ProjectLinks:
    """Every content link of a project: those with an event to prove against, and the problem of each with none,
    each at its page's name (``docname``, the path without ``.md``) and line."""

    links: list[LinkSite]
    orphans: list[Finding]


def project_links(project: Path, found: list[FoundEvent]) -> ProjectLinks:
    """The links of every page, in page order: the card's (first event of a page, when it has a repository),
    then the roles' and tables', each with the event it leads into."""
    by_id = {item.result.event.id: item for item in found if item.result.event is not None}
    first_on_page: dict[Path, FoundEvent] = {}
    for item in found:
        if item.result.event is not None:
            first_on_page.setdefault(item.path, item)
    result = ProjectLinks([], [])
    for item in first_on_page.values():
        if item.result.event is not None and item.result.event.content_repo:
            result.links.append(LinkSite(item.result.event.id, item.docname, item.line, "card", None))
    for path, base in markdown_files([project]):
        text = path.read_text("utf-8")
        if not any(f"{{{name}}}" in text for name in ("nbgitpuller", "binder", "event-links")):
            continue
        docname = path.relative_to(base).with_suffix("").as_posix()
        for link in page_links(text):
            owner = by_id.get(link.event_id) if link.event_id else first_on_page.get(path)
            if owner is None or owner.result.event is None:
                named = f"no valid event with id {link.event_id!r}" if link.event_id else "the page has no valid event"
                result.orphans.append(Finding(ERROR, "link", f"{link.kind}: {named} to link to", docname, link.line))
                continue
            result.links.append(LinkSite(owner.result.event.id, docname, link.line, link.kind, link.target))
    return result
