"""A check with nothing changed since the last one that passed keeps that result without a build; any change builds.

The real command runs in this process on a site whose content is a git repository served on
127.0.0.1 by git's own daemon, as a git host serves it, so a moved branch is seen as a hub would.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from checkruns import UNCHANGED, check, passing
from gitrepos import GIT_ENV, git_daemon, make_bare_repo, push_commit
from sites import GOOD_OPTIONS, event_block, write_notebook

from sphinx_event_ext.cli.check_stamp import STAMP_NAME, Stamp
from sphinx_event_ext.content.store import evidence_folder, rehearsal_record


def _notebook_text(source: str) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(notebook)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _site(root: Path, options: str) -> Path:
    src = root / "docs"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\n'
        "event_today = '2026-12-01'\n",
        "utf-8",
    )
    (src / "index.md").write_text("# Home\n\n```{toctree}\nevent\n```\n", "utf-8")
    (src / "event.md").write_text("# Event\n\n" + event_block(options=GOOD_OPTIONS + options), "utf-8")
    return src


def test_an_unchanged_site_stands_and_every_kind_of_change_builds(tmp_path, capsys, monkeypatch):
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    make_bare_repo(remotes, "workshop.git", {"main": {"lesson.ipynb": _notebook_text("print(1 + 1)")}})
    with git_daemon(remotes) as base:
        repo = f"{base}/workshop.git"
        src = _site(tmp_path, f":content-repo: {repo}\n:content-branch: main\n")
        page = src / "_build" / "html" / "event.html"
        assert passing(src, capsys) == "built"
        written = page.stat().st_mtime_ns

        assert passing(src, capsys) == "unchanged"
        assert page.stat().st_mtime_ns == written, "no build ran"
        stamp = Stamp.load(evidence_folder(src / "_build" / "doctrees") / STAMP_NAME)
        assert stamp is not None and [remote[:2] for remote in stamp.remotes] == [(repo, "main")]

        event = src / "event.md"
        event.write_text(event.read_text("utf-8") + "\nOne more line.\n", "utf-8")
        assert passing(src, capsys) == "built"
        assert passing(src, capsys) == "unchanged"

        (src / "conf.py").write_text((src / "conf.py").read_text("utf-8") + "html_title = 'Events'\n", "utf-8")
        assert passing(src, capsys) == "built"

        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
        assert passing(src, capsys) == "built"
        assert passing(src, capsys) == "unchanged"

        moved = push_commit((remotes / "workshop.git").as_uri(), "main", {"README.md": "# New\n"}, tmp_path)
        assert passing(src, capsys) == "built"
        stamp = Stamp.load(evidence_folder(src / "_build" / "doctrees") / STAMP_NAME)
        assert stamp is not None and [remote[2] for remote in stamp.remotes] == [moved]
        assert passing(src, capsys) == "unchanged"

        assert passing(src, capsys, "--fresh") == "built"
        assert passing(src, capsys, "--force") == "built"


def test_a_changed_notebook_in_the_content_copy_builds(tmp_path, capsys):
    src = _site(tmp_path, ":content-repo: https://github.com/example-org/workshop\n:content-path: content\n")
    write_notebook(src / "content" / "lesson.ipynb", "print('hello')")
    (src / "conf.py").write_text((src / "conf.py").read_text("utf-8").replace('"_build"', '"_build", "content"'))
    assert passing(src, capsys) == "built"
    assert passing(src, capsys) == "unchanged"
    write_notebook(src / "content" / "lesson.ipynb", "print('hello, again')")
    assert passing(src, capsys) == "built"
    assert passing(src, capsys) == "unchanged"
    # sphinx-event rehearse records its run beside the event's other files, for the checklist.
    rehearsal_record(src / "_build" / "doctrees", "event").parent.mkdir(parents=True)
    rehearsal_record(src / "_build" / "doctrees", "event").write_text("{}", "utf-8")
    assert passing(src, capsys) == "built"
    assert passing(src, capsys) == "unchanged"


def test_a_failed_check_is_never_taken_as_standing(tmp_path, capsys):
    src = _site(tmp_path, "")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nevent\n```\n\nSee {doc}`missing`.\n", "utf-8")
    for _ in range(2):
        status, output = check(src, capsys)
        assert status == 1 and "unknown document" in output and UNCHANGED not in output
    assert not (evidence_folder(src / "_build" / "doctrees") / STAMP_NAME).exists()
