"""A hub team's board: every community's upcoming events from their sites' ``events.json`` feeds, on a timeline
per hub and per cluster, the windows where events overlap (combined attendees; placeholders as the scaler
counts them, the maximum, with the sum beside it), late notice, events nothing proved, and one merged
placeholder calendar. Pure functions over feeds already read and checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .placeholders import Overlap, Window, overlaps, placeholder_calendar
from .timing import UTC

CLUSTER_NOT_GIVEN = "(cluster not given)"


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _span(interval: Mapping[str, str]) -> tuple[dt.datetime, dt.datetime]:
    return _utc(interval["start"]), _utc(interval["end"])


@dataclass(frozen=True)
class BoardEvent:
    """One community's event as its feed describes it."""

    source: str
    request: Mapping[str, Any]

    @property
    def event_id(self) -> str:
        return str(self.request["event_id"])

    @property
    def title(self) -> str:
        return str(self.request["title"])

    @property
    def hub(self) -> str:
        return str(self.request["hub_url"])

    @property
    def cluster(self) -> str:
        return self.request["hub_team"]["cluster"] or CLUSTER_NOT_GIVEN

    @property
    def attendees(self) -> int:
        return int(self.request["user_number"])

    @property
    def placeholders(self) -> int:
        return int(self.request["advice"]["placeholders"])

    @property
    def sessions(self) -> list[tuple[dt.datetime, dt.datetime]]:
        return [_span(session) for session in self.request["sessions"]]

    @property
    def windows(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """When the event uses the hub: its warm windows when it has placeholders, else its sessions."""
        warm = self.request["hub_team"]["warm_windows"]
        return [_span(window) for window in warm] if warm else self.sessions

    @property
    def late(self) -> bool:
        return self.request["enough_notice"] is not True

    @property
    def proven(self) -> str | None:
        """What proved the event on its site: a passing content check or rehearsal; None when nothing did."""
        proof = self.request["proof"]
        rehearsal = proof["rehearsal"]
        if rehearsal and rehearsal["ok"]:
            return f"rehearsal on {rehearsal['date']}"
        return "content check" if proof["content_check"] == "passed" else None


@dataclass(frozen=True)
class Board:
    """Everything the board shows."""

    events: list[BoardEvent]
    by_hub: list[tuple[str, list[BoardEvent]]]
    by_cluster: list[tuple[str, list[BoardEvent]]]
    overlaps: list[Overlap]
    late: list[BoardEvent]
    unproven: list[BoardEvent]
    windows: list[Window]


def _grouped(events: Iterable[BoardEvent], key: Any) -> list[tuple[str, list[BoardEvent]]]:
    groups: dict[str, list[BoardEvent]] = {}
    for event in events:
        groups.setdefault(key(event), []).append(event)
    return sorted(groups.items())


def _windows(event: BoardEvent, *, pool: str | None, count: int, key: str) -> list[Window]:
    host = urlsplit(event.hub).hostname or "sphinx-event-ext"
    spans = event.windows
    return [
        Window(
            uid=f"{event.event_id}-placeholders-{number}@{host}",
            event_id=key,
            title=event.title,
            hub=event.hub,
            day=number,
            days=len(spans),
            start=start,
            end=end,
            pool=pool,
            count=count,
            attendees=event.attendees,
            cancelled=False,
        )
        for number, (start, end) in enumerate(spans, start=1)
    ]


def board(feeds: Sequence[tuple[str, Sequence[Mapping[str, Any]]]], *, today: dt.date) -> Board:
    """The board of the feeds' upcoming events (those not over on ``today`` and not cancelled)."""
    midnight = dt.datetime.combine(today, dt.time(0, 0), tzinfo=UTC)
    events = [
        BoardEvent(source, request)
        for source, requests in feeds
        for request in requests
        if request["status"] != "cancelled" and _span(request["sessions"][-1])[1] > midnight
    ]
    events.sort(key=lambda event: (event.sessions[0][0], event.hub, event.event_id, event.source))
    label = {id(event): f"{event.title} ({event.event_id})" for event in events}
    on_hubs = [
        window
        for event in events
        for window in _windows(event, pool=event.hub, count=event.placeholders, key=label[id(event)])
    ]
    scaler = [
        window
        for event in events
        if event.placeholders and event.request["hub_team"]["node_pool"]
        for window in _windows(
            event, pool=event.request["hub_team"]["node_pool"], count=event.placeholders, key=event.event_id
        )
    ]
    return Board(
        events,
        _grouped(events, lambda event: event.hub),
        _grouped(events, lambda event: event.cluster),
        overlaps(on_hubs),
        [event for event in events if event.late],
        [event for event in events if event.proven is None],
        scaler,
    )


def merged_calendar(plan: Board, *, today: dt.date, name: str = "Board: placeholders") -> bytes:
    """One placeholder calendar for the scaler, in the format of each site's ``placeholders.ics``."""
    return placeholder_calendar(plan.windows, today=today, name=name)


def span_text(start: dt.datetime, end: dt.datetime) -> str:
    """``2027-03-11 15:00-18:00 UTC``, with both dates when the span crosses midnight."""
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} UTC"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def placeholders_text(overlap: Overlap) -> str:
    """The scaler's count (the maximum), with the sum beside it where it differs."""
    if overlap.replicas_sum != overlap.replicas_max:
        return f"{overlap.replicas_max} (sum {overlap.replicas_sum})"
    return str(overlap.replicas_max)


def text_report(plan: Board, problems: Sequence[tuple[str, str]]) -> list[str]:
    """The board as plain text lines, for ``sphinx-event board``."""
    lines = [f"{len(plan.events)} upcoming event(s) from the feeds"]
    for title, groups in (("By hub", plan.by_hub), ("By cluster", plan.by_cluster)):
        lines += ["", title]
        for name, members in groups:
            lines.append(f"  {name}")
            for event in members:
                first = event.sessions[0]
                lines.append(
                    f"    {span_text(*first)}  {event.title} ({event.event_id}), {event.attendees} attendees, "
                    f"{len(event.sessions)} day(s), placeholders {event.placeholders}  [{event.source}]"
                )
    lines += ["", "Overlapping events (attendees together; placeholders: the scaler's maximum, sum beside it)"]
    for overlap in plan.overlaps:
        lines.append(
            f"  {overlap.pool}  {span_text(overlap.start, overlap.end)}  {' + '.join(overlap.event_ids)}: "
            f"{overlap.attendees} attendees, placeholders {placeholders_text(overlap)}"
        )
    if not plan.overlaps:
        lines.append("  none")
    lines += ["", "Late notice"]
    lines += [f"  {e.title} ({e.event_id}): notify by {e.request['notify_by']}, notified "
              f"{e.request['notified'] or 'not yet'}  [{e.source}]" for e in plan.late] or ["  none"]  # fmt: skip
    lines += ["", "Nothing proved (no passing content check or rehearsal)"]
    lines += [f"  {event.title} ({event.event_id})  [{event.source}]" for event in plan.unproven] or ["  none"]
    if problems:
        lines += ["", "Feeds skipped"]
        lines += [f"  {source}: {problem}" for source, problem in problems]
    return lines
