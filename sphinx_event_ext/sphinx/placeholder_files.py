"""The site's placeholder schedule for the hub team: ``_events/placeholders.ics`` and ``placeholders.json``,
the build-log warning when overlapping events need more warm nodes than the scaler's maximum gives, and
the same warning on the events' pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..model.config import settings
from ..plan.placeholders import Overlap, Window, overlaps, short_overlaps, site_schedule
from .collector import ValidRecord, valid_events

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """Every event's warm windows and ``placeholders.json`` entry, and the overlaps that fall short."""

    windows: list[Window]
    entries: list[dict[str, Any]]
    short: list[Overlap]
    records: dict[str, ValidRecord]


def schedule(app: Sphinx, requests: Mapping[str, Mapping[str, Any]]) -> Schedule:
    """The schedule from the events' pre-warm requests (their ``advice``), by event id."""
    config = settings(app.config)
    records = {record.event.id: record for record in valid_events(app.env) if record.event.id in requests}
    windows, entries = site_schedule(
        [(record.event, requests[event_id]) for event_id, record in records.items()],
        lead_minutes=config.prewarm_lead_minutes,
        pool=config.node_pool,
    )
    return Schedule(windows, entries, short_overlaps(overlaps(windows)), records)


def overlap_text(overlap: Overlap) -> str:
    """One sentence for the log and the page."""
    return (
        f"{', '.join(overlap.event_ids)} keep warm nodes on pool {overlap.pool!r} at the same time "
        f"({overlap.start:%Y-%m-%d %H:%M}-{overlap.end:%H:%M} UTC, {overlap.attendees} attendees): the scaler "
        f"keeps the maximum, {overlap.replicas_max} node(s), but together they need {overlap.replicas_sum}; "
        "ask the hub team to raise one event's count to the sum for that window"
    )


def report_schedule(plan: Schedule) -> None:
    """Warn, at each event involved, about overlaps the scaler's maximum leaves short; note events with no pool."""
    for overlap in plan.short:
        for event_id in overlap.event_ids:
            record = plan.records[event_id]
            logger.warning(
                "%s", overlap_text(overlap), location=(record.docname, record.lineno), type="event", subtype="overlap"
            )
    unpooled = sorted({window.event_id for window in plan.windows if window.pool is None})
    if unpooled:
        logger.info(
            "events: %s need warm nodes but name no node pool (node-pool, or event_node_pool in conf.py), so "
            "_events/placeholders.ics leaves them out; placeholders.json lists them",
            ", ".join(unpooled),
        )


def page_text(overlap: Overlap, event_id: str, titles: Mapping[str, str]) -> str:
    """The warning under an event's card, for its organizers: the other events by title, the window, the counts."""
    others = " and ".join(titles.get(other, other) for other in overlap.event_ids if other != event_id)
    return (
        f"This event and {others} both need warm nodes on pool {overlap.pool!r} on {overlap.start:%Y-%m-%d} from "
        f"{overlap.start:%H:%M} to {overlap.end:%H:%M} UTC ({overlap.attendees} attendees together). The placeholder "
        f"scaler keeps the larger count, {overlap.replicas_max} node(s), but together they need "
        f"{overlap.replicas_sum}: ask the hub team to raise the count for that window."
    )


def add_overlap_warnings(
    doctree: nodes.document, short: list[Overlap], titles: Mapping[str, str], event_ids: list[str]
) -> None:
    """Below each card of ``event_ids``, a warning for organizers about each overlap it falls short in (``short``:
    the schedule's, ``titles``: the events' titles by id)."""
    for event_id in event_ids:
        cards = [node for node in doctree.findall(nodes.Element) if f"event-{event_id}" in node.get("ids", [])]
        if not cards:
            continue
        for overlap in short:
            if event_id in overlap.event_ids:
                text = page_text(overlap, event_id, titles)
                title = "For organizers: warm nodes overlap"
                warning = nodes.admonition(
                    "", nodes.title(title, title), nodes.paragraph(text, text), classes=["warning", "event-overlap"]
                )
                cards[0].parent.insert(cards[0].parent.index(cards[0]) + 1, warning)
