"""How much of a notebook's output the check keeps, and when a flood of output stops a cell.

A cell that prints in a loop sends output faster than anyone reads it; kept whole, it grows
the checker by tens of MB a second until the cell times out. Each cell keeps its first and
last part, up to a share of the notebook's total, with a marker saying how much was dropped
between them; and once the notebook has produced more than ``limit`` bytes, the cell that
passed it is stopped. What is counted is the text and data of each output, as the kernel
sent it, so the checker's memory stays flat however much a notebook prints.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, MutableSequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_OUTPUT_LIMIT = 32_000_000  # the same as event_execute_output_limit's default
CELL_KEEP = 500 * 10**3  # the first and the last half of this, per cell
NOTEBOOK_KEEP = 8 * 10**6  # all cells together
CELL_MINIMUM = 2 * 10**3  # even when the notebook's share is used up, a short output stays whole
LATE_KEEP = 64 * 10**3  # an output arriving after its cell ended (the traceback of an interrupt)
# The largest message the checker accepts from a kernel (see client.py): held two or three times over
# while it is decoded, so a flood of such messages stays under the documented 200 MB of growth.
MESSAGE_LIMIT = 16 * 10**6


def output_size(content: Mapping[str, Any]) -> int:
    """The characters an output message carries: a stream's text, every data value, a traceback."""
    size = 0
    text = content.get("text")
    if isinstance(text, str):
        size += len(text)
    data = content.get("data")
    if isinstance(data, Mapping):
        size += sum(len(value) if isinstance(value, str) else len(repr(value)) for value in data.values())
    traceback = content.get("traceback")
    if isinstance(traceback, list):
        size += sum(len(line) for line in traceback if isinstance(line, str))
    return size


def size_text(size: int) -> str:
    """``1.5 MB``, ``300 kB``, ``12 bytes``: sizes as a console shows them (decimal units)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


@dataclass
class CellOutputs:
    """One cell's outputs as they arrive: a head kept in the cell, a bounded tail, and what fell between."""

    keep: int
    head: int = 0
    tail: deque[tuple[dict[str, Any], int]] = field(default_factory=deque)
    tail_size: int = 0
    dropped: int = 0
    closed: bool = False

    def fits_head(self, size: int) -> bool:
        """Whether an output of ``size`` still goes into the cell as it is."""
        if self.closed:
            return size <= LATE_KEEP
        return not self.tail and self.head + size <= self.keep // 2

    def head_room(self) -> int:
        return max(0, self.keep // 2 - self.head) if not self.tail and not self.closed else 0

    def kept_in_head(self, size: int) -> None:
        self.head += size

    def to_tail(self, output: dict[str, Any], size: int) -> None:
        """Keep ``output`` at the end, dropping the oldest tail outputs beyond the tail's share."""
        if self.closed:
            self.dropped += size
            return
        room = self.keep - self.keep // 2
        if size > room and room and output.get("output_type") == "stream":
            output = type(output)({**output, "text": output["text"][-room:]})
            self.dropped += size - room
            size = room
        elif size > room:
            self.dropped += size
            return
        self.tail.append((output, size))
        self.tail_size += size
        while self.tail_size > room:
            _, old = self.tail.popleft()
            self.tail_size -= old
            self.dropped += old

    def clear(self) -> None:
        """The kernel cleared the cell's output: start again."""
        self.head, self.tail_size, self.dropped = 0, 0, 0
        self.tail.clear()

    def close(self, outs: MutableSequence[Any], marker: Any) -> int:
        """Put the marker and the tail after the head in ``outs``; the size kept."""
        if not self.closed:
            self.closed = True
            if self.dropped:
                outs.append(marker(self.dropped, self.keep))
            outs.extend(output for output, _ in self.tail)
            self.tail.clear()
        return self.head + self.tail_size


@dataclass
class OutputBudget:
    """A notebook's output: what it produced in all, what is kept, and the cell now running."""

    limit: int = DEFAULT_OUTPUT_LIMIT
    keep: int = NOTEBOOK_KEEP
    cell_keep: int = CELL_KEEP
    produced: int = 0
    kept: int = 0
    cell: CellOutputs = field(default_factory=lambda: CellOutputs(0, closed=True))
    refused: bool = False

    @property
    def exceeded(self) -> bool:
        """Whether the notebook has produced more than its limit: the running cell must stop."""
        return self.refused or self.produced > self.limit

    def refuse(self) -> None:
        """A single message was larger than :data:`MESSAGE_LIMIT`: the cell must stop."""
        self.refused = True

    def count(self, size: int) -> None:
        self.produced += size

    def start_cell(self) -> CellOutputs:
        self.cell = CellOutputs(min(self.cell_keep, max(CELL_MINIMUM, self.keep - self.kept)))
        return self.cell

    def finish_cell(self, outs: MutableSequence[Any], marker: Any) -> None:
        self.kept += self.cell.close(outs, marker)

    @property
    def message(self) -> str:
        """Why the cell was stopped, in words."""
        if self.refused:
            return (
                f"the notebook sent more than {size_text(MESSAGE_LIMIT)} of output at once, so the check stopped "
                f"this cell; print less, or write large results to a file"
            )
        return (
            f"the notebook printed more than {size_text(self.limit)} of output, so the check stopped this cell "
            f"(the limit is event_execute_output_limit); print less, or write large results to a file"
        )
