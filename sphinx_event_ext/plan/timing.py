"""Time arithmetic for events: "today", sessions in UTC, and the notice rule.

Pure functions: no Sphinx, no clock reads except in :func:`resolve_today`, which says
exactly where "today" comes from so that builds are reproducible.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from ..model.event import Event

UTC = dt.timezone.utc


def session_bounds(event: Event, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The active hours of one day as aware datetimes in the event's zone."""
    begin, end = event.active_hours
    zone = event.zone
    return dt.datetime.combine(day, begin, tzinfo=zone), dt.datetime.combine(day, end, tzinfo=zone)


def sessions_utc(event: Event) -> list[tuple[dt.datetime, dt.datetime]]:
    """One (start, end) per day of the event, in UTC, right across daylight-saving changes."""
    sessions = []
    for day in event.days:
        start, end = session_bounds(event, day)
        sessions.append((start.astimezone(UTC), end.astimezone(UTC)))
    return sessions


def utc_range(begin: dt.datetime, end: dt.datetime) -> str:
    """``16:00-23:00 UTC``; a range that ends on a later UTC day says so: ``16:00-00:00 (+1 day) UTC``."""
    later = (end.date() - begin.date()).days
    suffix = f" (+{later} day{'s' if later > 1 else ''})" if later else ""
    return f"{begin:%H:%M}-{end:%H:%M}{suffix} UTC"


def _days_text(days: list[dt.date]) -> str:
    """``2027-03-13``, ``2027-03-13 to 2027-03-15`` for consecutive days, else the days one by one."""
    if len(days) == 1:
        return days[0].isoformat()
    if (days[-1] - days[0]).days == len(days) - 1:
        return f"{days[0].isoformat()} to {days[-1].isoformat()}"
    return ", ".join(day.isoformat() for day in days)


def format_utc_hours(event: Event) -> str:
    """The active hours in UTC; when a daylight-saving change mid-event gives several ranges, each says which of
    the event's (local) days it applies to."""
    ranges: dict[str, list[dt.date]] = {}
    for day, (begin, end) in zip(event.days, sessions_utc(event), strict=True):
        ranges.setdefault(utc_range(begin, end), []).append(day)
    if len(ranges) == 1:
        return next(iter(ranges))
    return "; ".join(f"{text} on {_days_text(days)}" for text, days in ranges.items())


def notify_by(event: Event, notice_days: int) -> dt.date:
    """The last day to tell the hub team about the event."""
    return event.start - dt.timedelta(days=notice_days)


class NoticeState(str, enum.Enum):
    """Where an event stands with respect to telling the hub team."""

    NOTIFIED = "notified"
    NOTIFIED_LATE = "notified-late"
    PENDING = "pending"
    LATE = "late"
    OVER = "over"


@dataclass(frozen=True)
class Notice:
    """The notice rule's verdict for one event on one day."""

    state: NoticeState
    notify_by: dt.date
    warn: bool

    @property
    def label(self) -> str:
        """A short, human label for badges and tables."""
        return {
            NoticeState.NOTIFIED: "Hub team notified",
            NoticeState.NOTIFIED_LATE: "Notified late",
            NoticeState.PENDING: f"Notify by {self.notify_by.isoformat()}",
            NoticeState.LATE: f"Notice overdue (was due {self.notify_by.isoformat()})",
            NoticeState.OVER: "Event over",
        }[self.state]


def notice(event: Event, today: dt.date, notice_days: int) -> Notice:
    """Apply the notice rule: warn when the start is near and no timely notification is recorded."""
    deadline = notify_by(event, notice_days)
    if today > event.end:
        return Notice(NoticeState.OVER, deadline, warn=False)
    if event.notified is not None and event.notified <= deadline:
        return Notice(NoticeState.NOTIFIED, deadline, warn=False)
    near = (event.start - today).days < notice_days
    if event.notified is not None:
        return Notice(NoticeState.NOTIFIED_LATE, deadline, warn=near)
    return Notice(NoticeState.LATE if near else NoticeState.PENDING, deadline, warn=near)


def late_notice_advice(event: Event, verdict: Notice, notice_days: int, today: dt.date | None = None) -> str:
    """What the notice warning tells the organizer to do; a deadline already past (on ``today``) is said to be."""
    deadline = verdict.notify_by.isoformat()
    if event.notified is not None:
        return (
            f"the hub team was told on {event.notified.isoformat()}, after the notify-by date {deadline} "
            f"({notice_days} days ahead); confirm with them that they can still prepare"
        )
    if today is not None and today > verdict.notify_by:
        ago = (today - verdict.notify_by).days
        return (
            f"notice was due {deadline} ({ago} day{'s' if ago != 1 else ''} ago, {notice_days} days ahead); "
            "tell the hub team now and record the date with :notified:"
        )
    return f"tell the hub team by {deadline} ({notice_days} days ahead) and record the date with :notified:"
