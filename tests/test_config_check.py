"""A loud configuration: a real build that cannot read the Markdown pages holding events says so, once."""

from __future__ import annotations

from sites import event_block

RST_CONF = 'extensions = ["sphinx_event_ext"]\nexclude_patterns = ["_build", "drafts/**"]\n'
INDEX_RST = "Home\n====\n\nWelcome.\n"


def _rst_site(src):
    src.mkdir(parents=True, exist_ok=True)
    (src / "index.rst").write_text(INDEX_RST, "utf-8")
    (src / "drafts").mkdir()
    (src / "drafts" / "old.md").write_text("# Old\n\n" + event_block(), "utf-8")  # excluded: not reported
    (src / "notes.md").write_text("# Notes\n\nNo event here.\n", "utf-8")
    return src


def test_events_in_markdown_without_myst_are_reported_once_with_the_fix(build_site, tmp_path):
    src = _rst_site(tmp_path / "src")
    pages = {"events/geo": "# Geo\n\n" + event_block(), "hack": "# Hack\n\n:::{event} Hack\n:hub: x\n:::\n"}
    result = build_site(pages, src=src, base=RST_CONF)
    lines = [line for line in result.warnings.splitlines() if "never reads" in line]
    assert lines == [
        "WARNING: 2 Markdown page(s) hold events that this build never reads, so they are not published "
        "(events/geo.md, hack.md): Sphinx reads .md files only with a MyST parser; add to conf.py: "
        "extensions = ['sphinx_event_ext', 'myst_parser'] [event.config]"
    ]


def test_a_site_that_reads_markdown_gets_no_notice(build_site):
    result = build_site({"geo": "# Geo\n\n" + event_block()})
    assert result.status == 0
    assert "never reads" not in result.warnings
