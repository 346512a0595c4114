"""The arithmetic of a dress rehearsal: which server runs which notebook, the login wave's numbers,
the pre-warm advice, and ``rehearsal.json``'s shape. Pure functions, no network.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model.event import Event
from .capacity import suggest_capacity
from .checklist import REHEARSAL_STEPS

REHEARSAL_VERSION = "1"
#: A server that takes this long (or longer) to start waited for a new node: the hub scaled up.
SLOW_START_SECONDS = 60.0


def spread(notebooks: Sequence[str], servers: int) -> list[list[str]]:
    """Deal the notebooks, sorted, over ``servers`` servers in turn, so each runs about as many."""
    if servers < 1:
        raise ValueError(f"servers must be at least 1, got {servers}")
    shares: list[list[str]] = [[] for _ in range(servers)]
    for index, name in enumerate(sorted(notebooks)):
        shares[index % servers].append(name)
    return shares


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.9 for the 90th): a value that was actually measured."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class WaveStats:
    """How a login wave went: servers asked for, started, failed, and the start-time distribution."""

    servers: int
    started: int
    failures: int
    median: float | None
    p90: float | None
    maximum: float | None

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
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def wave_stats(start_seconds: Sequence[float | None]) -> WaveStats:
    """The wave's numbers from each server's start time (None for a server that did not start)."""
    times = [value for value in start_seconds if value is not None]
    if not times:
        return WaveStats(len(start_seconds), 0, len(start_seconds), None, None, None)
    return WaveStats(
        len(start_seconds),
        len(times),
        len(start_seconds) - len(times),
        statistics.median(times),
        percentile(times, 0.9),
        max(times),
    )


def prewarm_advice(event: Event, wave: WaveStats) -> dict[str, Any]:
    """Whether to ask the hub team to pre-warm, why, and the capacity to ask for.

    A start of :data:`SLOW_START_SECONDS` or more, or a server that did not start at all,
    means attendees would wait for nodes at the start of the event.
    """
    capacity = suggest_capacity(
        event.attendees,
        memory_per_user=event.memory_per_user,
        node_memory=event.node_memory,
        cluster=event.cluster,
        hub_name=event.hub_name,
    ).as_json()
    if wave.failures:
        reason = f"{wave.failures} of {wave.servers} server(s) did not start"
        prewarm = True
    elif wave.p90 is not None and wave.p90 >= SLOW_START_SECONDS:
        reason = f"90% of servers took up to {wave.p90:.0f} s to start (slow: {SLOW_START_SECONDS:.0f} s or more)"
        prewarm = True
    else:
        reason = f"every server started in under {SLOW_START_SECONDS:.0f} s"
        prewarm = False
    return {"prewarm": prewarm, "reason": reason, "attendees": event.attendees, "capacity": capacity}


def rehearsal_json(
    event: Event,
    *,
    date: dt.date,
    hub: str,
    mode: str,
    link: str,
    servers: Sequence[Mapping[str, Any]],
    wave: WaveStats,
    execution: Mapping[str, Any] | None,
    placement: Mapping[str, str],
    problems: Sequence[str],
    environment: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``rehearsal.json``: fixed key order, servers in the order planned, notebooks sorted by path."""
    return {
        "schema_version": REHEARSAL_VERSION,
        "event": event.id,
        "date": date.isoformat(),
        "hub": hub,
        "mode": mode,
        "link": link,
        "ok": not problems,
        "problems": list(problems),
        "servers": [dict(server) for server in servers],
        "wave": wave.to_json(),
        "recommendation": prewarm_advice(event, wave),
        "placement": dict(sorted(placement.items())),
        "execution": dict(execution) if execution is not None else None,
        "environment": dict(environment) if environment is not None else None,
    }


def rehearsal_proofs(data: Mapping[str, Any], event_id: str) -> dict[str, str]:
    """The checklist steps a ``rehearsal.json`` proves for ``event_id``: none unless that event's rehearsal passed."""
    if data.get("schema_version") != REHEARSAL_VERSION or data.get("event") != event_id or data.get("ok") is not True:
        return {}
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
