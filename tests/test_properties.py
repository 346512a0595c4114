"""Property tests: validation never raises, and every event it accepts produces every output.

The validator is the gate in front of the writers (pre-warm request, calendars, emails, issue
form, checklist, links, the rehearsal's pre-warm advice), so "accepted" must mean "every writer can handle it". Hypothesis
draws option dicts from near-valid values with hostile edges (extreme dates and numbers,
every time zone, control and bidi characters, secrets, odd URLs) and checks both halves.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from icalendar import Calendar
from sites import BASE

from sphinx_event_ext.model.event import Event, Problem
from sphinx_event_ext.model.schema import option_properties, validator
from sphinx_event_ext.model.validate import parse_event
from sphinx_event_ext.plan.checklist import build_checklist
from sphinx_event_ext.plan.ics import combined_calendar, event_calendar
from sphinx_event_ext.plan.links import LinkError, decode_nbgitpuller_link, event_binder_link, event_nbgitpuller_link
from sphinx_event_ext.plan.login_wave import wave_stats
from sphinx_event_ext.plan.notify import heads_up_email, issue_form_url, notification_email
from sphinx_event_ext.plan.prewarm import events_index, prewarm_request
from sphinx_event_ext.plan.rehearsal import prewarm_advice
from sphinx_event_ext.plan.timing import format_utc_hours, late_notice_advice, notice
from sphinx_event_ext.util.atomic import dumps

#: How many examples, and whether drawn at random, is the profile's (tests/conftest.py: derandomised by default).
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Characters that have broken or could break a writer: controls, bidi, separators, quotes, escapes.
HOSTILE = "\r\n\t\x00\x1b\x7f\x85\u2028\u2029\u202e\u2066\u200b\ufeff\"'<>&%#?;,\\ ٣３"
TEXT = st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from(HOSTILE), max_size=40)
SAFE_TEXT = st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=40)


def _hostile(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid value with a hostile character spliced in, or random text."""

    def splice(value: str, ch: str, where: int) -> str:
        cut = where % (len(value) + 1)
        return value[:cut] + ch + value[cut:]

    return st.one_of(st.builds(splice, valid, st.sampled_from(HOSTILE), st.integers(0, 60)), TEXT)


def _date(low: int, high: int) -> st.SearchStrategy[str]:
    return st.dates(dt.date(low, 1, 1), dt.date(high, 12, 31)).map(dt.date.isoformat)


HOST = st.from_regex(r"\A[a-z][a-z0-9-]{0,8}(\.[a-z]{2,5}){1,2}\Z")
PATH = st.text(string.ascii_letters + string.digits + "-._~/%+@", max_size=20)
QUERY = st.lists(st.tuples(st.sampled_from(["id", "page", "token", "api_key", "x", "Auth", "ref"]), PATH), max_size=2)


def _url(scheme: str, host: str, path: str, query: list[tuple[str, str]], fragment: str) -> str:
    tail = "?" + "&".join(f"{k}={v}" for k, v in query) if query else ""
    return f"{scheme}://{host}/{path}{tail}{'#' + fragment if fragment else ''}"


HTTP_URL = st.builds(_url, st.sampled_from(["https", "http"]), HOST, PATH, QUERY, st.sampled_from(["", "top", "k=v"]))
BASE_URL = st.builds(lambda host, path: f"https://{host}/{path}", HOST, PATH)
REPO = st.one_of(
    st.builds(lambda o, r: f"https://github.com/{o}/{r}", st.from_regex(r"\A[a-z0-9-]{1,8}\Z"), PATH),
    st.builds(lambda h, p: f"git@{h}:{p or 'r'}", HOST, PATH),
    st.builds(lambda p: f"file:///srv/{p}", PATH),
    st.builds(lambda h, p: f"ssh://git@{h}/{p}", HOST, PATH),
    st.sampled_from(["https://gitlab.com/g/sub/p.git", "ssh://-oProxyCommand=x/r", "-Fx@h.org:r", "git://h.org/r/"]),
)
BRANCH = st.one_of(st.from_regex(r"\A[a-z0-9][a-z0-9/._-]{0,15}\Z"), st.sampled_from(["main", "a..b", "-x", "v1.0"]))
NUMBER = st.one_of(
    st.integers(-5, 200_000).map(str),
    st.integers(0, 10**40).map(str),
    st.sampled_from(["9" * 5000, "٣٠", "\uff18\uff10", "+7", " 12 ", "1_000", "1e3", ""]),
)
MEMORY = st.one_of(
    st.builds(
        lambda n, unit, i: f"{n}{unit}{i}",
        st.one_of(st.integers(1, 5000).map(str), st.decimals(0, 5000, places=3).map(str), st.just("9" * 300)),
        st.sampled_from("KMGT"),
        st.sampled_from(["", "i"]),
    ),
    st.sampled_from(["2G", "128G", "1024T", "1025T", "0.5G", "4Gi", "512M", "1M", "1K", "0.001K"]),
)
HOURS = st.builds(
    lambda begin, length: (
        f"{begin // 60:02d}:{begin % 60:02d}-{(begin + length) // 60:02d}:{(begin + length) % 60:02d}"
    ),
    st.integers(0, 23 * 60),
    st.integers(1, 16 * 60),
).filter(lambda text: text[6:8] < "24")
NAME = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,20}\Z")
GLOB = st.lists(st.sampled_from(["**/*.ipynb", "nb/*.ipynb", "a b/*.ipynb", "../x", "/etc/*", "*.md"]), min_size=1)
ZONES = [*sorted(zone for zone in available_timezones() if "/" in zone), "UTC", "PST", "EST", "Mars/Base"]

OPTIONS: dict[str, st.SearchStrategy[str]] = {
    "id": NAME.map(str.lower),
    "hub": BASE_URL,
    "start": _date(1995, 2205),
    "end": _date(1995, 2205),
    "active-hours": HOURS,
    "timezone": st.sampled_from(ZONES),
    "attendees": NUMBER,
    "pre-initialize": st.sampled_from(["true", "false", "yes", "maybe"]),
    "content-repo": REPO,
    "content-branch": BRANCH,
    "notebooks": GLOB.map(", ".join),
    "environment-repo": REPO,
    "image": st.sampled_from(["quay.io/org/img:2027.03", "python:3.12", "bad image"]),
    "app": st.sampled_from(["lab", "notebook", "retro", "rstudio", "shiny", "vscode"]),
    "target-path": st.one_of(PATH.filter(bool), st.sampled_from([".", "a/./b", "../x"])),
    "binderhub": BASE_URL,
    "notified": _date(1995, 2205),
    "ticket": HTTP_URL,
    "contact": SAFE_TEXT,
    "notes": st.text(max_size=200),
    "memory-per-user": MEMORY,
    "node-memory": MEMORY,
    "cluster": NAME,
    "hub-name": NAME,
    "kernel": NAME,
    "allow-errors": st.sampled_from(["true", "false"]),
    "timeout": NUMBER,
    "compare-outputs": st.sampled_from(["true", "off"]),
}
REQUIRED = ["hub", "start", "end", "active-hours", "timezone", "attendees"]


@st.composite
def event_options(draw: st.DrawFn) -> dict[str, str]:
    """The required options (dates close together, so many events are valid), some optional ones, and
    sometimes one option made hostile."""
    start = draw(st.dates(dt.date(1998, 1, 1), dt.date(2202, 12, 31)))
    length = draw(st.one_of(st.integers(-1, 10), st.integers(-1, 10), st.sampled_from([366, 367])))
    names = [*REQUIRED, *draw(st.sets(st.sampled_from([n for n in OPTIONS if n not in REQUIRED]), max_size=8))]
    options = {name: draw(OPTIONS[name]) for name in names}
    options["start"] = start.isoformat()
    options["end"] = (start + dt.timedelta(days=length)).isoformat()
    options["attendees"] = draw(st.one_of(st.integers(1, 100_000).map(str), NUMBER))
    if "notified" in options:
        options["notified"] = (start - dt.timedelta(days=draw(st.integers(-2, 400)))).isoformat()
    pairs = {"cluster": "hub-name", "hub-name": "cluster", "content-branch": "content-repo"}
    for name, partner in pairs.items():
        if name in options and partner not in options:
            options[partner] = draw(OPTIONS[partner])
    corrupt = draw(st.one_of(st.none(), st.sampled_from(names)))
    if corrupt is not None:
        options[corrupt] = draw(_hostile(st.just(options[corrupt])))
    note(f"options: {options!r}")
    return options


TITLE = st.one_of(SAFE_TEXT, TEXT, st.none())


@SETTINGS
@given(
    title=TITLE,
    options=st.one_of(
        event_options(),
        st.dictionaries(st.sampled_from([*option_properties(), "shared-password", "timezon"]) | TEXT, TEXT),
    ),
)
def test_validation_never_raises_it_only_reports_problems(title: str | None, options: dict[str, str]) -> None:
    result = parse_event(title, options, default_id="events/x")
    assert (result.event is None) == bool(result.problems)
    for problem in result.problems:
        assert isinstance(problem, Problem)
        assert isinstance(problem.option, str) and problem.message
        assert len(problem.message) < 2000, problem  # a 5,000-digit value is not echoed in full
    if result.event is not None:
        assert isinstance(result.event, Event)


def _every_output(event: Event, today: dt.date, notice_days: int, lead: int) -> None:
    """Everything the build and the CLI make from one event, checked for shape where it has one."""
    request = prewarm_request(event, today=today, notice_days=notice_days, lead_minutes=lead, page_url=None)
    validator("prewarm").validate(request)
    dumps(events_index([request])).encode("utf-8")
    for email in (notification_email(request), heads_up_email(request)):
        assert "\n" not in email.subject and "\r" not in email.subject
        email.mailto.encode("ascii")
    issue_form_url(request, hub_name=event.hub_name).encode("ascii")
    for data in (event_calendar(event, today=today), combined_calendar([event], today=today)):
        assert data.count(b"BEGIN:VEVENT") == len(event.days)
    other = replace(event, id="zz-other-event", timezone="UTC")
    assert combined_calendar([event, other], today=today).count(b"BEGIN:VEVENT") == 2 * len(event.days)
    if len(event.days) <= 7:  # reading a calendar back is slow; short events are enough to prove it parses
        assert len(Calendar.from_ical(data).walk("VEVENT")) == len(event.days)
    verdict = notice(event, today, notice_days)
    late_notice_advice(event, verdict, notice_days)
    assert verdict.label
    format_utc_hours(event)
    assert len(build_checklist(event, notice_days)) == len(build_checklist(None, notice_days))
    for wave in (wave_stats([]), wave_stats([1.0, 400.0, None])):
        assert prewarm_advice(event, wave)["attendees"] == event.attendees
    if event.content_repo:
        link = event_nbgitpuller_link(event)  # a hub link exists for every valid content repo
        decoded = decode_nbgitpuller_link(link)
        assert (decoded.repo, decoded.branch) == (event.content_repo, event.content_branch)
        assert urlsplit(link).hostname == urlsplit(event.hub).hostname
        try:
            event_binder_link(event)
        except LinkError as error:  # Binder cannot reach file: URLs or odd paths: a warning in the build
            assert str(error).split(":")[0] in ("repo", "env_repo", "content-repo")


#: Cases Hypothesis found once by chance: validate accepted them, and the link builders refused them.
FOUND = (
    {"content-repo": "https://github.com/o/."},
    {"content-repo": "https://github.com/o/lesson", "target-path": "."},
    {"content-repo": "https://github.com/o/lesson", "target-path": "%"},
    {"content-repo": "https://github.com/o/lesson?x=1"},
    {"content-repo": "git@h.org:o/..", "target-path": "lesson"},
)


@SETTINGS
@given(
    title=SAFE_TEXT,
    options=event_options(),
    today=st.dates(),
    notice_days=st.integers(1, 3650),
    lead=st.integers(1, 10080),
)
@example(title="T", options={**BASE, **FOUND[0]}, today=dt.date(2026, 12, 1), notice_days=14, lead=60)
@example(title="T", options={**BASE, **FOUND[1]}, today=dt.date(2026, 12, 1), notice_days=14, lead=60)
@example(title="T", options={**BASE, **FOUND[2]}, today=dt.date(2026, 12, 1), notice_days=14, lead=60)
@example(title="T", options={**BASE, **FOUND[3]}, today=dt.date(2026, 12, 1), notice_days=14, lead=60)
@example(title="T", options={**BASE, **FOUND[4]}, today=dt.date(2026, 12, 1), notice_days=14, lead=60)
def test_every_accepted_event_produces_every_output(
    title: str, options: dict[str, str], today: dt.date, notice_days: int, lead: int
) -> None:
    result = parse_event(title, options, default_id="events/x")
    if result.event is None:
        return
    _every_output(result.event, today, notice_days, lead)


def test_the_found_cases_are_refused_at_their_option() -> None:
    for options in FOUND:
        result = parse_event("T", {**BASE, **options}, default_id="x")
        assert result.event is None, options
        named = {problem.option for problem in result.problems}
        assert named and named <= set(options), (options, result.problems)


def test_the_generator_reaches_valid_events() -> None:
    """Guard against a property test that silently tests nothing: many drawn events must be valid."""
    accepted: list[Any] = []

    @settings(max_examples=100, deadline=None, database=None)
    @given(options=event_options())
    def count(options: dict[str, str]) -> None:
        accepted.append(parse_event("T", options, default_id="x").event is not None)

    count()
    assert sum(accepted) >= len(accepted) // 10, (sum(accepted), len(accepted))  # about a third, measured
