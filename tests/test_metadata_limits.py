"""Metadata the rest of the program cannot handle is refused by validation, with a message that says why.

Issue 9, items 3 and 8: extreme dates and numbers crashed the outputs, and control characters,
bidirectional overrides, secrets in URLs, option-like git URLs and non-ASCII digits were accepted.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from sites import BASE

from sphinx_event_ext.model.config import EventConfig, config_values
from sphinx_event_ext.model.formats import check_git_url, check_http_url
from sphinx_event_ext.model.schema import option_properties, validator
from sphinx_event_ext.model.validate import parse_event
from sphinx_event_ext.plan.ics import event_calendar
from sphinx_event_ext.plan.prewarm import prewarm_request
from sphinx_event_ext.plan.timing import notice

TODAY = dt.date(2027, 1, 10)


def problems(title: str = "Workshop", **options: str) -> dict[str, str]:
    """The problems of an event made of the valid BASE options with some replaced, by option."""
    result = parse_event(title, {**BASE, **options}, default_id="events/geo")
    assert (result.event is None) == bool(result.problems)
    return {problem.option: problem.message for problem in result.problems}


def valid_example(name: str, spec: dict[str, Any]) -> str:
    """An option's first schema example as the directive's raw string."""
    example = spec["examples"][0]
    return ", ".join(example) if isinstance(example, list) else str(example).lower()


# --- item 3: extremes -------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2201-01-01"])
def test_dates_outside_the_supported_range_are_refused(day: str) -> None:
    found = problems(start=day, end=day)
    assert "outside the supported range 2000-01-01 to 2200-12-31" in found["start"]
    assert "outside the supported range" in found["end"]
    assert "outside the supported range" in problems(notified=day)["notified"]


@pytest.mark.parametrize(("start", "end"), [("2000-01-01", "2000-01-02"), ("2200-12-30", "2200-12-31")])
def test_the_edges_of_the_range_produce_every_dated_output(start: str, end: str) -> None:
    event = parse_event("Edge", {**BASE, "start": start, "end": end, "pre-initialize": "yes"}, default_id="e").event
    assert event is not None
    request = prewarm_request(event, today=TODAY, notice_days=365, lead_minutes=24 * 60)
    assert request["event_begin"].startswith(start)
    assert request["notify_by"] == (event.start - dt.timedelta(days=365)).isoformat()
    assert b"BEGIN:VEVENT" in event_calendar(event, today=TODAY)
    assert notice(event, TODAY, 365).notify_by < event.start


def test_an_event_longer_than_a_year_is_refused() -> None:
    found = problems(start="2027-01-01", end="2028-01-03")
    assert "367 days after start 2027-01-01" in found["end"]
    assert problems(start="2027-01-01", end="2028-01-01") == {}  # 2027 has 365 days: 365 after start is fine


@pytest.mark.parametrize("digits", [19, 400, 5000, 100_000])
def test_huge_attendee_counts_are_refused_with_the_bound(digits: int) -> None:
    message = problems(attendees="9" * digits)["attendees"]
    assert "(at most 100000)" in message
    assert len(message) < 300  # the value is shown clipped, not 5,000 digits long


def test_attendee_bounds_are_named() -> None:
    assert "(at most 100000)" in problems(attendees="100001")["attendees"]
    assert "(at least 1)" in problems(attendees="0")["attendees"]
    assert problems(attendees="000000000000000000000000080") == {}  # leading zeros are not digits of size
    assert "(at most 200 characters)" in problems(contact="x" * 201)["contact"]


@pytest.mark.parametrize("option", ["memory-per-user", "node-memory"])
@pytest.mark.parametrize("size", ["9" * 300 + "G", "1025T", "99999999999999999999K"])
def test_huge_memory_sizes_are_refused_with_the_bound(option: str, size: str) -> None:
    message = problems(**{option: size})[option]
    assert "at most 1024T" in message
    assert len(message) < 400


def test_the_largest_memory_size_is_accepted() -> None:
    assert problems(**{"node-memory": "1024T", "memory-per-user": "0.5T"}) == {}


@pytest.mark.parametrize("size", ["1K", "0.001K", "1023K"])
def test_sizes_that_round_to_zero_gib_are_refused(size: str) -> None:
    assert "at least 1M" in problems(**{"memory-per-user": size})["memory-per-user"]


def test_the_smallest_memory_size_gives_a_request_its_schema_accepts() -> None:
    event = parse_event("Tiny", {**BASE, "memory-per-user": "1M"}, default_id="e").event
    assert event is not None
    request = prewarm_request(event, today=TODAY)
    validator("prewarm").validate(request)
    assert request["capacity"]["memory_per_user_gib"] == 0.001


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("notice_days", 10**9, "expected at most 3650 days, got 1000000000"),
        ("prewarm_lead_minutes", 10**12, "expected at most 10080 minutes"),
    ],
)
def test_config_values_that_would_push_dates_out_of_the_calendar_are_refused(
    name: str, value: int, message: str
) -> None:
    conf = SimpleNamespace(**{key: default for key, default, _, _ in config_values()})
    setattr(conf, f"event_{name}", value)
    config, found = EventConfig.from_sphinx(conf)
    assert found == [f"event_{name}: {message}"] if name == "notice_days" else message in found[0]
    assert getattr(config, name) == getattr(EventConfig(), name)  # the default is used instead


# --- item 8: characters -----------------------------------------------------------------------

SINGLE_LINE = [
    name
    for name, spec in option_properties().items()
    if spec.get("type") in ("string", "array") and not spec.get("x-multiline") and "enum" not in spec
]
BAD_CHARACTERS = {
    "\r": "U+000D (a carriage return)",
    "\n": "U+000A (a line feed)",
    "\x1b": "U+001B (an escape character)",
    "\x00": "U+0000",
    "\x85": "U+0085",
    "\u2028": "U+2028 (LINE SEPARATOR)",
}
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def test_every_single_line_option_is_covered() -> None:
    assert {"hub", "ticket", "contact", "content-repo", "content-branch", "binderhub", "cluster"} <= set(SINGLE_LINE)


@pytest.mark.parametrize("name", SINGLE_LINE)
@pytest.mark.parametrize("character", list(BAD_CHARACTERS))
def test_control_characters_are_refused_in_single_line_options(name: str, character: str) -> None:
    spec = option_properties()[name]
    value = valid_example(name, spec)
    if spec.get("type") == "array" and character == "\n":
        # A line break separates a list's items (notebook globs, profile choices), as a comma does: the
        # item after it is judged on its own (tested below).
        assert name in ("notebooks", "profile-options")
        message = problems(**{name: value[:3] + character + "X-INJECTED: 1"}).get(name, "")
        assert name == "notebooks" or "X-INJECTED: 1" in message, message  # refused, and named
        return
    injected = value[:3] + character + "X-INJECTED: 1"
    extra = {"content-repo": "https://github.com/org/repo"} if name == "content-branch" else {}
    message = problems(**{**extra, name: injected})[name]
    assert BAD_CHARACTERS[character] in message
    assert f"at character {len(value[:3]) + 1}" in message


@pytest.mark.parametrize("name", [*SINGLE_LINE, "notes"])
@pytest.mark.parametrize("character", BIDI)
def test_bidirectional_controls_are_refused_everywhere(name: str, character: str) -> None:
    value = valid_example(name, option_properties()[name])
    extra = {"content-repo": "https://github.com/org/repo"} if name == "content-branch" else {}
    message = problems(**{**extra, name: value[:2] + character + value[2:]})[name]
    assert f"U+{ord(character):04X}" in message
    assert "bidirectional" in message


@pytest.mark.parametrize("character", ["\u202e", "\r", "\x1b", "\t"])
def test_the_title_is_checked_too(character: str) -> None:
    assert f"U+{ord(character):04X}" in problems(title=f"Intro{character}gnp.exe")["title"]


def test_lone_surrogates_are_refused() -> None:
    assert "not valid Unicode text" in problems(contact="Jane \ud800")["contact"]


def test_notes_may_span_lines_but_not_hold_other_controls() -> None:
    assert problems(notes="First line\r\nSecond\tline\nThird") == {}
    assert "U+001B" in problems(notes="Red \x1b[31m text")["notes"]


# --- item 8: URLs -----------------------------------------------------------------------------

SECRET_NAMES = ["token", "api_key", "apikey", "access_token", "password", "secret", "key", "auth", "X-Api-Key",
                "client_secret", "private_token", "sig", "Authorization", "sessionId",
                # One lower-case word that ends in a secret word: found by the normalised name's ending.
                "accesstoken", "privatetoken", "authtoken", "ghtoken", "clientsecret", "X-Amz-Signature",
                "dbpassword", "xapikey", "oauthcredentials",
                # A short word (key, auth) run together with one that makes it a secret's name.
                "passkey", "privatekey", "AWSAccessKey", "secretkey", "xoauth", "passcode"]  # fmt: skip


@pytest.mark.parametrize("name", SECRET_NAMES)
@pytest.mark.parametrize("where", ["?", "#", "?page=2&"])
def test_secret_looking_parameters_are_refused_and_named(name: str, where: str) -> None:
    kind = "fragment" if where == "#" else "query"
    for option, url in (
        ("ticket", f"https://support.example.org/t/1{where}{name}=s3cr3t"),
        ("content-repo", f"https://github.com/org/repo{where}{name}=s3cr3t"),
    ):
        message = problems(**{option: url})[option]
        assert f"the URL's {kind} has the parameter {name!r}, which looks like a secret" in message


@pytest.mark.parametrize(
    "url",
    [
        "https://support.example.org/t/1?id=42",
        "https://github.com/org/infra/issues/12#issuecomment-99",
        "https://support.example.org/t/1#key-dates",
        "https://support.example.org/t/1?monkey=1&author=me&keyword=x",
        "https://support.example.org/t/1?design=1&donkey=2&turkey=3&tokens_left=4&assign=5",
        "https://support.example.org/t/1?hotkey=1&whiskey=2&keystone=3&hockey=4",
        "https://support.example.org/t/1?token",
    ],
)
def test_ordinary_parameters_and_anchors_pass(url: str) -> None:
    assert check_http_url(url) == url


@pytest.mark.parametrize(
    "url", ["https://hub.example.org/a b", "https://hub.example.org/\tx", "https://hub.exa mple.org"]
)
def test_urls_hold_no_whitespace(url: str) -> None:
    assert "hub" in problems(hub=url)


@pytest.mark.parametrize(
    ("option", "url"), [("hub", "https://hub.example.org/?next=x"), ("binderhub", "https://b.org/#x")]
)
def test_base_urls_hold_no_query_or_fragment(option: str, url: str) -> None:
    assert "query or fragment, which links built under it would lose" in problems(**{option: url})[option]


@pytest.mark.parametrize(
    ("url", "part"),
    [
        ("ssh://-oProxyCommand=touch%20pwned/repo", "host"),
        ("ssh://-oProxyCommand=x@host.org/repo", "user"),
        ("-Fconfig@host.org:org/repo", None),
        ("git@host.org:-upload-pack=x", "path"),
        ("git@-oProxyCommand=x:org/repo", None),
        ("host.example.org:-oProxyCommand=x", "path"),
        ("ssh://host.org:-1/repo", "port"),
    ],
)
def test_option_like_git_urls_are_refused_before_git_sees_them(url: str, part: str | None) -> None:
    with pytest.raises(ValueError, match=f"URL's {part}" if part else "URL") as error:
        check_git_url(url)
    assert "'-'" in str(error.value) or part == "port"
    assert "content-repo" in problems(**{"content-repo": url})


# --- item 8: digits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("attendees", "٣٠"),  # Arabic-Indic 30: Python's int() reads it
        ("attendees", "\uff13\uff10"),  # full-width
        ("start", "\uff12\uff10\uff12\uff17-03-13"),
        ("end", "2027-03-\uff11\uff15"),
        ("active-hours", "\uff10\uff19:00-17:00"),
        ("memory-per-user", "\uff12G"),
        ("timeout", "६०"),  # Devanagari 60
    ],
)
def test_digits_of_other_scripts_get_a_clear_message(option: str, value: str) -> None:
    message = problems(**{option: value})[option]
    assert "use ASCII digits 0-9" in message
    assert "no such day" not in message
