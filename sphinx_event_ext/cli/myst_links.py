"""The links of a mystmd project's pages into event content, found without a build, and their proof.

The Sphinx check records links while Sphinx reads the pages; a mystmd project is read here with
MyST's own markdown-it parser instead: the ``{nbgitpuller}`` and ``{binder}`` roles (which link the
page's own event) and ``event-links`` directives (the page's event, or the one ``:event:`` names).
Each link is then proven as the Sphinx check proves it: in the ``content-path`` copy when there is
one, else in what nbgitpuller pulls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from ..content.pull import Checkout, PullError, pull_content, verify_in_folder, verify_path
from ..model.event import Event
from .scan import md_parser

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


class LinkProver:
    """Proves links, pulling each content repository and branch once."""

    def __init__(self) -> None:
        self.pulled: dict[tuple[str, str | None], Checkout] = {}

    def prove(self, event: Event, page: Path, target: str | None) -> None:
        """Raise ``PullError`` when the link's branch, file or folder is missing."""
        if event.content_path:
            where = f"the content-path copy {event.content_path!r}"
            verify_in_folder(page.parent / event.content_path, target or ".", where)
            return
        if event.content_repo is None:
            raise PullError("the event has neither a content-path copy nor a content-repo to link to")
        key = (event.content_repo, event.content_branch)
        if key not in self.pulled:
            self.pulled[key] = pull_content(event.content_repo, event.content_branch)
        if target is not None:
            verify_path(self.pulled[key], target)
