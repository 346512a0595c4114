"""The ``event-board`` directive: a hub team's board of every community's events, from the feeds named in
``event_board_feeds``. The page is read again on every build (the feeds change without it), feeds are cached
in the build's state folder, and the merged placeholder calendar is written beside the other outputs."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..content.feeds import Feed, cached_feed, read_feed
from ..model.config import settings, today_for
from ..plan.board import Board, BoardEvent, board, merged_calendar, placeholders_text, span_text
from ..util.atomic import write_atomic
from .card import button
from .tables import table

logger = logging.getLogger(__name__)
#: Where the merged calendar is published, and where feeds are cached under the doctree folder.
CALENDAR = "_events/board-placeholders.ics"
CACHE = "event-board"


def _event_link(event: BoardEvent) -> nodes.Node:
    text = f"{event.title} ({event.event_id})"
    url = event.request.get("page_url")
    return nodes.reference(text, text, refuri=url) if url else nodes.Text(text)


def _when(event: BoardEvent) -> str:
    first, last = event.sessions[0], event.sessions[-1]
    days = len(event.sessions)
    return span_text(*first) + (f", {days} days to {last[1]:%Y-%m-%d}" if days > 1 else "")


def _section(title: str, *body: nodes.Node) -> list[nodes.Node]:
    return [nodes.rubric(title, title, classes=["event-board-heading"]), *body]


def _timeline(groups: list[tuple[str, list[BoardEvent]]], what: str) -> list[nodes.Node]:
    parts: list[nodes.Node] = []
    for name, members in groups:
        rows = [[_when(event), _event_link(event), str(event.attendees), str(event.placeholders), event.source]
                for event in members]  # fmt: skip
        parts.append(nodes.paragraph("", "", nodes.strong(f"{what} {name}", f"{what} {name}")))
        parts.append(
            table(["First session (UTC)", "Event", "Attendees", "Placeholders", "Feed"], rows, [25, 30, 10, 10, 25])
        )
    return parts or [nodes.paragraph("", "No upcoming events.")]


def render(plan: Board, feeds: list[Feed]) -> list[nodes.Node]:
    """The board as docutils nodes: timelines, overlaps, late notice, nothing proved, skipped feeds."""
    used = [feed for feed in feeds if feed.ok]
    intro = f"{len(plan.events)} upcoming event(s) from {len(used)} of {len(feeds)} feed(s)."
    out: list[nodes.Node] = [
        nodes.paragraph(intro, intro),
        nodes.paragraph("", "", button("Merged placeholder calendar (.ics)", event_asset=CALENDAR, outline=True)),
    ]
    out += _section("By hub", *_timeline(plan.by_hub, "Hub"))
    out += _section("By cluster", *_timeline(plan.by_cluster, "Cluster"))
    overlap_rows = [
        [o.pool, span_text(o.start, o.end), "; ".join(o.event_ids), str(o.attendees), placeholders_text(o)]
        for o in plan.overlaps
    ]
    out += _section(
        "Overlapping events",
        nodes.paragraph(
            "",
            "Placeholders: what the scaler keeps (the maximum), with the sum of the events' counts beside it "
            "where it is larger.",
        ),
        table(["Hub", "When (UTC)", "Events", "Attendees together", "Placeholders"], overlap_rows, [20, 20, 30, 10, 20])
        if overlap_rows
        else nodes.paragraph("", "None."),
    )
    late_rows = [[_event_link(e), str(e.request["notify_by"]), str(e.request["notified"] or "not yet"), e.source]
                 for e in plan.late]  # fmt: skip
    out += _section(
        "Late notice",
        table(["Event", "Notify by", "Notified", "Feed"], late_rows, [35, 15, 15, 35]) if late_rows
        else nodes.paragraph("", "None."),
    )  # fmt: skip
    unproven_rows = [[_event_link(event), event.hub, event.source] for event in plan.unproven]
    out += _section(
        "Nothing proved yet (no passing content check or rehearsal)",
        table(["Event", "Hub", "Feed"], unproven_rows, [40, 30, 30]) if unproven_rows else nodes.paragraph("", "None."),
    )
    notes = [f"{feed.source}: {feed.problem}" for feed in feeds if feed.problem]
    notes += [
        f"{feed.source}: shown from the copy cached on {feed.cached_on} ({feed.now})" for feed in feeds if feed.now
    ]
    if notes:
        items = nodes.bullet_list()
        items.extend(nodes.list_item("", nodes.paragraph(note, note)) for note in notes)
        title = "Feeds skipped or stale"
        out.append(nodes.admonition("", nodes.title(title, title), items, classes=["warning", "event-board-feeds"]))
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
    today = today_for(app.config)
    cache = Path(app.doctreedir) / CACHE
    feeds = [cached_feed(feed_source(app.srcdir, source), cache) for source in config.board_feeds]
    plan = board([(feed.source, feed.events) for feed in feeds if feed.ok], today=today)
    write_atomic(Path(app.outdir) / CALENDAR, merged_calendar(plan, today=today))


class EventBoardDirective(SphinxDirective):
    """Place the board of the feeds named in ``event_board_feeds``."""

    def run(self) -> list[nodes.Node]:
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
