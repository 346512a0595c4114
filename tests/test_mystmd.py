"""Event pages in Jupyter Book 2: the executable plugin run by the real mystmd, and the check of a mystmd project."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from gitrepos import GIT_ENV, git_daemon, make_bare_repo
from issues import issue_json
from mystmd import myst_build, require_myst, text_of, walk, write_project
from sites import GOOD_OPTIONS, TODAY_EPOCH, event_block, write_notebook

from sphinx_event_ext.content.check_record import read_record

GEO = event_block(
    "Geo <b>2027</b>",
    GOOD_OPTIONS + ":id: geo\n:content-repo: https://github.com/org/geo-content\n",
    body="Bring a laptop.",
)


@pytest.fixture
def myst(monkeypatch, tmp_path) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # pulls and environments of this test only
    command = require_myst()
    monkeypatch.setenv("SPHINX_EVENT_MYST", command)
    return command


def test_event_page_content_json(tmp_path, myst):
    page = "# Geo\n\n" + GEO + "\nOpen {nbgitpuller}`the intro <intro.ipynb>`.\n\n```{event-checklist}\n```\n"
    built = myst_build(write_project(tmp_path / "site", {"geo": page}), myst)
    tree = built.page("geo")["mdast"]
    (card,) = [n for n in walk(tree) if n["type"] == "card"]
    assert card["identifier"] == "event-geo"
    assert "eventSource" not in json.dumps(tree)  # the transform removed what it read
    text = text_of(card)
    assert "Geo <b>2027</b>" in text  # a text node: the theme escapes it
    assert "2027-03-10 to 2027-03-11 (2 days)" in text
    assert "09:00-17:00 America/Denver (16:00-00:00 (+1 day) UTC)" in text
    assert "Bring a laptop." in text
    buttons = {text_of(n): n["url"] for n in walk(card) if n["type"] == "link" and n.get("class") == "button"}
    assert buttons["Open on the hub"] == (
        "https://geo.hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Forg%2Fgeo-content"
        "&urlpath=lab%2Ftree%2Fgeo-content"
    )
    assert buttons["Try on Binder"] == "https://mybinder.org/v2/gh/org/geo-content/HEAD"
    # The card links the event's calendar, which the directive wrote; mystmd copied it into the site.
    calendar = next(n for n in walk(card) if n["type"] == "link" and text_of(n) == "Add to calendar")
    assert calendar["static"] is True and calendar["urlSource"] == "/_build/site/public/_events/geo/event.ics"
    public = built.project / "_build" / "site" / "public"
    copied = (public / calendar["url"].lstrip("/")).read_bytes()
    assert copied == (public / "_events" / "geo" / "event.ics").read_bytes()
    assert b"SUMMARY:Geo <b>2027</b>" in copied
    role = [n for n in walk(tree) if n["type"] == "link" and text_of(n) == "the intro"]
    assert role[0]["url"].endswith("&urlpath=lab%2Ftree%2Fgeo-content%2Fintro.ipynb")
    items = [n for n in walk(tree) if n["type"] == "listItem"]
    told = [i for i in items if "Tell the hub team about the event" in text_of(i)]
    assert "due 2027-02-17" in text_of(told[0])  # 21 days before 2027-03-10
    assert told[0]["checked"] is True  # :notified: 2027-01-05 proves it
    assert any(i["checked"] is False for i in items)


def test_invalid_event_fails_strict_at_the_option_line(tmp_path, myst):
    bad = GOOD_OPTIONS.replace(":attendees: 80", ":attendees: many").replace("2027-03-10", "2027-13-10")
    page = "# Bad\n\n" + event_block("Bad", bad)
    built = myst_build(write_project(tmp_path / "site", {"bad": page}), myst)
    assert built.status != 0
    # Line 3 is the fence; :start: is on line 5, :attendees: on line 9.
    assert "bad.md:5 Link has no URL: event option 'start'" in built.output
    assert "bad.md:9 Link has no URL: event option 'attendees'" in built.output
    tree = built.page("bad")["mdast"]
    (block,) = [n for n in walk(tree) if n["type"] == "admonition"]
    assert block["kind"] == "error" and "many" in text_of(block)


def test_check_outputs_match_the_sphinx_build(tmp_path, myst, cli, build_site, monkeypatch):
    page = "# Geo\n\n" + event_block("Geo", GOOD_OPTIONS + ":id: geo\n:pre-initialize: true\n")
    project = write_project(tmp_path / "myst", {"geo": page})
    ran = cli("check", ".", cwd=project)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    sphinx = build_site({"geo": page}, conf="project = 'Events'\n")
    assert sphinx.status == 0, sphinx.warnings
    ours, theirs = project / "_build" / "site" / "public" / "_events", sphinx.out / "_events"
    for name in ("geo/prewarm.json", "events.json", "prewarm.schema.json", "geo/event.ics", "events.ics"):
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name
    # With a published address the Sphinx files name the page; apart from that address they are the same.
    published = build_site(
        {"geo": page},
        conf="project = 'Events'\nhtml_baseurl = 'https://events.example.org/'\n",
        src=tmp_path / "published",
    )
    mine = json.loads((ours / "geo" / "prewarm.json").read_text())
    sphinx_request = json.loads((published.out / "_events" / "geo" / "prewarm.json").read_text())
    assert sphinx_request.pop("page_url") == "https://events.example.org/geo.html#event-geo"
    assert mine.pop("page_url", None) is None
    assert mine == sphinx_request


def test_check_fails_on_a_broken_notebook_and_passes_when_fixed(tmp_path, myst, cli):
    options = GOOD_OPTIONS + ":id: geo\n:content-path: geo-content\n"
    project = write_project(tmp_path / "site", {"events/geo": "# Geo\n\n" + event_block("Geo", options)})
    notebook = project / "events" / "geo-content" / "intro.ipynb"
    write_notebook(notebook, "1 / 0")
    ran = cli("check", ".", cwd=project)
    assert ran.returncode == 1
    assert "events/geo.md:3: notebook" in ran.stdout and "ZeroDivisionError" in ran.stdout
    write_notebook(notebook, "print(1 + 1)")
    ran = cli("check", ".", cwd=project)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "site theme could not be fetched" in ran.stderr or "site built" in ran.stderr
    index = json.loads((project / "_build" / "events" / "site-index.json").read_text())
    assert index["events"][0]["content_checked"] is True
    report = json.loads((project / "_build" / "site" / "public" / "_events" / "geo" / "execution.json").read_text())
    assert [n["path"] for n in report["notebooks"]] == ["intro.ipynb"]
    assert report["notebooks"][0]["status"] == "passed"


def _remote(tmp_path: Path, files: dict[str, str]) -> Path:
    """A bare repository ``workshop.git`` with a ``main`` branch, for ``git_daemon`` to serve on 127.0.0.1."""
    remotes = tmp_path / "remotes"
    remotes.mkdir()
    make_bare_repo(remotes, "workshop.git", {"main": files})
    return remotes


def test_check_proves_role_and_table_links_in_the_content_copy(tmp_path, myst, cli):
    remotes = _remote(tmp_path, {"README.md": "# Workshop\n"})
    with git_daemon(remotes) as base:
        options = GOOD_OPTIONS + f":id: geo\n:content-repo: {base}/workshop.git\n:content-path: geo-content\n"
        page = "# Geo\n\n" + event_block("Geo", options) + "\nOpen {nbgitpuller}`the intro <intro.ipynb>`.\n"
        page += "\n```{event-links}\nlesson.ipynb\n```\n"
        project = write_project(tmp_path / "site", {"geo": page})
        write_notebook(project / "geo-content" / "intro.ipynb", "print(1)")
        write_notebook(project / "geo-content" / "lessons.ipynb", "print(2)")
        ran = cli("check", ".", cwd=project)
        assert ran.returncode == 1
        # The event's fence takes lines 3 to 14; the role is on line 16, the table's fence on line 18.
        assert (
            "geo.md:18: event-links link to 'lesson.ipynb' does not resolve: 'lesson.ipynb' is not in the "
            "content-path copy 'geo-content'" in ran.stdout
        )
        assert "closest: 'lessons.ipynb'" in ran.stdout
        assert "geo.md:16" not in ran.stdout
        (project / "geo.md").write_text(page.replace("lesson.ipynb", "lessons.ipynb"), "utf-8")
        ran = cli("check", ".", cwd=project)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    index = json.loads((project / "_build" / "events" / "site-index.json").read_text())
    assert index["events"][0]["links_checked"] is True
    tree = json.loads((project / "_build" / "site" / "content" / "geo.json").read_text())["mdast"]
    hub = [n["url"] for n in walk(tree) if n["type"] == "link" and text_of(n) == "Open on the hub"]
    assert any(url.endswith("urlpath=lab%2Ftree%2Fworkshop.git%2Flessons.ipynb") for url in hub)


def _click_proof(project: Path) -> dict[str, str]:
    """The published proof of the "links open" step, from ``events.json``."""
    data = json.loads((project / "_build" / "site" / "public" / "_events" / "events.json").read_text())
    return next(proof for proof in data["proofs"]["geo"] if proof["step"] == "click")


def test_check_keeps_the_site_check_record_and_a_wrong_branch_of_the_copy_is_not_proven(tmp_path, myst, cli):
    remotes = _remote(tmp_path, {"README.md": "# Workshop\n"})
    commit = subprocess.run(
        ["git", "rev-parse", "main"], cwd=remotes / "workshop.git", capture_output=True, text=True, check=True
    ).stdout.strip()
    with git_daemon(remotes) as base:
        options = GOOD_OPTIONS + f":id: geo\n:content-repo: {base}/workshop.git\n:content-branch: mian\n"
        options += ":content-path: geo-content\n"
        page = "# Geo\n\n" + event_block("Geo", options) + "\nOpen {nbgitpuller}`the lesson <lesson.ipynb>`.\n"
        project = write_project(tmp_path / "site", {"geo": page})
        write_notebook(project / "geo-content" / "lesson.ipynb", "print(1 + 1)")
        branch_line = page.splitlines().index(":content-branch: mian") + 1
        state = project / "_build" / "events"

        # The links resolve in the copy, but the branch they name is not on the hub: a problem, not a proof.
        ran = cli("check", ".", cwd=project)
        assert ran.returncode == 1, ran.stdout + ran.stderr
        assert f"geo.md:{branch_line}: the links resolve in the local copy 'geo-content', but not on the hub" in (
            ran.stdout
        )
        assert "mian" in ran.stdout
        check = read_record(state)
        assert check is not None and check.verify_links and check.execute
        geo = check.event("geo")
        assert geo.links.links == 2 and not geo.links.proven and check.link_failures == 1
        assert geo.ran == 1 and geo.failed == 0  # the copy's content ran all the same
        assert json.loads((state / "site-index.json").read_text())["events"][0]["links_checked"] is False
        assert _click_proof(project)["result"] == "not proven"

        (project / "geo.md").write_text(page.replace("mian", "main"), "utf-8")
        ran = cli("check", ".", cwd=project)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        check = read_record(state)
        geo = check.event("geo")
        assert geo.links.proven and geo.links.local and geo.links.commit == commit
        assert (geo.ran, geo.cached, geo.failed) == (0, 1, 0)  # the pass above, from the cache in the store
        assert check.resolved == {(f"{base}/workshop.git", "main"): commit}
        assert f"geo: 2 link(s) proven against the local copy geo-content (the branch found in {base}" in ran.stderr
        indexed = json.loads((state / "site-index.json").read_text())["events"][0]
        assert indexed["links_checked"] is True and indexed["content_checked"] is True
        assert indexed["notebooks"] == ["lesson.ipynb"]
        assert _click_proof(project)["result"] == "proven"

    # The hub's repository cannot be reached: the copy is checked, its branch is not, and that is said as
    # information (the check passes, as a Sphinx check passes under -W), never as a proof.
    ran = cli("check", ".", cwd=project)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    said = "geo.md:3: event 'geo': links checked against the local copy; branch `main` not verified"
    assert said in ran.stderr and "not verified" not in ran.stdout
    assert "geo: 2 link(s) checked against the local copy; branch `main` not verified" in ran.stderr
    geo = read_record(state).event("geo")
    assert geo.links.unverified and not geo.links.proven
    indexed = json.loads((state / "site-index.json").read_text())["events"][0]
    assert indexed["links_checked"] is False and indexed["unverified_branch"] == "main"
    assert _click_proof(project)["result"] == "not proven"
    # The evidence is kept beside the build, never in the published site.
    assert (state / "event-evidence" / "site-check.json").is_file()
    assert not list((project / "_build" / "site").rglob("site-check.json"))


def test_check_reports_a_link_with_no_event_at_its_line(tmp_path, myst, cli):
    page = "# Geo\n\n" + event_block("Geo", GOOD_OPTIONS + ":id: geo\n") + "\n```{event-links}\n:event: nope\n```\n"
    project = write_project(tmp_path / "site", {"geo": page, "other": "# Other\n\nOpen {binder}`it`.\n"})
    ran = cli("check", ".", cwd=project)
    assert ran.returncode == 1
    assert "geo.md:14: event-links: no valid event with id 'nope' to link to" in ran.stdout
    assert "other.md:3: binder: the page has no valid event to link to" in ran.stdout


def test_check_fails_when_the_hub_team_is_told_too_late(tmp_path, myst, cli):
    late = GOOD_OPTIONS.replace(":notified: 2027-01-05\n", "").replace("2027-03-10", "2025-12-10")
    late = late.replace("2027-03-11", "2025-12-11")
    project = write_project(tmp_path / "site", {"late": "# Late\n\n" + event_block("Late", late + ":id: late\n")})
    ran = cli("check", ".", cwd=project)
    assert ran.returncode == 1
    assert "late.md:3: event 'late' starts on 2025-12-10: notice was due 2025-11-19" in ran.stdout


def test_validate_reports_every_problem_of_a_myst_project(tmp_path, cli):
    bad = GOOD_OPTIONS.replace(":attendees: 80", ":attendees: many").replace("2027-03-10", "2027-13-10")
    project = write_project(tmp_path / "site", {"bad": "# Bad\n\n" + event_block("Bad", bad)})
    ran = cli("validate", ".", cwd=project)
    assert ran.returncode == 1
    assert "bad.md:5: start:" in ran.stdout and "bad.md:9: attendees:" in ran.stdout


def test_init_engine_myst_gives_a_project_whose_check_passes(tmp_path, myst, cli):
    ran = cli("init", "--engine", "myst", "site", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    site = tmp_path / "site"
    assert "path: event_plugin.py" in (site / "myst.yml").read_text()
    ran = cli("check", ".", cwd=site)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    tree = json.loads((site / "_build" / "site" / "content" / "example-workshop.json").read_text())["mdast"]
    assert [n for n in walk(tree) if n["type"] == "card"]
    index = json.loads((site / "_build" / "site" / "content" / "index.json").read_text())["mdast"]
    assert "Example workshop" in text_of(index)  # event-list read the index the check wrote
    (row,) = [n for n in walk(index) if n["type"] == "crossReference"]
    assert row["resolved"] is True and row["url"] == "/example-workshop"  # mystmd found the card on its page


def test_the_ticket_record_of_a_mystmd_project_is_kept_where_its_check_reads_it(tmp_path, myst, cli):
    """``ticket`` (and ``rehearse``) find a mystmd project's state folder as its check does, so the check's
    closing summary names the hub team's issue as read, and nothing of the record is published."""
    options = GOOD_OPTIONS.replace("2027-03-10", "2027-03-13").replace("2027-03-11", "2027-03-15")
    project = write_project(tmp_path / "site", {"geo": "# Geo\n\n" + event_block("Geo", options + ":id: geo\n")})
    saved = tmp_path / "issue.json"
    saved.write_text(json.dumps(issue_json()), "utf-8")
    ticket = cli("ticket", ".", "--id", "geo", "--issue", str(saved), cwd=project)
    assert ticket.returncode == 0, ticket.stdout + ticket.stderr
    assert (project / "_build" / "events" / "event-evidence" / "tickets" / "geo.json").is_file()
    assert not (project / "_build" / "doctrees").exists()
    ran = cli("check", ".", cwd=project)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "geo: hub team's issue (sphinx-event ticket): " in ran.stderr
    assert not list((project / "_build" / "site").rglob("event-evidence"))
