"""The check core without Sphinx: real branches served by git's own daemon on 127.0.0.1, real kernels, the
record read back from the evidence store as the command line reads it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from gitrepos import GIT_ENV, git_daemon, make_bare_repo
from sites import make_event, write_notebook

from sphinx_event_ext.content.check_record import (
    ERROR,
    INFO,
    CheckSettings,
    EventCheck,
    EventSite,
    LinkProof,
    LinkSite,
    SiteCheck,
    read_record,
)
from sphinx_event_ext.content.check_summary import summary_lines
from sphinx_event_ext.content.results import CACHED, FAILED, PASSED
from sphinx_event_ext.content.site_check import check_site
from sphinx_event_ext.content.store import rehearsal_record, ticket_record

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _notebook_text(source: str) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(notebook)


def _site(tmp_path: Path, event_id: str = "geo", **options: str) -> EventSite:
    """An event written on ``docs/geo.md`` line 3, its options one a line below."""
    page = tmp_path / "docs" / "geo.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    event = make_event(id=event_id, **options)
    lines = tuple((name, 4 + index) for index, name in enumerate(options))
    return EventSite(event, "geo", page, 3, lines)


def _settings(tmp_path: Path, **values: object) -> CheckSettings:
    state = tmp_path / "docs" / "_build" / "doctrees"
    return CheckSettings(state_folder=state, today=TODAY, protect=(tmp_path / "docs",), **values)  # type: ignore[arg-type]


def test_links_are_proven_against_the_commit_pulled_once_and_the_record_is_what_was_returned(tmp_path):
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    make_bare_repo(remotes, "workshop.git", {"main": {"lesson.ipynb": _notebook_text("1 + 1")}})
    lines: list[str] = []
    with git_daemon(remotes) as base:
        repo = f"{base}/workshop.git"
        site = _site(tmp_path, **{"content-repo": repo, "content-branch": "main"})
        links = [
            LinkSite("geo", "geo", 3, "card", None),
            LinkSite("geo", "geo", 9, "nbgitpuller", "lesson.ipynb"),
            LinkSite("geo", "geo", 10, "nbgitpuller", "missing.ipynb"),
        ]
        check = check_site(tmp_path / "docs", [site], links, _settings(tmp_path, verify_links=True), lines.append)
        commit = subprocess.run(
            ["git", "rev-parse", "main"], cwd=remotes / "workshop.git", capture_output=True, text=True, check=True
        ).stdout.strip()
    proof = check.event("geo").links
    assert (proof.links, proof.broken, proof.local, proof.commit) == (3, 1, False, commit)
    assert not proof.proven
    assert check.link_failures == 1
    errors = [finding for finding in check.findings if finding.level == ERROR]
    assert [(finding.docname, finding.lineno) for finding in errors] == [("geo", 10)]
    assert "missing.ipynb" in errors[0].message
    [pulled] = [line for line in lines if line.startswith("pulled ")]
    assert pulled.startswith(f"pulled {repo} at main ({commit[:7]}) in "), pulled
    assert check.resolved == {(repo, "main"): commit}
    assert read_record(tmp_path / "docs" / "_build" / "doctrees") == check


def test_a_local_copy_names_its_scope_a_wrong_branch_fails_and_an_unreachable_one_is_not_verified(tmp_path):
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    make_bare_repo(remotes, "workshop.git", {"main": {"README.md": "# Workshop\n"}})
    (tmp_path / "docs" / "content").mkdir(parents=True)
    write_notebook(tmp_path / "docs" / "content" / "lesson.ipynb", "1 + 1")
    link = [LinkSite("geo", "geo", 3, "card", None)]
    with git_daemon(remotes) as base:
        repo = f"{base}/workshop.git"
        wrong = _site(tmp_path, **{"content-repo": repo, "content-branch": "mian", "content-path": "content"})
        check = check_site(tmp_path / "docs", [wrong], link, _settings(tmp_path, verify_links=True), print)
        assert check.link_failures == 1 and not check.event("geo").links.proven
        assert "mian" in check.findings[0].message

        right = _site(tmp_path, **{"content-repo": repo, "content-branch": "main", "content-path": "content"})
        check = check_site(tmp_path / "docs", [right], link, _settings(tmp_path, verify_links=True), print)
        proof = check.event("geo").links
        assert proof.proven and proof.local and proof.commit
        assert "proven against the local copy content" in summary_lines(check)[1]

    # The daemon is gone: the copy is checked, its branch is not, and that is said as information.
    check = check_site(tmp_path / "docs", [right], link, _settings(tmp_path, verify_links=True), print)
    proof = check.event("geo").links
    assert proof.unverified and not proof.proven and check.link_failures == 0
    assert [(f.level, f.message) for f in check.findings] == [
        (INFO, "event 'geo': links checked against the local copy; branch `main` not verified")
    ]
    assert check.resolved == {(repo, "main"): None}


def test_the_content_runs_in_real_kernels_and_a_second_check_takes_the_pass_from_the_cache(tmp_path):
    content = tmp_path / "docs" / "content"
    write_notebook(content / "01-good.ipynb", "assert 1 + 1 == 2")
    write_notebook(content / "02-bad.ipynb", "1 / 0")
    site = _site(tmp_path, **{"content-repo": "https://github.com/o/geo", "content-path": "content"})
    settings = _settings(tmp_path, execute=True, jobs=1)
    lines: list[str] = []
    check = check_site(tmp_path / "docs", [site], [], settings, lines.append)
    item = check.event("geo")
    assert (item.ran, item.cached, item.failed, item.failures) == (1, 0, 1, 1)
    assert check.execution_failures == 1
    assert item.environment is not None and item.environment["python"]
    assert item.logs == settings.state_folder / "event-evidence" / "execution" / "logs" / "geo"
    assert item.report_file == "_events/geo/execution.json"
    [failure] = [finding for finding in check.findings if finding.level == ERROR]
    assert (failure.docname, failure.lineno, failure.subtype) == ("geo", 3, "execution")
    assert "ZeroDivisionError" in failure.message and str(item.logs) in failure.message
    assert any(line.startswith("geo: [") and "01-good.ipynb: passed" in line for line in lines), lines

    (content / "02-bad.ipynb").unlink()
    again = check_site(tmp_path / "docs", [site], [], settings, lines.append).event("geo")
    statuses = [notebook["status"] for notebook in again.execution["notebooks"]]
    assert statuses == [CACHED] and again.failures == 0
    assert again.cached_from == (dt.datetime.now(dt.timezone.utc).date(),)
    assert "1 from the cache of the check of " in summary_lines(SiteCheck(TODAY, False, True, (again,)))[1]
    assert lines[-1].startswith("geo: [1/1] 01-good.ipynb: passed (from the check of "), lines[-1]
    forced = check_site(tmp_path / "docs", [site], [], _settings(tmp_path, execute=True, force=True), print)
    assert [notebook["status"] for notebook in forced.event("geo").execution["notebooks"]] == [PASSED]
    assert FAILED not in statuses


def test_one_repository_is_pulled_once_for_the_links_the_environment_and_the_content(tmp_path):
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    make_bare_repo(remotes, "workshop.git", {"main": {"lesson.ipynb": _notebook_text("1 + 1")}})
    lines: list[str] = []
    with git_daemon(remotes) as base:
        repo = f"{base}/workshop.git"
        site = _site(tmp_path, **{"content-repo": repo, "environment-repo": repo})
        settings = _settings(tmp_path, verify_links=True, execute=True, jobs=1)
        links = [LinkSite("geo", "geo", 3, "card", None), LinkSite("geo", "geo", 9, "nbgitpuller", "lesson.ipynb")]
        check = check_site(tmp_path / "docs", [site], links, settings, lines.append)
    assert check.execution_failures == 0, check.findings
    assert len([line for line in lines if line.startswith(f"pulled {repo}")]) == 1, lines
    assert [pull.repo for pull in check.pulls] == [repo]


def test_the_core_loads_without_sphinx():
    code = (
        "import sys, sphinx_event_ext.content.site_check, sphinx_event_ext.content.check_summary\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils')], 'sphinx loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_summary_names_a_few_events_without_content_and_counts_the_rest() -> None:
    unproven = LinkProof(0, 0, False, False, None, None, None, True)
    events = tuple(EventCheck(f"e{index:03d}", False, None, unproven) for index in range(120))
    [_, line] = summary_lines(SiteCheck(TODAY, False, True, events))
    named = ", ".join(f"e{index:03d}" for index in range(10))
    assert line == f"  no content to check (no content-repo or content-path): 120 event(s), {named} and 110 more"


def test_the_last_rehearsal_and_ticket_are_in_the_record_and_its_summary(tmp_path: Path) -> None:
    """Proven by their own commands, kept in the evidence store: the check carries their one-line results."""
    settings = _settings(tmp_path)
    rehearsal = {"schema_version": "2", "event": "geo", "summary": "rehearsal passed on 2027-02-01\x1b[2J: 20 users"}
    ticket = {
        "schema_version": "1",
        "event": "geo",
        "date": "2027-02-02",
        "ticket": "https://github.com/org/infra/issues/1",
        "issue": {"title": "Geo", "body": "", "created_at": "2027-01-05", "html_url": ""},
        "ok": True,
        "summary": "the hub team's issue matches the page (read back on 2027-02-02)",
        "checks": [],
    }
    for path, data in ((rehearsal_record(settings.state_folder, "geo"), rehearsal),
                       (ticket_record(settings.state_folder, "geo"), ticket),
                       (ticket_record(settings.state_folder, "other"), {**ticket, "event": "other"})):  # fmt: skip
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), "utf-8")
    check = check_site(tmp_path / "docs", [_site(tmp_path)], [], settings, print)
    item = check.event("geo")
    assert item is not None and item.ticket == ticket["summary"]
    assert item.rehearsal == "rehearsal passed on 2027-02-01\\x1b[2J: 20 users"  # shown, never acted on
    assert read_record(settings.state_folder) == check
    lines = summary_lines(check)
    assert f"  geo: hub team's issue (sphinx-event ticket): {ticket['summary']}" in lines
    assert "  geo: last rehearsal (sphinx-event rehearse): rehearsal passed on 2027-02-01\\x1b[2J: 20 users" in lines
    assert not any("\x1b" in line for line in lines)
