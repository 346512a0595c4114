"""Reading the hub team's event issue: every spelling found on the provider's tracker."""

from __future__ import annotations

import datetime as dt

import pytest
from issues import issue_body, issue_json

from sphinx_event_ext.plan.ticket_parse import (
    CERTAIN,
    LIKELY,
    Issue,
    checked_boxes,
    find_zone,
    form_fields,
    issue_from_json,
    read_attendees,
    read_date,
    read_hours,
    read_hub,
    read_ticket,
    resolve_zone,
)

CREATED = dt.date(2025, 1, 20)


@pytest.mark.parametrize(
    ("raw", "expected", "confidence", "zone"),
    [
        ("2024-08-04", dt.date(2024, 8, 4), CERTAIN, None),
        ("January 10, 2025", dt.date(2025, 1, 10), CERTAIN, None),
        ("8th July 2024", dt.date(2024, 7, 8), CERTAIN, None),
        ("May 30th, 2024, 12PM EST", dt.date(2024, 5, 30), CERTAIN, "EST"),
        ("Feb 12, 2025, 10:00 CET (Italy)", dt.date(2025, 2, 12), CERTAIN, "CET"),
        ("Feb. 16 at 10 AM PST.", dt.date(2025, 2, 16), LIKELY, "PST"),
        (
            "May 29 2024, 9AM Central Time (https://arewemeetingyet.com/Chicago/2024-05-29/09:00)",
            dt.date(2024, 5, 29),
            CERTAIN,
            "CT",
        ),
    ],
)
def test_dates_in_every_spelling(raw, expected, confidence, zone):
    reading = read_date(raw, CREATED)
    assert (reading.value, reading.confidence, reading.reason) == (expected, confidence, None)
    assert find_zone(raw) == zone


def test_a_slashed_date_is_read_only_when_one_order_makes_a_date():
    assert read_date("08/23/2024", CREATED).value == dt.date(2024, 8, 23)
    assert read_date("23/08/2024", CREATED).value == dt.date(2024, 8, 23)
    assert read_date("23/08/2024", CREATED).confidence == LIKELY


def test_several_ranges_of_hours_span_the_day():
    reading = read_hours("9:30-12:30 and 13:30-16:30 CET on 2025-02-12", dt.date(2025, 2, 12), "Europe/Rome")
    assert (reading.value.begin, reading.value.end) == (dt.time(9, 30), dt.time(16, 30))
    assert reading.confidence == LIKELY and "several ranges (09:30-12:30, 13:30-16:30)" in reading.note


def test_a_date_without_a_year_is_the_first_on_or_after_the_issue():
    assert read_date("Jan. 5 at 9 AM", CREATED).value == dt.date(2026, 1, 5)
    assert read_date("Jan. 20", CREATED).value == dt.date(2025, 1, 20)
    reading = read_date("Feb. 16 at 10 AM PST.", CREATED)
    assert "no year given" in reading.note and "2025-01-20" in reading.note


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("TBD", "not known yet"),
        ("", "the field is empty"),
        ("Jan 10 or Jan 11, 2025", "more than one date (2025-01-10, 2025-01-11)"),
        ("February 30, 2025", "not a day of the calendar"),
        ("next spring", "no date found"),
        ("10/01/2025", "does not say which number is the day and which the month"),
    ],
)
def test_vague_dates_are_not_comparable(raw, reason):
    reading = read_date(raw, CREATED)
    assert reading.value is None and reason in reading.reason


@pytest.mark.parametrize(
    ("raw", "zone", "day", "utc", "name"),
    [
        (
            "830am \u2013 5pm US/Eastern",
            "America/New_York",
            dt.date(2024, 8, 4),
            ("12:30", "21:00"),
            "America/New_York",
        ),
        (
            "1:00pm - 5pm CST (New Orleans, USA)",
            "America/Chicago",
            dt.date(2025, 1, 10),
            ("19:00", "23:00"),
            "America/Chicago",
        ),
        ("10-11AM PST", "America/Los_Angeles", dt.date(2025, 2, 16), ("18:00", "19:00"), "America/Los_Angeles"),
        ("10:00 - 12:00 CET", "Europe/Rome", dt.date(2025, 2, 12), ("09:00", "11:00"), "Europe/Rome"),
        # EST written for a day in May means New York's clock (EDT, UTC-4), not UTC-5.
        ("12PM-5PM EST", "America/New_York", dt.date(2024, 5, 30), ("16:00", "21:00"), "America/New_York"),
        ("11-1pm UTC+2", None, dt.date(2025, 2, 12), ("09:00", "11:00"), "UTC+02:00"),
    ],
)
def test_hours_in_every_spelling(raw, zone, day, utc, name):
    reading = read_hours(raw, day, zone)
    assert reading.reason is None
    begin, end = reading.value.on(day)
    assert (f"{begin:%H:%M}", f"{end:%H:%M}", reading.value.zone.name) == (*utc, name)


def test_an_abbreviation_of_the_event_zone_used_out_of_season_is_likely_not_certain():
    reading = read_hours("12PM-5PM EST", dt.date(2024, 5, 30), "America/New_York")
    assert reading.confidence == LIKELY
    assert "EDT on 2024-05-30" in reading.note
    assert read_hours("12PM-5PM EDT", dt.date(2024, 5, 30), "America/New_York").confidence == CERTAIN


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("9AM - 5PM", "no time zone given"), ("Unknown", "not known yet"), ("mornings", "no hours found")],
)
def test_vague_hours_are_not_comparable(raw, reason):
    reading = read_hours(raw, CREATED, "America/Chicago")
    assert reading.value is None and reason in reading.reason


def test_a_zone_given_only_in_the_start_field_is_used_for_the_hours():
    issue = Issue("t", issue_body(start="May 30th, 2024, 12PM EST", hours="12PM - 5PM"), dt.date(2024, 5, 1))
    hours = read_ticket(issue, timezone="America/New_York", first_day=dt.date(2024, 5, 30)).active_hours
    assert hours.value.zone.name == "America/New_York"
    assert [f"{moment:%H:%M}" for moment in hours.value.on(dt.date(2024, 5, 30))] == ["16:00", "21:00"]
    assert hours.confidence == LIKELY and "taken from the start date" in hours.note


@pytest.mark.parametrize(
    ("written", "event_zone", "day", "name"),
    [
        ("CST", "America/Chicago", dt.date(2025, 1, 10), "America/Chicago"),
        ("CET", "Europe/Rome", dt.date(2025, 2, 12), "Europe/Rome"),
        ("US/Eastern", None, dt.date(2024, 8, 4), "America/New_York"),
        ("CST", "Asia/Shanghai", dt.date(2025, 1, 10), "Asia/Shanghai"),
        ("CST", None, dt.date(2025, 1, 10), "America/Chicago"),
        ("PST", "Europe/Rome", dt.date(2025, 1, 10), "America/Los_Angeles"),
    ],
)
def test_zones_resolve_against_the_event(written, event_zone, day, name):
    assert resolve_zone(written, day, event_zone).name == name


def test_an_ambiguous_abbreviation_says_so():
    zone = resolve_zone("CST", dt.date(2025, 1, 10))
    assert zone.confidence == LIKELY and "Asia/Shanghai" in zone.note
    assert "not a time zone" in resolve_zone("XYZT", dt.date(2025, 1, 10))


@pytest.mark.parametrize(
    ("raw", "value", "confidence", "reason"),
    [
        ("45", 45, CERTAIN, None),
        ("TBD", None, None, "not known yet"),
        ("60-100", None, None, "a range"),
        ("40 on large instances", 40, LIKELY, None),
        ("24 students plus staff (which will total about 15 on-site at any given time)", None, None, "more than one"),
        ("50+", None, None, "not an exact number"),
        ("", None, None, "the field is empty"),
    ],
)
def test_attendees(raw, value, confidence, reason):
    reading = read_attendees(raw)
    assert (reading.value, reading.confidence) == (value, confidence)
    assert (reason is None and reading.reason is None) or reason in reading.reason


@pytest.mark.parametrize(
    ("raw", "value", "confidence"),
    [
        ("https://workshop.openscapes.2i2c.cloud/", "https://workshop.openscapes.2i2c.cloud", CERTAIN),
        ("hhmi.2i2c.cloud", "https://hhmi.2i2c.cloud", CERTAIN),
        ("[the hub](https://Geo.Example.org/hub/login)", "https://geo.example.org", CERTAIN),
        ("http://geo.example.org:443/", "https://geo.example.org", CERTAIN),
    ],
)
def test_hub(raw, value, confidence):
    reading = read_hub(raw)
    assert (reading.value, reading.confidence) == (value, confidence)


def test_vague_or_double_hub():
    assert "not known yet" in read_hub("TBD").reason
    assert "more than one address" in read_hub("a.example.org or b.example.org").reason


def test_form_fields_and_checkboxes():
    fields = form_fields(issue_body(attendees="_No response_"))
    assert fields["hub_url"] == "geo.hub.example.org"
    assert fields["user_number"] == ""
    assert fields["active_times"] == "9am - 5pm MT"
    assert checked_boxes(fields["enough_notice"]) == ("Yes",)
    assert checked_boxes(fields["hub_decommision"]) == ("No",)
    assert checked_boxes(fields["calendar"]) == ()


def test_whole_issue():
    issue = issue_from_json(issue_json())
    assert issue.created == dt.date(2027, 1, 10)
    reading = read_ticket(issue, timezone="America/Denver", first_day=dt.date(2027, 3, 13))
    assert (reading.start.value, reading.end.value) == (dt.date(2027, 3, 13), dt.date(2027, 3, 15))
    assert reading.attendees.value == 80 and reading.hub.value == "https://geo.hub.example.org"
    assert reading.checked["hub_exists"] == ("Yes",)


def test_a_body_without_the_form_says_which_field_is_missing():
    reading = read_ticket(Issue("t", "Please set up a hub for us.", CREATED))
    assert reading.start.reason == "the issue has no 'The date when the event will start' field"
    assert reading.hub.value is None


def test_json_that_is_not_an_issue_is_refused():
    with pytest.raises(ValueError, match=r"'title' is missing.*'created_at' is not an ISO date"):
        issue_from_json({"body": "x"})
