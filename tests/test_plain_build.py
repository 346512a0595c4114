"""Honest plain builds: a build that neither pulls nor runs content still checks links into a local
content-path copy, and says what it did not check. Real ``sphinx-build`` runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from sites import GOOD_OPTIONS, event_block

CONF = (
    'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
    "event_today = '2026-12-01'\n"
)


def _site(src: Path, options: str, body: str = "") -> None:
    (src / "content").mkdir(parents=True)
    (src / "content" / "01-intro.ipynb").write_text("{}", "utf-8")
    (src / "conf.py").write_text(CONF, "utf-8")
    page = "# Geo\n\n" + event_block(options=GOOD_OPTIONS + ":id: geo\n" + options) + body
    (src / "index.md").write_text(page, "utf-8")


def _build(src: Path, *args: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "sphinx", "-b", "html", *args, str(src), str(src / "_build")]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def test_a_missing_notebook_in_the_content_path_copy_fails_a_plain_build(tmp_path: Path) -> None:
    src = tmp_path / "src"
    body = "\nOpen {nbgitpuller}`01-intro.ipynb` then {nbgitpuller}`02-maps.ipynb`.\n"
    _site(src, ":content-repo: https://github.com/org/workshop\n:content-path: content\n", body)
    result = _build(src, "-W")
    assert result.returncode != 0
    assert (
        "index.md:16: ERROR: nbgitpuller link to '02-maps.ipynb' does not resolve: '02-maps.ipynb' is not in "
        "the content-path copy 'content'; closest: '01-intro.ipynb' [event.link]"
    ) in result.stderr
    assert "01-intro.ipynb' does not resolve" not in result.stderr


def test_a_plain_build_says_what_it_did_not_check(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _site(src, ":content-repo: https://github.com/org/workshop\n")
    result = _build(src, "-W")
    assert result.returncode == 0, result.stderr
    assert (
        "events: this build did not run the notebooks (event_execute) and did not verify links into content "
        "pulled from a content-repo (event_verify_links; links into content-path copies were checked); "
        "sphinx-event check checks everything"
    ) in result.stdout
    card = BeautifulSoup((src / "_build" / "index.html").read_text("utf-8"), "html.parser").select_one(".event-card")
    status = card.select_one(".event-not-checked")
    assert status.get_text() == "Content: not checked in this build (sphinx-event check runs the notebooks)"


def test_an_event_without_content_has_nothing_to_confess(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _site(src, "")
    result = _build(src, "-W")
    assert result.returncode == 0, result.stderr
    assert "did not run" not in result.stdout
    assert "not checked in this build" not in (src / "_build" / "index.html").read_text("utf-8")
