"""``sphinx-event validate`` and ``sphinx-event check`` as a user runs them: a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sites import GOOD_OPTIONS, event_block

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\nevent_today = "2026-12-01"\n'


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_event_ext.cli", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _site(root: Path, pages: dict[str, str]) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "conf.py").write_text(CONF, "utf-8")
    toctree = "\n".join(name for name in pages if name != "index")
    pages = {"index": f"# Home\n\n```{{toctree}}\n{toctree}\n```\n", **pages}
    for name, text in pages.items():
        (docs / f"{name}.md").write_text(text, "utf-8")
    return docs


def test_validate_reports_file_line_option(tmp_path):
    bad = GOOD_OPTIONS.replace("80", "eighty") + ":timezone-name: x\n"
    _site(tmp_path, {"good": "# Good\n\n" + event_block(), "bad": "# Bad\n\nText.\n\n" + event_block(options=bad)})
    result = run("validate", "docs", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    # The directive opens on line 5 of bad.md; each problem names its option's own line.
    page = ["# Bad", "", "Text.", "", *event_block(options=bad).splitlines()]
    attendees, typo = page.index(":attendees: eighty") + 1, page.index(":timezone-name: x") + 1
    assert f"docs/bad.md:{attendees}: attendees: expected a positive whole number, got 'eighty'" in lines
    assert any(
        line.startswith(f"docs/bad.md:{typo}: timezone-name: unknown option; did you mean 'timezone'") for line in lines
    )
    assert not any(line.startswith("docs/good.md") for line in lines)
    assert "Traceback" not in result.stderr


def test_validate_reports_a_quoting_mistake_as_myst_does(tmp_path):
    bad = GOOD_OPTIONS.replace(":hub: https://geo.hub.example.org", ':hub: "https://geo.hub.example.org')
    _site(tmp_path, {"bad": "# Bad\n\nText.\n\n" + event_block(options=bad)})
    result = run("validate", "docs", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "docs/bad.md:5: options: MyST could not read the options block (Invalid options format: found unexpected "
        "end of stream at line 12), so no option was read; look for a quote that is not closed, or a value that "
        "starts with a quote and goes on after it"
    ]


def test_validate_passes_valid_files_and_finds_colon_fences_and_nested(tmp_path):
    colon = ":::{event} Colon\n" + GOOD_OPTIONS + ":id: colon\n:::\n"
    nested = (
        "````{tab-set}\n```{tab-item} One\n"
        + event_block(options=GOOD_OPTIONS + ":id: nested-bad\n:attendees: 0\n")
        + "```\n````\n"
    )
    docs = _site(tmp_path, {"ok": "# Ok\n\n" + colon, "nested": "# N\n\n" + nested})
    result = run("validate", str(docs / "ok.md"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run("validate", "docs/nested.md", cwd=tmp_path)
    assert result.returncode == 1
    # The nested directive opens on line 5; the repeated :attendees: 0 (the one that counts) is on line 14.
    assert "docs/nested.md:14: attendees" in result.stdout


def test_validate_reports_duplicate_ids(tmp_path):
    page = "# E\n\n" + event_block(options=GOOD_OPTIONS + ":id: same\n")
    _site(tmp_path, {"one": page, "two": page})
    result = run("validate", "docs", cwd=tmp_path)
    assert result.returncode == 1
    assert "docs/two.md:3: id: 'same' is already used at docs/one.md:3" in result.stdout


def test_validate_missing_path_is_a_usage_error(tmp_path):
    result = run("validate", "nowhere", cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file or folder: nowhere" in result.stderr


def test_check_builds_a_good_site(tmp_path):
    _site(tmp_path, {"event": "# Event\n\n" + event_block() + "\n```{event-checklist}\n```\n"})
    result = run("check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "docs" / "_build" / "html" / "event.html").is_file()


def test_check_fails_on_bad_metadata_with_file_and_line(tmp_path):
    _site(tmp_path, {"event": "# Event\n\n" + event_block(options=GOOD_OPTIONS.replace("America/Denver", "PST"))})
    result = run("check", "docs", cwd=tmp_path)
    assert result.returncode == 1
    # The directive opens on line 3; :timezone: is its fifth option (line 8).
    assert "docs/event.md:8: timezone: expected an IANA time zone name" in result.stdout


def test_check_fails_on_any_sphinx_warning(tmp_path):
    _site(tmp_path, {"event": "# Event\n\n" + event_block() + "\n{doc}`missing-page`\n"})
    out = tmp_path / "out"
    result = run("check", "docs", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert "missing-page" in result.stderr


def test_check_without_conf_is_a_usage_error(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    result = run("check", "docs", cwd=tmp_path)
    assert result.returncode == 2
    assert "no conf.py" in result.stderr


def test_readme_error_example_is_what_validate_prints(tmp_path):
    """The README's example page, with its timezone written as PST, gives exactly the README's error line."""
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    page = readme.split("````markdown\n", 1)[1].split("\n````", 1)[0]
    block = page[: page.index("```\n", page.index("{event}")) + 4]
    bad = block.replace(":timezone: America/Denver", ":timezone: PST")
    assert bad != block
    (tmp_path / "docs" / "events").mkdir(parents=True)
    (tmp_path / "docs" / "events" / "geo.md").write_text("# Intro to Geospatial Python\n\n" + bad)
    promised = next(line for line in readme.splitlines() if line.startswith("docs/events/geo.md:"))
    result = run("validate", "docs", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [promised]


def test_prewarm_refuses_out_of_range_config_values_without_a_traceback(tmp_path):
    (tmp_path / "conf.py").write_text("event_notice_days = 10**9\n", "utf-8")
    (tmp_path / "geo.md").write_text("# Geo\n\n" + event_block(), "utf-8")
    result = run("prewarm", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "sphinx-event prewarm: error: conf.py: event_notice_days:" in result.stderr
    assert "Traceback" not in result.stderr
