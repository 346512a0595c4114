"""The machine-readable pre-warm request the hub team gets for each event.

Field names follow the provider's own event issue form where it has one, so the JSON can
be pasted or scripted straight into their process. Everything here is pure except
:func:`write_atomic`; "today" is always passed in, so a build is reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..model.event import Event
from ..model.memory import MIB, gib, parse_memory
from .advice import advise, rehearsal_wave
from .binder import LAUNCH_QUOTA, binder_notice, over_quota, request_url, uses_mybinder
from .capacity import Capacity, suggest_capacity
from .rehearsal import rehearsal_evidence
from .timing import UTC, NoticeState, notice, notify_by, session_bounds, sessions_utc

SCHEMA_VERSION = "2"
#: ``events.json``'s own version: 3 added each event's ``proofs`` (its requests stay at ``SCHEMA_VERSION``).
INDEX_VERSION = "3"
DEFAULT_NOTICE_DAYS = 21
DEFAULT_LEAD_MINUTES = 60

Interval = dict[str, str]


def utc_text(moment: dt.datetime) -> str:
    """An aware moment as ``YYYY-MM-DDTHH:MM:SSZ``, the one UTC spelling used in every output."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def prewarm_windows(sessions: Sequence[tuple[dt.datetime, dt.datetime]], lead_minutes: int) -> list[Interval]:
    """From ``lead_minutes`` before each session until it starts: when nodes should already be up."""
    if lead_minutes <= 0:
        raise ValueError(f"the pre-warm lead time must be a positive number of minutes, got {lead_minutes}")
    lead = dt.timedelta(minutes=lead_minutes)
    return [{"start": utc_text(start - lead), "end": utc_text(start)} for start, _ in sessions]


def notice_text(state: NoticeState, deadline: dt.date, notified: dt.date | None, notice_days: int) -> str:
    """Whether the hub team has been told, and in time, in one sentence a hub team reads without the docs."""
    by = f"{deadline.isoformat()}, {notice_days} days before the start"
    told = notified.isoformat() if notified else ""
    return {
        NoticeState.NOTIFIED: f"The hub team was told on {told}, in time (the deadline is {by}).",
        NoticeState.NOTIFIED_LATE: f"The hub team was told on {told}, after the deadline ({by}).",
        NoticeState.PENDING: f"The hub team has not been told yet; there is time until {by}.",
        NoticeState.LATE: f"The hub team has not been told yet, and the deadline ({by}) has passed.",
        NoticeState.OVER: "The event is over.",
    }[state]


def prewarm_text(pre_initialize: bool, nodes_to_prewarm: int, lead_minutes: int) -> str:
    """Whether the organizers ask for pre-warming, and how many nodes would keep waits short, in one sentence:
    the card, ``prewarm.json`` and the mails say the same thing."""
    nodes = f"{nodes_to_prewarm} node{'s' if nodes_to_prewarm != 1 else ''}"
    if pre_initialize:
        return (
            f"Pre-warming asked for: please have {nodes} ready from {lead_minutes} minutes before each session "
            "until it starts, so that no more than 30% of attendees wait for a new node."
        )
    return (
        f"Pre-warming not asked for. If you pre-warm anyway, {nodes} ready at the start of each session would "
        "keep no more than 30% of attendees waiting for a new node."
    )


def event_capacity(event: Event, memory_per_user: str | None = None) -> Capacity:
    """The node-sharing suggestion for ``event``, from its own sizes (``memory_per_user`` when a rehearsal
    measured more than the event's option)."""
    return suggest_capacity(
        event.attendees,
        memory_per_user=memory_per_user or event.memory_per_user,
        node_memory=event.node_memory,
        cluster=event.cluster,
        hub_name=event.hub_name,
    )


def measured_memory(event: Event, rehearsal: Mapping[str, Any] | None) -> str | None:
    """The memory per attendee the event's last rehearsal planned from its measurements, when it is above the
    event's ``memory-per-user`` (a rehearsal only ever raises the sizing), as a ``memory-per-user`` value."""
    evidence = rehearsal_evidence(rehearsal, event.id) if rehearsal is not None else None
    planned = evidence["planned_memory_per_user_bytes"] if evidence else 0
    return f"{planned // MIB}M" if planned > parse_memory(event.memory_per_user) else None


def event_prewarm_text(
    event: Event, lead_minutes: int = DEFAULT_LEAD_MINUTES, rehearsal: Mapping[str, Any] | None = None
) -> str:
    """:func:`prewarm_text` for ``event``: what its card says and its ``prewarm.json`` and mails repeat, sized
    as ``prewarm.json``'s capacity is (by the last ``rehearsal``'s measured memory when it is higher)."""
    capacity = event_capacity(event, measured_memory(event, rehearsal))
    return prewarm_text(event.pre_initialize, capacity.nodes_to_prewarm, lead_minutes)


def prewarm_request(
    event: Event,
    *,
    today: dt.date,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    lead_minutes: int = DEFAULT_LEAD_MINUTES,
    page_url: str | None = None,
    rehearsal: Mapping[str, Any] | None = None,
    node_pool: str | None = None,
    execution: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the hub team needs to plan for ``event``, as ``prewarm.schema.json`` describes it.

    ``rehearsal`` is the event's last rehearsal record: its measured numbers are quoted, its measured
    memory per attendee sizes the capacity when it is above ``memory-per-user``, and its measured wave
    decides the advice; ``node_pool`` the site's ``event_node_pool``; ``execution`` the event's content
    check (``execution.json``).
    """
    sessions = sessions_utc(event)
    windows = prewarm_windows(sessions, lead_minutes)
    deadline = notify_by(event, notice_days)
    evidence = rehearsal_evidence(rehearsal, event.id) if rehearsal is not None else None
    verdict = notice(event, today, notice_days)
    capacity = event_capacity(event, measured_memory(event, rehearsal))
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "event_id": event.id,
        "title": event.title,
        "hub_url": event.hub,
        "timezone": event.timezone,
        "event_begin": session_bounds(event, event.start)[0].isoformat(),
        "event_end": session_bounds(event, event.end)[1].isoformat(),
        "active_times": f"{event.active_hours_text} {event.timezone}",
        "sessions": [{"start": utc_text(start), "end": utc_text(end)} for start, end in sessions],
        "user_number": event.attendees,
        "pre_initialize": event.pre_initialize,
        "notify_by": deadline.isoformat(),
        "notified": event.notified.isoformat() if event.notified else None,
        "enough_notice": (event.notified or today) <= deadline,
        "notice_state": verdict.state.value,
        "notice_text": notice_text(verdict.state, deadline, event.notified, notice_days),
        "prewarm_text": event_prewarm_text(event, lead_minutes, rehearsal),
    }
    if event.pre_initialize:
        data["prewarm_windows"] = windows
    data["capacity"] = capacity.as_json()
    enough = data["enough_notice"]
    advice = advise(event, capacity, enough_notice=enough, wave=rehearsal_wave(rehearsal, event.id))
    data["advice"] = advice.as_json()
    lead = dt.timedelta(minutes=lead_minutes)
    warm = [{"start": utc_text(start - lead), "end": utc_text(end)} for start, end in sessions]
    data["hub_team"] = {
        "cluster": event.cluster,
        "hub_name": event.hub_name,
        "node_pool": event.node_pool or node_pool,
        "warm_windows": warm if advice.placeholders else [],
    }
    data["proof"] = proof(event.id, rehearsal, execution)
    data["intake"] = intake(event)
    data["status"] = event.status
    if uses_mybinder(event):
        data["mybinder"] = mybinder(event, today, page_url)
    data["content"] = {
        "repo": event.content_repo,
        "branch": event.content_branch,
        "image": event.image,
        "environment_repo": event.environment_repo,
    }
    data["contact"] = event.contact
    data["ticket"] = event.ticket
    data["notes"] = event.notes
    if page_url:
        data["page_url"] = page_url
    if evidence is not None:
        data["rehearsal"] = evidence
    data["generated_on"] = today.isoformat()
    return data


def proof(event_id: str, rehearsal: Mapping[str, Any] | None, execution: Mapping[str, Any] | None) -> dict[str, Any]:
    """What this site proved about the event: its content check's outcome and its last rehearsal, for a board."""
    summary = (execution or {}).get("summary")
    check = None
    if isinstance(summary, Mapping):
        check = "failed" if summary.get("failed") else "passed"
    rehearsed = None
    if isinstance(rehearsal, Mapping) and rehearsal.get("event") == event_id:
        rehearsed = {"date": str(rehearsal.get("date", "")), "ok": rehearsal.get("ok") is True}
    return {"content_check": check, "rehearsal": rehearsed}


def intake(event: Event) -> dict[str, Any]:
    """The provider's 2026 intake questions: the event's kind, a similar event before, storage per user."""
    storage = event.storage_per_user
    return {
        "kind": event.kind,
        "similar_before": event.similar_before,
        "storage_per_user_gib": gib(parse_memory(storage)) if storage else None,
    }


def mybinder(event: Event, today: dt.date, page_url: str | None) -> dict[str, Any]:
    """mybinder.org's side of an event whose attendees launch there: the request form and its rules."""
    verdict = binder_notice(event, today)
    return {
        "attendees": event.binder_attendees,
        "request_url": request_url(event, today, page_url),
        "recommend_by": verdict.recommend_by.isoformat(),
        "refused_from": utc_text(verdict.refused_from),
        "notice": verdict.state,
        "launch_quota": LAUNCH_QUOTA,
        "over_quota": over_quota(event),
    }


def events_index(
    requests: Iterable[Mapping[str, Any]], proofs: Mapping[str, list[dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """``events.json``: every request, ordered by first session (UTC) then id, whatever order they came in, and
    per event id the one-line summary of each proof the build carries (``proofs``)."""
    ordered = sorted(requests, key=lambda request: (request["sessions"][0]["start"], request["event_id"]))
    ids = [request["event_id"] for request in ordered]
    duplicates = sorted({event_id for event_id in ids if ids.count(event_id) > 1})
    if duplicates:
        raise ValueError(f"event ids must be unique across the site; repeated: {', '.join(duplicates)}")
    index: dict[str, Any] = {"schema_version": INDEX_VERSION, "events": [dict(request) for request in ordered]}
    if proofs is not None:
        index["proofs"] = {event_id: list(proofs.get(event_id, [])) for event_id in ids}
    return index
