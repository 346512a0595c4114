"""`sphinx-event check` validates before its build only the pages that changed since they were found clean,
passed or not; a page with a problem, or naming a ``content-path``, is validated every time.

Each test runs the real command in this process on a small site, several times in a row.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sites import GOOD_OPTIONS, event_block

from sphinx_event_ext.cli import scan
from sphinx_event_ext.cli.main import main

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\nevent_today = "2026-12-01"\n'
INDEX = "# Home\n\n```{toctree}\na\nb\n```\n"
BROKEN = GOOD_OPTIONS.replace(":attendees: 80", ":attendees: eighty")


def _site(root: Path, a: str, b: str) -> Path:
    src = root / "docs"
    src.mkdir()
    (src / "conf.py").write_text(CONF, "utf-8")
    for name, text in {"index": INDEX, "a": a, "b": b}.items():
        (src / f"{name}.md").write_text(text, "utf-8")
    return src


def _check(src: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["check", str(src), "--jobs", "1"])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _validated(src: Path) -> set[str]:
    record = src / "_build" / "doctrees" / "event-evidence" / "validated.json"
    return set(json.loads(record.read_text("utf-8"))["pages"])


@pytest.fixture
def validated_pages(monkeypatch) -> list[str]:
    """The names of the pages each check validates (the real validation runs; it is only watched)."""
    seen: list[str] = []
    real = scan.scan_text

    def watched(text, path, *args, **kwargs):
        seen.append(Path(path).name)
        return real(text, path, *args, **kwargs)

    monkeypatch.setattr(scan, "scan_text", watched)
    return seen


def test_an_unchanged_problem_is_reported_every_time_and_clean_pages_are_not_validated_again(
    tmp_path, capsys, validated_pages
):
    a = "# A\n\n" + event_block("Workshop A", GOOD_OPTIONS + ":id: a\n")
    b = "# B\n\n" + event_block("Workshop B", BROKEN + ":id: b\n")
    src = _site(tmp_path, a, b)
    status, first = _check(src, capsys)
    assert status == 1 and "not building" in first
    problem = [line for line in first.splitlines() if "b.md:" in line and "attendees" in line]
    assert problem, first
    assert _validated(src) == {"a.md", "index.md"}
    validated_pages.clear()

    status, again = _check(src, capsys)
    assert status == 1
    assert [line for line in again.splitlines() if "b.md:" in line and "attendees" in line] == problem
    assert validated_pages == ["b.md"], "only the page with a problem is validated again"

    validated_pages.clear()
    (src / "b.md").write_text(b.replace(":attendees: eighty", ":attendees: 80"), "utf-8")
    status, fixed = _check(src, capsys)
    assert status == 0, fixed
    assert validated_pages == ["b.md"]
    assert _validated(src) == {"a.md", "b.md", "index.md"}


def test_a_page_naming_a_content_copy_is_validated_every_time(tmp_path, capsys, validated_pages):
    a = "# A\n\n" + event_block("Workshop A", GOOD_OPTIONS + ":id: a\n:content-path: lessons\n")
    b = "# B\n\n" + event_block("Workshop B", BROKEN + ":id: b\n")
    src = _site(tmp_path, a, b)
    (src / "lessons").mkdir()
    (src / "lessons" / "README.md").write_text("The lessons.\n", "utf-8")
    status, first = _check(src, capsys)
    assert status == 1 and "not building" in first
    assert "a.md:" not in first
    assert "a.md" not in _validated(src)

    shutil.rmtree(src / "lessons")  # the page is the same; its copy is gone
    validated_pages.clear()
    status, again = _check(src, capsys)
    assert status == 1
    assert "a.md" in validated_pages
    assert any("a.md:" in line and "content-path" in line and "no such folder" in line for line in again.splitlines())


@pytest.mark.parametrize("field", ["version", "environment"])
def test_a_record_of_another_version_or_environment_stands_for_nothing(tmp_path, capsys, validated_pages, field):
    a = "# A\n\n" + event_block("Workshop A", GOOD_OPTIONS + ":id: a\n")
    b = "# B\n\n" + event_block("Workshop B", BROKEN + ":id: b\n")
    src = _site(tmp_path, a, b)
    assert _check(src, capsys)[0] == 1
    record = src / "_build" / "doctrees" / "event-evidence" / "validated.json"
    data = json.loads(record.read_text("utf-8"))
    data[field] = "another"  # as an upgrade of the extension, or another interpreter or packages, leaves it
    record.write_text(json.dumps(data), "utf-8")
    validated_pages.clear()
    assert _check(src, capsys)[0] == 1
    assert sorted(validated_pages) == ["a.md", "b.md", "index.md"]
