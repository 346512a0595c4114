"""Links in real builds: the roles, ``event-links``, the card's buttons, and verification that fails
at the link's line when nbgitpuller would not find the branch or file."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from gitrepos import make_bare_repo
from sites import GOOD_OPTIONS, event_block

NOTEBOOKS = {"notebooks/01-intro.ipynb": "{}", "notebooks/02-data.ipynb": "{}", "README.md": "# Content\n"}


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _event_with_repo(repo: str, extra: str = "") -> str:
    return event_block(options=GOOD_OPTIONS + f":content-repo: {repo}\n:content-branch: main\n{extra}")


def test_roles_link_to_the_page_event(build_site, tmp_path):
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": NOTEBOOKS})
    page = (
        "# Event\n\nOpen {nbgitpuller}`the intro <notebooks/01-intro.ipynb>` or {binder}`notebooks/02-data.ipynb`.\n\n"
    )
    result = build_site(
        {"index": page + _event_with_repo(repo)}, conf=f"event_content_cache = {str(tmp_path / 'cache')!r}\n"
    )
    assert result.status == 0, result.warnings
    links = {a.get_text(): a["href"] for a in result.soup().select("a.event-link")}
    hub = links["the intro"]
    assert hub.startswith("https://geo.hub.example.org/hub/user-redirect/git-pull?")
    assert _query(hub) == {
        "repo": [repo],
        "urlpath": ["lab/tree/workshop/notebooks/01-intro.ipynb"],
        "branch": ["main"],
    }
    # Binder cannot clone a file: URL, so the role says so instead of making a dead link.
    assert "notebooks/02-data.ipynb" not in links
    assert "binder link: repo: BinderHub cannot clone a file: URL" in result.warnings


def test_event_links_lists_every_notebook(build_site, tmp_path):
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": NOTEBOOKS})
    page = "# Event\n\n" + _event_with_repo(repo) + "\n```{event-links}\n```\n"
    result = build_site({"index": page}, conf=f"event_content_cache = {str(tmp_path / 'cache')!r}\n")
    assert result.status == 0, result.warnings
    rows = result.soup().select("table.event-reference tbody tr")
    assert [row.select_one("code").get_text() for row in rows] == [
        "notebooks/01-intro.ipynb",
        "notebooks/02-data.ipynb",
    ]
    assert [th.get_text() for th in result.soup().select("table.event-reference thead th")] == ["Notebook", "Hub"]


def test_card_buttons(build_site, tmp_path):
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": NOTEBOOKS})
    conf = "event_support_email = 'hubs@example.edu'\nevent_issue_repo = 'example-edu/hubs'\n"
    result = build_site({"index": "# Event\n\n" + _event_with_repo(repo)}, conf=conf)
    assert result.status == 0, result.warnings
    buttons = {a.get_text(): a["href"] for a in result.soup().select(".event-card a.sd-btn")}
    assert _query(buttons["Open on the hub"])["urlpath"] == ["lab/tree/workshop"]
    assert "Try on Binder" not in buttons
    assert buttons["Add to calendar"] == "_events/index/event.ics"
    assert buttons["Pre-warm request (JSON)"] == "_events/index/prewarm.json"
    # Sphinx cloaks the address from harvesters as %40; mail clients decode it.
    assert unquote(buttons["Notify the hub team"]).startswith(
        "mailto:hubs@example.edu?subject=Event on geo.hub.example.org"
    )
    assert unquote(buttons["Heads-up email"]).startswith("mailto:hubs@example.edu?subject=Heads-up")
    assert buttons["Open the event issue form"].startswith("https://github.com/example-edu/hubs/issues/new?")


def test_binder_links_and_badge_for_a_public_repo(build_site):
    options = GOOD_OPTIONS + ":content-repo: https://github.com/org/geo-workshop.git\n:content-branch: main\n"
    page = "# Event\n\n" + event_block(options=options) + "\n```{event-links}\nnotebooks/01.ipynb\n```\n"
    result = build_site({"index": page})
    assert result.status == 0, result.warnings
    buttons = {a.get_text(): a["href"] for a in result.soup().select(".event-card a.sd-btn")}
    assert buttons["Try on Binder"] == "https://mybinder.org/v2/gh/org/geo-workshop/main"
    cells = result.soup().select("table.event-reference tbody td a")
    assert (
        cells[1]["href"]
        == "https://mybinder.org/v2/gh/org/geo-workshop/main?urlpath=%2Fdoc%2Ftree%2Fnotebooks%2F01.ipynb"
    )
    blocks = [pre.get_text() for pre in result.soup().select("pre")]
    assert (
        "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/org/geo-workshop/main)\n" in blocks
    )


def test_verification_fails_at_the_line_of_a_missing_file(build_site, tmp_path):
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": NOTEBOOKS})
    page = "# Event\n\n" + _event_with_repo(repo) + "\nOpen {nbgitpuller}`notebooks/01-intro-typo.ipynb`.\n"
    conf = f"event_verify_links = True\nevent_content_cache = {str(tmp_path / 'cache')!r}\n"
    result = build_site({"index": page}, conf=conf)
    assert result.status != 0
    assert re.search(
        r"index\.md:15: ERROR: nbgitpuller link to 'notebooks/01-intro-typo\.ipynb' does not resolve: .*"
        r"closest: 'notebooks/01-intro\.ipynb'.*\[event\.link\]",
        result.warnings,
    ), result.warnings


def test_verification_names_existing_branches(build_site, tmp_path):
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": NOTEBOOKS, "dev": NOTEBOOKS})
    options = GOOD_OPTIONS + f":content-repo: {repo}\n:content-branch: release\n"
    conf = f"event_verify_links = True\nevent_content_cache = {str(tmp_path / 'cache')!r}\n"
    result = build_site({"index": "# Event\n\n" + event_block(options=options)}, conf=conf)
    assert result.status != 0
    line = next(line for line in result.warnings.splitlines() if "ERROR" in line and "[event.link]" in line)
    # At the :content-branch: line (the 9th option of the event on line 3).
    assert "index.md:12:" in line and "release" in line and "dev" in line and "main" in line


def test_verification_passes_and_uses_the_local_copy(build_site, tmp_path):
    src = tmp_path / "src"
    (src / "content" / "notebooks").mkdir(parents=True)
    (src / "content" / "notebooks" / "a.ipynb").write_text("{}")
    options = GOOD_OPTIONS + ":content-repo: https://github.com/example-org/unreachable\n:content-path: content\n"
    page = "# Event\n\n" + event_block(options=options) + "\n{nbgitpuller}`notebooks/a.ipynb`\n"
    conf = "event_verify_links = True\nexclude_patterns = ['_build', 'content']\n"
    result = build_site({"index": page}, conf=conf, src=src)
    assert result.status == 0, result.warnings


def test_role_without_event_warns(build_site):
    result = build_site({"index": "# Page\n\n{nbgitpuller}`a.ipynb`\n"})
    assert re.search(
        r"index\.md:3: WARNING: nbgitpuller link: the page has no valid event.*\[event\.link\]", result.warnings
    )


def test_role_path_that_escapes_is_an_error(build_site):
    result = build_site({"index": "# Page\n\n" + event_block() + "\n{nbgitpuller}`../../etc/passwd`\n"})
    assert "nbgitpuller: path '../../etc/passwd': '..' would leave the folder" in result.warnings


def test_a_missing_branch_is_reported_once_with_its_dependent_links(build_site, tmp_path):
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": NOTEBOOKS, "dev": NOTEBOOKS})
    options = GOOD_OPTIONS + f":content-repo: {repo}\n:content-branch: mian\n"
    roles = "".join(
        f"\n{{nbgitpuller}}`notebooks/0{n}-intro.ipynb` {{binder}}`notebooks/0{n}-data.ipynb`\n" for n in (1, 2, 3)
    )
    page = "# Event\n\n" + event_block(options=options) + roles + "\n```{event-links}\n```\n"
    conf = f"event_verify_links = True\nevent_content_cache = {str(tmp_path / 'cache')!r}\n"
    result = build_site({"index": page}, conf=conf)
    assert result.status != 0
    mentions = [line for line in result.warnings.splitlines() if "'mian'" in line]
    assert len(mentions) == 1, result.warnings
    assert re.search(
        # At the :content-branch: line (the event starts on line 3; its options follow, content-branch last).
        r"index\.md:12: ERROR: the content cannot be pulled, so no link to it resolves: branch 'mian' does not exist "
        r".*did you mean 'main'\?.*; 8 link\(s\) depend on it: index:3 \(card\), index:15 \(nbgitpuller, binder\), "
        r"index:17 \(nbgitpuller, binder\), index:19 \(nbgitpuller, binder\), index:21 \(event-links\) \[event\.link\]",
        mentions[0],
    ), mentions[0]
    assert "1 broken link(s)" in result.warnings


def test_a_missing_branch_in_a_full_check_is_one_message(build_site, tmp_path):
    """The content check does not report again what the link check said: the branch cannot be pulled."""
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": NOTEBOOKS})
    options = GOOD_OPTIONS + f":content-repo: {repo}\n:content-branch: mian\n"
    conf = f"event_verify_links = True\nevent_execute = True\nevent_content_cache = {str(tmp_path / 'cache')!r}\n"
    result = build_site({"index": "# Event\n\n" + event_block(options=options)}, conf=conf)
    assert result.status != 0
    errors = [line for line in result.warnings.splitlines() if "ERROR" in line and "[event." in line]
    assert len(errors) == 1, result.warnings
    assert "'mian'" in errors[0] and "[event.link]" in errors[0]
    # One problem, counted once: the content check does not count the content it could not pull.
    assert "1 broken link(s), 0 content check failure(s)" in result.warnings


def test_a_local_copys_missing_branch_is_one_problem_at_its_line(build_site, tmp_path):
    """The links resolve in the content-path copy, but the branch they name is not in the repository."""
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": NOTEBOOKS})
    src = tmp_path / "src"
    for name in ("notebooks/01-intro.ipynb", "notebooks/02-data.ipynb"):
        (src / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (src / "content" / name).write_text("{}", "utf-8")
    options = GOOD_OPTIONS + f":content-repo: {repo}\n:content-path: content\n:content-branch: mian\n"
    roles = "".join(f"\n{{nbgitpuller}}`notebooks/0{n}-intro.ipynb`\n" for n in (1, 1, 1))
    conf = f"event_verify_links = True\nevent_content_cache = {str(tmp_path / 'cache')!r}\n"
    result = build_site({"index": "# Event\n\n" + event_block(options=options) + roles}, conf=conf, src=src)
    assert result.status != 0
    mentions = [line for line in result.warnings.splitlines() if "'mian'" in line]
    assert len(mentions) == 1, result.warnings
    # At the :content-branch: line (the event starts on line 3; its options follow, content-branch last).
    assert mentions[0].startswith(f"{src / 'index.md'}:13: ERROR: the links resolve in the local copy 'content'")
    assert "4 link(s) depend on it: index:3 (card), index:16 (nbgitpuller), index:18 (nbgitpuller)" in mentions[0]
    assert "1 broken link(s)" in result.warnings
