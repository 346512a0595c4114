"""Events whose attendees launch on mybinder.org itself: its resource request, notice rule and quota.

mybinder.org takes event requests through an issue form in jupyterhub/mybinder.org-deploy
(``.github/ISSUE_TEMPLATE/request_resources.yml``, field ids ``whoyouare``, ``details``, ``money``,
``repository``, ``event_type``, ``attendees``, ``times``, ``runway``, ``support``, ``extra``). It
recommends two weeks' notice and refuses requests less than 48 hours ahead; a repository may have
100 users at once by default. These rules are mybinder.org's: other BinderHubs have their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from ..model.event import Event
from .timing import format_utc_hours, session_bounds

MYBINDER_HOST = "mybinder.org"
REQUEST_FORM = "https://github.com/jupyterhub/mybinder.org-deploy/issues/new"
REQUEST_TEMPLATE = "request_resources.yml"
RECOMMENDED_NOTICE_DAYS = 14
REFUSED_UNDER_HOURS = 48
LAUNCH_QUOTA = 100
#: The form's "Type of event" options that an event's ``kind`` names exactly.
EVENT_TYPES = {"workshop": "workshop", "course": "lecture course"}

ENOUGH = "enough"
SHORT = "short"
REFUSED = "refused"


@dataclass(frozen=True)
class BinderNotice:
    """mybinder.org's notice rule applied on one day: enough, short (under two weeks) or refused (under 48 h)."""

    state: str
    recommend_by: dt.date
    refused_from: dt.datetime
    hours_left: int

    @property
    def warn(self) -> bool:
        return self.state != ENOUGH


def uses_mybinder(event: Event) -> bool:
    """Whether the event says attendees launch on mybinder.org itself (``binder-attendees`` with that BinderHub)."""
    host = (urlsplit(event.binderhub).hostname or "").lower().rstrip(".")
    return event.binder_attendees is not None and host == MYBINDER_HOST


def binder_notice(event: Event, today: dt.date) -> BinderNotice:
    """Hours from the start of ``today`` (in the event's zone) to the first session, against the rule."""
    first = session_bounds(event, event.start)[0]
    now = dt.datetime.combine(today, dt.time(0, 0), tzinfo=event.zone)
    hours = int((first - now).total_seconds() // 3600)
    refused_from = first - dt.timedelta(hours=REFUSED_UNDER_HOURS)
    recommend_by = event.start - dt.timedelta(days=RECOMMENDED_NOTICE_DAYS)
    if hours < REFUSED_UNDER_HOURS:
        state = REFUSED
    elif today > recommend_by:
        state = SHORT
    else:
        state = ENOUGH
    return BinderNotice(state, recommend_by, refused_from, hours)


def notice_advice(verdict: BinderNotice) -> str:
    """What the mybinder.org notice warning says."""
    if verdict.state == REFUSED:
        return (
            f"mybinder.org refuses resource requests less than {REFUSED_UNDER_HOURS} hours before an event "
            f"({verdict.hours_left} h left); plan for its default quota of {LAUNCH_QUOTA} users per repository"
        )
    return (
        f"mybinder.org recommends asking for resources {RECOMMENDED_NOTICE_DAYS} days ahead (by "
        f"{verdict.recommend_by.isoformat()}); ask now, before {verdict.refused_from:%Y-%m-%d %H:%M %Z}, "
        f"after which requests are refused"
    )


def over_quota(event: Event) -> bool:
    """Whether more attendees launch at once than mybinder.org's default quota per repository."""
    return uses_mybinder(event) and (event.binder_attendees or 0) > LAUNCH_QUOTA


def quota_advice(event: Event) -> str:
    """What the quota warning says."""
    return (
        f"{event.binder_attendees} attendees would launch on mybinder.org at once, above its default quota of "
        f"{LAUNCH_QUOTA} users per repository; ask for more with the resource request form, or spread the launches"
    )


def binder_repository(event: Event) -> str | None:
    """The repository Binder builds for the event: its environment repository, else its content."""
    return event.environment_repo or event.content_repo


def request_url(event: Event, today: dt.date, page_url: str | None = None) -> str:
    """mybinder.org's resource request form, pre-filled with what the page knows; the rest is left to fill in."""
    days = event.start.isoformat() if event.start == event.end else f"{event.start} to {event.end}"
    details = [f"{event.title}: {event.kind or 'an event'} on {days}."]
    if page_url:
        details.append(f"Event page: {page_url}")
    times = f"{days}, {event.active_hours_text} {event.timezone} ({format_utc_hours(event)})"
    verdict = binder_notice(event, today)
    fields = [
        ("template", REQUEST_TEMPLATE),
        ("title", f"Resources for {event.title} ({days})"),
        ("whoyouare", event.contact),
        ("details", "\n".join(details)),
        ("repository", binder_repository(event)),
        ("event_type", EVENT_TYPES.get(event.kind or "")),
        ("attendees", str(event.binder_attendees)),
        ("times", times),
        ("runway", "Yes" if verdict.state == ENOUGH else "No"),
    ]
    return f"{REQUEST_FORM}?{urlencode([(key, value) for key, value in fields if value], quote_via=quote)}"
