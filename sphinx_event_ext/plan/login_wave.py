"""The login wave of a dress rehearsal: who runs which notebook, when attendees arrive, how fast servers started,
and what the hub's spawn limit cost. Pure functions; the numbers ``rehearsal.json`` records.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .capacity import MAX_WAITING_DENOMINATOR, MAX_WAITING_NUMERATOR

#: A server that takes this long (or longer) to start waited for a new node: the hub scaled up.
SLOW_START_SECONDS = 60.0
#: The hub provider's guidance: no more than this share of attendees should wait for a new node.
MAX_SLOW_SHARE = MAX_WAITING_NUMERATOR / MAX_WAITING_DENOMINATOR
BURST = "burst"
SPREAD = "spread"


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
