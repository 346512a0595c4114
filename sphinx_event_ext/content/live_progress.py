"""Progress of the long parts of a check: pulling content and running notebooks.

On a terminal, one status line is redrawn in place (what is running and for how long),
even under ``-q``, since nothing else says the build is alive; failures are printed as
they happen. Elsewhere (logs, CI) nothing is redrawn: each pull and each notebook gives
one line when it ends, through the caller's line writer. A small writer of our own rather
than a progress library: the display is one line, and Sphinx's ``status_iterator`` cannot
show a running item's time.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from .progress import FINISHED, SELECTED, STARTED, ProgressEvent
from .results import FAILED
from .sanitize import one_line
from .summary import progress_text

#: Where the one-line-per-step output goes (the renderer's status output, or stderr).
Write = Callable[[str], None]

_TICK = 0.25
_CLEAR = "\r\x1b[K"


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that can redraw a line (not a pipe, a file or ``TERM=dumb``)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class LiveLine:
    """One line on a terminal, redrawn every quarter second from ``text()`` by a thread of its own."""

    def __init__(self, stream: TextIO, text: Callable[[], str]) -> None:
        self.stream = stream
        self.text = text
        self.lock = threading.RLock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._tick, name="sphinx-event-progress", daemon=True)

    def __enter__(self) -> LiveLine:
        self.redraw()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()
        with self.lock:
            self.stream.write(_CLEAR)
            self.stream.flush()

    def _tick(self) -> None:
        while not self.stopped.wait(_TICK):
            self.redraw()

    def redraw(self) -> None:
        width = shutil.get_terminal_size((100, 24)).columns - 1
        with self.lock:
            text = self.text()
            self.stream.write(_CLEAR + (text if len(text) <= width else text[: width - 1] + "…"))
            self.stream.flush()

    def print(self, line: str) -> None:
        """A line that stays, above the live one."""
        with self.lock:
            self.stream.write(f"{_CLEAR}{line}\n")
            self.stream.flush()
        self.redraw()


class ContentProgress:
    """The ``on_progress`` of one event's run: counts, the notebooks running and for how long, failures."""

    def __init__(self, event_id: str, emit: Callable[[str], None], live: LiveLine | None = None) -> None:
        self.event_id = event_id
        self.emit = emit
        self.live = live
        self.lock = threading.Lock()
        self.total: int | None = None  # until the runner has selected the notebooks
        self.done = 0
        self.failed = 0
        self.running: dict[str, float] = {}

    def __call__(self, event: ProgressEvent) -> None:
        with self.lock:
            if event.kind == SELECTED:
                self.total = event.total
            elif event.kind == STARTED:
                self.running[event.path] = time.monotonic()
            elif event.kind == FINISHED and event.result is not None:
                self.running.pop(event.path, None)
                self.done += 1
                self.failed += event.result.status == FAILED
        if event.kind != FINISHED or event.result is None:
            return
        result = event.result
        if self.live is None:
            self.emit(
                f"{self.event_id}: [{self.done}/{self.total}] {one_line(result.path)}: "
                f"{progress_text(result.to_json())}"
            )
        elif result.status == FAILED:
            self.live.print(f"{self.event_id}: failed: {one_line(result.message)}")

    def text(self) -> str:
        """``geo: 3/19 notebooks, 1 failed; running 04-plots.ipynb (12 s) and 1 more``; the kernels' start-up
        (several seconds, before a notebook runs) is said too."""
        with self.lock:
            if self.total is None:
                return f"{self.event_id}: selecting the notebooks"
            line = f"{self.event_id}: {self.done}/{self.total} notebooks"
            if self.failed:
                line += f", {self.failed} failed"
            if self.running:
                path, started = min(self.running.items(), key=lambda item: item[1])
                line += f"; running {one_line(path)} ({time.monotonic() - started:.0f} s)"
                if len(self.running) > 1:
                    line += f" and {len(self.running) - 1} more"
            elif self.done < self.total:
                line += "; starting a kernel"
            return line


@contextmanager
def content_progress(write: Write, event_id: str, terminal: TextIO | None) -> Iterator[ContentProgress]:
    """Progress for one event's run: live on ``terminal``, a line per notebook through ``write`` without one."""
    progress = ContentProgress(event_id, write)
    if terminal is None:
        yield progress
        return
    started = time.monotonic()
    with LiveLine(terminal, progress.text) as live:
        progress.live = live
        yield progress
        live.print(f"{progress.text()} in {time.monotonic() - started:.1f} s")


def terminal() -> TextIO | None:
    """stderr when it is a terminal that can redraw a line, else None."""
    return sys.stderr if is_terminal(sys.stderr) else None
