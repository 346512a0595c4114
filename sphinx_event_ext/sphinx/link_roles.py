"""Links into an event's content: the ``{nbgitpuller}`` and ``{binder}`` roles and the
``event-links`` directive.

Links are recorded while pages are read and resolved once every event is known, so a
role may come before its page's ``event`` directive; the check core (content/link_proof.py)
proves that each resolves.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import split_explicit_title

from ..content.pull import PullError
from ..content.select import select_notebooks
from ..model.event import Event
from ..model.formats import check_content_glob
from ..plan.links import LinkError, event_binder_link, event_nbgitpuller_link
from .card import button
from .collector import ValidRecord, event_for, page, page_event
from .content_source import content_root
from .state import LinkUse, site_state
from .tables import table

logger = logging.getLogger(__name__)

BADGE = "https://mybinder.org/badge_logo.svg"
BUILDERS = {"nbgitpuller": event_nbgitpuller_link, "binder": event_binder_link}


class content_link(nodes.General, nodes.Inline, nodes.Element):
    """A role's link, resolved to a URL once the page's event is known."""


class links_placeholder(nodes.General, nodes.Element):
    """Where an ``event-links`` table goes."""


class ContentLinkRole(SphinxRole):
    """``{nbgitpuller}`path``: a link that pulls the page's event content and opens ``path`` (``.`` for the folder)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        _, title, target = split_explicit_title(self.text)
        path = None if target.strip() in ("", ".") else target.strip()
        if path is not None:
            try:
                check_content_glob(path)
            except ValueError as error:
                message = self.inliner.reporter.error(f"{self.name}: path {path!r}: {error}", line=self.lineno)
                return [nodes.literal(self.rawtext, title)], [message]
        page(self.env, self.env.docname).links.append(LinkUse(self.env.docname, self.lineno, self.kind, None, path))
        node = content_link(self.rawtext, kind=self.kind, path=path)
        node += nodes.Text(title)
        self.set_source_info(node)
        return [node], []


class EventLinksDirective(SphinxDirective):
    """A table of the workshop's notebooks with hub and Binder links, and Binder badge markup to copy.

    The body may list paths; otherwise the notebooks are those the event's ``notebooks``
    globs select in its content.
    """

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"event": lambda value: (value or "").strip()}

    def run(self) -> list[nodes.Node]:
        event_id = self.options.get("event") or None
        paths = [line.strip() for line in self.content if line.strip()]
        data = page(self.env, self.env.docname)
        data.lists_events = True
        data.links.append(LinkUse(self.env.docname, self.lineno, "event-links", event_id, None))
        data.links.extend(LinkUse(self.env.docname, self.lineno, "nbgitpuller", event_id, path) for path in paths)
        placeholder = links_placeholder(event_id=event_id, paths=paths)
        self.set_source_info(placeholder)
        return [placeholder]


def _notebooks(app: Sphinx, record: ValidRecord) -> list[str]:
    """The notebooks the event's globs select (the same ones the check runs), local or pulled."""
    return [path.as_posix() for path in select_notebooks(content_root(app, record), record.event.notebooks)]


def _warn(message: str, node: nodes.Node) -> None:
    logger.warning(message, location=node, type="event", subtype="link")


def _links_table(event: Event, paths: list[str], node: nodes.Node) -> list[nodes.Node]:
    """One row per notebook; the Binder column only when Binder can reach the content."""
    try:
        launch = event_binder_link(event)
    except LinkError as error:
        _warn(f"event-links: no Binder links: {error}", node)
        launch = None
    headers = ["Notebook", "Hub", "Binder"] if launch else ["Notebook", "Hub"]
    rows = []
    for path in paths:
        row = [nodes.literal(path, path), button("Open on the hub", event_nbgitpuller_link(event, path))]
        if launch:
            row.append(button("Try on Binder", event_binder_link(event, path)))
        rows.append(row)
    result: list[nodes.Node] = [table(headers, rows, [40, 30, 30][: len(headers)], stack=[None] * len(headers))]
    if launch:
        markdown = f"[![Binder]({BADGE})]({launch})"
        rst = f".. image:: {BADGE}\n   :target: {launch}"
        result += [
            nodes.paragraph("", "Binder badge for a README, in Markdown and in reStructuredText:"),
            nodes.literal_block(markdown, markdown, language="markdown"),
            nodes.literal_block(rst, rst, language="rst"),
        ]
    return result


def resolve_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Turn role links and ``event-links`` placeholders into real links."""
    for node in list(doctree.findall(content_link)):
        record = page_event(app.env, docname)
        if record is None:
            _warn(f"{node['kind']} link: the page has no valid event to link to", node)
            node.replace_self(nodes.inline("", node.astext()))
            continue
        try:
            url = BUILDERS[node["kind"]](record.event, node["path"])
        except LinkError as error:
            _warn(f"{node['kind']} link: {error}", node)
            node.replace_self(nodes.inline("", node.astext()))
            continue
        node.replace_self(nodes.reference(node.rawsource, node.astext(), refuri=url, classes=["event-link"]))
    for placeholder in list(doctree.findall(links_placeholder)):
        record = event_for(app.env, docname, placeholder["event_id"])
        if record is None or not record.event.content_repo:
            _warn("event-links: no valid event with a content-repo to link to", placeholder)
            placeholder.replace_self([])
            continue
        try:
            paths = placeholder["paths"] or _notebooks(app, record)
            placeholder.replace_self(_links_table(record.event, paths, placeholder))
        except (LinkError, PullError, ValueError) as error:
            key = (record.event.content_repo, record.event.content_branch)
            check = site_state(app.env).check
            if not (isinstance(error, PullError) and check and key in check.unpulled):
                _warn(f"event-links: {error}", placeholder)
            placeholder.replace_self([])
