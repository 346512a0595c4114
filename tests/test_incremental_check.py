"""`sphinx-event check` rebuilds only what changed, and still fails on every warning a fresh build gives.

Each test runs the real command, in this process, on a small site in a temporary folder,
several times in a row, as an organizer's pre-commit hook would.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sites import event_block

from sphinx_event_ext.cli.main import main

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\n'
INDEX = "# Home\n\n```{toctree}\na\nb\n```\n"


def _site(root: Path, pages: dict[str, str]) -> Path:
    src = root / "docs"
    src.mkdir()
    (src / "conf.py").write_text(CONF, "utf-8")
    for name, text in {"index": INDEX, **pages}.items():
        (src / f"{name}.md").write_text(text, "utf-8")
    return src


def _check(src: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    status = main(["check", str(src), "--jobs", "1", *extra])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _written(src: Path) -> dict[str, int]:
    """When each source page's HTML was last written (Sphinx writes genindex and search every time)."""
    out = src / "_build" / "html"
    return {path.stem: (out / f"{path.stem}.html").stat().st_mtime_ns for path in src.glob("*.md")}


def test_an_unchanged_broken_reference_fails_every_check(tmp_path, capsys):
    src = _site(tmp_path, {"a": "# A\n\nFine.\n", "b": "# B\n\nSee {doc}`missing`.\n"})
    status, output = _check(src, capsys)
    assert status == 1
    first = [line for line in output.splitlines() if "b.md:3" in line]
    assert first and "unknown document" in first[0]
    written = _written(src)

    status, output = _check(src, capsys)
    assert status == 1
    assert [line for line in output.splitlines() if "b.md:3" in line] == first
    assert _written(src) == written, "nothing changed, so no page is written again"

    status, output = _check(src, capsys, "--fresh")
    assert status == 1
    assert [line for line in output.splitlines() if "b.md:3" in line] == first


def test_an_unchanged_page_with_a_reading_warning_fails_every_check(tmp_path, capsys):
    src = _site(tmp_path, {"a": "# A\n\n```{nosuchdirective}\n```\n", "b": "# B\n"})
    status, output = _check(src, capsys)
    assert status == 1
    assert 'a.md:3: ERROR: Unknown directive type "nosuchdirective"' in output or "nosuchdirective" in output
    status, again = _check(src, capsys)
    assert status == 1
    assert [line for line in again.splitlines() if "a.md:3" in line] == [
        line for line in output.splitlines() if "a.md:3" in line
    ]


def test_a_page_outside_every_toctree_fails_every_check(tmp_path, capsys):
    src = _site(tmp_path, {"a": "# A\n", "b": "# B\n", "orphan": "# Nobody links here\n"})
    status, output = _check(src, capsys)
    assert status == 1
    assert "document isn't included in any toctree" in output
    status, output = _check(src, capsys)
    assert status == 1
    assert "orphan.md: WARNING: document isn't included in any toctree" in output


def test_an_edited_page_fails_and_its_fix_passes_without_fresh(tmp_path, capsys):
    src = _site(tmp_path, {"a": "# A\n", "b": "# B\n"})
    assert _check(src, capsys)[0] == 0
    (src / "a.md").write_text("# A\n\nSee {doc}`gone`.\n", "utf-8")
    status, output = _check(src, capsys)
    assert status == 1
    assert "a.md:3" in output
    (src / "a.md").write_text("# A\n\nSee {doc}`b`.\n", "utf-8")
    status, output = _check(src, capsys)
    assert status == 0, output
    assert _check(src, capsys)[0] == 0


def test_a_new_today_reevaluates_the_notice_on_every_event_page(tmp_path, capsys, monkeypatch):
    options = ":hub: https://hub.example.org\n:start: 2027-03-10\n:end: 2027-03-10\n:active-hours: 09:00-12:00\n"
    options += ":timezone: Europe/Berlin\n:attendees: 30\n"
    src = _site(tmp_path, {"a": "# A\n\n" + event_block("A", options), "b": "# B\n\n" + event_block("B", options)})
    early = dt.datetime(2027, 1, 5, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(early.timestamp())))
    status, output = _check(src, capsys)
    assert status == 0, output
    late = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(late.timestamp())))
    status, output = _check(src, capsys)
    assert status == 1
    notices = [line for line in output.splitlines() if "[event.notice]" in line]
    assert {line.split(":")[0].rsplit("/", 1)[-1] for line in notices} == {"a.md", "b.md"}


def test_the_record_of_warnings_is_kept_beside_the_doctrees(tmp_path, capsys):
    src = _site(tmp_path, {"a": "# A\n", "b": "# B\n\nSee {doc}`missing`.\n"})
    _check(src, capsys)
    store = json.loads((src / "_build" / "doctrees" / "event-warnings.json").read_text("utf-8"))
    assert list(store["pages"]) == ["b"]
    (entry,) = store["pages"]["b"]["write"]
    assert entry["location"].endswith("b.md:3")
    assert "missing" in entry["message"]


def test_warnings_are_given_again_after_a_parallel_build(build_site):
    pages = {"a": "# A\n\n```{nosuchdirective}\n```\n", "b": "# B\n\nSee {doc}`missing`.\n"}
    args = ("-W", "--keep-going", "-j", "2")
    first = build_site(pages, args=args)
    assert first.status == 1
    again = build_site({}, args=args, src=first.src)
    assert again.status == 1
    for where in ("a.md:3", "b.md:3"):
        assert [line for line in again.warnings.splitlines() if where in line] == [
            line for line in first.warnings.splitlines() if where in line
        ]
