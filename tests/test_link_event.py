"""``sphinx-event link --event``: links built from an event's page, their paths checked against the content
(a local content-path copy, or a real git remote pulled with nbgitpuller), and the answers that help."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from gitrepos import GIT_ENV, make_bare_repo
from sites import GOOD_OPTIONS, event_block

from sphinx_event_ext.cli.main import main

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
REPO = "https://github.com/org/workshop"
NOTEBOOKS = {"notebooks/01-intro.ipynb": "{}", "notebooks/02-maps.ipynb": "{}", "data/cities.csv": "city\n"}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _site(root: Path, options: str, content: dict[str, str] | None = None) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "conf.py").write_text(CONF, "utf-8")
    (docs / "index.md").write_text("# Geo\n\n" + event_block(options=GOOD_OPTIONS + ":id: geo\n" + options), "utf-8")
    for name, text in (content or {}).items():
        (docs / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / "content" / name).write_text(text, "utf-8")
    return docs


@pytest.fixture
def local_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An event whose content has a local copy beside the page, run from the project folder."""
    monkeypatch.chdir(tmp_path)
    return _site(tmp_path, f":content-repo: {REPO}\n:content-path: content\n:app: notebook\n", NOTEBOOKS)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _pull(path: str, app: str = "tree", folder: str = "workshop") -> str:
    return quote(f"{app}/{folder}/{path}", safe="")


def test_each_kind_from_the_event_with_its_values(local_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = "notebooks/01-intro.ipynb"
    code, out, err = _run(["link", "nbgitpuller", "--event", "geo", "--path", path], capsys)
    assert (code, err) == (0, "")
    assert out == (
        f"https://geo.hub.example.org/hub/user-redirect/git-pull?repo={quote(REPO, safe='')}&urlpath={_pull(path)}\n"
    )
    code, out, _ = _run(["link", "nbgitpuller", "--event", "geo", "--path", path, "--canvas"], capsys)
    assert code == 0 and out.startswith("https://geo.hub.example.org/hub/lti/launch?next=%2Fhub%2Fuser-redirect")
    code, out, _ = _run(["link", "binder", "--event", "geo", "--path", path, "docs"], capsys)
    assert (code, out) == (
        0,
        f"https://mybinder.org/v2/gh/org/workshop/HEAD?urlpath={quote('/doc/tree/' + path, safe='')}\n",
    )
    argv = ["link", "binder-nbgitpuller", "--event", "geo", "--path", path, "--env-repo", "https://github.com/org/env"]
    code, out, _ = _run(argv, capsys)
    assert code == 0
    assert out.startswith("https://mybinder.org/v2/gh/org/env/HEAD?urlpath=git-pull%3Frepo%3D")
    assert quote(_pull(path), safe="") in out


def test_options_override_single_values(local_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["link", "nbgitpuller", "--event", "geo", "--hub", "https://other.example.org", "--app", "lab"]
    code, out, _ = _run([*argv, "--path", "data"], capsys)
    assert code == 0
    assert out == (
        f"https://other.example.org/hub/user-redirect/git-pull?repo={quote(REPO, safe='')}"
        f"&urlpath={_pull('data', 'lab/tree')}\n"
    )


def test_a_missing_path_is_refused_with_the_closest_ones(local_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["link", "--event", "geo", "--path", "notebooks/03-intro.ipynb"], capsys)
    assert (code, out) == (1, "")
    assert err == (
        "sphinx-event link: error: 'notebooks/03-intro.ipynb' is not in the content-path copy 'content'; "
        "closest: 'notebooks/01-intro.ipynb', 'notebooks/02-maps.ipynb', 'notebooks'\n"
    )
    code, out, _ = _run(["link", "binder", "--event", "geo", "--path", "nope.ipynb", "--no-verify"], capsys)
    assert code == 0 and out.endswith("urlpath=%2Fdoc%2Ftree%2Fnope.ipynb\n")


def test_without_a_path_the_links_table(local_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["link", "--event", "geo"], capsys)
    assert (code, err) == (0, "")
    blocks = out.split("\n\n")
    assert blocks[0] == (
        f"Links of event 'geo' (Intro to Geospatial Python), content {REPO}, "
        "notebooks listed from the content-path copy 'content':"
    )
    assert [block.splitlines()[0] for block in blocks[1:]] == [
        "the content folder",
        "notebooks/01-intro.ipynb",
        "notebooks/02-maps.ipynb",
    ]
    assert f"  hub:    https://geo.hub.example.org/hub/user-redirect/git-pull?repo={quote(REPO, safe='')}" in blocks[2]
    assert _pull("notebooks/01-intro.ipynb") in blocks[2]
    assert "  binder: https://mybinder.org/v2/gh/org/workshop/HEAD?urlpath=%2Fdoc%2Ftree%2Fnotebooks%2F01" in blocks[2]


def test_path_checked_in_the_pulled_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    remote = make_bare_repo(tmp_path / "remotes", "workshop.git", {"main": NOTEBOOKS, "v2": {"new.ipynb": "{}"}})
    monkeypatch.chdir(tmp_path)
    _site(tmp_path, f":content-repo: {remote}\n")
    code, out, err = _run(["link", "--event", "geo", "--path", "notebooks/01-intro.ipynb"], capsys)
    assert (code, err) == (0, "")
    assert out.endswith(f"&urlpath={_pull('notebooks/01-intro.ipynb', 'lab/tree', 'workshop.git')}\n")
    code, _, err = _run(["link", "--event", "geo", "--path", "notebook/01-intro.ipynb"], capsys)
    assert code == 1
    assert "'notebook/01-intro.ipynb' is not in " + remote + " at main (" in err
    assert "closest: 'notebooks/01-intro.ipynb'" in err
    # --branch overrides the event's branch, and the path is checked on that branch.
    code, out, err = _run(["link", "nbgitpuller", "--event", "geo", "--branch", "v2", "--path", "new.ipynb"], capsys)
    assert (code, err) == (0, "")
    assert out.endswith("&branch=v2\n")
    code, out, _ = _run(["link", "--event", "geo"], capsys)
    assert code == 0
    assert "\nnotebooks/02-maps.ipynb\n" in out


def test_unknown_event_lists_the_known_ids(local_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["link", "--event", "goe"], capsys)
    assert (code, out) == (2, "")
    assert err == "sphinx-event link: error: no event with id 'goe'; did you mean 'geo'? Known ids: geo\n"
    code, _, err = _run(["prewarm", "docs", "--id", "nope"], capsys)
    assert code == 2
    assert err == "sphinx-event prewarm: error: no event with id 'nope'; known ids: geo\n"


def test_shorthands_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["link", "binder", "--repo", "jakevdp/WhirlwindTourOfPython"], capsys)
    assert (code, out) == (0, "https://mybinder.org/v2/gh/jakevdp/WhirlwindTourOfPython/HEAD\n")
    code, out, err = _run(["link", "nbgitpuller", "--hub", "workshop.example.org", "--repo", REPO], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(
        "sphinx-event link: error: hub: it has no scheme (did you mean 'https://workshop.example.org'?)"
    )
    code, _, err = _run(["link", "nbgitpuller", "--repo", REPO], capsys)
    assert (code, err) == (
        2,
        "sphinx-event link: error: --hub is required, or give --event ID to use the event's values\n",
    )
