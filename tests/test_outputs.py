"""Files the build writes for the hub team (pre-warm JSON, calendars) and the event index."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from urllib.parse import unquote

from icalendar import Calendar
from jsonschema import Draft202012Validator, FormatChecker
from sites import GOOD_OPTIONS, event_block
from sphinx.application import Sphinx

from sphinx_event_ext.model.schema import load_schema

CONF = "event_today = '2026-12-01'\n"


def _event(event_id: str, start: str, end: str, extra: str = "") -> str:
    options = GOOD_OPTIONS.replace("2027-03-10", start).replace("2027-03-11", end).replace("2027-01-05", "2026-09-01")
    return event_block(title=f"Event {event_id}", options=options + f":id: {event_id}\n{extra}")


def _pages() -> dict[str, str]:
    return {
        "events/geo": "# Geo\n\n" + _event("geo", "2027-03-13", "2027-03-15", ":pre-initialize: true\n"),
        "events/past": "# Past\n\n" + _event("past", "2026-10-01", "2026-10-01"),
        "events/soon": "# Soon\n\n" + _event("soon", "2027-01-20", "2027-01-21"),
        "list": "# All events\n\n```{event-list}\n```\n",
    }


def test_prewarm_json_per_event_and_index(build_site):
    result = build_site(_pages(), conf=CONF)
    assert result.status == 0, result.warnings
    folder = result.out / "_events"
    schema = load_schema("prewarm")
    geo = json.loads((folder / "geo" / "prewarm.json").read_text())
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(geo)
    # Denver changes to daylight saving time on 2027-03-14: 09:00 local is 16:00Z, then 15:00Z.
    assert [s["start"] for s in geo["sessions"]] == [
        "2027-03-13T16:00:00Z",
        "2027-03-14T15:00:00Z",
        "2027-03-15T15:00:00Z",
    ]
    assert geo["prewarm_windows"][0] == {"start": "2027-03-13T15:00:00Z", "end": "2027-03-13T16:00:00Z"}
    assert geo["generated_on"] == "2026-12-01"
    index = json.loads((folder / "events.json").read_text())
    assert [event["event_id"] for event in index["events"]] == ["past", "soon", "geo"]
    published = json.loads((folder / "prewarm.schema.json").read_text())
    assert published == schema


def test_calendar_files(build_site):
    result = build_site(_pages(), conf=CONF)
    calendar = Calendar.from_ical((result.out / "_events" / "geo" / "event.ics").read_bytes())
    sessions = [component for component in calendar.walk("VEVENT")]
    assert len(sessions) == 3
    assert str(sessions[0]["DTSTART"].dt) == "2027-03-13 09:00:00-07:00"
    combined = Calendar.from_ical((result.out / "_events" / "events.ics").read_bytes())
    assert len(list(combined.walk("VEVENT"))) == 3 + 1 + 2


def test_calendar_button_points_at_the_file(build_site):
    result = build_site(_pages(), conf=CONF)
    href = result.soup("events/geo").select_one('a.sd-btn[href$="event.ics"]')["href"]
    assert href == "../_events/geo/event.ics"
    assert (result.out / "events" / href).resolve().is_file()


def test_rebuilds_are_byte_identical(build_site, tmp_path):
    first = build_site(_pages(), conf=CONF, src=tmp_path / "one", args=("-E",))
    second = build_site(_pages(), conf=CONF, src=tmp_path / "two", args=("-E",))
    names = sorted(p.relative_to(first.out / "_events") for p in (first.out / "_events").rglob("*") if p.is_file())
    # Per event: prewarm.json, event.ics and three attendees' messages; for the site: events.json, events.ics,
    # the schema, placeholders.ics, placeholders.json and its schema.
    assert len(names) == 3 * 5 + 6
    for name in names:
        assert (first.out / "_events" / name).read_bytes() == (second.out / "_events" / name).read_bytes(), name


def _written(folder):
    """Each file's identity: write_atomic replaces a file, so a rewritten one has a new inode."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_a_rebuild_writes_only_the_files_whose_inputs_changed(build_site, tmp_path):
    pages = _pages()
    first = build_site(pages, conf=CONF)
    folder = first.out / "_events"
    before = _written(folder)
    build_site(pages, conf=CONF)
    assert _written(folder) == before
    pages["events/soon"] = pages["events/soon"].replace("2027-01-21", "2027-01-22")
    assert build_site(pages, conf=CONF).status == 0
    after = _written(folder)
    rewritten = sorted(name for name in after if after[name] != before[name])
    assert rewritten == ["events.ics", "events.json", "soon/event.ics", "soon/prewarm.json"]
    (folder / "geo" / "event.ics").unlink()
    build_site(pages, conf=CONF)
    fresh = build_site(pages, conf=CONF, src=tmp_path / "fresh")
    for name in after:
        assert (folder / name).read_bytes() == (fresh.out / "_events" / name).read_bytes(), name


def test_a_new_today_rewrites_every_calendar(build_site):
    first = build_site(_pages(), conf=CONF)
    before = _written(first.out / "_events")
    second = build_site(_pages(), conf="event_today = '2026-12-02'\n")
    after = _written(second.out / "_events")
    assert sorted(name for name in after if name.endswith(".ics") and after[name] == before[name]) == []
    assert b"DTSTAMP:20261202T000000Z" in (second.out / "_events" / "geo" / "event.ics").read_bytes()


def test_removed_events_disappear(build_site):
    pages = _pages()
    first = build_site(pages, conf=CONF)
    assert (first.out / "_events" / "soon").is_dir()
    pages["events/soon"] = "# Soon\n\nCancelled.\n"
    second = build_site(pages, conf=CONF)
    assert second.status == 0, second.warnings
    assert not (second.out / "_events" / "soon").exists()
    ids = [event["event_id"] for event in json.loads((second.out / "_events" / "events.json").read_text())["events"]]
    assert ids == ["past", "geo"]
    titles = [a.get_text() for a in second.soup("list").select("table a.reference.internal")]
    assert titles == ["Event geo", "Event past"]


def test_event_list_orders_upcoming_then_past(build_site):
    result = build_site(_pages(), conf=CONF)
    rows = result.soup("list").select("table tbody tr")
    assert [row.select_one("a").get_text() for row in rows] == ["Event soon", "Event geo", "Event past"]
    assert rows[0].select_one("a")["href"] == "events/soon.html#event-soon"
    assert [row.select_one(".sd-badge").get_text() for row in rows][2] == "Event over"


def test_event_list_same_under_parallel_build(build_site, tmp_path):
    serial = build_site(_pages(), conf=CONF, src=tmp_path / "serial", args=("-j", "1"))
    parallel = build_site(_pages(), conf=CONF, src=tmp_path / "parallel", args=("-j", "2"))
    assert serial.status == parallel.status == 0
    assert serial.html("list") == parallel.html("list")
    for name in ("events.json", "events.ics"):
        assert (serial.out / "_events" / name).read_bytes() == (parallel.out / "_events" / name).read_bytes()


def test_no_files_are_written_when_an_event_is_invalid(build_site):
    pages = _pages()
    pages["events/soon"] = pages["events/soon"].replace(":attendees: 80", ":attendees: none")
    result = build_site(pages, conf=CONF)
    assert result.status != 0
    assert not (result.out / "_events").exists()


def test_cli_prints_what_the_build_writes(build_site, tmp_path):
    result = build_site(_pages(), conf=CONF + "html_baseurl = 'https://events.example.org/'\n")
    written = json.loads((result.out / "_events" / "geo" / "prewarm.json").read_text())
    assert written["page_url"] == "https://events.example.org/events/geo.html#event-geo"
    cli = [sys.executable, "-m", "sphinx_event_ext.cli", "prewarm", str(result.src)]
    one = subprocess.run([*cli, "--id", "geo"], capture_output=True, text=True, check=True)
    assert one.stdout == (result.out / "_events" / "geo" / "prewarm.json").read_text()
    everything = subprocess.run(cli, capture_output=True, text=True, check=True)
    built = json.loads((result.out / "_events" / "events.json").read_text())
    assert set(built.pop("proofs")) == {"geo", "past", "soon"}, (
        "the build adds what it proved; the command builds nothing"
    )
    assert json.loads(everything.stdout) == built
    missing = subprocess.run([*cli, "--id", "nope"], capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and "no event with id 'nope'" in missing.stderr


def test_card_json_and_mail_say_the_same_about_pre_warming_and_notice(build_site):
    conf = CONF + "event_support_email = 'hub-team@example.org'\n"
    result = build_site({"events/geo": "# Geo\n\n" + _event("geo", "2027-03-13", "2027-03-15")}, conf=conf)
    assert result.status == 0, result.warnings
    data = json.loads((result.out / "_events" / "geo" / "prewarm.json").read_text())
    soup = result.soup("events/geo")
    facts = {
        dt.get_text().rstrip(":"): dd.get_text(" ", strip=True) for dt, dd in zip(soup("dt"), soup("dd"), strict=True)
    }
    assert facts["Pre-warming"] == data["prewarm_text"]
    assert data["prewarm_text"].startswith("Pre-warming not asked for. If you pre-warm anyway, 1 node ready")
    assert "Pre-initialization" not in soup.get_text()
    mail = unquote(soup.select_one("a.event-button[href^='mailto:']")["href"])
    assert data["prewarm_text"] in mail and "to pre-warm." not in mail
    assert (data["notice_state"], data["enough_notice"], data["notified"]) == ("notified", True, "2026-09-01")


def test_a_build_without_html_baseurl_says_once_how_to_link_the_calendars(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinx_event_ext"]\n' + CONF, "utf-8")
    (src / "index.md").write_text("# Home\n\n" + _event("geo", "2027-03-13", "2027-03-15"), "utf-8")
    status = io.StringIO()
    app = Sphinx(src, src, tmp_path / "out", tmp_path / "doctrees", "html", status=status, warning=io.StringIO())
    app.build()
    assert status.getvalue().count("set html_baseurl in conf.py") == 1, status.getvalue()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_event_ext"]\nhtml_baseurl = "https://e.example.org/"\n' + CONF, "utf-8"
    )
    status = io.StringIO()
    app = Sphinx(src, src, tmp_path / "out2", tmp_path / "doctrees2", "html", status=status, warning=io.StringIO())
    app.build()
    assert "html_baseurl" not in status.getvalue()
