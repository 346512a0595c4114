"""The ``event-board`` directive: a hub team's board of every community's events, from the feeds named in
``event_board_feeds``. The page is read again on every build (the feeds change without it), feeds are cached
in the build's state folder, and the merged placeholder calendar is written beside the other outputs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.config import settings, today_for
from ..plan.board import Board, BoardEvent, board, merged_calendar, placeholders_text, span_text
from ..plan.site_layout import EVENTS_FOLDER
from ..util.atomic import write_atomic
from .card import button

if TYPE_CHECKING:
    from ..content.feeds import Feed

logger = logging.getLogger(__name__)
#: Where the merged calendar is published, and where feeds are cached under the doctree folder.
CALENDAR = f"{EVENTS_FOLDER}/board-placeholders.ics"
CACHE = "event-board"


def _event_link(event: BoardEvent) -> nodes.Node:
    text = f"{event.title} ({event.event_id})"
    url = event.request.get("page_url")
    return nodes.reference(text, text, refuri=url) if url else nodes.strong(text, text)


def _when(event: BoardEvent) -> str:
    first, last = event.sessions[0], event.sessions[-1]
    days = len(event.sessions)
    return span_text(*first) + (f", {days} days to {last[1]:%Y-%m-%d}" if days > 1 else "")


def _items(items: list[list[nodes.Node | str]], empty: str = "None.") -> nodes.Node:
    """A bullet list, one paragraph per item: it wraps on a phone where a table would scroll sideways."""
    if not items:
        return nodes.paragraph(empty, empty)
    bullets = nodes.bullet_list(classes=["event-board-list"])
    for parts in items:
        paragraph = nodes.paragraph()
        paragraph.extend(nodes.Text(part) if isinstance(part, str) else part for part in parts)
        bullets += nodes.list_item("", paragraph)
    return bullets


def _feed(event: BoardEvent, numbers: dict[str, int]) -> nodes.Node:
    text = f" (feed {numbers[event.source]})"
    return nodes.inline(text, text, classes=["event-board-feed"])


def _timeline(groups: list[tuple[str, list[BoardEvent]]], what: str, numbers: dict[str, int]) -> list[nodes.Node]:
    parts: list[nodes.Node] = []
    for name, members in groups:
        parts.append(nodes.paragraph("", "", nodes.strong(f"{what} {name}", f"{what} {name}")))
        parts.append(
            _items(
                [
                    [_event_link(event), f": {_when(event)}; {event.attendees} attendees; "
                     f"{event.placeholders} placeholder node(s)", _feed(event, numbers)]
                    for event in members
                ]
            )
        )  # fmt: skip
    return parts or [nodes.paragraph("", "No upcoming events.")]


def _section(title: str, *body: nodes.Node) -> list[nodes.Node]:
    return [nodes.rubric(title, title, classes=["event-board-heading"]), *body]


def render(plan: Board, feeds: list[Feed]) -> list[nodes.Node]:
    """The board as docutils nodes: timelines, overlaps, late notice, nothing proved, skipped feeds."""
    used = [feed for feed in feeds if feed.ok]
    numbers = {feed.source: number for number, feed in enumerate(feeds, start=1)}
    intro = f"{len(plan.events)} upcoming event(s) from {len(used)} of {len(feeds)} feed(s)."
    out: list[nodes.Node] = [
        nodes.paragraph(intro, intro),
        nodes.paragraph("", "", button("Merged placeholder calendar (.ics)", event_asset=CALENDAR, outline=True)),
    ]
    notes = [f"{feed.source}: {feed.problem}" for feed in feeds if feed.problem]
    notes += [
        f"{feed.source}: shown from the copy cached on {feed.cached_on} ({feed.now})" for feed in feeds if feed.now
    ]
    if notes:
        title = "Feeds skipped or stale"
        out.append(
            nodes.admonition("", nodes.title(title, title), _items([[note] for note in notes]),
                             classes=["warning", "event-board-feeds"])
        )  # fmt: skip
    overlaps = [
        [
            nodes.strong(span_text(o.start, o.end), span_text(o.start, o.end)),
            f" on {o.pool}: {' and '.join(o.event_ids)}; {o.attendees} attendees together; "
            f"placeholder nodes {placeholders_text(o)}",
        ]
        for o in plan.overlaps
    ]
    out += _section(
        "Overlapping events",
        nodes.paragraph(
            "",
            "Placeholder nodes: what the scaler keeps, the maximum of the events' counts, with their sum beside it "
            "where it is larger.",
        ),
        _items(overlaps),
    )
    late = [[_event_link(e), f": notify by {e.request['notify_by']}, notified {e.request['notified'] or 'not yet'}",
             _feed(e, numbers)] for e in plan.late]  # fmt: skip
    out += _section("Late notice", _items(late))
    unproven = [[_event_link(event), f" on {event.hub}", _feed(event, numbers)] for event in plan.unproven]
    out += _section("Nothing proved yet (no passing content check or rehearsal)", _items(unproven))
    out += _section("By hub", *_timeline(plan.by_hub, "Hub", numbers))
    out += _section("By cluster", *_timeline(plan.by_cluster, "Cluster", numbers))
    sources = nodes.enumerated_list(classes=["event-board-sources"])
    sources.extend(nodes.list_item("", nodes.paragraph(feed.source, feed.source)) for feed in feeds)
    out += _section("Feeds", sources)
    return out


def feed_source(srcdir: str | Path, source: str) -> str:
    """A feed as read: a URL as it is, a file relative to the source folder."""
    return source if "://" in source else str(Path(srcdir) / source)


def write_board_calendar(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the merged placeholder calendar of the board's feeds, as the board read them (from the
    state folder's cache, which the directive filled), beside the other outputs."""
    config = settings(app.config)
    if exception is not None or not config.board_feeds or app.builder.format != "html":
        return
    from ..content.feeds import cached_feed  # the feeds' client loads only on a site with a board

    today = today_for(app.config)
    cache = Path(app.doctreedir) / CACHE
    feeds = [cached_feed(feed_source(app.srcdir, source), cache) for source in config.board_feeds]
    plan = board([(feed.source, feed.events) for feed in feeds if feed.ok], today=today)
    write_atomic(Path(app.outdir) / CALENDAR, merged_calendar(plan, today=today))


class EventBoardDirective(SphinxDirective):
    """Place the board of the feeds named in ``event_board_feeds``."""

    def run(self) -> list[nodes.Node]:
        from ..content.feeds import read_feed  # the feeds' client loads only on a site with a board

        self.env.note_reread()  # the feeds change without this page changing
        config = settings(self.config)
        today = today_for(self.config)
        cache = Path(self.env.doctreedir) / CACHE
        feeds = [
            read_feed(feed_source(self.env.srcdir, source), cache=cache, timeout=config.board_timeout, today=today)
            for source in config.board_feeds
        ]
        for feed in feeds:
            if feed.problem:
                logger.info("event-board: skipped %s: %s", feed.source, feed.problem)
        plan = board([(feed.source, feed.events) for feed in feeds if feed.ok], today=today)
        container = nodes.container(classes=["event-board"])
        container.extend(render(plan, feeds))
        return [container]
