"""How many nodes an event needs, following the hub provider's pre-warming guidance.

The provider (2i2c) shares nodes between users, keeps well under the Kubernetes pod
limit, leaves room on each node for system pods, and pre-warms enough nodes that no
more than 30% of attendees wait for a new node to start. This module turns an event's
attendee count and memory sizes into that suggestion. Pure arithmetic, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: Powers of 1024 for each suffix, as JupyterHub's ``ByteSpecification`` reads them.
UNIT_SUFFIXES = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
GIB = UNIT_SUFFIXES["G"]
#: Memory the provider leaves on every node for system pods.
SYSTEM_RESERVE = 2 * GIB
#: Most users the provider puts on one node (Kubernetes allows 110 pods per node).
MAX_USERS_PER_NODE = 100
#: At most this share of attendees (3 in 10) may wait for a new node at login.
MAX_WAITING_NUMERATOR, MAX_WAITING_DENOMINATOR = 3, 10

_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)([KMGT])i?$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def parse_memory(text: str) -> int:
    """Bytes in a size written as JupyterHub's memory settings are (``2G``, ``512M``, ``4Gi``).

    K, M, G and T are powers of 1024 with or without a trailing ``i``, so a value copied
    from the hub's configuration means the same here.
    """
    match = _MEMORY.match(text.strip())
    if not match:
        raise ValueError(
            f"{text!r} is not a memory size; write a number and one of the suffixes K, M, G, T "
            "(powers of 1024, optionally followed by 'i'), like 2G, 512M or 4Gi"
        )
    number, suffix = match.groups()
    size = int(Decimal(number) * UNIT_SUFFIXES[suffix])
    if size <= 0:
        raise ValueError(f"{text!r} is not a memory size; it must be more than zero")
    return size


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
            "memory_per_user_gib": _gib(self.memory_per_user),
            "node_memory_gib": _gib(self.node_memory),
            "users_per_node": self.users_per_node,
            "nodes_needed": self.nodes_needed,
            "nodes_to_prewarm": self.nodes_to_prewarm,
        }
        if self.command is not None:
            data["command"] = self.command
        return data


def _gib(size: int) -> int | float:
    """A byte count in GiB, whole when it is whole, else to three decimals."""
    value = size / GIB
    return int(value) if value.is_integer() else round(value, 3)


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def users_per_node(memory_per_user: int, node_memory: int) -> int:
    """``min(100, floor((node_memory - 2 GiB) / memory_per_user))``; refuses sizes where no user fits."""
    usable = node_memory - SYSTEM_RESERVE
    if usable < memory_per_user:
        raise ValueError(
            f"a user's {_gib(memory_per_user)} GiB does not fit on a {_gib(node_memory)} GiB node "
            f"once 2 GiB is left for system pods; choose a bigger node-memory or a smaller memory-per-user"
        )
    return min(MAX_USERS_PER_NODE, usable // memory_per_user)


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
