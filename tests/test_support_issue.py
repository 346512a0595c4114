"""The provider's support issue read back: the event's facts in free text, written as real requests are."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sites import make_event

from sphinx_event_ext.plan.free_text import MAX_TEXT, read_dates, read_free_attendees, read_free_hub, read_intake
from sphinx_event_ext.plan.support_issue import is_support_issue, read_support_issue, support_fields
from sphinx_event_ext.plan.ticket_compare import DIFFERS, NOT_COMPARABLE, SAME, compare_ticket
from sphinx_event_ext.plan.ticket_parse import Issue

OPENED = dt.date(2027, 1, 20)


def support_body(description: str, results: str = "_No response_") -> str:
    """An issue as GitHub renders the provider's ``08_freshdesk-ticket.yaml`` form."""
    return (
        "### The Freshdesk ticket link\n\nhttps://2i2c.freshdesk.com/a/tickets/2345\n\n"
        "### Ticket request type\n\nOther\n\n### Ticket impact\n\n🟨 Medium\n\n"
        f"### Short ticket description\n\n{description}\n\n### (Optional) Investigation results\n\n{results}\n"
    )


GEO = (
    "Jane from the Geo community is running a workshop on March 13-15, 2027, from 9am to 5pm MST each day, "
    "for about 80 people on https://geo.hub.example.org. They would like the hub ready for the login rush."
)


def test_the_form_is_recognised_by_title_or_heading():
    assert is_support_issue(Issue("[Support] Geo workshop", "text", OPENED))
    assert is_support_issue(Issue("Geo workshop", support_body("x"), OPENED))
    assert not is_support_issue(Issue("[EVENT][2027-03-13] geo", "### Number of attendees\n\n80\n", OPENED))
    fields = support_body("Two lines\nof text")
    assert support_fields(fields)["description"] == "Two lines\nof text"
    assert support_fields(fields)["results"] == ""


def test_a_prose_request_is_read_and_compared():
    event = make_event(attendees="80", kind="workshop")
    checks = {check.option: check for check in compare_ticket(event, Issue("[Support] Geo", support_body(GEO), OPENED))}
    assert {name: check.status for name, check in checks.items()} == {
        "start": SAME,
        "end": SAME,
        "active-hours": SAME,
        "attendees": SAME,
        "hub": SAME,
        "kind": SAME,
    }
    assert "an estimate" in checks["attendees"].note
    assert "read from 'March 13-15, 2027'" in checks["start"].note


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("The course runs 2 Feb 2027 - 4 Feb 2027.", "2027-02-02", "2027-02-04"),
        ("Dates: 2027-03-10 to 2027-03-12", "2027-03-10", "2027-03-12"),
        ("It starts on Feb. 2nd and ends on the 4th of February.", "2027-02-02", "2027-02-04"),
        ("One day only: Tuesday, March 9th", "2027-03-09", "2027-03-09"),
        ("10th-12th March 2027, sessions 10:00-13:00", "2027-03-10", "2027-03-12"),
    ],
)
def test_dates_in_prose(text, start, end):
    dates = read_dates(text, OPENED)
    assert (str(dates.start.value), str(dates.end.value)) == (start, end)
    assert dates.start.confidence == "likely"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("We told you on Jan 5 and the event is on March 10.", "several dates"),
        ("Sometime in spring, TBD.", "no date"),
        ("From Feb 30 to March 2, 2027", "not a day of the calendar"),
    ],
)
def test_dates_that_are_not_clear_are_not_guessed(text, reason):
    dates = read_dates(text, OPENED)
    assert dates.start.value is None and reason in (dates.start.reason or "")


@pytest.mark.parametrize(
    ("text", "value", "reason"),
    [
        ("for about 140 people", 140, None),
        ("Expected participants: 85", 85, None),
        ("~60 attendees", 60, None),
        ("85 students (might grow to 140)", None, "may change"),
        ("100-150 participants", None, "a range"),
        ("at least 50 users", None, "not an exact number"),
        ("120+ learners", None, "not an exact number"),
        ("30 people on day 1 and 45 people on day 2", None, "more than one number"),
        ("The session starts at 10:30 for the group", None, "no number of attendees"),
    ],
)
def test_attendees_in_prose(text, value, reason):
    reading = read_free_attendees(text)
    assert reading.value == value
    if reason:
        assert reason in (reading.reason or "")


def test_hours_with_zone_abbreviations_and_the_hub():
    body = support_body("Sessions 10:00-13:00 CET on 2027-03-10, 40 attendees, hub: climate.2i2c.cloud")
    reading = read_support_issue(Issue("[Support] Climate", body, OPENED), timezone="Europe/Berlin")
    hours = reading.active_hours.value
    assert hours is not None and (hours.begin, hours.end, hours.zone.name) == (
        dt.time(10),
        dt.time(13),
        "Europe/Berlin",
    )
    assert reading.hub.value == "https://climate.2i2c.cloud"
    assert reading.attendees.value == 40
    two_hubs = read_free_hub("Move from old.2i2c.cloud to new.2i2c.cloud; see https://github.com/org/repo")
    assert two_hubs.value is None and "more than one hub address" in (two_hubs.reason or "")


def test_hours_without_a_zone_are_not_comparable():
    event = make_event()
    issue = Issue("[Support] Geo", support_body("March 13-15, 2027, 9am-5pm, 80 people"), OPENED)
    checks = {check.option: check for check in compare_ticket(event, issue)}
    assert checks["active-hours"].status == NOT_COMPARABLE
    assert "no time zone" in checks["active-hours"].note


def test_a_different_count_differs():
    event = make_event(attendees="80")
    issue = Issue("[Support] Geo", support_body(GEO.replace("about 80", "about 140")), OPENED)
    checks = {check.option: check for check in compare_ticket(event, issue)}
    assert checks["attendees"].status == DIFFERS and checks["attendees"].issue == "140"


def test_intake_answers_where_the_issue_states_them():
    text = "- Event type: course\n- Similar event on this hub before: no\n- Storage per user: 20 GB\n"
    stated = read_intake(text)
    assert {name: reading.value for name, reading in stated.items()} == {
        "kind": "course",
        "similar-before": "no",
        "storage-per-user": 20 * 1024**3,
    }
    event = make_event(
        kind="course", **{"similar-before": "https://events.example.org/geo-2026", "storage-per-user": "20G"}
    )
    issue = Issue("[EVENT][2027-03-13] geo", "### Task list\n\n" + text, OPENED)
    checks = {check.option: check for check in compare_ticket(event, issue)}
    assert (checks["kind"].status, checks["similar-before"].status, checks["storage-per-user"].status) == (
        SAME,
        DIFFERS,
        SAME,
    )
    silent = compare_ticket(make_event(), Issue("[EVENT][2027-03-13] geo", "### Number of attendees\n\n80\n", OPENED))
    assert not {"kind", "similar-before", "storage-per-user"} & {check.option for check in silent}
    unset = {check.option: check for check in compare_ticket(make_event(), issue)}
    assert unset["kind"].status == NOT_COMPARABLE and unset["kind"].note == "the page does not say"


def test_two_kinds_in_prose_are_not_read():
    assert "kind" not in read_intake("A course with a final exam on the hub")
    assert read_intake("Of course, the workshop needs GPUs")["kind"].value == "workshop"


def test_reading_is_linear_and_bounded():
    """Long bodies of the shapes that make backtracking patterns slow are read in time that grows with the
    text, and only the first MAX_TEXT characters are read."""
    hostile = [
        "1" * 200_000,
        "March " * 40_000,
        "9:00-" * 40_000,
        ("a." * 100_000) + "!",
        "about " * 40_000 + "140 people",
    ]
    for body in hostile:
        issue = Issue("[Support] x", support_body(body), OPENED)
        began = time.perf_counter()
        read_support_issue(issue, timezone="UTC")
        read_intake(issue.body)
        assert time.perf_counter() - began < 5, body[:20]
    late = "x" * (MAX_TEXT + 10) + " for 140 people"
    assert read_free_attendees(late).value is None
