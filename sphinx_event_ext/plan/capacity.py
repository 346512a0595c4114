"""How many nodes an event needs, following the hub provider's pre-warming guidance.

The provider (2i2c) shares nodes between users, keeps well under the Kubernetes pod
limit, leaves room on each node for system pods, and pre-warms enough nodes that no
more than 30% of attendees wait for a new node to start. This module turns an event's
attendee count and memory sizes into that suggestion. Pure arithmetic, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model.memory import gib, parse_memory, users_per_node

#: At most this share of attendees (3 in 10) may wait for a new node at login.
MAX_WAITING_NUMERATOR, MAX_WAITING_DENOMINATOR = 3, 10

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Capacity:
    """A node-sharing suggestion for one event, and the provider's command to apply it."""

    memory_per_user: int
    node_memory: int
    users_per_node: int
    nodes_needed: int
    nodes_to_prewarm: int
    command: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The ``capacity`` object of the pre-warm request (sizes in GiB, ``command`` only when known)."""
        data: dict[str, Any] = {
            "memory_per_user_gib": gib(self.memory_per_user),
            "node_memory_gib": gib(self.node_memory),
            "users_per_node": self.users_per_node,
            "nodes_needed": self.nodes_needed,
            "nodes_to_prewarm": self.nodes_to_prewarm,
        }
        if self.command is not None:
            data["command"] = self.command
        return data


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def nodes_to_prewarm(attendees: int, per_node: int) -> int:
    """The fewest nodes ``N`` with ``attendees - N * per_node <= 30% of attendees``.

    That is ``ceil(0.7 * attendees / per_node)``, computed in integers so that a
    boundary case (exactly 30% waiting) is never pushed up by rounding. It is never more
    than ``ceil(attendees / per_node)``, the nodes needed for everyone.
    """
    keep = MAX_WAITING_DENOMINATOR - MAX_WAITING_NUMERATOR
    return _ceil_div(keep * attendees, MAX_WAITING_DENOMINATOR * per_node)


def _deployer_command(cluster: str | None, hub_name: str | None, nodes: int) -> str | None:
    """The provider's command, only when both names are known; names must be safe to paste in a shell."""
    if cluster is None or hub_name is None:
        return None
    for option, name in (("cluster", cluster), ("hub-name", hub_name)):
        if not _NAME.match(name):
            raise ValueError(f"{option} {name!r} is not a name: use letters, digits, '.', '_' and '-'")
    return f"deployer generate node-replicas {cluster} {hub_name} {nodes}"


def suggest_capacity(
    attendees: int,
    *,
    memory_per_user: str = "2G",
    node_memory: str = "128G",
    cluster: str | None = None,
    hub_name: str | None = None,
) -> Capacity:
    """Nodes for ``attendees`` users at once: needed for everyone, and to pre-warm before each session.

    ``nodes_needed = ceil(attendees / users_per_node)``; see :func:`users_per_node` and
    :func:`nodes_to_prewarm` for the rest. The 128G default is the provider's medium node.
    """
    if attendees < 1:
        raise ValueError(f"attendees must be at least 1, got {attendees}")
    per_user, per_node_memory = parse_memory(memory_per_user), parse_memory(node_memory)
    per_node = users_per_node(per_user, per_node_memory)
    prewarm = nodes_to_prewarm(attendees, per_node)
    return Capacity(
        memory_per_user=per_user,
        node_memory=per_node_memory,
        users_per_node=per_node,
        nodes_needed=_ceil_div(attendees, per_node),
        nodes_to_prewarm=prewarm,
        command=_deployer_command(cluster, hub_name, prewarm),
    )
