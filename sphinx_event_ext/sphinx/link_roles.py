"""Links into an event's content: the ``{nbgitpuller}`` and ``{binder}`` roles, the
``event-links`` directive, and the check that every such link resolves.

Links are recorded while pages are read and resolved once every event is known, so a
role may come before its page's ``event`` directive.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import split_explicit_title

from ..content.pull import Checkout, MissingBranchError, PullError, branch_commit, verify_in_folder, verify_path
from ..content.select import select_notebooks
from ..model.config import settings
from ..model.event import Event
from ..model.formats import check_content_glob
from ..plan.links import LinkError, event_binder_link, event_nbgitpuller_link
from . import warning_replay
from .card import button
from .collector import ValidRecord, event_for, page, page_event, pages
from .content_source import cache_folder, content_folder, content_root
from .progress import pull_with_progress
from .state import LinkResults, LinkUse, site_state
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
            if not (isinstance(error, PullError) and key in site_state(app.env).links.unpulled):
                _warn(f"event-links: {error}", placeholder)
            placeholder.replace_self([])


def _verify(
    app: Sphinx,
    use: LinkUse,
    record: ValidRecord,
    pulled: dict[tuple[str, str | None], Checkout],
    branches: dict[tuple[str, str | None], str | None] | None = None,
) -> bool:
    """Prove one link resolves: in the local copy when there is one, else in what nbgitpuller pulls
    (once per repository and branch in a build). With ``branches`` (a full check), a local copy's branch
    is asked of the repository too, once; False when it could not be reached, so the branch is unproven."""
    event = record.event
    root = content_folder(app.env, record)
    if root is not None:
        verify_in_folder(root, use.path or ".", f"the content-path copy {event.content_path!r}")
        if branches is None or event.content_repo is None:
            return branches is not None
        key = (event.content_repo, event.content_branch)
        if key not in branches:
            branches[key] = site_state(app.env).remotes[key] = branch_commit(*key)
        return branches[key] is not None
    if event.content_repo is None:
        raise PullError("the event has neither a content-path copy nor a content-repo to pull")
    key = (event.content_repo, event.content_branch)
    if key not in pulled:
        pulled[key] = pull_with_progress(app, event.content_repo, event.content_branch, cache_folder(app))
    if use.path is not None:
        verify_path(pulled[key], use.path)
    return True


def _where(uses: list[tuple[str, LinkUse]]) -> str:
    """``index:3 (card), index:15 (nbgitpuller, binder)``: each line once, with the kinds of link on it."""
    kinds: dict[tuple[str, int | None], list[str]] = {}
    for docname, use in uses:
        kinds.setdefault((docname, use.lineno), []).append(use.kind)
    return ", ".join(f"{docname}:{line} ({', '.join(names)})" for (docname, line), names in kinds.items())


def _cause_location(env: BuildEnvironment, docname: str, first: LinkUse, cause: Exception) -> tuple[str, int]:
    """Where content that cannot be pulled is reported: the event's ``content-branch`` line for a missing branch,
    its ``content-repo`` line otherwise (every link that depends on it is listed in the message)."""
    record = event_for(env, docname, first.event_id)
    if record is None:
        return docname, first.lineno
    option = "content-branch" if isinstance(cause, MissingBranchError) else "content-repo"
    return record.docname, record.line_of(option)


def verify_links(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Fail at the link's line when its branch or file is missing: every link with ``event_verify_links``,
    otherwise those into a local ``content-path`` copy, a check that is cheap and offline.

    A content repository and branch that cannot be pulled is one cause, reported once at its first
    link with the count of links that depend on it, not once per link. The events all of whose
    links resolved in a full check are kept, for the checklist to show the step proven.
    """
    results = site_state(env).links = LinkResults()
    remote = settings(app.config).verify_links
    with warning_replay.live(app):
        failures, proven, unverified = _verify_all(app, env, remote)
    results.failures = failures
    results.unverified_branches = unverified
    if remote:
        results.proven = proven
    return []


def branch_not_verified(branch: str | None) -> str:
    """What a link check against a local copy alone proved, in words (the page and the build's output)."""
    shown = f"branch `{branch}`" if branch else "the default branch"
    return f"checked against the local copy; {shown} not verified"


def _verify_all(app: Sphinx, env: BuildEnvironment, remote: bool) -> tuple[int, set[str], dict[str, str | None]]:
    """The number of broken links, the ids of the events all of whose links resolved, and the events whose
    links resolved in their local copy only (with the branch that copy stands for, not verified)."""
    failures = 0
    pulled: dict[tuple[str, str | None], Checkout] = {}
    branches: dict[tuple[str, str | None], str | None] | None = {} if remote else None
    local_only: dict[str, tuple[str | None, tuple[str, int | None]]] = {}
    unpulled: dict[tuple[str, str | None], tuple[PullError | LinkError, list[tuple[str, LinkUse]]]] = {}
    verified: set[str] = set()
    broken: set[str] = set()
    for docname in sorted(pages(env)):
        for use in pages(env)[docname].links:
            record = event_for(env, docname, use.event_id)
            if record is None or not record.event.content_repo:
                continue
            pulls = content_folder(app.env, record) is None
            if not remote and pulls:
                continue
            key = (record.event.content_repo, record.event.content_branch)
            if pulls and key in unpulled:
                unpulled[key][1].append((docname, use))
                broken.add(record.event.id)
                continue
            try:
                if _verify(app, use, record, pulled, branches) or pulls:
                    verified.add(record.event.id)
                else:
                    local_only.setdefault(record.event.id, (record.event.content_branch, (docname, use.lineno)))
            except (PullError, LinkError) as error:
                broken.add(record.event.id)
                if pulls and key not in pulled:
                    unpulled[key] = (error, [(docname, use)])
                    continue
                failures += 1
                logger.error(
                    "%s link to %r does not resolve: %s",
                    use.kind,
                    use.path or "the content folder",
                    error,
                    location=(docname, use.lineno),
                    type="event",
                    subtype="link",
                )
    for cause, uses in unpulled.values():
        failures += 1
        docname, first = uses[0]
        logger.error(
            "the content cannot be pulled, so no link to it resolves: %s; %d link(s) depend on it: %s",
            cause,
            len(uses),
            _where(uses),
            location=_cause_location(env, docname, first, cause),
            type="event",
            subtype="link",
        )
    site_state(env).links.unpulled = set(unpulled)
    unverified = {event_id: branch for event_id, (branch, _) in local_only.items() if event_id not in broken}
    for event_id in sorted(unverified):
        branch, location = local_only[event_id]
        # Information, not a warning: an offline site still passes under -W, and says what it did not prove.
        logger.info("event %r: links %s", event_id, branch_not_verified(branch), location=location)
    return failures, verified - broken - set(unverified), unverified
