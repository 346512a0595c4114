"""The notice rule, in real builds: when it warns, how to silence it, where "today" comes from."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sites import GOOD_OPTIONS, event_block

from sphinx_event_ext.model.config import resolve_today
from sphinx_event_ext.model.validate import parse_event
from sphinx_event_ext.plan.timing import NoticeState, late_notice_advice, notice

NOT_NOTIFIED = GOOD_OPTIONS.replace(":notified: 2027-01-05\n", "")


def _page(options: str = NOT_NOTIFIED) -> dict[str, str]:
    return {"index": "# Event\n\n" + event_block(options=options)}


def test_warns_when_start_is_near_and_nobody_was_told(build_site):
    result = build_site(_page(), conf="event_today = '2027-03-01'\n")
    assert re.search(
        r"index\.md:3: WARNING: event 'index' starts on 2027-03-10: notice was due 2027-02-17 \(12 days ago, "
        r"21 days ahead\); tell the hub team now and record the date with :notified: \[event\.notice\]",
        result.warnings,
    )
    assert "tell the hub team by" not in result.warnings
    assert result.soup().select_one(".event-card .sd-badge").get_text() == "Notice overdue (was due 2027-02-17)"


def test_notice_warning_fails_a_strict_build_and_can_be_suppressed(build_site, tmp_path):
    strict = build_site(_page(), conf="event_today = '2027-03-01'\n", args=("-W",), src=tmp_path / "a", isolated=True)
    assert strict.status != 0
    quiet = build_site(
        _page(),
        conf="event_today = '2027-03-01'\nsuppress_warnings = ['event.notice']\n",
        args=("-W",),
        src=tmp_path / "b",
        isolated=True,
    )
    assert quiet.status == 0, quiet.warnings
    assert "notice" not in quiet.warnings


@pytest.mark.parametrize(
    ("today", "options", "warns"),
    [
        ("2027-01-10", NOT_NOTIFIED, False),  # 59 days ahead: still time to tell them
        ("2027-02-18", NOT_NOTIFIED, True),  # 20 days ahead, nobody told
        ("2027-02-18", GOOD_OPTIONS, False),  # told on 2027-01-05, in time
        ("2027-03-05", NOT_NOTIFIED + ":notified: 2027-03-01\n", True),  # told, but late
        ("2027-03-12", NOT_NOTIFIED, False),  # the event is over
    ],
)
def test_when_the_rule_warns(build_site, today, options, warns):
    result = build_site(_page(options), conf=f"event_today = '{today}'\n")
    assert ("[event.notice]" in result.warnings) is warns, result.warnings
    assert result.status == 0


def test_source_date_epoch_sets_today(build_site, monkeypatch):
    # 1803859200 is 2027-03-01T00:00:00Z, 9 days before the start.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1803859200")
    result = build_site(_page())
    assert "[event.notice]" in result.warnings


def test_event_today_overrides_source_date_epoch(build_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1803859200")
    result = build_site(_page(), conf="event_today = '2026-12-01'\n")
    assert "[event.notice]" not in result.warnings


def test_a_new_today_rerenders_unchanged_pages(build_site, tmp_path):
    first = build_site(_page(), conf="event_today = '2026-12-01'\n")
    assert first.soup().select_one(".sd-badge").get_text() == "Notify by 2027-02-17"
    second = build_site(_page(), conf="event_today = '2027-03-12'\n")
    assert second.soup().select_one(".sd-badge").get_text() == "Event over"


def test_resolve_today_order():
    assert resolve_today("2027-01-02", {"SOURCE_DATE_EPOCH": "0"}) == dt.date(2027, 1, 2)
    assert resolve_today(None, {"SOURCE_DATE_EPOCH": "86400"}) == dt.date(1970, 1, 2)
    assert resolve_today(None, {}) == dt.date.today()


def test_notice_states():
    event = parse_event("T", _options(), default_id="t").event
    assert notice(event, dt.date(2027, 1, 1), 21).state is NoticeState.PENDING
    assert notice(event, dt.date(2027, 2, 18), 21).state is NoticeState.LATE
    assert notice(event, dt.date(2027, 3, 12), 21).state is NoticeState.OVER
    assert notice(event, dt.date(2027, 3, 11), 21).state is NoticeState.LATE  # the last day is not over yet


def _options() -> dict[str, str]:
    return dict(line[1:].split(": ", 1) for line in NOT_NOTIFIED.splitlines())


def test_advice_says_how_long_ago_a_passed_deadline_was():
    event = parse_event("Geo", {**_options(), "start": "2026-11-26", "end": "2026-11-27"}, default_id="geo").event
    today = dt.date(2026, 11, 11)
    verdict = notice(event, today, 16)
    assert verdict.state is NoticeState.LATE
    assert late_notice_advice(event, verdict, 16, today) == (
        "notice was due 2026-11-10 (1 day ago, 16 days ahead); tell the hub team now and record the date with :notified:"
    )
    assert late_notice_advice(event, verdict, 16, dt.date(2026, 11, 26)).startswith(
        "notice was due 2026-11-10 (16 days"
    )
