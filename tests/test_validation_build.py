"""Every category of bad metadata fails a real build with its own message at the directive's line."""

from __future__ import annotations

import re

import pytest
from sites import GOOD_OPTIONS, event_block

from sphinx_event_ext.model.directive import option_lines


def _replace(option: str, value: str | None) -> str:
    """GOOD_OPTIONS with one option changed (value) or removed (None)."""
    lines = [line for line in GOOD_OPTIONS.splitlines() if not line.startswith(f":{option}:")]
    if value is not None:
        lines.append(f":{option}: {value}")
    return "\n".join(lines) + "\n"


CASES = [
    ("missing hub", _replace("hub", None), "hub", "missing required option"),
    ("missing timezone", _replace("timezone", None), "timezone", "missing required option"),
    ("impossible date", _replace("start", "2027-02-30"), "start", "no such day in the calendar"),
    ("non-ISO date", _replace("start", "10/03/2027"), "start", "YYYY-MM-DD"),
    ("end before start", _replace("end", "2027-03-01"), "end", "before start 2027-03-10"),
    ("malformed hours", _replace("active-hours", "9am-5pm"), "active-hours", "HH:MM-HH:MM"),
    ("empty hours", _replace("active-hours", ""), "active-hours", "got an empty value"),
    ("hours reversed", _replace("active-hours", "17:00-09:00"), "active-hours", "the end is not after the start"),
    ("unknown zone", _replace("timezone", "Mars/Olympus"), "timezone", "unknown time zone"),
    ("ambiguous abbreviation", _replace("timezone", "PST"), "timezone", "America/Los_Angeles"),
    ("zero attendees", _replace("attendees", "0"), "attendees", "got '0'"),
    ("negative attendees", _replace("attendees", "-5"), "attendees", "got '-5'"),
    ("fractional attendees", _replace("attendees", "12.5"), "attendees", "got '12.5'"),
    (
        "non-boolean flag",
        GOOD_OPTIONS + ":pre-initialize: maybe\n",
        "pre-initialize",
        "expected true or false, got 'maybe'",
    ),
    ("typo option", GOOD_OPTIONS + ":atendees: 3\n", "atendees", "did you mean 'attendees'?"),
    ("javascript hub", _replace("hub", "javascript:alert(1)"), "hub", "javascript: is not allowed"),
    ("data hub", _replace("hub", "data:text/html,hi"), "hub", "data: is not allowed"),
    ("ftp binderhub", GOOD_OPTIONS + ":binderhub: ftp://binder.example.org\n", "binderhub", "ftp: is not allowed"),
    ("not a git url", GOOD_OPTIONS + ":content-repo: javascript:alert(1)\n", "content-repo", "not a git transport"),
    (
        "credentials in repo",
        GOOD_OPTIONS + ":content-repo: https://me:s3cret@github.com/org/repo\n",
        "content-repo",
        "credentials",
    ),
    (
        "token user in repo",
        GOOD_OPTIONS + ":content-repo: https://ghp_abc@github.com/org/repo\n",
        "content-repo",
        "credentials",
    ),
    (
        "bad branch",
        GOOD_OPTIONS + ":content-repo: https://github.com/org/repo\n:content-branch: feature..x\n",
        "content-branch",
        "git refuses this branch name",
    ),
    ("glob escapes", GOOD_OPTIONS + ":notebooks: ../secret/*.ipynb\n", "notebooks", "'..' would leave the folder"),
    ("absolute glob", GOOD_OPTIONS + ":notebooks: /etc/*.ipynb\n", "notebooks", "absolute paths are not allowed"),
    ("target path escapes", GOOD_OPTIONS + ":target-path: ../../elsewhere\n", "target-path", "'..' would leave"),
    ("absolute target path", GOOD_OPTIONS + ":target-path: /home/jovyan\n", "target-path", "absolute paths"),
    ("notified after start", _replace("notified", "2027-03-12"), "notified", "after start 2027-03-10"),
    ("password option", GOOD_OPTIONS + ":shared-password: hunter2\n", "shared-password", "must never be published"),
    ("missing content folder", GOOD_OPTIONS + ":content-path: nowhere\n", "content-path", "no such folder"),
    ("unknown app", GOOD_OPTIONS + ":app: vscode\n", "app", "one of lab, notebook, retro, rstudio, shiny"),
    ("year 9999", _replace("start", "9999-12-30"), "start", "outside the supported range 2000-01-01 to 2200-12-31"),
    ("year 1", _replace("end", "0001-01-01"), "end", "outside the supported range"),
    ("5000-digit attendees", _replace("attendees", "9" * 5000), "attendees", "(at most 100000)"),
    ("huge memory", GOOD_OPTIONS + f":node-memory: {'9' * 300}G\n", "node-memory", "at most 1024T"),
    ("Arabic-Indic attendees", _replace("attendees", "٣٠"), "attendees", "use ASCII digits 0-9"),
    ("full-width date", _replace("start", "\uff12\uff10\uff12\uff17-03-10"), "start", "use ASCII digits 0-9"),
    ("bidi contact", GOOD_OPTIONS + ":contact: Jane \u202eexe.gnp\n", "contact", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("escape in ticket", GOOD_OPTIONS + ":ticket: https://t.org/1\x1b[2J\n", "ticket", "U+001B (an escape character)"),
    ("secret in ticket", GOOD_OPTIONS + ":ticket: https://t.org/1#access_token=x\n", "ticket", "'access_token'"),
    (
        "ssh option as host",
        GOOD_OPTIONS + ":content-repo: ssh://-oProxyCommand=touch%20x/repo\n",
        "content-repo",
        "host starts with '-'",
    ),
]


@pytest.mark.parametrize(("name", "options", "option", "fragment"), CASES, ids=[case[0] for case in CASES])
def test_bad_input_fails_with_message_at_line(build_site, name, options, option, fragment):
    page = "# Event\n\nSome text.\n\n" + event_block(options=options)
    result = build_site({"index": page})
    assert result.status != 0
    errors = [line for line in result.warnings.splitlines() if "ERROR" in line]
    matching = [line for line in errors if f"event option '{option}'" in line]
    assert matching, result.warnings
    assert any(fragment in line for line in matching), matching
    # At the option's own line; at the directive's line (5) for an option that is not written.
    written = [number for number, text in enumerate(page.splitlines(), 1) if text.startswith(f":{option}:")]
    line = written[0] if written else 5
    assert all(re.search(rf"index\.md:{line}: ERROR", line_text) for line_text in matching), (line, matching)
    assert "Traceback" not in result.warnings


def test_every_problem_is_reported_at_once(build_site):
    options = ":hub: ftp://x.org\n:start: 2027-13-01\n:end: 2027-03-11\n:active-hours: 9-5\n:timezone: EST\n:attendees: lots\n"
    result = build_site({"index": "# Event\n\n" + event_block(options=options)})
    assert result.status != 0
    for option in ("hub", "start", "active-hours", "timezone", "attendees"):
        assert f"event option '{option}'" in result.warnings, option


def test_missing_title_is_reported(build_site):
    result = build_site({"index": "# Event\n\n" + event_block(title="", options=GOOD_OPTIONS)})
    assert result.status != 0
    assert "event option 'title': missing" in result.warnings


def test_duplicate_ids_across_pages(build_site):
    page = "# TITLE\n\n" + event_block(options=GOOD_OPTIONS + ":id: geo\n")
    result = build_site({"one": page.replace("TITLE", "One"), "two": page.replace("TITLE", "Two")})
    assert result.status != 0
    assert re.search(r"two\.md:3: ERROR: event id: 'geo' is already used by the event at .*one\.md:3", result.warnings)


def test_default_ids_differ_per_page(build_site):
    page = "# TITLE\n\n" + event_block()
    result = build_site({"one": page.replace("TITLE", "One"), "sub/two": page.replace("TITLE", "Two")})
    assert result.status == 0, result.warnings
    assert result.soup("one").select_one("#event-one") is not None
    assert result.soup("sub/two").select_one("#event-sub-two") is not None


def test_invalid_events_fail_again_on_an_incremental_build(build_site):
    page = "# Event\n\n" + event_block(options=_replace("attendees", "many"))
    first = build_site({"index": page})
    second = build_site({"index": page})
    assert first.status != 0
    assert second.status != 0
    assert "event option 'attendees'" in second.warnings


def test_bad_config_value_is_an_error_not_a_traceback(build_site):
    result = build_site({"index": "# Event\n\n" + event_block()}, conf="event_notice_days = -3\nevent_today = 'soon'\n")
    assert result.status != 0
    assert "event_notice_days: expected a positive whole number, got -3" in result.warnings
    assert "event_today: expected a date YYYY-MM-DD, got 'soon'" in result.warnings


QUOTING_MISTAKE = GOOD_OPTIONS.replace(":hub: https://geo.hub.example.org", ':hub: "https://geo.hub.example.org')


def test_a_quoting_mistake_is_one_problem_with_mysts_message(build_site):
    result = build_site({"index": "# Event\n\nText.\n\n" + event_block(options=QUOTING_MISTAKE)})
    assert result.status != 0
    errors = [line for line in result.warnings.splitlines() if "[event.invalid]" in line]
    assert len(errors) == 1, result.warnings
    assert re.search(
        r"index\.md:5: ERROR: event option 'options': MyST could not read the options block "
        r"\(Invalid options format: found unexpected end of stream at line 12\), so no option was read",
        errors[0],
    ), errors[0]
    assert "missing required option" not in result.warnings
    assert "index.md:12: WARNING: 'event': Invalid options format" in result.warnings  # MyST's own, kept


def test_a_closed_quote_is_fine(build_site):
    options = GOOD_OPTIONS.replace(":hub: https://geo.hub.example.org", ':hub: "https://geo.hub.example.org"')
    result = build_site({"index": "# Event\n\n" + event_block(options=options)})
    assert result.status == 0, result.warnings


def test_option_lines_in_every_option_syntax():
    fields = ":hub: https://x.org\n:notes: first line\n  second line\n:start: 2027-01-01\n\nBody :end: not an option\n"
    assert option_lines(fields) == {"hub": 0, "notes": 1, "start": 3}
    yaml = "---\nhub: https://x.org\nstart: 2027-01-01\n---\nBody text\n"
    assert option_lines(yaml) == {"hub": 1, "start": 2}
    rst = "   :hub: https://x.org\n   :start: 2027-01-01\n\n   Body\n"
    assert option_lines(rst) == {"hub": 0, "start": 1}
    assert option_lines(":start: 2027-01-01\n:start: 2027-02-01\n") == {"start": 1}


def test_missing_required_option_names_the_directive_line(build_site):
    options = GOOD_OPTIONS.replace(":hub: https://geo.hub.example.org\n", "")
    result = build_site({"index": "# Event\n\nText.\n\n" + event_block(options=options)})
    assert result.status != 0
    assert re.search(r"index\.md:5: ERROR: event option 'hub': missing required option", result.warnings)


def test_yaml_option_block_errors_at_the_option_line(build_site):
    page = (
        "# Event\n\n```{event} Geo\n---\n"
        + GOOD_OPTIONS.replace(":", "", 1).replace("\n:", "\n").replace("attendees: 80", "attendees: many")
        + "---\n```\n"
    )
    result = build_site({"index": page})
    assert result.status != 0
    line = page.splitlines().index("attendees: many") + 1
    assert re.search(rf"index\.md:{line}: ERROR: event option 'attendees'", result.warnings), result.warnings
