"""Comparing an event page with the hub team's issue, and starting a page from an issue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from issues import issue_body
from sites import event_block, make_event

from sphinx_event_ext.cli.scan import scan_text
from sphinx_event_ext.plan.checklist import build_checklist
from sphinx_event_ext.plan.ticket_compare import DIFFERS, NOT_COMPARABLE, SAME, compare_ticket, ticket_proof
from sphinx_event_ext.plan.ticket_page import event_options, event_title
from sphinx_event_ext.plan.ticket_parse import Issue

CREATED = dt.date(2027, 1, 10)


def statuses(**values: str) -> dict[str, tuple[str, str, str, str]]:
    checks = compare_ticket(make_event(), Issue("[EVENT][2027-03-13] geo", issue_body(**values), CREATED))
    return {check.option: (check.status, check.page, check.issue, check.note) for check in checks}


def test_a_consistent_page_passes():
    result = statuses()
    assert {option: status for option, (status, *_) in result.items()} == {
        "start": SAME,
        "end": SAME,
        "active-hours": SAME,
        "attendees": SAME,
        "hub": SAME,
    }
    # "Mar. 15 at 5 PM" has no year: the note says how it was read.
    assert "no year given" in result["end"][3]


def test_vague_fields_are_not_comparable_and_say_why():
    result = statuses(hours="Unknown", attendees="60-100")
    assert result["active-hours"][0] == NOT_COMPARABLE and "not known yet" in result["active-hours"][3]
    assert result["attendees"][0] == NOT_COMPARABLE and "a range" in result["attendees"][3]
    assert {result[name][0] for name in ("start", "end", "hub")} == {SAME}


def test_dates_a_week_off_fail_naming_start_and_end():
    result = statuses(start="March 20th, 2027, 9AM MST", end="Mar. 22 at 5 PM")
    assert result["start"][:3] == (DIFFERS, "2027-03-13", "2027-03-20")
    assert result["end"][:3] == (DIFFERS, "2027-03-15", "2027-03-22")
    assert result["active-hours"][0] == SAME


def test_a_different_count_fails_naming_attendees():
    result = statuses(attendees="45")
    assert result["attendees"][:3] == (DIFFERS, "80", "45")
    assert [name for name, (status, *_) in result.items() if status == DIFFERS] == ["attendees"]


@pytest.mark.parametrize(
    "hours",
    ["9am - 5pm MST", "09:00 - 17:00 America/Denver", "11am - 7pm US/Eastern", "8am-4pm PST", "4pm - 11:59pm UTC"],
)
def test_the_same_hours_in_another_zone_spelling_pass(hours):
    # The event's first day, 2027-03-13, is before the US switch to daylight time (March 14).
    status = statuses(hours=hours)["active-hours"]
    if hours.endswith("UTC"):
        assert status[0] == DIFFERS  # 23:59 is not midnight: the comparison is exact
    else:
        assert status[0] == SAME, status


def test_hours_an_hour_off_differ_with_both_values():
    status, page, issue, _ = statuses(hours="10am - 5pm MT")["active-hours"]
    assert status == DIFFERS
    assert page == "09:00-17:00 America/Denver = 16:00-00:00 UTC"
    assert issue == "10:00-17:00 America/Denver (MT) = 17:00-00:00 UTC"


def test_another_hub_differs():
    assert statuses(hub="https://other.example.org/")["hub"][:3] == (
        DIFFERS,
        "https://geo.hub.example.org",
        "https://other.example.org",
    )


def test_checklist_step_is_proven_only_when_nothing_differs():
    event = make_event()
    issue = Issue("t", issue_body(attendees="TBD"), CREATED)
    proof = ticket_proof(compare_ticket(event, issue))
    assert proof == (
        "the hub team's issue says the same start, end, active-hours, hub as this page (attendees not comparable)"
    )
    step = next(item for item in build_checklist(event, 21, proofs={"ticket": proof}) if item.key == "ticket")
    assert step.done and step.title == "Check the hub team's issue"
    assert ticket_proof(compare_ticket(event, Issue("t", issue_body(attendees="45"), CREATED))) is None
    vague = issue_body(start="TBD", end="TBD", hours="TBD", attendees="TBD", hub="TBD")
    assert ticket_proof(compare_ticket(event, Issue("t", vague, CREATED))) is None
    assert not next(item for item in build_checklist(event, 21) if item.key == "ticket").done


def _validate(title: str, options: str) -> list[str]:
    [found] = scan_text("# Event\n\n" + event_block(title, options), Path("new.md"), "new")
    return [f"{found.line}: {problem}" for problem in found.result.problems]


def test_a_page_from_a_clear_issue_validates():
    issue = Issue(
        "[EVENT][January 10, 2025] hhmi",
        issue_body(
            start="January 10, 2025",
            end="January 11, 2025",
            hours="1:00pm - 5pm US/Central",
            attendees="45",
            hub="https://hhmi.2i2c.cloud/",
        ),
        dt.date(2024, 12, 1),
        "https://github.com/2i2c-org/infrastructure/issues/5000",
    )
    options = event_options(issue)
    assert options == (
        ":hub: https://hhmi.2i2c.cloud\n:start: 2025-01-10\n:end: 2025-01-11\n:active-hours: 13:00-17:00\n"
        ":timezone: America/Chicago\n:attendees: 45\n:ticket: https://github.com/2i2c-org/infrastructure/issues/5000\n"
    )
    assert event_title(issue) == "hhmi"
    assert _validate(event_title(issue), options) == []


def test_vague_values_become_placeholders_that_validate_names(build_site):
    issue = Issue(
        "[EVENT][Feb 16] openscapes",
        issue_body(start="Feb. 16 at 10 AM", end="2025-02-16", hours="9 - 5", attendees="60-100"),
        dt.date(2025, 1, 20),
    )
    options = event_options(issue)
    problems = _validate(event_title(issue), options)
    # Exactly the placeholders fail: start (no year), active-hours (am/pm guessed), timezone (none), attendees (a range).
    assert [problem.split(":")[1].strip() for problem in problems] == ["start", "active-hours", "timezone", "attendees"]
    assert all(problem.split(":", 2)[2].startswith(" to fill in: ") for problem in problems)
    assert (
        ':start: FILL IN: the first day, YYYY-MM-DD (the issue says "Feb. 16 at 10 AM"; perhaps 2025-02-16' in options
    )
    assert (
        ':active-hours: FILL IN: the hours of the day, HH:MM-HH:MM (the issue says "9 - 5"; perhaps 09:00-17:00'
        in options
    )
    assert ':timezone: FILL IN: an IANA time zone such as America/Chicago (the issue says "9 - 5")' in options
    assert ':attendees: FILL IN: one whole number (the issue says "60-100")' in options
    filled = (
        options.replace(next(line for line in options.splitlines() if line.startswith(":start:")), ":start: 2025-02-16")
        .replace(next(line for line in options.splitlines() if line.startswith(":attendees:")), ":attendees: 100")
        .replace(
            next(line for line in options.splitlines() if line.startswith(":active-hours:")),
            ":active-hours: 09:00-17:00",
        )
        .replace(
            next(line for line in options.splitlines() if line.startswith(":timezone:")),
            ":timezone: America/Los_Angeles",
        )
    )
    assert _validate(event_title(issue), filled) == []
    built = build_site(
        {"index": "# Event\n\n" + event_block(event_title(issue), filled)}, conf="event_today = '2025-01-01'\n"
    )
    assert built.status == 0, built.warnings
    assert built.soup().select_one(".event-card") is not None


def test_a_zone_given_only_in_the_start_field_fills_the_timezone():
    issue = Issue("[EVENT] x", issue_body(start="Feb. 16, 2025 at 10 AM PST.", hours="9AM - 5PM"), dt.date(2025, 1, 20))
    lines = event_options(issue).splitlines()
    assert ":active-hours: 09:00-17:00" in lines and ":timezone: America/Los_Angeles" in lines
