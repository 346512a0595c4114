"""The arithmetic of a dress rehearsal: which server runs which notebook, when attendees arrive, the
login wave's numbers, the spawn limit's cost, measured memory, the pre-warm advice, and the record
(``rehearsal.json``). Pure functions, no network.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model.event import Event
from ..model.memory import GIB, parse_memory
from ..model.schema import validator
from .capacity import MAX_WAITING_DENOMINATOR, MAX_WAITING_NUMERATOR, suggest_capacity
from .checklist import REHEARSAL_STEPS

REHEARSAL_VERSION = "2"
#: Versions whose records a build still reads (each version only adds to the one before).
READABLE_VERSIONS = ("1", "2")
#: A server that takes this long (or longer) to start waited for a new node: the hub scaled up.
SLOW_START_SECONDS = 60.0
#: The hub provider's guidance: no more than this share of attendees should wait for a new node.
MAX_SLOW_SHARE = MAX_WAITING_NUMERATOR / MAX_WAITING_DENOMINATOR
BURST = "burst"
SPREAD = "spread"
MIB = 1024**2


def spread(notebooks: Sequence[str], servers: int) -> list[list[str]]:
    """Deal the notebooks, sorted, over ``servers`` servers in turn, so each runs about as many."""
    if servers < 1:
        raise ValueError(f"servers must be at least 1, got {servers}")
    shares: list[list[str]] = [[] for _ in range(servers)]
    for index, name in enumerate(sorted(notebooks)):
        shares[index % servers].append(name)
    return shares


def arrival_offsets(users: int, over_seconds: float, seed: int) -> list[float]:
    """When each attendee arrives, in seconds after the wave starts, in order.

    ``over_seconds`` 0 is a burst (everyone at once). Otherwise the arrivals of a Poisson
    process that brings ``users`` people within the window: given their number, such arrivals
    are independent and uniform over it, so they are drawn that way from a generator seeded
    with ``seed`` (the same seed, the same wave).
    """
    if users < 1:
        raise ValueError(f"users must be at least 1, got {users}")
    if over_seconds <= 0:
        return [0.0] * users
    generator = random.Random(seed)
    return sorted(math.floor(generator.uniform(0.0, over_seconds) * 1000) / 1000 for _ in range(users))  # ms, inside


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.9 for the 90th): a value that was actually measured."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class WaveStats:
    """How a login wave went: servers asked for, started, failed, the start-time distribution, and how many
    were slow (took ``slow_after`` seconds or more, or never started)."""

    servers: int
    started: int
    failures: int
    median: float | None
    p90: float | None
    maximum: float | None
    p95: float | None = None
    slow: int = 0
    slow_after: float = SLOW_START_SECONDS

    @property
    def slow_share(self) -> float:
        """The share of the wave's attendees who waited too long (a server that never started counts)."""
        return self.slow / self.servers if self.servers else 0.0

    def to_json(self) -> dict[str, Any]:
        """The ``wave`` object of ``rehearsal.json``; times in seconds."""
        return {
            "servers": self.servers,
            "started": self.started,
            "failures": self.failures,
            "start_seconds": {
                "median": _round(self.median),
                "p90": _round(self.p90),
                "max": _round(self.maximum),
                "p95": _round(self.p95),
            },
            "slow_after_seconds": self.slow_after,
            "slow": self.slow,
            "slow_share": round(self.slow_share, 3),
            "max_slow_share": MAX_SLOW_SHARE,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def wave_stats(start_seconds: Sequence[float | None], slow_after: float = SLOW_START_SECONDS) -> WaveStats:
    """The wave's numbers from each server's start time (None for a server that did not start)."""
    times = [value for value in start_seconds if value is not None]
    failures = len(start_seconds) - len(times)
    slow = failures + sum(1 for value in times if value >= slow_after)
    if not times:
        return WaveStats(len(start_seconds), 0, failures, None, None, None, None, slow, slow_after)
    return WaveStats(
        len(start_seconds),
        len(times),
        failures,
        statistics.median(times),
        percentile(times, 0.9),
        max(times),
        percentile(times, 0.95),
        slow,
        slow_after,
    )


@dataclass(frozen=True)
class SpawnLimit:
    """What the hub's concurrent spawn limit did to the wave: its 429 refusals and the time they cost."""

    refusals: int = 0
    seconds_lost: float = 0.0
    at_once: int | None = None  # the most servers the hub was starting when it refused one

    def finding(self, attendees: int, median_start: float | None) -> str | None:
        """The refusals in words, with what they mean for the event's head count; None without refusals."""
        if not self.refusals:
            return None
        text = (
            f"the hub refused {self.refusals} start(s) with 429 (its concurrent spawn limit); "
            f"the rehearsal waited {self.seconds_lost:.0f} s in all before retrying"
        )
        if self.at_once is None:
            return text
        text += f"; at most {self.at_once} server(s) start at once"
        if attendees > self.at_once and median_start is not None:
            waiting = attendees - self.at_once
            rounds = math.ceil(waiting / self.at_once)
            text += (
                f": with {attendees} attendees the last {waiting} wait about {rounds * median_start:.0f} s "
                f"({rounds} round(s) of a {median_start:.0f} s start) before their server even begins to start"
            )
        return text

    def to_json(self, attendees: int, median_start: float | None) -> dict[str, Any]:
        """The ``spawn_limit`` object of ``rehearsal.json``."""
        return {
            "refusals": self.refusals,
            "seconds_lost": round(self.seconds_lost, 2),
            "started_at_once": self.at_once,
            "finding": self.finding(attendees, median_start),
        }


def starting_at_refusals(refusals: Sequence[float], starting: Sequence[tuple[float, float]]) -> int | None:
    """How many servers the hub was starting when it refused one: the fewest starting at any refusal.

    ``starting`` holds, per server that started, the moment its accepted request was sent and the
    moment it was ready. A request sent at the same moment as a refused one may have been accepted
    after it, so the fewest is the estimate; None without refusals.
    """
    counts = [sum(1 for begin, end in starting if begin <= moment < end) for moment in refusals]
    return max(1, min(counts)) if counts else None


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
    spawn_limit: SpawnLimit = SpawnLimit()
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


def _seconds(value: Any) -> str:
    return "-" if value is None else f"{value:.1f} s"


def console_table(data: Mapping[str, Any]) -> list[str]:
    """A line per server of a ``rehearsal.json``: start and pull times, its notebooks' outcome, its failure."""
    notebooks = (data.get("execution") or {}).get("notebooks", [])
    status = {notebook["path"]: notebook["status"] for notebook in notebooks}
    rows = [("server", "start", "pull", "notebooks", "result")]
    for server in data["servers"]:
        label = f"{server['user']}/{server['server']}" if server["server"] else server["user"]
        mine = [status[path] for path, where in data["placement"].items() if where == label and path in status]
        counts = ", ".join(f"{mine.count(name)} {name}" for name in sorted(set(mine))) or "-"
        failure = server["failure"]
        result = f"failed at {failure['step']}" if failure else "ok"
        rows.append((label, _seconds(server["start_seconds"]), _seconds(server["pull_seconds"]), counts, result))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def _size(value: Any) -> str:
    return mib_text(value) if isinstance(value, int) else "not reported"


def wave_lines(data: Mapping[str, Any]) -> list[str]:
    """The wave, the spawn limit, the measured resources, the server and the advice, a line each, from a record."""
    wave = data["wave"]
    times = wave["start_seconds"]
    lines = [
        f"wave     {wave['started']} of {wave['servers']} server(s) started; start time median {times['median']} s, "
        f"90th percentile {times['p90']} s, 95th {times.get('p95')} s, max {times['max']} s; "
        f"{wave.get('slow', 0)} ({wave.get('slow_share', 0):.0%}) took {wave.get('slow_after_seconds', 60):.0f} s "
        "or more (the provider's guidance: at most 30%)"
    ]
    finding = (data.get("spawn_limit") or {}).get("finding")
    if finding:
        lines.append(f"limit    {finding}")
    resources = data.get("resources") or {}
    heaviest = resources.get("heaviest")
    if heaviest:
        lines.append(
            f"memory   heaviest notebook {heaviest['path']}: peak {_size(heaviest['peak_rss_bytes'])}, "
            f"CPU {heaviest['cpu_seconds']:.1f} s; planned per attendee "
            f"{_size(resources.get('planned_memory_per_user_bytes'))}"
        )
    server = data.get("server")
    if server:
        lines.append(
            f"server   image {server['image'] or 'not reported'}; memory limit {_size(server['memory_limit_bytes'])}, "
            f"guarantee {_size(server['memory_guarantee_bytes'])}; content {_size(server['content_bytes'])} on disk, "
            f"home volume {_size(server['home_volume']['free_bytes'])} free of {_size(server['home_volume']['total_bytes'])}"
        )
    advice = data["recommendation"]
    capacity = advice["capacity"]
    lines.append(
        f"pre-warm {'ask for it' if advice['prewarm'] else 'not needed by this evidence'}: {advice['reason']}; "
        f"{capacity['users_per_node']} attendees per node, {capacity['nodes_to_prewarm']} node(s) to pre-warm"
    )
    return lines


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
