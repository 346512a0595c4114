"""Calendar files: parsed back with icalendar and compared with hand-written expectations."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sites import make_event

from sphinx_event_ext.plan.ics import combined_calendar, event_calendar

TODAY = dt.date(2027, 1, 10)
UTC = dt.timezone.utc


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_one_vevent_per_session_in_the_event_zone_across_dst() -> None:
    calendar = parse(event_calendar(make_event(id="geo"), today=TODAY))
    events = calendar.events
    assert [event["summary"] for event in events] == [
        "Intro to Geospatial Python (day 1 of 3)",
        "Intro to Geospatial Python (day 2 of 3)",
        "Intro to Geospatial Python (day 3 of 3)",
    ]
    denver = ZoneInfo("America/Denver")
    starts = [event.decoded("dtstart") for event in events]
    assert [start.replace(tzinfo=None) for start in starts] == [dt.datetime(2027, 3, day, 9) for day in (13, 14, 15)]
    assert all(event["dtstart"].params["TZID"] == "America/Denver" for event in events)
    assert [start.astimezone(UTC).hour for start in starts] == [16, 15, 15]
    assert events[0].decoded("dtend") == dt.datetime(2027, 3, 13, 17, tzinfo=denver)
    assert [timezone["tzid"] for timezone in calendar.timezones] == ["America/Denver"]


def test_vtimezone_gives_both_offsets() -> None:
    text = event_calendar(make_event(), today=TODAY).decode()
    assert "TZOFFSETTO:-0600" in text
    assert "TZOFFSETTO:-0700" in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    # icalendar's "This timezone only works from ..." note is for nobody who opens the file.
    assert "COMMENT" not in text


def test_uids_are_stable_and_dtstamp_comes_from_today() -> None:
    calendar = parse(event_calendar(make_event(id="geo"), today=TODAY))
    assert [str(event["uid"]) for event in calendar.events] == [
        "geo-20270313@geo.hub.example.org",
        "geo-20270314@geo.hub.example.org",
        "geo-20270315@geo.hub.example.org",
    ]
    assert {event.decoded("dtstamp") for event in calendar.events} == {dt.datetime(2027, 1, 10, tzinfo=UTC)}
    custom = parse(event_calendar(make_event(id="geo"), today=TODAY, domain="docs.example.org"))
    assert str(custom.events[0]["uid"]) == "geo-20270313@docs.example.org"


def test_one_day_event_has_one_plain_summary() -> None:
    calendar = parse(event_calendar(make_event(end="2027-03-13"), today=TODAY))
    assert [str(event["summary"]) for event in calendar.events] == ["Intro to Geospatial Python"]


def test_same_inputs_give_the_same_bytes_and_only_today_changes_the_stamp() -> None:
    first = event_calendar(make_event(), today=TODAY)
    assert first == event_calendar(make_event(), today=TODAY)
    later = event_calendar(make_event(), today=dt.date(2027, 2, 1))
    assert later != first
    assert later.replace(b"DTSTAMP:20270201T000000Z", b"DTSTAMP:20270110T000000Z") == first


def test_text_with_commas_semicolons_and_newlines_round_trips() -> None:
    title = 'Geo, Python; and "friends" \\ more'
    contact = "Jane Doe, PhD; Geo Lab, Room 3"
    page = "https://docs.example.org/events/geo.html?a=1;b=2"
    data = event_calendar(make_event(title, contact=contact), today=TODAY, page_url=page)
    assert b"SUMMARY:Geo\\, Python\\; and" in data
    event = parse(data).events[0]
    assert str(event["summary"]) == f"{title} (day 1 of 3)"
    assert str(event["description"]) == (
        "Hub: https://geo.hub.example.org\n"
        "Active hours: 09:00-17:00 America/Denver\n"
        f"Event page: {page}\n"
        f"Contact: {contact}"
    )
    assert str(event["url"]) == page
    assert str(event["location"]) == "https://geo.hub.example.org"


def test_lines_are_crlf_and_folded_at_75_octets() -> None:
    data = event_calendar(make_event("A very long workshop title " * 6), today=TODAY)
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_combined_calendar_sorts_events_and_shares_timezones() -> None:
    denver = make_event(id="denver")
    april = make_event(id="april", start="2027-04-01", end="2027-04-01")
    paris = make_event(id="paris", start="2027-03-01", end="2027-03-01", timezone="Europe/Paris")
    data = combined_calendar([april, denver, paris], today=TODAY)
    assert data == combined_calendar([paris, april, denver], today=TODAY)
    calendar = parse(data)
    assert [str(event["uid"]).split("@")[0] for event in calendar.events] == [
        "paris-20270301",
        "denver-20270313",
        "denver-20270314",
        "denver-20270315",
        "april-20270401",
    ]
    assert [str(timezone["tzid"]) for timezone in calendar.timezones] == ["America/Denver", "Europe/Paris"]
    assert str(calendar["x-wr-calname"]) == "Events"


def test_combined_calendar_uses_each_event_page() -> None:
    events = [make_event(id="one"), make_event(id="two", start="2027-05-03", end="2027-05-03")]
    pages = {"one": "https://docs.example.org/one.html"}
    calendar = parse(combined_calendar(events, today=TODAY, page_urls=pages))
    assert [str(event.get("url")) for event in calendar.events] == ["https://docs.example.org/one.html"] * 3 + ["None"]


def test_combined_calendar_refuses_repeated_ids() -> None:
    with pytest.raises(ValueError, match="repeated: geo"):
        combined_calendar(
            [make_event(id="geo"), make_event(id="geo", start="2027-05-03", end="2027-05-03")], today=TODAY
        )


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC"])
def test_utc_event_needs_no_vtimezone_and_parses_back(zone: str) -> None:
    data = event_calendar(make_event(timezone=zone), today=TODAY)
    assert b"DTSTART:20270313T090000Z" in data
    calendar = parse(data)
    assert calendar.timezones == []
    assert calendar.events[0].decoded("dtstart").astimezone(UTC) == dt.datetime(2027, 3, 13, 9, tzinfo=UTC)
    assert calendar.events[0].decoded("dtend").astimezone(UTC) == dt.datetime(2027, 3, 13, 17, tzinfo=UTC)
