"""Leave nothing behind: every process a run started, its content copy and its kernels' connection files.

Each run of the content check gets a folder of its own in the temporary directory, with a
marker file naming the run and the checker process (pid and start time, so a reused pid is
not mistaken for it). The copy of the content and the kernels' connection files (which hold
their HMAC keys) live in that folder, and every kernel is started with the run's id in its
environment, which every process it starts inherits, even one that escapes into a session
of its own. Ending a run ends every process carrying its id and removes the folder. A check
killed outright (SIGKILL) cannot do that, so each check first clears the folders of runs whose
checker is gone, by their marker: never by a process's name.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

import psutil

RUN_VARIABLE = "SPHINX_EVENT_RUN"
PREFIX = "sphinx-event-run-"
MARKER = "sphinx-event-run.json"
#: Levels above the content's copy that stay inside the run's folder (and one more, ``ABOVE`` itself).
DEPTH = 8
ABOVE = "above-the-copy"
#: The marker's key for the checker's start time, in seconds since boot. Earlier versions kept it as wall-clock
#: time ("created"), which moves when the clock is adjusted and made a live checker look gone, or in clock ticks
#: ("started"): each version leaves the others' runs alone rather than misjudge them.
_STARTED = "since_boot"
_GRACE = 1.0  # seconds between asking processes to end and killing them
_ROUNDS = 5  # a process may start another while the others end; look again this often


def process_start(pid: int) -> str | None:
    """When ``pid`` started, in seconds since boot, or None when there is no such process.

    Since boot where the system keeps it so: on Linux psutil adds the boot time to the ticks since boot, and
    the boot time moves whenever the clock is adjusted (NTP on a CI machine), so a wall-clock start read twice
    can differ by a second and a live checker would look gone. Elsewhere the start is recorded once.
    """
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:  # a zombie has ended: only its exit status is left
            return None
        created = process.create_time()
        if sys.platform.startswith("linux"):
            return f"{created - psutil.boot_time():.2f}"  # clock ticks are hundredths of a second
        return repr(created)
    except psutil.Error:
        return None


def run_processes(run_id: str) -> list[int]:
    """The processes whose environment carries the run's id: its kernels and all they started.

    psutil reads other processes' environments on Linux, macOS and Windows; a process whose
    environment cannot be read (another user's) is not one of ours.
    """
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            if process.environ().get(RUN_VARIABLE) == run_id:
                found.append(process.pid)
        except psutil.Error:
            continue
    return found


def end_processes(run_id: str) -> None:
    """End every process of the run: asked first (SIGTERM), killed after a moment if still there."""
    pids = run_processes(run_id)
    _signal_all(pids, signal.SIGTERM)
    deadline = time.monotonic() + _GRACE
    while pids and time.monotonic() < deadline:
        time.sleep(0.05)
        pids = [pid for pid in pids if process_start(pid) is not None]
    for _ in range(_ROUNDS):
        pids = run_processes(run_id)
        if not pids:
            return
        _signal_all(pids, signal.SIGKILL)
        time.sleep(0.05)


def _signal_all(pids: list[int], signum: int) -> None:
    for pid in pids:
        with suppress(OSError):  # ended meanwhile, or not ours to signal
            os.kill(pid, signum)


class RunFolder:
    """The temporary folder of one run, its marker, and the environment its kernels get."""

    def __init__(self) -> None:
        self.id = uuid.uuid4().hex
        self.path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{self.id[:12]}-"))
        marker = {"run": self.id, "pid": os.getpid(), _STARTED: process_start(os.getpid())}
        (self.path / MARKER).write_text(json.dumps(marker), "utf-8")

    def environment(self) -> dict[str, str]:
        """The checker's environment with the run's id, for a kernel to start with."""
        return {**os.environ, RUN_VARIABLE: self.id}

    def content_copy(self, name: str) -> Path:
        """Where the content's copy goes: :data:`DEPTH` folders down, so that a notebook's relative paths
        up to that many levels above the copy (``../../conf.py``) still land inside the run's folder."""
        return self.path.joinpath(ABOVE, *(str(level) for level in range(DEPTH, 0, -1)), name)

    def above_copy(self) -> Path:
        """The folder that holds the levels above the copy: a notebook has no business writing there."""
        return self.path / ABOVE

    def connection_file(self) -> str:
        """Where a kernel's connection file goes: in the run's folder, removed with it."""
        return str(self.path / f"kernel-{uuid.uuid4().hex}.json")

    def close(self) -> None:
        """End the run's processes and remove its folder; an interrupt waits until this is done."""
        with _signals_held():
            end_processes(self.id)
            shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def sweep_dead_runs() -> list[Path]:
    """Clear what runs whose checker is gone left behind: their processes, then their folders."""
    cleared = []
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            marker = json.loads((folder / MARKER).read_text("utf-8"))
            run, pid, started = str(marker["run"]), int(marker["pid"]), marker[_STARTED]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not one of ours (or another version's), or its marker is still being written
        if started is None or process_start(pid) == started or process_start(pid) == started:
            continue  # its checker is still running (asked again before ending it: the clock may have moved)
        end_processes(run)
        shutil.rmtree(folder, ignore_errors=True)
        cleared.append(folder)
    return cleared


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends: a second Ctrl-C must not cut the cleanup short."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM, as CI sends when a job is cancelled, ends the run as Ctrl-C does: cleaning up.

    Only where SIGTERM would otherwise kill the process outright (its default) and only in the
    main thread, the one place a handler can be set; a program with its own handler keeps it.
    """
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
