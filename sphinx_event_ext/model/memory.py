"""Memory sizes as JupyterHub writes them, and how many users fit on a node.

Validation needs these to refuse sizes where no user fits, and the capacity plan
needs them to suggest nodes; they live here so both read one definition.
"""

from __future__ import annotations

import re
from decimal import Decimal

#: Powers of 1024 for each suffix, as JupyterHub's ``ByteSpecification`` reads them.
UNIT_SUFFIXES = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
GIB = UNIT_SUFFIXES["G"]
#: Memory the provider leaves on every node for system pods.
SYSTEM_RESERVE = 2 * GIB
#: Most users the provider puts on one node (Kubernetes allows 110 pods per node).
MAX_USERS_PER_NODE = 100
_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)([KMGT])i?$")


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


def gib(size: int) -> int | float:
    """A byte count in GiB, whole when it is whole, else to three decimals."""
    value = size / GIB
    return int(value) if value.is_integer() else round(value, 3)


def users_per_node(memory_per_user: int, node_memory: int) -> int:
    """``min(100, floor((node_memory - 2 GiB) / memory_per_user))``; refuses sizes where no user fits."""
    usable = node_memory - SYSTEM_RESERVE
    if usable < memory_per_user:
        raise ValueError(
            f"a user's {gib(memory_per_user)} GiB does not fit on a {gib(node_memory)} GiB node "
            f"once 2 GiB is left for system pods; choose a bigger node-memory or a smaller memory-per-user"
        )
    return min(MAX_USERS_PER_NODE, usable // memory_per_user)
