"""Whether an event needs warm nodes, following the hub provider's current practice.

Since its 2025 infrastructure changes the provider absorbs login waves by node sharing first and
says communities "rarely need to pre-warm"; placeholders (node-sized pods that keep nodes up) are
advised only when the evidence asks for them. The best evidence is a rehearsal on the hub: its
measured start times. Without one, the attendee count on shared nodes and the notice decide.
Pure functions, no I/O; the advice names the evidence its number came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model.event import Event
from ..model.memory import MIB
from .capacity import Capacity, suggest_capacity
from .login_wave import SLOW_START_SECONDS

NODE_SHARING = "node-sharing"
PLACEHOLDERS = "placeholders"
#: What the number came from: a rehearsal's measured numbers, or the attendee count and notice.
FROM_REHEARSAL = "rehearsal"
FROM_ATTENDEES = "attendees-and-notice"


@dataclass(frozen=True)
class Advice:
    """Node sharing, or placeholders for ``placeholders`` nodes, and why."""

    approach: str
    placeholders: int
    evidence: str
    reason: str
    rehearsal_date: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Advice:
        """The advice back from a pre-warm request's ``advice`` object."""
        return cls(data["approach"], data["placeholders"], data["evidence"], data["reason"], data["rehearsal_date"])

    def as_json(self) -> dict[str, Any]:
        """The ``advice`` object of the pre-warm request."""
        return {
            "approach": self.approach,
            "placeholders": self.placeholders,
            "evidence": self.evidence,
            "reason": self.reason,
            "rehearsal_date": self.rehearsal_date,
        }


@dataclass(frozen=True)
class Wave:
    """A rehearsal's login wave, as its record measured it, and the heaviest notebook's peak memory when measured."""

    date: str
    servers: int
    failures: int
    p90_seconds: float | None
    peak_memory: int | None = None


def _peak_memory(record: Mapping[str, Any]) -> int | None:
    """The largest ``peak_rss_bytes`` of the record's ``resources.notebooks`` (a record that measured memory)."""
    resources = record.get("resources")
    notebooks = resources.get("notebooks") if isinstance(resources, Mapping) else None
    if not isinstance(notebooks, list):
        return None
    peaks = [
        item["peak_rss_bytes"]
        for item in notebooks
        if isinstance(item, Mapping) and isinstance(item.get("peak_rss_bytes"), int) and item["peak_rss_bytes"] > 0
    ]
    return max(peaks) if peaks else None


def rehearsal_wave(record: Mapping[str, Any] | None, event_id: str) -> Wave | None:
    """The measured wave of a ``rehearsal.json`` for ``event_id``, or None when there is no usable one.

    A record of another event, without servers, or in a shape this version does not know is no evidence.
    """
    if not isinstance(record, Mapping) or record.get("event") != event_id:
        return None
    wave = record.get("wave")
    if not isinstance(wave, Mapping):
        return None
    servers, failures = wave.get("servers"), wave.get("failures")
    times = wave.get("start_seconds")
    p90 = times.get("p90") if isinstance(times, Mapping) else None
    if not (isinstance(servers, int) and isinstance(failures, int) and servers > 0):
        return None
    if p90 is not None and not isinstance(p90, (int, float)):
        return None
    return Wave(
        str(record.get("date", "")), servers, failures, None if p90 is None else float(p90), _peak_memory(record)
    )


def advise(event: Event, capacity: Capacity, *, enough_notice: bool, wave: Wave | None = None) -> Advice:
    """Node sharing first; placeholders only when the rehearsal, or else the attendee count, asks for them."""
    nodes = capacity.nodes_to_prewarm
    if wave is not None:
        measured = _measured_capacity(event, capacity, wave)
        advice = _from_rehearsal(wave, (measured or capacity).nodes_to_prewarm)
        if measured is None or wave.peak_memory is None:
            return advice
        note = (
            f"; the heaviest notebook peaked at {wave.peak_memory // MIB} MiB, above memory-per-user "
            f"{event.memory_per_user}: {measured.users_per_node} users per node"
        )
        return Advice(
            advice.approach, advice.placeholders, advice.evidence, advice.reason + note, advice.rehearsal_date
        )
    shared = f"{event.attendees} attendees at {capacity.users_per_node} per node"
    if nodes <= 1:
        return Advice(
            NODE_SHARING,
            0,
            FROM_ATTENDEES,
            f"{shared}: one shared node holds at least 70% of them, so node sharing absorbs the login wave; "
            "no rehearsal has measured it",
        )
    reason = (
        f"{shared}: without {nodes} warm nodes more than 30% of attendees would wait for new nodes at login; "
        "no rehearsal has measured it (a rehearsal that starts servers quickly makes placeholders unnecessary)"
    )
    if not enough_notice:
        reason += "; notice is short, so ask now: the placeholder change is a pull request the hub team must merge"
    return Advice(PLACEHOLDERS, nodes, FROM_ATTENDEES, reason)


def _measured_capacity(event: Event, capacity: Capacity, wave: Wave) -> Capacity | None:
    """Nodes for the measured memory, when the heaviest notebook needs more than ``memory-per-user``
    (rounded up to 64 MiB); None when the option holds it."""
    if wave.peak_memory is None or wave.peak_memory <= capacity.memory_per_user:
        return None
    planned = -(-wave.peak_memory // (64 * MIB)) * 64
    try:
        return suggest_capacity(event.attendees, memory_per_user=f"{planned}M", node_memory=event.node_memory)
    except ValueError:  # more than a node holds: the rehearsal's problems say so
        return None


def _from_rehearsal(wave: Wave, nodes: int) -> Advice:
    on = f"the rehearsal on {wave.date}" if wave.date else "the rehearsal"
    if wave.failures:
        reason = f"{on}: {wave.failures} of {wave.servers} server(s) did not start"
        return Advice(PLACEHOLDERS, nodes, FROM_REHEARSAL, reason, wave.date or None)
    if wave.p90_seconds is not None and wave.p90_seconds >= SLOW_START_SECONDS:
        reason = (
            f"{on}: 90% of {wave.servers} servers took up to {wave.p90_seconds:.0f} s to start "
            f"({SLOW_START_SECONDS:.0f} s or more means waiting for new nodes)"
        )
        return Advice(PLACEHOLDERS, nodes, FROM_REHEARSAL, reason, wave.date or None)
    took = f"up to {wave.p90_seconds:.0f} s" if wave.p90_seconds is not None else "no time"
    reason = f"{on}: 90% of {wave.servers} servers started in {took}, so node sharing absorbs the login wave"
    return Advice(NODE_SHARING, 0, FROM_REHEARSAL, reason, wave.date or None)
