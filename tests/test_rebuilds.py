"""An incremental build costs what changed: nothing is written again when nothing changed, a check-only
setting re-reads nothing, and a prose page's edit leaves the event pages (with their checklists) alone.
Real ``sphinx-build`` runs; what was written is read from the output files' modification times."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sites import GOOD_OPTIONS, event_block

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\nevent_today = "2026-12-01"\n'


def _site(src: Path) -> None:
    src.mkdir()
    (src / "conf.py").write_text(CONF, "utf-8")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nevent\nprose\n```\n", "utf-8")
    block = event_block(options=GOOD_OPTIONS + ":id: geo\n")
    (src / "event.md").write_text(f"# Event\n\n{block}\n```{{event-checklist}}\n```\n", "utf-8")
    (src / "prose.md").write_text("# Prose\n\nA page about maps.\n", "utf-8")


def _build(src: Path, *args: str) -> str:
    argv = [sys.executable, "-m", "sphinx", "-b", "html", "-W", *args, str(src), str(src / "_build" / "html")]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _written(src: Path) -> dict[str, int]:
    """The pages' modification times (Sphinx writes its index and search pages on every build)."""
    out = src / "_build" / "html"
    return {
        path.name: path.stat().st_mtime_ns for path in out.glob("*.html") if path.stem not in ("genindex", "search")
    }


def test_an_unchanged_build_writes_nothing_and_a_check_only_setting_reads_nothing(tmp_path):
    src = tmp_path / "src"
    _site(src)
    _build(src)
    before = _written(src)
    output = _build(src)
    assert "0 added, 0 changed, 0 removed" in output, output
    assert _written(src) == before, "no page written again"
    output = _build(src, "-D", "event_execute_jobs=3", "-D", "event_execute_timeout=9")
    assert "0 added, 0 changed, 0 removed" in output, output
    assert _written(src) == before


def test_a_prose_edit_leaves_the_event_pages_alone(tmp_path):
    src = tmp_path / "src"
    _site(src)
    _build(src)
    before = _written(src)
    (src / "prose.md").write_text("# Prose\n\nA page about maps and rivers.\n", "utf-8")
    _build(src)
    after = _written(src)
    assert after["prose.html"] != before["prose.html"]
    assert after["event.html"] == before["event.html"], "the event page with its checklist was not written again"
