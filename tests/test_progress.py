"""Progress of ``sphinx-event check`` as a person sees it: live on a terminal (a real pseudo-terminal),
one line per notebook and per pull in a pipe, as CI logs get it. Real builds, real kernels, real git."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from gitrepos import GIT_ENV, make_bare_repo
from sites import GOOD_OPTIONS, event_block

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
CHECK = [sys.executable, "-m", "sphinx_event_ext.cli", "check", "docs", "--jobs", "1"]


def _notebook(source: str) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(notebook)


NOTEBOOKS = {
    "01-slow.ipynb": _notebook("import time\ntime.sleep(1.5)"),
    "02-broken.ipynb": _notebook("[1, 2, 3][10]"),
    "03-slow.ipynb": _notebook("import time\ntime.sleep(1)"),
}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site whose event's content (three notebooks, one slow, one broken) is pulled from a real git remote."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    remote = make_bare_repo(tmp_path / "remotes", "workshop.git", {"main": NOTEBOOKS})
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF + "event_today = '2026-12-01'\n", "utf-8")
    options = GOOD_OPTIONS + f":id: geo\n:content-repo: {remote}\n"
    (docs / "index.md").write_text("# Geo\n\n" + event_block(options=options), "utf-8")
    return tmp_path


def _run_in_pty(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run a command with a pseudo-terminal as its stdout and stderr, and collect all it wrote."""
    main, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "200"}
    process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=child, stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            process.kill()
            break
        try:
            data = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    return process.wait(), b"".join(chunks).decode("utf-8", "replace")


def test_live_progress_on_a_terminal(site: Path) -> None:
    code, output = _run_in_pty(CHECK, site)
    assert code == 1, output
    # One line, redrawn in place: the repository while pulling, then notebooks done out of the
    # total, the notebook running and for how long (kernels start ahead, so the order may vary).
    assert re.search(r"\r\x1b\[Kpulling file://\S+/workshop\.git \(\d+ s\)", output), output
    assert re.search(r"\r\x1b\[Kgeo: 0/3 notebooks; starting a kernel", output), output
    assert re.search(r"\r\x1b\[Kgeo: [012]/3 notebooks(, 1 failed)?; running 0[13]-slow\.ipynb \(1 s\)", output), output
    # The failure is printed as it happens, and stays; the last line sums up.
    failure = output.index("\r\x1b[Kgeo: failed: 02-broken.ipynb: cell 1 of 1")
    assert re.search(r"\r\x1b\[Kgeo: 3/3 notebooks, 1 failed in \d+\.\d s\r\n", output[failure:]), output
    # No one-line-per-notebook log on a terminal.
    assert "[1/3]" not in output


def test_one_line_per_notebook_in_a_pipe(site: Path) -> None:
    result = subprocess.run(CHECK, cwd=site, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "\r" not in output and "\x1b[K" not in output
    assert re.search(r"^pulled file://\S+/workshop\.git at main \([0-9a-f]{7}\) in \d+\.\d s$", output, re.M)
    ends = [
        re.fullmatch(r"geo: \[(\d)/3\] (\S+): (\w+) \((?:\d+\.\d|under 0\.1) s\)", line) for line in output.splitlines()
    ]
    ends = [match.groups() for match in ends if match]
    assert [count for count, _, _ in ends] == ["1", "2", "3"]
    assert sorted((path, status) for _, path, status in ends) == [
        ("01-slow.ipynb", "passed"),
        ("02-broken.ipynb", "failed"),
        ("03-slow.ipynb", "passed"),
    ]
    assert "running" not in output
