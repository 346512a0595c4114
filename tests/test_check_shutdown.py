"""``sphinx-event check`` in a real subprocess, stopped by SIGTERM, SIGINT and SIGKILL while a notebook runs.

The notebook starts a child in a session of its own (``start_new_session=True``), out of reach
of the kernel's process group. Whatever ends the check, nothing may be left: no kernel, no
child, no temporary copy, no connection file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from sites import GOOD_OPTIONS, event_block

from sphinx_event_ext.content.cleanup import RunFolder, process_start, sweep_dead_runs

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
CONF += "event_today = '2026-12-01'\n"
ESCAPE = """\
import os, pathlib, subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
pathlib.Path(os.environ["PIDS_FILE"]).write_text(f"{os.getpid()} {child.pid}")
"""


def _notebook(path: Path, *sources: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def _site(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    src = tmp_path / "docs"
    _notebook(src / "content" / "lesson.ipynb", ESCAPE, "import time\ntime.sleep(600)")
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text("# Event\n\n" + event_block(options=GOOD_OPTIONS + ":content-path: content\n"))
    for folder in ("tmp", "runtime"):
        (tmp_path / folder).mkdir()
    environment = {
        **os.environ,
        "TMPDIR": str(tmp_path / "tmp"),  # the check's temporary folders, and only them
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),  # where connection files go by default
        "PIDS_FILE": str(tmp_path / "pids"),
    }
    return src, environment


def _start(src: Path, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    """The check, its output in files: a pipe would stay open as long as a process left behind holds it."""
    command = [sys.executable, "-m", "sphinx_event_ext.cli", "check", str(src), "--jobs", "1"]
    with open(src.parent / "stderr.txt", "wb") as stderr:
        return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=stderr)


def _stderr(src: Path) -> str:
    return (src.parent / "stderr.txt").read_text("utf-8", "replace")


def _running_pids(tmp_path: Path, check: subprocess.Popen[bytes]) -> list[int]:
    """The kernel's and its escaped child's pids, once the notebook has started the child."""
    deadline = time.monotonic() + 90
    while not (tmp_path / "pids").exists():
        if check.poll() is not None or time.monotonic() > deadline:
            check.kill()
            check.wait()
            pytest.fail(f"the notebook did not start: {_stderr(tmp_path / 'docs')}")
        time.sleep(0.1)
    time.sleep(0.2)
    return [int(pid) for pid in (tmp_path / "pids").read_text().split()]


def _assert_nothing_left(tmp_path: Path, pids: list[int]) -> None:
    deadline = time.monotonic() + 5
    while any(process_start(pid) is not None for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in pids if process_start(pid) is not None] == []
    assert sorted(path.name for path in (tmp_path / "tmp").iterdir()) == []
    assert sorted(path.name for path in (tmp_path / "runtime").rglob("*") if path.is_file()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_check_ends_every_process_and_removes_its_files(tmp_path: Path, signum: int) -> None:
    src, environment = _site(tmp_path)
    check = _start(src, environment)
    pids = _running_pids(tmp_path, check)
    check.send_signal(signum)
    check.wait(timeout=60)
    stderr = _stderr(src)
    assert check.returncode == 128 + signum, stderr
    assert f"sphinx-event check: the check was interrupted ({signal.Signals(signum).name})" in stderr
    assert "see the problems above" not in stderr
    _assert_nothing_left(tmp_path, pids)


def test_the_next_check_clears_what_a_killed_check_left(tmp_path: Path) -> None:
    src, environment = _site(tmp_path)
    check = _start(src, environment)
    pids = _running_pids(tmp_path, check)
    check.kill()
    check.wait(timeout=30)
    child = pids[1]
    assert process_start(child) is not None  # SIGKILL leaves no chance to clean up: the child lives on
    assert list((tmp_path / "tmp").iterdir())
    _notebook(src / "content" / "lesson.ipynb", "x = 1")
    after = _start(src, environment)
    after.wait(timeout=120)
    assert after.returncode == 0, _stderr(src)
    _assert_nothing_left(tmp_path, pids)


def test_a_live_check_is_not_taken_for_a_dead_one_when_the_clock_is_adjusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another check's sweep must leave a running check's folder alone when NTP moves the clock.

    The clock cannot be moved here: psutil's boot time (which Linux moves with the clock, and psutil adds to
    every process's start) is shifted by a second instead, as the kernel shifts it.
    """
    from psutil import _pslinux

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with RunFolder() as run:
        real = _pslinux.boot_time
        monkeypatch.setattr(_pslinux, "boot_time", lambda: real() + 1.0)
        assert sweep_dead_runs() == []
        assert run.path.is_dir()
