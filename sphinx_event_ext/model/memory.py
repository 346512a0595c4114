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
MIB = UNIT_SUFFIXES["M"]
#: Memory the provider leaves on every node for system pods.
SYSTEM_RESERVE = 2 * GIB
#: Most users the provider puts on one node (Kubernetes allows 110 pods per node).
MAX_USERS_PER_NODE = 100
#: The largest size accepted, 1024T (a PiB): far beyond any node, and small enough for every calculation.
MAX_MEMORY = 1024 * UNIT_SUFFIXES["T"]
#: The smallest, 1M: smaller sizes would round to 0 GiB in the pre-warm request, which its schema refuses.
MIN_MEMORY = UNIT_SUFFIXES["M"]
_MEMORY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)([KMGT])i?$")
#: Whole parts longer than this are refused before they are read: no real size needs more digits.
_MAX_DIGITS = 16


def parse_memory(text: str) -> int:
    """Bytes in a size written as JupyterHub's memory settings are (``2G``, ``512M``, ``4Gi``).

    K, M, G and T are powers of 1024 with or without a trailing ``i``, so a value copied
    from the hub's configuration means the same here.
    """
    match = _MEMORY.match(text.strip())
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        raise ValueError(f"{_clip(text)!r} is not a memory size; use ASCII digits 0-9")
    if not match:
        raise ValueError(
            f"{_clip(text)!r} is not a memory size; write a number and one of the suffixes K, M, G, T "
            "(powers of 1024, optionally followed by 'i'), like 2G, 512M or 4Gi"
        )
    number, suffix = match.groups()
    whole = number.partition(".")[0].lstrip("0")
    if len(whole) > _MAX_DIGITS or (size := int(Decimal(number) * UNIT_SUFFIXES[suffix])) > MAX_MEMORY:
        raise ValueError(f"{_clip(text)!r} is more memory than this tool accepts; at most 1024T")
    if size < MIN_MEMORY:
        raise ValueError(f"{_clip(text)!r} is less memory than this tool accepts; at least 1M")
    return size


def _clip(text: str) -> str:
    """A long value cut for a message, keeping both ends."""
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]}"


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
