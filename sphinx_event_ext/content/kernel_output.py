"""A kernel process's own stdout and stderr: caught, bounded, never the checker's.

ipykernel sends what cells print as messages, but what is written straight to file
descriptors 1 and 2 (``os.write(1, ...)``, a child process's ``printf``) also goes to the
kernel process's own stdout and stderr. Inherited, that would reach the organizer's terminal
raw: any amount, escape sequences included. Each kernel gets a pipe instead, drained by a
thread that keeps the first and last :data:`KEEP` bytes in memory and only counts the rest,
so a flood costs neither memory nor disk. What was kept is shown sanitised, for a kernel that
died or did not start.
"""

from __future__ import annotations

import os
import re
import threading
from collections import deque

from .output_limits import size_text
from .sanitize import printable_lines

KEEP = 16 * 1024  # bytes kept from the start, and as many from the end
_CHUNK = 64 * 1024
_JOIN_WAIT = 2.0  # seconds to wait for the last bytes once the kernel is gone
_BENIGN = re.compile(r"Kernel is running over TCP without encryption")


class KernelOutput:
    """The pipe a kernel writes its stdout and stderr to, and what was kept of it."""

    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._head = bytearray()
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._dropped = 0
        self._lock = threading.Lock()
        read, self._write = os.pipe()
        self._thread = threading.Thread(target=self._drain, args=(read,), name="kernel-output", daemon=True)
        self._thread.start()

    @property
    def fd(self) -> int:
        """The write end, for the kernel process's stdout and stderr."""
        return self._write

    def started(self) -> None:
        """The kernel has its copy of the write end: close ours, so the reader sees the end when the kernel ends."""
        if self._write >= 0:
            os.close(self._write)
            self._write = -1

    def close(self) -> None:
        """Close our write end; the reader ends once the kernel and all it started are gone."""
        self.started()

    def _drain(self, read: int) -> None:
        try:
            while chunk := os.read(read, _CHUNK):
                self._add(chunk)
        except OSError:
            pass
        finally:
            os.close(read)

    def _add(self, chunk: bytes) -> None:
        with self._lock:
            room = self._keep - len(self._head)
            if room > 0:
                self._head += chunk[:room]
                chunk = chunk[room:]
            if not chunk:
                return
            self._tail.append(chunk)
            self._tail_size += len(chunk)
            while self._tail_size - len(self._tail[0]) >= self._keep:
                self._dropped += len(self._tail[0])
                self._tail_size -= len(self._tail.popleft())

    def text(self) -> str:
        """What the kernel process wrote, sanitised, its middle cut when it was long."""
        with self._lock:
            head, tail, dropped = bytes(self._head), b"".join(self._tail), self._dropped
        if len(tail) > self._keep:
            dropped += len(tail) - self._keep
            tail = tail[-self._keep :]
        parts = [head.decode("utf-8", "replace")]
        if dropped:
            parts.append(f"\n[... {size_text(dropped)} of the kernel's output left out here ...]\n")
        parts.append(tail.decode("utf-8", "replace"))
        lines = "".join(parts).splitlines()
        return printable_lines("\n".join(line for line in lines if not _BENIGN.search(line)).strip())

    def report(self) -> str:
        """A paragraph for a failure: what the kernel process wrote, or that it wrote nothing.

        Called once the kernel is gone: its last bytes get a moment to arrive.
        """
        self._thread.join(_JOIN_WAIT)
        text = self.text()
        return f"The kernel process wrote:\n{text}" if text else "The kernel process wrote nothing to stdout or stderr."
