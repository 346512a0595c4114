"""The event card and checklist as real builds render them."""

from __future__ import annotations

import re

from sites import GOOD_OPTIONS, event_block
from sphinx.application import Sphinx

import sphinx_event_ext
from sphinx_event_ext.model.config import config_values
from sphinx_event_ext.model.schema import load_schema


def test_setup_declares_version_and_parallel_safety(build_site):
    result = build_site({"index": "# Home\n"})
    assert result.status == 0
    app = Sphinx(result.src, result.src, result.out, result.src / "_build" / "doctrees", "html", status=None)
    extension = app.extensions["sphinx_event_ext"]
    assert extension.version == sphinx_event_ext.__version__
    assert extension.parallel_read_safe is True
    assert extension.parallel_write_safe is True


def test_card_shows_the_facts(build_site):
    options = GOOD_OPTIONS + ":pre-initialize: true\n:contact: Jane Doe <jane@example.org>\n"
    result = build_site({"index": "# Event\n\n" + event_block(options=options, body="Bring a **laptop**.")})
    assert result.status == 0, result.warnings
    card = result.soup().select_one("div.sd-card.event-card")
    assert card is not None and card.get("id") == "event-index"
    facts = {
        dt.get_text().rstrip(":"): dd.get_text(" ", strip=True)
        for dt, dd in zip(card.select("dt"), card.select("dd"), strict=True)
    }
    assert facts["Dates"] == "2027-03-10 to 2027-03-11 (2 days)"
    # 09:00 in Denver on 2027-03-10 is MST (UTC-7): 16:00 UTC, and 17:00 is midnight UTC, the next UTC day.
    assert facts["Active hours"] == "09:00-17:00 America/Denver 16:00-00:00 (+1 day) UTC"
    assert facts["Attendees"] == "80"
    assert facts["Pre-warming"].startswith("Pre-warming asked for: please have 1 node ready from 60 minutes before")
    assert facts["Contact"] == "Jane Doe <jane@example.org>"
    assert card.select_one('a[href="https://geo.hub.example.org"]') is not None
    assert "laptop" in [strong.get_text() for strong in card.select(".sd-card-body > p:not(.event-actions) strong")]
    badge = card.select_one(".sd-card-header .sd-badge")
    assert badge.get_text() == "Hub team notified"
    assert "sd-bg-success" in badge["class"]


def test_utc_hours_follow_daylight_saving_changes(build_site):
    # Denver switches to MDT on 2027-03-14: 09:00 local is 16:00Z before and 15:00Z after.
    options = GOOD_OPTIONS.replace("2027-03-10", "2027-03-13").replace("2027-03-11", "2027-03-15")
    result = build_site({"index": "# Event\n\n" + event_block(options=options)}, conf="event_today = '2026-12-01'\n")
    assert result.status == 0, result.warnings
    hours = result.soup().select_one(".event-card .event-utc").get_text()
    assert hours == "16:00-00:00 (+1 day) UTC on 2027-03-13; 15:00-23:00 UTC on 2027-03-14 to 2027-03-15"


def test_the_title_is_shown_once_under_a_heading_that_says_it(build_site):
    result = build_site(
        {
            "index": "# Intro to Geospatial Python\n\n" + event_block(),
            "other": "# Other page\n\n" + event_block(options=GOOD_OPTIONS + ":id: other\n"),
        },
        conf="event_today = '2026-12-01'\n",
    )
    assert result.status == 0, result.warnings
    same = result.soup().select_one(".event-card .event-title")
    assert "Intro to Geospatial Python" not in same.get_text() and same.select_one(".sd-badge") is not None
    assert result.soup("other").select_one(".event-card .event-title").get_text().startswith("Intro to Geospatial")


def test_text_fields_are_escaped(build_site):
    title = '<b>x</b> & "y"'
    options = GOOD_OPTIONS + ":contact: <script>alert('hi')</script>\n:notes: it's <i>fine</i>\n"
    result = build_site({"index": "# Event\n\n" + event_block(title=title, options=options)})
    assert result.status == 0, result.warnings
    soup = result.soup()
    header = soup.select_one(".event-card .event-title")
    assert header.find("b") is None
    assert header.get_text().startswith(title)
    assert soup.select_one(".event-card script") is None
    assert "<script>alert('hi')</script>" in soup.select_one(".event-card").get_text()
    assert "&lt;b&gt;x&lt;/b&gt; &amp; " in result.html()


def test_checklist_due_dates_and_proven_items(build_site):
    options = GOOD_OPTIONS + ":content-repo: https://github.com/org/geo-workshop\n"
    page = "# Event\n\n" + event_block(options=options) + "\n```{event-checklist}\n```\n"
    result = build_site({"index": page})
    assert result.status == 0, result.warnings
    soup = result.soup()
    items = {box["data-storage-key"]: box for box in soup.select("input.event-checkbox")}
    assert set(items) >= {
        "sphinx-event-ext:index:notify",
        "sphinx-event-ext:index:content",
        "sphinx-event-ext:index:share",
    }
    # Notified on 2027-01-05 and the content repository is recorded: both proven, so ticked and locked.
    for key in ("notify", "content"):
        box = items[f"sphinx-event-ext:index:{key}"]
        assert box.has_attr("checked") and box.has_attr("disabled"), key
    for key in ("test", "heads-up", "environment"):
        assert not items[f"sphinx-event-ext:index:{key}"].has_attr("checked"), key
    labels = {label["for"]: label.get_text(" ", strip=True) for label in soup.select(".event-checklist label")}
    # 21 days before 2027-03-10 is 2027-02-17; 2 days before is 2027-03-08; a day after the end is 2027-03-12.
    assert "due 2027-02-17" in labels[items["sphinx-event-ext:index:notify"]["id"]]
    assert "due 2027-03-08" in labels[items["sphinx-event-ext:index:heads-up"]["id"]]
    assert "due 2027-03-12" in labels[items["sphinx-event-ext:index:share"]["id"]]
    phases = [rubric.get_text() for rubric in soup.select(".event-checklist .rubric")]
    assert phases == ["Before the event", "During the event", "After the event"]


def test_checklist_follows_notice_days(build_site):
    page = "# Event\n\n" + event_block() + "\n```{event-checklist}\n```\n"
    result = build_site({"index": page}, conf="event_notice_days = 30\n")
    assert result.status == 0, result.warnings
    label = result.soup().select_one('label[for="checklist-index-notify"]').get_text()
    assert "due 2027-02-08, 30 days before the start" in label


def test_generic_checklist_without_an_event(build_site):
    result = build_site({"index": "# Checklist\n\n```{event-checklist}\n```\n"})
    assert result.status == 0, result.warnings
    soup = result.soup()
    boxes = soup.select("input.event-checkbox")
    assert len(boxes) >= 10
    assert all(box["data-storage-key"].startswith("sphinx-event-ext:generic:") for box in boxes)
    assert not any(box.has_attr("checked") for box in boxes)
    assert "due 21 days before the start" in soup.select_one('label[for="checklist-generic-notify"]').get_text()


def test_checklist_for_an_event_on_another_page(build_site):
    pages = {
        "event": "# Event\n\n" + event_block(options=GOOD_OPTIONS + ":id: geo\n"),
        "plan": "# Plan\n\n```{event-checklist}\n:event: geo\n```\n",
    }
    result = build_site(pages)
    assert result.status == 0, result.warnings
    assert result.soup("plan").select_one('input[data-storage-key="sphinx-event-ext:geo:notify"]') is not None


def test_checklist_naming_an_unknown_event_warns(build_site):
    result = build_site({"index": "# Plan\n\n```{event-checklist}\n:event: nope\n```\n"})
    assert re.search(
        r"index\.md:3: WARNING: event-checklist: no valid event with id 'nope'.*\[event\.checklist\]", result.warnings
    )


def test_every_checkbox_has_a_label(build_site):
    page = "# Event\n\n" + event_block() + "\n```{event-checklist}\n```\n\n```{event-checklist}\n```\n"
    result = build_site({"index": page})
    soup = result.soup()
    ids = [box["id"] for box in soup.select("input.event-checkbox")]
    assert len(ids) == len(set(ids)), "checkbox ids must be unique on the page"
    for box_id in ids:
        label = soup.select_one(f'label[for="{box_id}"]')
        assert label is not None and label.get_text(strip=True)


def test_assets_are_included(build_site):
    result = build_site({"index": "# Event\n\n" + event_block()})
    html = result.html()
    assert "_static/sphinx_event_ext.js" in html and "_static/sphinx_event_ext.css" in html
    assert (result.out / "_static" / "sphinx_event_ext.js").is_file()
    assert any(path.name.startswith("sphinx-design") for path in (result.out / "_static").iterdir())


def test_parallel_build_gives_the_same_pages(build_site, tmp_path):
    pages = {"index": "# Home\n\n```{toctree}\n" + "\n".join(f"e{n}" for n in range(6)) + "\n```\n"}
    for n in range(6):
        options = GOOD_OPTIONS + f":id: e{n}\n:attendees: {10 + n}\n"
        pages[f"e{n}"] = f"# Event {n}\n\n" + event_block(
            title=f"Event {n}", options=options.replace(":attendees: 80\n", "")
        )
        pages[f"e{n}"] += "\n```{event-checklist}\n:event: e" + str((n + 1) % 6) + "\n```\n"
    serial = build_site(pages, src=tmp_path / "serial", args=("-j", "1"))
    parallel = build_site(pages, src=tmp_path / "parallel", args=("-j", "2"))
    assert serial.status == parallel.status == 0, serial.warnings + parallel.warnings
    for n in range(6):
        assert serial.html(f"e{n}") == parallel.html(f"e{n}")
        assert f"sphinx-event-ext:e{(n + 1) % 6}:notify" in parallel.html(f"e{n}")


def test_works_with_myst_nb(build_site):
    base = 'extensions = ["myst_nb", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\nnb_execution_mode = "off"\n'
    page = "# Event\n\n" + event_block() + "\n```{event-checklist}\n```\n"
    result = build_site({"index": page}, base=base, isolated=True)
    assert result.status == 0, result.warnings
    assert result.soup().select_one(".event-card") is not None
    assert result.soup().select_one("input.event-checkbox") is not None


def test_reference_tables_come_from_the_schema_and_config(build_site):
    page = "# Reference\n\n```{event-options-reference}\n```\n\n```{event-config-reference}\n```\n\n```{event-cli-reference}\n```\n"
    result = build_site({"index": page})
    assert result.status == 0, result.warnings
    tables = result.soup().select("table.event-reference")
    first_column = [row.select_one("td").get_text() for row in tables[0].select("tbody tr")]
    expected = ["(argument)" if name == "title" else f":{name}:" for name in load_schema()["properties"]]
    assert first_column == expected
    settings = [row.select_one("td").get_text() for row in tables[1].select("tbody tr")]
    assert settings == [name for name, *_ in config_values()]
    text = result.soup().get_text()
    for command in ("sphinx-event validate", "sphinx-event check", "sphinx-event prewarm", "sphinx-event link"):
        assert command in text
