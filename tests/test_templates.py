"""``sphinx-event init`` and ``new``, the page templates and the site skeleton, in real processes and builds."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from sites import TODAY_EPOCH

import sphinx_event_ext
from sphinx_event_ext._version import __version__
from sphinx_event_ext.plan.templates import PAGE_TEMPLATES, render_page

REPO = Path(__file__).resolve().parents[1]
EVENT = [
    "--hub",
    "https://hub.example.org",
    "--start",
    "2027-05-03",
    "--end",
    "2027-05-04",
    "--active-hours",
    "09:00-12:30",
    "--timezone",
    "Europe/Paris",
    "--attendees",
    "25",
]


def run_process(*args: str, cwd: Path, stdin: int) -> subprocess.CompletedProcess:
    """``sphinx-event`` as a user runs it, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx_event_ext.cli", *args],
        cwd=cwd,
        env={**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH},
        stdin=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def test_init_then_new_for_each_template_passes_the_check(tmp_path, cli):
    site = tmp_path / "our-events"
    made = cli("init", str(site), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    for path in (".gitignore", ".github/workflows/events.yml", ".pre-commit-config.yaml", "noxfile.py"):
        assert (site / path).is_file(), path
    for template in PAGE_TEMPLATES:
        added = cli("new", "--template", template, "--title", f"Spring {template}", *EVENT, cwd=site)
        assert added.returncode == 0, added.stderr
        assert (site / "docs" / "events" / f"spring-{template}.md").is_file()
    # A workshop whose content repository is copied beside its page: links and notebooks checked offline.
    content = site / "docs" / "events" / "geo"
    content.mkdir()
    notebook = site / "docs" / "events" / "example-workshop" / "01-welcome.ipynb"
    shutil.copy(notebook, content / "intro.ipynb")
    with_content = ["--title", "Geo", "--content-repo", "https://github.com/example-org/geo", "--content-path", "geo"]
    assert cli("new", *with_content, *EVENT, cwd=site).returncode == 0

    # Its own process, as CI runs it (and away from other tests' Sphinx registrations).
    checked = run_process("check", "docs", "--jobs", "2", cwd=site, stdin=subprocess.DEVNULL)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    html = site / "docs" / "_build" / "html"
    index = _soup(html / "index.html")
    toctree = {a["href"] for a in index.select(".toctree-wrapper a")}
    expected = {"events/example-workshop.html", "events/geo.html"}
    assert toctree == expected | {f"events/spring-{template}.html" for template in PAGE_TEMPLATES}
    for template in PAGE_TEMPLATES:
        page = _soup(html / "events" / f"spring-{template}.html")
        # The page's heading is the event's title, so the card does not say it again.
        assert page.select_one("h1").get_text().startswith(f"Spring {template}")
        assert page.select_one(".event-card").get_text().count(f"Spring {template}") == 0
        assert "09:00-12:30 Europe/Paris" in page.get_text()
        assert page.select(".event-checklist"), template
        # No MyST comment line leaked into the page ("30% of attendees" in a sentence is no comment).
        assert not re.search(r"(?m)^\s*% ", page.select_one("div.body").get_text())
    example = _soup(html / "events" / "example-workshop.html").get_text()
    assert re.search(r"Content checked \d{4}-\d{2}-\d{2}: 1 notebook ran", example), example
    geo = _soup(html / "events" / "geo.html")
    assert re.search(r"Content checked \d{4}-\d{2}-\d{2}: 1 notebook ran", geo.get_text())
    hub_links = [a["href"] for a in geo.select("table a") if a.get_text() == "Open on the hub"]
    assert len(hub_links) == 1
    assert "git-pull?repo=https%3A%2F%2Fgithub.com%2Fexample-org%2Fgeo" in hub_links[0]
    assert "intro.ipynb" in hub_links[0]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, cli):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine", "utf-8")
    result = cli("init", "site", cwd=tmp_path)
    assert result.returncode == 2
    assert "site is not an empty folder" in result.stderr
    assert sorted(path.name for path in (tmp_path / "site").iterdir()) == ["notes.txt"]


def test_the_skeleton_installs_the_running_sphinx_event_ext(tmp_path, cli):
    assert cli("init", "site", cwd=tmp_path).returncode == 0
    noxfile = (tmp_path / "site" / "noxfile.py").read_text("utf-8")
    ast.parse(noxfile)
    sessions = re.findall(r"^def (\w+)\(session: nox.Session\) -> None", noxfile, re.M)
    assert sessions == ["check", "docs", "docs_live", "prewarm"]
    (install,) = re.findall(r"^SPHINX_EVENT_EXT = (.*)$", noxfile, re.M)
    args = ast.literal_eval(install)
    # The test environment runs this checkout (editable, as the project's nox session installs it), so the
    # site installs this very folder with the check extra, or, when the checkout was cloned from a URL, that
    # URL at the checkout's commit.
    package = Path(sphinx_event_ext.__file__).resolve().parents[1]
    commit = subprocess.run(["git", "-C", str(package), "rev-parse", "HEAD"], capture_output=True, text=True)
    hooks = yaml.safe_load((tmp_path / "site" / ".pre-commit-config.yaml").read_text("utf-8"))
    assert hooks["repos"][0]["hooks"] == [{"id": "sphinx-event-validate"}]
    # The hook comes from the same place as the noxfile's install, at this checkout's commit.
    assert hooks["repos"][0]["rev"] == commit.stdout.strip()
    remote = _url_remote(package)
    if remote:
        assert args[-1] == f"sphinx-event-ext[check] @ git+{remote}@{commit.stdout.strip()}"
        assert hooks["repos"][0]["repo"] == remote
    else:
        assert args[-1].endswith("[check]")
        assert Path(args[-1].removesuffix("[check]")).resolve() == package
        assert Path(hooks["repos"][0]["repo"]).resolve() == package
    workflow = yaml.safe_load((tmp_path / "site" / ".github" / "workflows" / "events.yml").read_text("utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    assert {"run": "nox -s check"} in steps
    assert any(step.get("with", {}).get("path") == "docs/_build/html" for step in steps)
    assert workflow["jobs"]["publish"]["needs"] == "check"


def _page_values(template: str, content: bool) -> dict[str, str]:
    name = f"{template}-content" if content else template
    values = {
        "title": f"A {name}",
        "id": f"a-{name}",
        "hub": "https://hub.example.org",
        "start": "2027-05-03",
        "end": "2027-06-25" if template == "course" else "2027-05-04",
        "active_hours": "13:00-15:00",
        "timezone": "America/Denver",
        "attendees": "40",
        "contact": "Ada <ada@example.org>",
        "notified": "2027-01-10",
    }
    if content:
        values |= {"content_repo": "https://github.com/org/content", "content_branch": "main", "content_path": "c"}
    return values


def test_each_template_builds_with_warnings_as_errors(build_site, tmp_path):
    """Every template, with and without content, in one strict build (in its own process, like
    the other -W builds of the suite, so no other test's global docutils registrations leak in)."""
    src = tmp_path / "src"
    (src / "c").mkdir(parents=True)
    (src / "c" / "lesson.ipynb").write_text("{}", "utf-8")
    variants = [(template, content) for template in PAGE_TEMPLATES for content in (False, True)]
    pages = {_page_values(*variant)["id"]: render_page(variant[0], _page_values(*variant)) for variant in variants}
    result = build_site(
        pages,
        conf='event_today = "2026-12-01"\nexclude_patterns = ["_build", "c"]\n',
        args=("-W", "--keep-going"),
        src=src,
        isolated=True,
    )
    assert result.status == 0, result.warnings
    for (template, content), docname in zip(variants, pages, strict=True):
        soup = result.soup(docname)
        assert soup.select_one("h1").get_text().startswith(f"A {docname[2:]}")
        assert soup.select_one(".event-card").get_text().count(f"A {docname[2:]}") == 0
        assert soup.select(".event-checklist"), docname
        assert "Ada <ada@example.org>" in soup.get_text()
        assert not re.search(r"(?m)^\s*% ", soup.select_one("div.body").get_text())
        links = [code.get_text() for code in soup.select("table code")]
        assert links == (["lesson.ipynb"] if content else []), docname
        if template == "course":
            assert "2027-05-03 to 2027-06-25" in soup.get_text()


def test_new_refuses_an_existing_page(tmp_path, cli):
    assert cli("new", "--title", "Spring", *EVENT, cwd=tmp_path).returncode == 0
    page = tmp_path / "docs" / "events" / "spring.md"
    page.write_text("edited by hand", "utf-8")
    result = cli("new", "--title", "Spring", *EVENT, "--template", "course", cwd=tmp_path)
    assert result.returncode == 2
    assert "spring.md already exists" in result.stderr
    assert page.read_text("utf-8") == "edited by hand"


def test_new_keeps_a_title_on_one_line(tmp_path, cli):
    result = cli("new", "--title", "Spring\n:attendees: 5\n", *EVENT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "docs" / "events" / "spring-attendees-5.md").read_text("utf-8")
    assert "```{event} Spring :attendees: 5\n" in page
    assert [line for line in page.splitlines() if line.startswith(":attendees:")] == [":attendees: 25"]


def test_new_without_a_terminal_lists_every_missing_value(tmp_path, cli):
    result = cli("new", "--title", "Spring", "--hub", "https://hub.example.org", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "missing required values: --start, --end, --active-hours, --timezone, --attendees" in result.stderr
    assert not (tmp_path / "docs").exists()


def test_new_reports_every_bad_value_with_the_validator_messages(tmp_path, cli):
    bad = [*EVENT]
    bad[bad.index("Europe/Paris")] = "PST"
    bad[bad.index("25")] = "0"
    bad[bad.index("2027-05-04")] = "2027-04-01"
    result = cli("new", "--title", "Spring", "--id", "Spring!", *bad, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert "sphinx-event new: error: --attendees: expected a positive whole number, got '0' (at least 1)" in lines
    assert any(line.startswith("sphinx-event new: error: --timezone: expected an IANA time zone") for line in lines)
    assert any(line.startswith("sphinx-event new: error: --end: expected") and "before start" in line for line in lines)
    assert any(line.startswith("sphinx-event new: error: --id: expected lowercase letters") for line in lines)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "docs").exists()


def test_new_asks_for_missing_values_in_a_terminal(tmp_path, cli):
    """A real pseudo-terminal as standard input, as when an organizer runs the command by hand."""
    main, terminal = os.openpty()
    try:
        answers = ["https://hub.example.org", "2027-05-03", "2027-05-03", "09:00-17:00", "America/Denver", "12"]
        os.write(main, "".join(f"{answer}\n" for answer in answers).encode())
        result = run_process("new", "--title", "Asked", "--template", "hackathon", cwd=tmp_path, stdin=terminal)
    finally:
        os.close(main)
        os.close(terminal)
    assert result.returncode == 0, result.stderr
    assert "hub (an http(s) URL of the hub): " in result.stdout
    assert "attendees (a positive whole number): " in result.stdout
    page = (tmp_path / "docs" / "events" / "asked.md").read_text("utf-8")
    assert ":attendees: 12\n" in page
    assert ":timezone: America/Denver\n" in page
    assert cli("validate", "docs", cwd=tmp_path).returncode == 0


def test_version(tmp_path, cli):
    result = cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"sphinx-event {__version__}"


def test_pre_commit_hook_runs_validate_on_markdown_files(tmp_path, cli):
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "sphinx-event-validate"
    assert hook["language"] == "python"
    assert re.search(hook["files"], "docs/events/geo.md")
    assert not re.search(hook["files"], "docs/conf.py")
    command, subcommand = hook["entry"].split()
    assert command == "sphinx-event"
    good = render_page("workshop", _page_values("workshop", False))
    (tmp_path / "good.md").write_text(good, "utf-8")
    (tmp_path / "bad.md").write_text(good.replace(":attendees: 40", ":attendees: many"), "utf-8")
    assert cli(subcommand, "good.md", cwd=tmp_path).returncode == 0
    failed = cli(subcommand, "good.md", "bad.md", cwd=tmp_path)
    assert failed.returncode == 1
    assert "bad.md:" in failed.stdout and "attendees: expected a positive whole number" in failed.stdout


def test_the_wheel_ships_the_templates_and_reads_them_installed(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = WheelBuilder(str(REPO)).build(directory=str(tmp_path / "dist"), versions=["standard"])
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "installed")
    for template in PAGE_TEMPLATES:
        assert f"sphinx_event_ext/templates/pages/{template}.md.jinja" in names
    assert "sphinx_event_ext/templates/site/noxfile.py.jinja" in names
    # The unpacked wheel first on the path, as an installed package, away from this checkout.
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from sphinx_event_ext.plan import templates as t;"
        "print(json.dumps([str(t.template_root()), sorted(t.render_site({'project': 'p', 'install_check': [],"
        "'install_base': [], 'source_note': '', 'hook_repository': '', 'hook_revision': '', 'provider_hub': False, "
        "'provider_domain': '', 'support_email': '', 'issue_repo': ''}))]))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "installed")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    root, files = json.loads(ran.stdout)
    assert Path(root) == tmp_path / "installed" / "sphinx_event_ext" / "templates"
    assert "docs/events/example-workshop/01-welcome.ipynb" in files
    assert ".github/workflows/events.yml" in files


#: Text that would add a live raw HTML block after a newline, drive the terminal, and reorder what is read.
HOSTILE = "x\n\n```{raw} html\n<script>alert('pwned')</script>\n```\n\x1b]0;t\x07\x1b[2J\u202e <b>y</b> {{ 7*7 }}"


def test_every_page_template_field_renders_hostile_text_as_data(build_site, tmp_path):
    """Every field of every page template holds hostile text; the built pages hold no raw block, script or
    escape, whatever validation then says of the values (the card is refused, the page still builds)."""
    fields = ("title", "id", "hub", "start", "end", "active_hours", "timezone", "attendees", "content_repo",
              "content_branch", "content_path", "notified", "contact", "ticket", "from_issue", "description")  # fmt: skip
    pages = {}
    for template in PAGE_TEMPLATES:
        text = render_page(template, {**dict.fromkeys(fields, HOSTILE), "placeholders": [HOSTILE]})
        assert "\n```{raw}" not in text and "\x1b" not in text and "\u202e" not in text, text
        assert "{{ 7*7 }}" in text.replace("\\", "") and "49" not in text
        pages[f"p-{template}"] = text
    result = build_site(pages, conf='event_today = "2026-12-01"\n', isolated=True)
    for docname in pages:
        html = result.html(docname)
        assert "<script>alert" not in html and "<b>y</b>" not in html and "\x1b" not in html
        assert "&lt;script&gt;alert(" in html, "the hostile title is shown as text in the heading"


def test_init_for_a_hub_of_another_team_mails_nobody_at_the_provider(tmp_path, cli):
    made = cli("init", "site", "--hub", "https://jupyter.example.edu", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    conf = (tmp_path / "site" / "docs" / "conf.py").read_text("utf-8")
    assert "\n# event_support_email = " in conf and "\nevent_support_email" not in conf
    page = (tmp_path / "site" / "docs" / "events" / "example-workshop.md").read_text("utf-8")
    assert ":hub: https://jupyter.example.edu\n" in page
    out = tmp_path / "html"
    # Its own process, as an organizer builds (extensions register themselves once per process).
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(tmp_path / "site" / "docs"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    for html in out.rglob("*.html"):
        text = html.read_text("utf-8")
        assert "2i2c" not in text and "support@" not in text, html
    card = _soup(out / "events" / "example-workshop.html").select_one(".event-card").get_text()
    assert "Notify the hub team" not in card


def test_init_for_a_provider_hub_writes_its_team(tmp_path, cli):
    assert cli("init", "site", "--hub", "https://geo.2i2c.cloud", cwd=tmp_path).returncode == 0
    conf = (tmp_path / "site" / "docs" / "conf.py").read_text("utf-8")
    assert '\nevent_support_email = "support@2i2c.org"\n' in conf
    assert '\nevent_issue_repo = "2i2c-org/infrastructure"\n' in conf


def test_init_without_a_hub_keeps_the_example_and_refuses_a_bad_one(tmp_path, cli):
    assert cli("init", "one", cwd=tmp_path).returncode == 0
    assert (
        ":hub: https://hub.example.org\n" in (tmp_path / "one" / "docs" / "events" / "example-workshop.md").read_text()
    )
    bad = cli("init", "two", "--hub", "hub.example.org", cwd=tmp_path)
    assert bad.returncode == 2 and "--hub: expected an http(s) URL" in bad.stderr
    assert not (tmp_path / "two").exists()


def _url_remote(checkout: Path) -> str | None:
    """The checkout's remote when it is a URL (CI may clone from one), else None (a folder, or no remote)."""
    names = subprocess.run(["git", "-C", str(checkout), "remote"], capture_output=True, text=True).stdout.split()
    if not names:
        return None
    name = "origin" if "origin" in names else names[0]
    url = subprocess.run(["git", "-C", str(checkout), "remote", "get-url", name], capture_output=True, text=True)
    remote = url.stdout.strip()
    return remote if remote.startswith("git@") or "://" in remote else None


def test_init_from_a_local_folder_says_the_site_works_here_only(tmp_path, cli):
    # The tests run this checkout installed from its folder: with no remote, or one that is a folder path
    # (a clone of a local clone), the site works on this machine only, and init says so.
    made = cli("init", "site", cwd=tmp_path)
    said = "work on this machine only" in " ".join(made.stderr.split())
    assert said == (_url_remote(Path(sphinx_event_ext.__file__).resolve().parents[1]) is None), made.stderr


def test_a_checkout_whose_remote_is_a_folder_path_installs_as_a_folder(tmp_path):
    from sphinx_event_ext.cli.init import site_source
    from sphinx_event_ext.util.install_source import InstallSource

    origin = tmp_path / "origin"
    subprocess.run(["git", "init", "-q", str(origin)], check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, capture_output=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@e"
    subprocess.run(["git", "-C", str(clone), "commit", "-q", "--allow-empty", "-m", "x"], check=True, env=env)
    source, warning = site_source(InstallSource("folder", str(clone), editable=True))
    assert source.kind == "folder" and warning and str(clone) in warning


def test_a_checkout_with_a_remote_becomes_its_git_url(tmp_path):
    from sphinx_event_ext.cli.init import site_source
    from sphinx_event_ext.util.install_source import InstallSource

    clone = tmp_path / "clone"
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    subprocess.run(
        ["git", "-C", str(clone), "remote", "add", "origin", "https://github.com/org/sphinx-event-ext"], check=True
    )
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    subprocess.run(["git", "-C", str(clone), "commit", "-q", "--allow-empty", "-m", "x"], check=True, env=env)
    commit = subprocess.run(
        ["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    source, warning = site_source(InstallSource("folder", str(clone), editable=True))
    assert warning is None
    assert source.install_args("check") == [
        f"sphinx-event-ext[check] @ git+https://github.com/org/sphinx-event-ext@{commit}"
    ]
    assert (source.repository, source.revision) == ("https://github.com/org/sphinx-event-ext", commit)
    plain, warned = site_source(InstallSource("folder", str(tmp_path), editable=False))
    assert plain.kind == "folder" and warned and str(tmp_path) in warned


def test_a_warm_site_session_does_not_install_again(tmp_path, cli):
    nox = shutil.which("nox")
    assert nox, "nox is a test dependency"
    assert cli("init", "site", cwd=tmp_path).returncode == 0
    site = tmp_path / "site"

    def prewarm() -> str:
        done = subprocess.run([nox, "-s", "prewarm"], cwd=site, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert "pip install" in prewarm()  # a new environment
    warm = prewarm()
    assert "Reusing existing virtual environment" in warm and "pip install" not in warm, warm
