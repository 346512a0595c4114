"""What ``sphinx-event validate`` and ``check`` say: problems in file and line order, GitHub annotations, and a
check's closing summary of what it proved. Real processes, a real build, a real kernel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from gitrepos import GIT_ENV, git_daemon, make_bare_repo
from sites import GOOD_OPTIONS, event_block, write_notebook

from sphinx_event_ext.cli.workflow_commands import Problem, command, from_sphinx_warnings

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\nevent_today = "2026-12-01"\n'


def run(*args: str, cwd: Path, github: bool = False) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "sphinx_event_ext.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _pages(docs: Path, pages: dict[str, str]) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "conf.py").write_text(CONF, "utf-8")
    toctree = "\n".join(name for name in pages if name != "index")
    for name, text in {"index": f"# Home\n\n```{{toctree}}\n{toctree}\n```\n", **pages}.items():
        (docs / f"{name}.md").write_text(text, "utf-8")


# The end is written first and is before the start, a problem found after every option's own check.
CROSSED = (
    ":end: 2027-03-01\n:hub: https://geo.hub.example.org\n:start: 2027-03-10\n:active-hours: 09:00-17:00\n"
    ":timezone: America/Denver\n:attendees: eighty\n"
)


def test_validate_lists_problems_in_file_and_line_order(tmp_path):
    _pages(
        tmp_path / "docs",
        {"b": "# B\n\n" + event_block(options=CROSSED), "a": "# A\n\n" + event_block(options=CROSSED)},
    )
    result = run("validate", "docs", cwd=tmp_path)
    assert result.returncode == 1
    located = [(line.split(":")[0], int(line.split(":")[1])) for line in result.stdout.splitlines()]
    assert len(located) == 4, result.stdout
    assert located == sorted(located), result.stdout
    assert not any(line.startswith("::") for line in result.stdout.splitlines())  # not in GitHub Actions


def test_problems_are_github_annotations_in_a_workflow(tmp_path):
    _pages(tmp_path / "docs", {"a": "# A\n\n" + event_block(options=CROSSED)})
    result = run("validate", "docs", cwd=tmp_path, github=True)
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    plain = [line for line in result.stdout.splitlines() if not line.startswith("::")]
    assert len(annotations) == len(plain) == 2
    # docs/a.md: the event opens on line 3; end is its first option line and attendees its sixth.
    assert annotations[0].startswith("::error file=docs/a.md,line=4,title=sphinx-event%3A event metadata::end: ")
    assert annotations[1].startswith("::error file=docs/a.md,line=9,title=sphinx-event%3A event metadata::attendees: ")


def test_workflow_command_escaping_follows_githubs_rules():
    problem = Problem("docs/a,b:c.md", 7, "t: x, y", "100% sure\r\nsecond line")
    assert command(problem) == ("::error file=docs/a%2Cb%3Ac.md,line=7,title=t%3A x%2C y::100%25 sure%0D%0Asecond line")
    warnings = (
        "/w/docs/a.md:12: ERROR: notebook 02.ipynb: cell 3 of 3\n  ZeroDivisionError: division by zero [event.execution]\n"
        "WARNING: a warning without a place\n"
    )
    problems = from_sphinx_warnings(warnings, Path("/w"))
    assert problems == [
        Problem(
            "docs/a.md",
            12,
            "sphinx-event: event.execution",
            "notebook 02.ipynb: cell 3 of 3\n  ZeroDivisionError: division by zero [event.execution]",
        ),
        Problem(None, None, "sphinx-event: Sphinx build", "a warning without a place"),
    ]


def test_a_check_ends_with_what_it_proved(tmp_path):
    docs = tmp_path / "docs"
    content = "# Geo\n\n" + event_block(
        options=GOOD_OPTIONS + ":id: geo\n:content-repo: https://github.com/o/geo\n:content-path: geo\n"
    )
    other = "# Hack\n\n" + event_block(title="Hack", options=GOOD_OPTIONS + ":id: hack\n")
    _pages(docs, {"geo": content + "\n{nbgitpuller}`one.ipynb`\n", "hack": other})
    write_notebook(docs / "geo" / "one.ipynb", "1 + 1")
    write_notebook(docs / "geo" / "two.ipynb", "2 + 2")
    result = run("check", "--jobs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tail = result.stderr.splitlines()
    at = tail.index("events: 2 event(s) checked")
    assert tail[at + 1] == (
        "  geo: 2 link(s) checked against the local copy; the default branch not verified; "
        "2 notebook(s) ran, 0 from the cache of an earlier check, 0 failed"
    )
    assert tail[at + 2] == "  no content to check (no content-repo or content-path): 1 event(s), hack"
    assert tail[-1].startswith("sphinx-event check: passed; site built in docs/_build/html")
    again = run("check", "--jobs", "1", "--fresh", cwd=tmp_path)
    assert re.search(
        r"0 notebook\(s\) ran, 2 from the cache of the check of \d{4}-\d\d-\d\d, 0 failed$", again.stderr, re.M
    ), again.stderr
    # Each notebook's line says where its pass came from, not a "0.0 s" run that did not happen.
    assert re.search(r"^geo: \[1/2\] one\.ipynb: passed \(from the check of \d{4}-\d\d-\d\d\)$", again.stderr, re.M)
    assert "(0.0 s)" not in again.stderr


def test_a_failing_check_annotates_the_build_problem_at_its_line(tmp_path):
    docs = tmp_path / "docs"
    content = "# Geo\n\n" + event_block(
        options=GOOD_OPTIONS + ":id: geo\n:content-repo: https://github.com/o/geo\n:content-path: geo\n"
    )
    _pages(docs, {"geo": content})
    write_notebook(docs / "geo" / "one.ipynb", "1 / 0")
    result = run("check", "--jobs", "1", cwd=tmp_path, github=True)
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert any(
        line.startswith("::error file=docs/geo.md,line=3,title=sphinx-event%3A event.execution::")
        and "ZeroDivisionError" in line
        for line in annotations
    ), result.stdout
    assert all("\n" not in line for line in annotations)


def _commands(parser, path=()):
    from sphinx_event_ext.util.commands import subcommands

    for name, sub in subcommands(parser):
        yield (*path, name), sub
        yield from _commands(sub, (*path, name))


def test_every_command_says_what_it_does_and_takes_the_same_spellings(tmp_path):
    from sphinx_event_ext.cli.main import parser

    for path, sub in _commands(parser()):
        assert sub.description and len(sub.description) > 60, f"{' '.join(path)} has no description paragraph"
        flags = {flag for action in sub._actions for flag in action.option_strings}
        source = [action for action in sub._actions if action.metavar in ("SOURCE_DIR", "FILE_OR_DIR")]
        for action in source:
            assert action.default in (Path("docs"), [Path("docs")]), f"{' '.join(path)}: {action.dest} default"
        if "--event" in flags:
            assert "--id" in flags, f"{' '.join(path)}: --event without its --id spelling"
        assert not ("--id" in flags and "--event" not in flags and path[0] != "new"), f"{' '.join(path)}: --id only"
    rehearse = run("rehearse", "--help", cwd=tmp_path).stdout
    flat = " ".join(rehearse.split())
    for words in (
        "create temporary users",
        "servers on the real hub",
        "admin:users, admin:servers and access:servers",
        "deleted",
    ):
        assert words in flat, words
    new = " ".join(run("new", "--help", cwd=tmp_path).stdout.split())
    for shown in ("--start YYYY-MM-DD", "--end YYYY-MM-DD", "--active-hours HH:MM-HH:MM"):
        assert shown in new, shown


def test_commands_default_to_docs_and_accept_either_spelling_of_the_event(tmp_path):
    _pages(tmp_path / "docs", {"geo": "# Geo\n\n" + event_block(options=GOOD_OPTIONS + ":id: geo\n")})
    assert run("validate", cwd=tmp_path).stderr.strip() == "1 event(s) checked, 0 problem(s)"
    by_event = run("prewarm", "--event", "geo", cwd=tmp_path)
    by_id = run("prewarm", "--id", "geo", cwd=tmp_path)
    assert by_event.returncode == 0 and by_event.stdout == by_id.stdout and '"event_id": "geo"' in by_event.stdout


def test_a_network_error_names_the_host(tmp_path):
    from ports import free_port

    from sphinx_event_ext.content.hub_api import Hub, HubError

    port = free_port()  # nothing listens there
    hub = Hub(f"http://127.0.0.1:{port}/prefix", "secret-token", timeout=5)
    try:
        hub.request("GET", "users")
    except HubError as error:
        assert f"cannot reach 127.0.0.1:{port}" in str(error) and "secret-token" not in str(error)
    else:
        raise AssertionError("no error from a port where nothing listens")


def test_a_repository_is_pulled_and_said_once_per_check(tmp_path, monkeypatch):
    """The link proof, the environment and the content run all need the content repository, and the
    ``event-links`` table lists its notebooks: one pull, one line, in each check."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell("1 + 1")]
    make_bare_repo(remotes, "workshop.git", {"main": {"one.ipynb": nbformat.writes(notebook)}})
    with git_daemon(remotes) as base:
        repo = f"{base}/workshop.git"
        options = GOOD_OPTIONS + f":id: geo\n:content-repo: {repo}\n:content-branch: main\n"
        page = "# Geo\n\n" + event_block(options=options) + "\n{nbgitpuller}`one.ipynb`\n\n```{event-links}\n```\n"
        _pages(tmp_path / "docs", {"geo": page})
        first = run("check", "--jobs", "1", cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        pulled = [line for line in first.stderr.splitlines() if line.startswith("pulled ")]
        assert len(pulled) == 1, first.stderr
        assert pulled[0].startswith(f"pulled {repo} at main (")
        again = run("check", "--jobs", "1", "--fresh", cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        pulled = [line for line in again.stderr.splitlines() if line.startswith("pulled ")]
        assert len(pulled) == 1 and pulled[0].endswith(") from the cache"), again.stderr
        commit = pulled[0].split("(")[1].split(")")[0]
        assert f"  geo: 3 link(s) proven against {repo} at main ({commit});" in again.stderr, again.stderr
