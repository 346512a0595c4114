"""A pass means proven: each way a check once passed without proof, end to end.

Real ``sphinx-event check`` runs (in this process, as ``nox -s check`` would), real kernels,
content branches served by git's own daemon on 127.0.0.1, and a real ``sphinx-build`` plain
build as ``nox -s docs`` runs it. Each test failed on the code before the evidence store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from checkruns import BUILT, UNCHANGED, check, passing
from gitrepos import GIT_ENV, git_daemon, make_bare_repo
from sites import GOOD_OPTIONS, event_block, write_notebook

CONF = (
    'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
    "event_today = '2026-12-01'\n"
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("WORKSHOP_LEVEL", raising=False)


def _site(root: Path, options: str = "", conf: str = "") -> Path:
    """A site whose one event runs the notebooks of its ``content`` copy (unless ``options`` say otherwise)."""
    src = root / "docs"
    (src / "content").mkdir(parents=True)
    (src / "conf.py").write_text(CONF + conf, "utf-8")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nevent\n```\n", "utf-8")
    options = options or ":content-repo: https://github.com/example-org/workshop\n:content-path: content\n"
    page = "# Event\n\n" + event_block(options=GOOD_OPTIONS + ":id: geo\n" + options) + "\n```{event-checklist}\n```\n"
    (src / "event.md").write_text(page, "utf-8")
    return src


def _fails(src: Path, capsys: pytest.CaptureFixture[str], *expected: str, rerun: bool = True) -> str:
    """The check fails, saying ``expected``; with ``rerun``, having run the notebook again rather than cached it."""
    status, output = check(src, capsys)
    assert status == 1, output
    assert UNCHANGED not in output, output
    assert not rerun or ": cached (" not in output, output
    for text in expected:
        assert text in output, output
    return output


def test_1_a_helper_a_data_file_or_an_environment_variable_the_notebook_reads_runs_it_again(
    tmp_path, capsys, monkeypatch
):
    src = _site(tmp_path, conf="event_execute_env = ['WORKSHOP_LEVEL']\n")
    content = src / "content"
    (content / "helpers.py").write_text("VALUE = 1\n", "utf-8")
    (content / "data.csv").write_text("a,b\n1,2\n", "utf-8")
    write_notebook(
        content / "lesson.ipynb",
        "import os, helpers\nassert helpers.VALUE == 1",
        "assert open('data.csv').read().startswith('a,b')",
        "assert os.environ.get('WORKSHOP_LEVEL', 'beginner') == 'beginner'",
    )
    assert passing(src, capsys) == "built"
    assert passing(src, capsys) == "unchanged"

    (content / "helpers.py").write_text("VALUE = 2\n", "utf-8")
    _fails(src, capsys, "AssertionError")
    (content / "helpers.py").write_text("VALUE = 1\n", "utf-8")
    assert passing(src, capsys) == "built"

    (content / "data.csv").write_text("x,y\n1,2\n", "utf-8")
    _fails(src, capsys, "AssertionError")
    (content / "data.csv").write_text("a,b\n1,2\n", "utf-8")
    assert passing(src, capsys) == "built"

    monkeypatch.setenv("WORKSHOP_LEVEL", "advanced")
    _fails(src, capsys, "AssertionError")
    monkeypatch.setenv("WORKSHOP_LEVEL", "beginner")
    assert passing(src, capsys) == "built"


def test_2_a_notebook_that_changed_a_file_outside_its_copy_is_never_cached_as_passed(tmp_path, capsys):
    src = _site(tmp_path)
    notes = src / "notes.txt"
    notes.write_text("organizer notes\n", "utf-8")
    write_notebook(src / "content" / "lesson.ipynb", f"open({str(notes)!r}, 'a').write('from the notebook')")
    _fails(src, capsys, "changed 1 file(s)")
    notes.write_text("organizer notes\n", "utf-8")  # the user puts the file back
    _fails(src, capsys, "changed 1 file(s)")


def test_3_a_same_size_edit_with_its_old_times_restored_is_seen(tmp_path, capsys):
    src = _site(tmp_path)
    lesson = src / "content" / "lesson.ipynb"
    write_notebook(lesson, "x = 1\nassert x == 1")
    assert passing(src, capsys) == "built"
    before = lesson.stat()
    lesson.write_text(lesson.read_text("utf-8").replace("assert x == 1", "assert y == 1"), "utf-8")
    os.utime(lesson, ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -r
    assert lesson.stat().st_size == before.st_size
    _fails(src, capsys, "NameError")


def test_4_notebooks_in_skipped_folders_and_extensions_beside_conf_py_are_inputs(tmp_path, capsys):
    extension = tmp_path / "extensions" / "local_guard.py"
    extension.parent.mkdir()
    extension.write_text(
        "from sphinx.util import logging\nBROKEN = False\n\n\ndef setup(app):\n"
        "    if BROKEN:\n        logging.getLogger(__name__).warning('the local extension is broken')\n"
        "    return {'parallel_read_safe': True}\n",
        "utf-8",
    )
    conf = f"import sys\nsys.path.insert(0, {str(extension.parent)!r})\nextensions.append('local_guard')\n"
    src = _site(tmp_path, conf=conf)
    write_notebook(src / "content" / "node_modules" / "lesson.ipynb", "assert 1 + 1 == 2")
    assert passing(src, capsys) == "built"
    assert passing(src, capsys) == "unchanged"

    write_notebook(src / "content" / "node_modules" / "lesson.ipynb", "assert 1 + 1 == 3")
    _fails(src, capsys, "AssertionError")
    write_notebook(src / "content" / "node_modules" / "lesson.ipynb", "assert 1 + 1 == 2")
    assert passing(src, capsys) == "built"

    sys.modules.pop("local_guard", None)  # the next build imports the edited module, as a new process would
    extension.write_text(extension.read_text("utf-8").replace("BROKEN = False", "BROKEN = True"), "utf-8")
    _fails(src, capsys, "the local extension is broken", rerun=False)


def _click_step(page: Path) -> tuple[bool, str]:
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    for item in soup.select("li.event-checklist-item"):
        if "Click the link yourself" in item.get_text():
            box = item.select_one("input")
            return box is not None and box.has_attr("checked"), item.get_text(" ", strip=True)
    raise AssertionError("no click step on the page")


def test_5_a_wrong_branch_beside_a_content_path_copy_is_not_proven(tmp_path, capsys):
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    make_bare_repo(remotes, "workshop.git", {"main": {"lesson.ipynb": "{}"}})
    with git_daemon(remotes) as base:
        options = f":content-repo: {base}/workshop.git\n:content-branch: mian\n:content-path: content\n"
        src = _site(tmp_path, options)
        write_notebook(src / "content" / "lesson.ipynb", "assert True")
        _fails(src, capsys, "mian")

        right = options.replace("mian", "main")
        (src / "event.md").write_text((src / "event.md").read_text("utf-8").replace(options, right), "utf-8")
        assert passing(src, capsys) == "built"
        ticked, _ = _click_step(src / "_build" / "html" / "event.html")
        assert ticked
        assert _proof(src, "click") == ("proven", "the link check")

    # Offline (the daemon is gone): the local copy is checked, the branch is not, and the step is not ticked.
    assert passing(src, capsys, "--fresh") == "built"
    ticked, text = _click_step(src / "_build" / "html" / "event.html")
    assert not ticked and "Proven by the link check" not in text
    page = (src / "_build" / "html" / "event.html").read_text("utf-8")
    assert "checked against the local copy; branch <code" in page or "branch `main` not verified" in page
    assert "not verified" in page
    assert _proof(src, "click") == ("not proven", None)
    index = json.loads((src / "_build" / "html" / "_events" / "events.json").read_text("utf-8"))
    click = next(proof for proof in index["proofs"]["geo"] if proof["step"] == "click")
    assert click["summary"] == "checked against the local copy; branch `main` not verified"


def _proof(src: Path, step: str) -> tuple[str, str | None]:
    """(result, what proved it) of a checklist step, as the published ``events.json`` summarises it."""
    index = json.loads((src / "_build" / "html" / "_events" / "events.json").read_text("utf-8"))
    found = {proof["step"]: proof for proof in index["proofs"]["geo"]}
    return found[step]["result"], found[step]["proven_by"]


def _plain_build(src: Path) -> subprocess.CompletedProcess[str]:
    """What ``nox -s docs`` runs."""
    argv = [sys.executable, "-m", "sphinx", "-b", "html", str(src), str(src / "_build" / "html")]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def test_6_a_plain_build_over_a_checked_site_is_never_taken_for_the_check(tmp_path, capsys):
    src = _site(tmp_path)
    write_notebook(src / "content" / "lesson.ipynb", "assert True")
    page = src / "_build" / "html" / "event.html"
    assert passing(src, capsys) == "built"
    assert "event-status-ok" in page.read_text("utf-8")

    plain = _plain_build(src)
    assert plain.returncode == 0, plain.stderr
    text = BeautifulSoup(page.read_text("utf-8"), "html.parser").get_text(" ", strip=True)
    assert "Content: not checked in this build" in text

    assert passing(src, capsys) == "built"
    assert "event-status-ok" in page.read_text("utf-8"), "the check wrote its pages again"
    assert passing(src, capsys) == "unchanged"


def _mtimes(out: Path) -> dict[str, int]:
    return {
        path.name: path.stat().st_mtime_ns for path in out.glob("*.html") if path.stem not in ("genindex", "search")
    }


def _check_process(src: Path) -> str:
    """``sphinx-event check`` in its own process, as ``nox -s check`` runs it: what it printed (it must pass)."""
    argv = [sys.executable, "-m", "sphinx_event_ext.cli", "check", str(src), "--jobs", "1"]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_6_a_plain_build_over_some_pages_has_the_next_check_write_only_those(tmp_path):
    src = _site(tmp_path)
    (src / "index.md").write_text("# Home\n\n```{toctree}\nevent\nprose\n```\n", "utf-8")
    (src / "prose.md").write_text("# Prose\n\nA page about maps.\n", "utf-8")
    write_notebook(src / "content" / "lesson.ipynb", "assert True")
    out = src / "_build" / "html"
    page, index = out / "event.html", out / "_events" / "events.json"
    assert BUILT in _check_process(src)
    checked, proofs = _mtimes(out), json.loads(index.read_text("utf-8"))["proofs"]

    # A plain build of the event page only, with its own state folder, as ``sphinx-build ... event.md`` runs.
    plain_state = tmp_path / "plain-doctrees"
    argv = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-d",
        str(plain_state),
        str(src),
        str(out),
        str(src / "event.md"),
    ]
    plain = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert plain.returncode == 0, plain.stderr
    written = _mtimes(out)
    assert written["event.html"] != checked["event.html"] and written["prose.html"] == checked["prose.html"]
    assert "Content: not checked in this build" in BeautifulSoup(page.read_text("utf-8"), "html.parser").get_text()
    assert json.loads(index.read_text("utf-8"))["proofs"] != proofs

    output = _check_process(src)
    assert BUILT in output, output
    after = _mtimes(out)
    assert after["event.html"] != written["event.html"] and "event-status-ok" in page.read_text("utf-8")
    assert after["prose.html"] == checked["prose.html"], f"a page the plain build left alone is written again: {output}"
    assert json.loads(index.read_text("utf-8"))["proofs"] == proofs, "events.json carries the check's proofs again"
    said = next(line for line in output.splitlines() if "another build wrote over" in line)
    assert "event.html" in said and "_events/events.json" in said and "prose.html" not in said, output
    assert UNCHANGED in _check_process(src)


def test_7_a_forced_check_that_passed_stands(tmp_path, capsys):
    src = _site(tmp_path)
    write_notebook(src / "content" / "lesson.ipynb", "assert True")
    assert passing(src, capsys, "--force") == "built"
    assert passing(src, capsys) == "unchanged"
    assert passing(src, capsys, "--jobs", "2") == "unchanged"


def test_the_published_folder_holds_the_site_only_after_a_failing_check(tmp_path, capsys):
    src = _site(tmp_path)
    write_notebook(
        src / "content" / "lesson.ipynb", "def broken():\n    raise ValueError('the data is gone')\nbroken()"
    )
    out = tmp_path / "published"
    status, output = check(src, capsys, "--out", str(out))
    assert status == 1 and "the data is gone" in output, output
    assert "lesson.log" in output, "the full traceback is kept, in the evidence store"
    logs = list((src / "_build" / "doctrees" / "event-evidence").rglob("*.log"))
    assert len(logs) == 1 and "----> 3 broken()" in logs[0].read_text("utf-8")
    files = [path for path in out.rglob("*") if path.is_file()]
    assert files, "the site was written"
    state = [
        path
        for path in files
        if path.suffix in (".log", ".pickle", ".doctree") or any("doctrees" in part for part in path.parts)
    ]
    assert state == []
    for path in files:
        if path.suffix in (".html", ".json", ".txt", ".ics", ".js"):
            text = path.read_text("utf-8", "replace")
            for leak in ("Traceback", "most recent call last", "---->", str(tmp_path), "event-evidence", "lesson.log"):
                assert leak not in text, f"{path.relative_to(out)} holds {leak!r}"


def test_a_result_does_not_depend_on_the_path_of_the_environment_that_ran_it(tmp_path, monkeypatch):
    """Another virtual environment with the same packages (here: the same interpreter reached by another
    path, as ``nox -s check`` and an organizer's own environment do) reuses the results."""
    from sphinx_event_ext.content.execute import run_event_content

    content = tmp_path / "content"
    write_notebook(content / "lesson.ipynb", "assert 1 + 1 == 2")
    cache = tmp_path / "cache"
    first = run_event_content(content, jobs=1, cache_dir=cache)
    assert [result.status for result in first.results] == ["passed"]
    other = tmp_path / "other-venv" / "bin" / "python"
    other.parent.mkdir(parents=True)
    other.symlink_to(sys.executable)
    with monkeypatch.context() as patched:
        patched.setattr(sys, "executable", str(other))
        again = run_event_content(content, jobs=1, cache_dir=cache)
    assert [result.status for result in again.results] == ["cached"]
    monkeypatch.setenv("PYTHONHASHSEED", "7")  # one of the variables every result depends on
    assert [result.status for result in run_event_content(content, jobs=1, cache_dir=cache).results] == ["passed"]
