"""Progress of the long parts of a build: pulling content and running notebooks.

On a terminal, one status line is redrawn in place (what is running and for how long),
even under ``-q``, since nothing else says the build is alive; failures are printed as
they happen. Elsewhere (logs, CI) nothing is redrawn: each pull and each notebook gives
one line when it ends. A small writer of our own rather than a progress library: the
display is one line, and Sphinx's ``status_iterator`` cannot show a running item's time.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sphinx.application import Sphinx
from sphinx.util import logging

from ..content.progress import FINISHED, SELECTED, STARTED, ProgressEvent
from ..content.pull import Checkout, pull_content
from ..content.results import FAILED
from ..content.sanitize import one_line
from ..content.summary import progress_text
from .state import site_state

logger = logging.getLogger(__name__)

_TICK = 0.25
_CLEAR = "\r\x1b[K"


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that can redraw a line (not a pipe, a file or ``TERM=dumb``)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def line_writer(app: Sphinx) -> Callable[[str], None]:
    """Where the one-line-per-step output goes: Sphinx's status output, or stderr under ``-q``
    (``sphinx-event check`` runs quiet, and its log must still say what ran)."""
    if app.quiet:
        return lambda line: print(line, file=sys.stderr, flush=True)
    return logger.info


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
def content_progress(app: Sphinx, event_id: str) -> Iterator[ContentProgress]:
    """Progress for one event's run: live on a terminal, a line per notebook elsewhere."""
    if not is_terminal(sys.stderr):
        yield ContentProgress(event_id, line_writer(app))
        return
    progress = ContentProgress(event_id, line_writer(app))
    started = time.monotonic()
    with LiveLine(sys.stderr, progress.text) as live:
        progress.live = live
        yield progress
        live.print(f"{progress.text()} in {time.monotonic() - started:.1f} s")


def pull_with_progress(app: Sphinx, repo: str, branch: str | None, cache_dir: Path | None) -> Checkout:
    """``pull_content``, saying which repository is being pulled: live on a terminal, one line when done elsewhere."""
    shown = f"{repo} at {branch}" if branch else repo
    started = time.monotonic()
    if is_terminal(sys.stderr):
        with LiveLine(sys.stderr, lambda: f"pulling {shown} ({time.monotonic() - started:.0f} s)"):
            checkout = pull_content(repo, branch, cache_dir)
        site_state(app.env).remotes[(repo, branch)] = checkout.commit
        return checkout
    checkout = pull_content(repo, branch, cache_dir)
    site_state(app.env).remotes[(repo, branch)] = checkout.commit
    how = "from the cache" if checkout.from_cache else f"in {time.monotonic() - started:.1f} s"
    line_writer(app)(f"pulled {checkout.repo} at {checkout.branch} ({checkout.commit[:7]}) {how}")
    return checkout
