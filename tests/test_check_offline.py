"""An offline ``content-path`` site: a warm check with a stamp does not ask the unreachable repository again.

The real command runs in this process; ``git`` is the real one, behind a wrapper on ``PATH`` that only logs
each call, so the test sees which git commands the check ran.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from checkruns import UNCHANGED, check, passing
from gitrepos import GIT_ENV
from ports import free_port
from sites import GOOD_OPTIONS, event_block, write_notebook


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _logged_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``git`` first on PATH that writes its arguments to a log, then runs the real git."""
    real = shutil.which("git")
    assert real
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "git.log"
    wrapper = folder / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n', "utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def test_a_warm_check_does_not_ask_an_unreachable_repository_again(tmp_path, capsys, monkeypatch):
    log = _logged_git(tmp_path, monkeypatch)
    src = tmp_path / "docs"
    (src / "content").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
        "event_today = '2026-12-01'\n",
        "utf-8",
    )
    (src / "index.md").write_text("# Home\n\n```{toctree}\nevent\n```\n", "utf-8")
    # Nothing listens on this port: the repository cannot be reached, as offline.
    repo = f"git://127.0.0.1:{free_port()}/workshop.git"
    options = GOOD_OPTIONS + f":id: geo\n:content-repo: {repo}\n:content-branch: main\n:content-path: content\n"
    (src / "event.md").write_text("# Event\n\n" + event_block(options=options), "utf-8")
    write_notebook(src / "content" / "lesson.ipynb", "assert True")

    assert passing(src, capsys) == "built"
    assert "ls-remote" in log.read_text("utf-8"), "the check asked for the branch"
    log.unlink()
    status, output = check(src, capsys)
    assert status == 0 and UNCHANGED in output, output
    assert not log.exists() or "ls-remote" not in log.read_text("utf-8"), log.read_text("utf-8")
    assert f"branch main of {repo} is still not verified" in output, output
    # --fresh asks again.
    assert passing(src, capsys, "--fresh") == "built"
    assert "ls-remote" in log.read_text("utf-8")
