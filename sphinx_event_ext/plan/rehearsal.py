"""The record of a dress rehearsal (``rehearsal.json``): measured memory, the pre-warm advice from the login
wave (:mod:`.login_wave`), the proofs it gives the checklist and what the hub team's mail quotes. Pure
functions, no network.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model.event import Event
from ..model.memory import GIB, MIB, parse_memory
from ..model.schema import validator
from .capacity import suggest_capacity
from .checklist import REHEARSAL_STEPS
from .login_wave import MAX_SLOW_SHARE, SpawnLimit, WaveStats

REHEARSAL_VERSION = "2"
#: Versions whose records a build still reads (each version only adds to the one before).
READABLE_VERSIONS = ("1", "2")


@dataclass(frozen=True)
class NotebookUsage:
    """What one notebook used in its kernel on the hub, read in that kernel after it ran."""

    path: str
    peak_rss_bytes: int
    cpu_seconds: float

    def to_json(self) -> dict[str, Any]:
        """One entry of ``resources.notebooks``."""
        return {"path": self.path, "peak_rss_bytes": self.peak_rss_bytes, "cpu_seconds": round(self.cpu_seconds, 2)}


@dataclass(frozen=True)
class ServerFacts:
    """What a server of the hub says about itself: its image, limits, and the content's disk use."""

    image: str | None = None
    image_variable: str | None = None  # JUPYTER_IMAGE or JUPYTER_IMAGE_SPEC
    memory_limit: int | None = None  # bytes, from MEM_LIMIT
    memory_guarantee: int | None = None  # bytes, from MEM_GUARANTEE
    cpu_limit: float | None = None
    content_bytes: int | None = None
    volume_total_bytes: int | None = None
    volume_free_bytes: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``server`` object of ``rehearsal.json``; sizes in bytes."""
        return {
            "image": self.image,
            "image_variable": self.image_variable,
            "memory_limit_bytes": self.memory_limit,
            "memory_guarantee_bytes": self.memory_guarantee,
            "cpu_limit": self.cpu_limit,
            "content_bytes": self.content_bytes,
            "home_volume": {"total_bytes": self.volume_total_bytes, "free_bytes": self.volume_free_bytes},
        }


def mib_text(size: int) -> str:
    """A byte count in KiB, MiB or GiB, as a person reads it."""
    if size >= GIB:
        return f"{size / GIB:.1f} GiB"
    return f"{size / MIB:.0f} MiB" if size >= MIB else f"{size / 1024:.0f} KiB"


def memory_findings(
    usage: Sequence[NotebookUsage], memory_per_user: int, limit: int | None
) -> tuple[list[str], list[str]]:
    """Problems and warnings from the heaviest notebook's measured peak.

    Above the server's memory limit (``MEM_LIMIT``), the kernel is killed in front of the room:
    a problem. Above ``memory-per-user`` with a higher limit, it runs but the hub's nodes hold fewer
    users than planned: a warning. With no limit exposed, ``memory-per-user`` is the server's size.
    """
    if not usage:
        return [], []
    heaviest = max(usage, key=lambda item: (item.peak_rss_bytes, item.path))
    peak = mib_text(heaviest.peak_rss_bytes)
    where = f"{heaviest.path} peaked at {peak} in its kernel on the hub"
    if limit is not None and heaviest.peak_rss_bytes > limit:
        return [f"memory: {where}, above the server's limit of {mib_text(limit)} (MEM_LIMIT)"], []
    if limit is None and heaviest.peak_rss_bytes > memory_per_user:
        return [f"memory: {where}, above memory-per-user {mib_text(memory_per_user)} (the hub shows no limit)"], []
    if heaviest.peak_rss_bytes > memory_per_user:
        return [], [f"memory: {where}, above memory-per-user {mib_text(memory_per_user)}: plan nodes for the peak"]
    return [], []


def measured_memory_per_user(usage: Sequence[NotebookUsage], memory_per_user: int) -> int:
    """The memory to plan per attendee: the option, or the heaviest measured peak rounded up to 64 MiB."""
    if not usage:
        return memory_per_user
    peak = max(item.peak_rss_bytes for item in usage)
    return max(memory_per_user, math.ceil(peak / (64 * MIB)) * 64 * MIB)


def prewarm_advice(
    event: Event, wave: WaveStats, usage: Sequence[NotebookUsage] = (), spawn_limit: SpawnLimit | None = None
) -> dict[str, Any]:
    """Whether to ask the hub team to pre-warm, why, and the capacity to ask for.

    Attendees whose server took ``slow_after`` seconds or more (or did not start) waited for a
    node; the provider's guidance is that no more than 30% should. The capacity uses the
    measured memory per attendee when the heaviest notebook needs more than ``memory-per-user``.
    """
    planned = parse_memory(event.memory_per_user)
    per_user = measured_memory_per_user(usage, planned)
    capacity = suggest_capacity(
        event.attendees,
        memory_per_user=f"{per_user // MIB}M" if per_user != planned else event.memory_per_user,
        node_memory=event.node_memory,
        cluster=event.cluster,
        hub_name=event.hub_name,
    )
    warm = event.attendees - math.floor(MAX_SLOW_SHARE * event.attendees)
    share = f"{wave.slow} of {wave.servers} ({wave.slow_share:.0%})"
    if wave.failures:
        reason = f"{wave.failures} of {wave.servers} server(s) did not start"
        prewarm = True
    elif wave.slow_share > MAX_SLOW_SHARE:
        reason = (
            f"{share} servers took {wave.slow_after:.0f} s or more to start, more than the provider's 30% "
            f"guidance; {warm} of the {event.attendees} attendees must find a warm node"
        )
        prewarm = True
    else:
        reason = f"{share} servers took {wave.slow_after:.0f} s or more to start, within the provider's 30% guidance"
        prewarm = False
    if (
        spawn_limit is not None
        and spawn_limit.refusals
        and spawn_limit.at_once
        and spawn_limit.at_once < event.attendees
    ):
        reason += f"; the hub starts at most {spawn_limit.at_once} server(s) at once: ask the hub team to raise it"
    advice: dict[str, Any] = {
        "prewarm": prewarm,
        "reason": reason,
        "attendees": event.attendees,
        "users_to_find_warm_node": warm,
        "capacity": capacity.as_json(),
    }
    advice["memory_per_user_source"] = "measured" if per_user != planned else "memory-per-user"
    return advice


@dataclass(frozen=True)
class RehearsalRecord:
    """Everything a rehearsal found, in one typed place; :meth:`to_json` is ``rehearsal.json``, wherever it goes."""

    event: Event
    date: dt.date
    hub: str
    mode: str
    link: str
    servers: Sequence[Mapping[str, Any]]
    wave: WaveStats
    execution: Mapping[str, Any] | None
    placement: Mapping[str, str]
    problems: Sequence[str]
    environment: Mapping[str, Any] | None = None
    profile: Mapping[str, str] = field(default_factory=dict)
    arrivals: Mapping[str, Any] | None = None
    spawn_limit: SpawnLimit = field(default_factory=SpawnLimit)
    usage: Sequence[NotebookUsage] = ()
    server: ServerFacts | None = None
    warnings: Sequence[str] = ()

    @property
    def ok(self) -> bool:
        """Passed: nothing failed (warnings do not fail a rehearsal)."""
        return not self.problems

    def summary(self) -> str:
        """The rehearsal's result in one line with its date, for the console and the event's page (after
        "rehearsal")."""
        verdict = "passed" if self.ok else f"failed ({len(self.problems)} problem(s))"
        parts = [f"{verdict} on {self.date.isoformat()}: {self.wave.started} of {self.wave.servers} server(s) started"]
        if self.wave.median is not None:
            parts.append(f"median start {self.wave.median:.0f} s")
        if self.usage:
            heaviest = max(item.peak_rss_bytes for item in self.usage)
            parts.append(f"peak memory {mib_text(heaviest)}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """``rehearsal.json``: fixed key order, servers in the order planned, notebooks sorted by path."""
        planned = parse_memory(self.event.memory_per_user)
        heaviest = max(self.usage, key=lambda item: (item.peak_rss_bytes, item.path)) if self.usage else None
        return {
            "schema_version": REHEARSAL_VERSION,
            "event": self.event.id,
            "date": self.date.isoformat(),
            "hub": self.hub,
            "mode": self.mode,
            "link": self.link,
            "ok": self.ok,
            "summary": self.summary(),
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "profile": dict(self.profile) or None,
            "arrivals": dict(self.arrivals) if self.arrivals is not None else None,
            "servers": [dict(server) for server in self.servers],
            "wave": self.wave.to_json(),
            "spawn_limit": self.spawn_limit.to_json(self.event.attendees, self.wave.median),
            "resources": {
                "notebooks": [item.to_json() for item in sorted(self.usage, key=lambda item: item.path)],
                "heaviest": heaviest.to_json() if heaviest else None,
                "memory_per_user_bytes": planned,
                "planned_memory_per_user_bytes": measured_memory_per_user(self.usage, planned),
            },
            "server": self.server.to_json() if self.server is not None else None,
            "recommendation": prewarm_advice(self.event, self.wave, self.usage, self.spawn_limit),
            "placement": dict(sorted(self.placement.items())),
            "execution": dict(self.execution) if self.execution is not None else None,
            "environment": dict(self.environment) if self.environment is not None else None,
        }


def rehearsal_json(event: Event, **fields: Any) -> dict[str, Any]:
    """``rehearsal.json`` of a record made of ``fields`` (see :class:`RehearsalRecord`)."""
    return RehearsalRecord(event, **fields).to_json()


def rehearsal_proofs(data: Mapping[str, Any], event_id: str) -> dict[str, str]:
    """The checklist steps a ``rehearsal.json`` proves for ``event_id``: none unless that event's rehearsal passed."""
    if (
        data.get("schema_version") not in READABLE_VERSIONS
        or data.get("event") != event_id
        or data.get("ok") is not True
    ):
        return {}
    summary = data.get("summary")
    if isinstance(summary, str):  # version 2: the one-line result with its date, as the console showed it
        text = f"{' '.join(summary.split())[:300]}; the link was clicked and every notebook ran there"
    else:
        text = f"a rehearsal on the hub passed on {data.get('date')}: the link was clicked and every notebook ran there"
    return {key: text for key in REHEARSAL_STEPS}


def rehearsal_evidence(data: Mapping[str, Any], event_id: str) -> dict[str, Any] | None:
    """What the pre-warm request and the hub team's mail quote of the event's last rehearsal (version 2 or
    later): the wave, the measured memory, the image and the spawn limit; None for another event's or an
    older record."""
    if data.get("event") != event_id or data.get("schema_version") != REHEARSAL_VERSION:
        return None
    if not validator("rehearsal").is_valid(data):  # a record edited by hand, or broken, is quoted nowhere
        return None
    wave, resources = data["wave"], data["resources"]
    heaviest = resources.get("heaviest") or {}
    server = data.get("server") or {}
    return {
        "date": data["date"],
        "ok": data["ok"],
        "summary": data["summary"],
        "users": wave["servers"],
        "start_seconds": {key: wave["start_seconds"].get(key) for key in ("median", "p90", "max")},
        "slow_share": wave["slow_share"],
        "heaviest_notebook": heaviest.get("path"),
        "peak_memory_bytes": heaviest.get("peak_rss_bytes"),
        "planned_memory_per_user_bytes": resources["planned_memory_per_user_bytes"],
        "memory_limit_bytes": server.get("memory_limit_bytes"),
        "image": server.get("image"),
        "spawn_limit": (data.get("spawn_limit") or {}).get("finding"),
    }


def evidence_lines(evidence: Mapping[str, Any]) -> list[str]:
    """The rehearsal's numbers, as the mail to the hub team quotes them."""
    times = evidence["start_seconds"]
    verdict = "passed" if evidence["ok"] else "failed"
    lines = [
        f"Rehearsal on the hub ({evidence['date']}, {verdict}): {evidence['users']} user(s) at once; server start "
        f"median {times['median']} s, 90th percentile {times['p90']} s, max {times['max']} s; "
        f"{evidence['slow_share']:.0%} took a minute or more."
    ]
    if evidence["peak_memory_bytes"] is not None:
        limit = evidence["memory_limit_bytes"]
        lines.append(
            f"Measured memory: the heaviest notebook ({evidence['heaviest_notebook']}) peaks at "
            f"{mib_text(evidence['peak_memory_bytes'])} in its kernel"
            + (f", under a server limit of {mib_text(limit)}" if isinstance(limit, int) else "")
            + f"; we plan {mib_text(evidence['planned_memory_per_user_bytes'])} per attendee."
        )
    if evidence["image"]:
        lines.append(f"Image rehearsed: {evidence['image']} (is it the one the event will use?)")
    if evidence["spawn_limit"]:
        lines.append(f"Spawn limit: {evidence['spawn_limit']}.")
    return lines
