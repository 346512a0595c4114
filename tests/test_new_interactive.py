"""``sphinx-event new`` in a terminal: a real process on a pseudo-terminal, answering its questions as a person
would, wrong answers included."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


def converse(args: list[str], cwd: Path, answers: dict[str, list[str]], timeout: float = 60) -> tuple[int, str]:
    """Run the command on a pseudo-terminal; answer each ``option (...): `` prompt with the next answer for that
    option. Returns the exit status and everything the terminal showed."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sphinx_event_ext.cli", *args],
        cwd=cwd,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
    )
    os.close(secondary)
    shown, pending = "", ""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(primary, 4096).decode("utf-8", "replace")
                except OSError:  # the command ended and closed the terminal
                    break
                shown += chunk
                pending += chunk
                last = pending.rsplit("\n", 1)[-1]
                if last.endswith(": ") and "(" in last:
                    option = last.split(" (", 1)[0].strip()
                    assert answers.get(option), f"asked for {option!r} once more than expected:\n{shown}"
                    os.write(primary, (answers[option].pop(0) + "\n").encode())
                    pending = ""
            elif process.poll() is not None:
                break
        status = process.wait(timeout=10)
    finally:
        os.close(primary)
        if process.poll() is None:
            process.kill()
    return status, shown


def test_a_wrong_value_is_asked_again_and_the_end_defaults_to_the_start(tmp_path):
    answers = {
        "title": ["Geo in a day"],
        "hub": ["https://hub.example.org"],
        "start": ["2027-13-01", "2027-03-10"],  # no 13th month: asked again
        "end": ["", ""],  # no default while the start is no date; then the start date, taken by Enter
        "active-hours": ["09:00-17:00"],
        "timezone": ["Europe/Paris"],
        "attendees": ["many", "40"],
    }
    status, shown = converse(["new", "--dir", "events"], tmp_path, answers)
    assert status == 0, shown
    assert all(not left for left in answers.values()), (answers, shown)
    assert "start: expected an ISO date" in shown and "please type it again" in shown
    assert "end (" in shown and "[2027-03-10]: " in shown
    page = (tmp_path / "events" / "geo-in-a-day.md").read_text("utf-8")
    assert ":start: 2027-03-10\n" in page and ":end: 2027-03-10\n" in page and ":attendees: 40\n" in page
    # The values that were right the first time were kept, not asked again.
    assert shown.count("hub (") == 1 and shown.count("timezone (") == 1
