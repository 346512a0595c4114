"""Messages to the hub team: mailto links that decode to the exact text, and the issue-form link."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from sites import make_event

from sphinx_event_ext.plan.notify import heads_up_email, issue_form_url, mailto_url, notification_email
from sphinx_event_ext.plan.prewarm import prewarm_request

TODAY = dt.date(2027, 1, 10)
TRICKY_TITLE = 'Geo & Python? #1 "quoted" 100% a+b=c'


def make_request(title: str = "Intro to Geospatial Python", today: dt.date = TODAY, **options: str) -> dict[str, Any]:
    return prewarm_request(make_event(title, **options), today=today)


def decode_mailto(url: str) -> tuple[str, dict[str, str]]:
    """Split a mailto URL by hand (RFC 6068): no '+' for spaces, every value percent-decoded once."""
    assert url.startswith("mailto:")
    address, _, query = url[len("mailto:") :].partition("?")
    fields = {}
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        fields[key] = unquote(value)
    return unquote(address), fields


def test_mailto_decodes_back_to_the_exact_text_with_crlf_line_breaks() -> None:
    body = 'Line one & two?\nLine #3: 100% "quoted" a+b=c\r\nLast\rline é\n'
    url = mailto_url("support@2i2c.org", TRICKY_TITLE, body)
    address, fields = decode_mailto(url)
    assert address == "support@2i2c.org"
    assert fields == {
        "subject": TRICKY_TITLE,
        "body": 'Line one & two?\r\nLine #3: 100% "quoted" a+b=c\r\nLast\r\nline é\r\n',
    }
    query = url.partition("?")[2]
    assert "%0D%0A" in query
    for raw in (" ", "\n", "\r", "#", '"', "+"):
        assert raw not in query
    assert query.count("&") == 1
    assert query.count("?") == 0


def test_notification_lists_every_item_the_provider_asks_for() -> None:
    request = make_request(**{"pre-initialize": "true"}, contact="Jane Doe <jane@example.org>", notes="GPUs on day 2.")
    email = notification_email(request)
    assert email.to == "support@2i2c.org"
    assert email.subject == "Event on geo.hub.example.org: Intro to Geospatial Python (2027-03-13 to 2027-03-15)"
    lines = email.body.splitlines()
    for expected in (
        "Start date: 2027-03-13",
        "End date: 2027-03-15",
        "Active times: 09:00-17:00 America/Denver",
        "First session starts: 2027-03-13 09:00 America/Denver (2027-03-13T09:00:00-07:00, 16:00 UTC)",
        "Last session ends: 2027-03-15 17:00 America/Denver (2027-03-15T17:00:00-06:00, 23:00 UTC)",
        "  - 2027-03-13 16:00 to 2027-03-14 00:00 UTC",
        "  - 2027-03-14 15:00-23:00 UTC",
        "Number of attendees (at the same time): 80",
        "Pre-warming asked for: please have 1 node ready from 60 minutes before each session until it starts, so "
        "that no more than 30% of attendees wait for a new node.",
        "Pre-warming windows:",
        "  - 2027-03-13 15:00-16:00 UTC",
        "Hub: https://geo.hub.example.org",
        "Contact: Jane Doe <jane@example.org>",
        "Notice: at least 21 days before the event (the deadline is 2027-02-20).",
        "Anything else:",
        "GPUs on day 2.",
    ):
        assert expected in lines
    assert any(line.startswith("Shared password: ") and "separately" in line for line in lines)
    assert any(line.startswith("Suggested capacity: 63 users per node") for line in lines)


def test_notification_says_so_when_notice_is_late_and_when_nothing_is_pre_warmed() -> None:
    email = notification_email(make_request(today=dt.date(2027, 3, 1)))
    lines = email.body.splitlines()
    assert (
        "Notice: less than 21 days before the event (the deadline was 2027-02-20); sorry for the short notice." in lines
    )
    assert (
        "Pre-warming not asked for. If you pre-warm anyway, 1 node ready at the start of each session would keep no "
        "more than 30% of attendees waiting for a new node." in lines
    )
    # Nothing to add: no "Anything else" heading with a filler under it.
    assert "Anything else:" not in lines and "Nothing else." not in email.body


def test_notification_recipient_is_configurable() -> None:
    email = notification_email(make_request(), to="hub-team@example.org")
    assert email.mailto.startswith("mailto:hub-team@example.org?subject=")


def test_tricky_title_and_multiline_notes_survive_the_mailto() -> None:
    notes = "First line & more\r\nSecond line? #yes\nThird"
    email = notification_email(make_request(TRICKY_TITLE, notes=notes))
    assert TRICKY_TITLE in email.subject
    assert "\n" not in email.subject
    _, fields = decode_mailto(email.mailto)
    assert fields["subject"] == email.subject
    assert fields["body"] == email.body.replace("\n", "\r\n")
    assert "\r\nFirst line & more\r\nSecond line? #yes\r\nThird\r\n" in fields["body"]


def test_heads_up_email() -> None:
    email = heads_up_email(make_request(TRICKY_TITLE, **{"pre-initialize": "true"}, ticket="https://t.example.org/1"))
    assert email.subject == f"Heads-up: {TRICKY_TITLE} starts 2027-03-13 on geo.hub.example.org"
    lines = email.body.splitlines()
    for expected in (
        "Dates: 2027-03-13 to 2027-03-15",
        "Active times: 09:00-17:00 America/Denver",
        "Number of attendees (at the same time): 80",
        "  - 2027-03-15 14:00-15:00 UTC",
        "Ticket: https://t.example.org/1",
    ):
        assert expected in lines
    _, fields = decode_mailto(email.mailto)
    assert (fields["subject"], fields["body"]) == (email.subject, email.body.replace("\n", "\r\n"))


def test_issue_form_url_fills_the_text_fields() -> None:
    request = make_request(contact="Jane Doe   (Geo Lab)", ticket="https://support.example.org/tickets/42")
    url = urlsplit(issue_form_url(request))
    assert (url.scheme, url.netloc, url.path) == ("https", "github.com", "/2i2c-org/infrastructure/issues/new")
    assert dict(parse_qsl(url.query, strict_parsing=True)) == {
        "template": "07_event-hub.yaml",
        "title": "[EVENT][2027-03-13 to 2027-03-15] geo.hub.example.org",
        "ticket_id": "https://support.example.org/tickets/42",
        "community_rep": "Jane Doe (Geo Lab)",
        "event_begin": "2027-03-13 09:00 America/Denver (2027-03-13T09:00:00-07:00, 16:00 UTC)",
        "event_end": "2027-03-15 17:00 America/Denver (2027-03-15T17:00:00-06:00, 23:00 UTC)",
        "active_times": "09:00-17:00 America/Denver",
        "user_number": "80",
        "hub_url": "https://geo.hub.example.org",
        # The form has no field for the advice: it follows the form's own task list, which is kept.
        "tasks": "- [ ] Was all the info filled in above?\n"
        "- [ ] Quotas from the cloud provider are high-enough to handle expected usage?\n- [ ] \n\n"
        "From the event page:\n- Pre-warm advice: node sharing, no placeholders (evidence: attendees-and-notice; "
        "80 attendees at 63 per node: one shared node holds at least 70% of them, so node sharing absorbs the login "
        "wave; no rehearsal has measured it).",
    }


def test_issue_form_url_leaves_out_unknown_values_and_takes_other_repos() -> None:
    request = make_request(end="2027-03-13")
    url = urlsplit(issue_form_url(request, repo="example-org/ops", template="event.yml", hub_name="geo-prod"))
    assert url.path == "/example-org/ops/issues/new"
    fields = dict(parse_qsl(url.query))
    assert fields["template"] == "event.yml"
    assert fields["title"] == "[EVENT][2027-03-13] geo-prod"
    assert "ticket_id" not in fields
    assert "community_rep" not in fields


def test_issue_form_url_is_fully_encoded() -> None:
    query = urlsplit(issue_form_url(make_request(contact='A & B? #1 "x"'))).query
    assert dict(parse_qsl(query))["community_rep"] == 'A & B? #1 "x"'
    assert " " not in query
    assert "#" not in query


@pytest.mark.parametrize("repo", ["2i2c-org", "https://github.com/2i2c-org/infrastructure", "a/b/c", "a/b?x=1"])
def test_issue_form_url_refuses_what_is_not_owner_slash_name(repo: str) -> None:
    with pytest.raises(ValueError, match="owner/name"):
        issue_form_url(make_request(), repo=repo)


def test_no_secret_reaches_any_message(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "ghp_S3cr3tT0k3nValue"
    for name in ("GITHUB_TOKEN", "JUPYTERHUB_API_TOKEN", "HUB_PASSWORD"):
        monkeypatch.setenv(name, secret)
    request = make_request(**{"pre-initialize": "true"})
    notification, heads_up = notification_email(request), heads_up_email(request)
    for text in (notification.body, notification.mailto, heads_up.body, heads_up.mailto, issue_form_url(request)):
        assert secret not in text
