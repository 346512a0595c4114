"""Ports for the servers the tests start (hubs, git daemons, Jupyter servers) on 127.0.0.1.

A port asked of the kernel with ``bind(0)`` comes from the ephemeral range, the same range
every kernel's ZeroMQ sockets and every outgoing connection draw from: between our probe
and the server's own bind, a notebook kernel of a parallel test can take it, and the test
then talks to that kernel. Ports below the ephemeral range are never handed out that way.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A port on 127.0.0.1 that is free now and outside the range the system hands out itself."""
    high = _ephemeral_start() - 1
    for _ in range(200):
        port = random.randint(20000, high)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between 20000 and {high} on 127.0.0.1")
