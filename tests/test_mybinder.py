"""Events whose attendees launch on mybinder.org: its request form, notice rule and launch quota."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qsl, urlsplit

from sites import make_event

from sphinx_event_ext.plan.binder import REFUSED, SHORT, binder_notice, request_url, uses_mybinder
from sphinx_event_ext.plan.checklist import build_checklist

BINDER = {"binder-attendees": "120", "content-repo": "https://github.com/org/geo-workshop"}


def test_the_rule_applies_to_mybinder_org_only():
    assert uses_mybinder(make_event(**BINDER))
    assert not uses_mybinder(make_event(**BINDER, binderhub="https://binder.example.org"))
    assert not uses_mybinder(make_event())


def test_the_request_form_is_pre_filled():
    event = make_event(**BINDER, kind="course", contact="Jane Doe <jane@example.org>")
    url = urlsplit(request_url(event, dt.date(2027, 1, 1), "https://events.example.org/geo.html"))
    assert (url.netloc, url.path) == ("github.com", "/jupyterhub/mybinder.org-deploy/issues/new")
    fields = dict(parse_qsl(url.query))
    assert fields == {
        "template": "request_resources.yml",
        "title": "Resources for Intro to Geospatial Python (2027-03-13 to 2027-03-15)",
        "whoyouare": "Jane Doe <jane@example.org>",
        "details": "Intro to Geospatial Python: course on 2027-03-13 to 2027-03-15.\n"
        "Event page: https://events.example.org/geo.html",
        "repository": "https://github.com/org/geo-workshop",
        "event_type": "lecture course",
        "attendees": "120",
        "times": "2027-03-13 to 2027-03-15, 09:00-17:00 America/Denver (16:00-00:00 (+1 day) UTC on 2027-03-13; "
        "15:00-23:00 UTC on 2027-03-14 to 2027-03-15)",
        "runway": "Yes",
    }


def test_notice_two_weeks_recommended_48_hours_refused():
    event = make_event(**BINDER)  # first session 2027-03-13 09:00 America/Denver
    assert binder_notice(event, dt.date(2027, 2, 27)).state == "enough"
    assert binder_notice(event, dt.date(2027, 2, 28)).state == SHORT
    assert binder_notice(event, dt.date(2027, 3, 11)).state == SHORT  # 57 hours ahead
    assert binder_notice(event, dt.date(2027, 3, 12)).state == REFUSED  # 33 hours ahead
    short = dict(parse_qsl(urlsplit(request_url(event, dt.date(2027, 3, 1))).query))
    assert short["runway"] == "No"


def test_checklist_step_only_for_mybinder_events():
    items = {item.key: item for item in build_checklist(make_event(**BINDER), 21)}
    assert not items["binder-request"].done and items["binder-request"].due == dt.date(2027, 2, 27)
    others = {item.key: item for item in build_checklist(make_event(), 21)}
    assert others["binder-request"].done_because == "attendees do not launch on mybinder.org"


def _page(extra: str) -> str:
    return (
        "# Geo\n\n```{event} Geo\n:id: geo\n:hub: https://geo.hub.example.org\n:start: 2027-03-13\n:end: 2027-03-13\n"
        ":active-hours: 09:00-12:00\n:timezone: America/Denver\n:attendees: 40\n:notified: 2027-01-05\n"
        f":content-repo: https://github.com/org/geo-workshop\n{extra}```\n"
    )


def test_build_warns_about_notice_and_quota_and_links_the_form(build_site):
    result = build_site({"geo": _page(":binder-attendees: 150\n")}, conf="event_today = '2027-03-12'\n")
    assert "mybinder.org refuses resource requests less than 48 hours before an event" in result.warnings
    assert "[event.binder-notice]" in result.warnings and "[event.binder-quota]" in result.warnings
    assert "150 attendees would launch on mybinder.org at once, above its default quota of 100" in result.warnings
    button = next(a for a in result.soup("geo").select("a") if a.get_text() == "Request mybinder.org resources")
    assert button["href"].startswith("https://github.com/jupyterhub/mybinder.org-deploy/issues/new?template=")
    request = json.loads((result.out / "_events" / "geo" / "prewarm.json").read_text("utf-8"))
    assert request["mybinder"]["notice"] == "refused" and request["mybinder"]["over_quota"] is True
    assert request["mybinder"]["request_url"] == button["href"]


def test_no_binder_rule_without_binder_attendees(build_site):
    result = build_site({"geo": _page("")}, conf="event_today = '2027-03-12'\n")
    assert "mybinder.org" not in result.warnings
    request = json.loads((result.out / "_events" / "geo" / "prewarm.json").read_text("utf-8"))
    assert "mybinder" not in request
