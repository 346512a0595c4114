"""``sphinx-event new --from-issue``: an event page started from the hub team's issue, then validated and built."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from issues import github_stand_in, issue_json

TICKET = "https://github.com/example/hub-events/issues/7"
BUILD_CONF = "event_today = '2027-01-01'\n"
#: An issue the form filled in without doubt: every value is filled in.
CLEAR = {
    "start": "March 13th, 2027, 9AM MST",
    "end": "March 15, 2027",
    "hours": "9am - 5pm US/Mountain",
    "attendees": "45",
    "hub": "geo.hub.example.org",
}
#: An issue as people often leave it: a date with no year, hours with no zone, attendees "TBD".
VAGUE = {**CLEAR, "start": "Feb. 16 at 10 AM", "end": "2027-02-17", "hours": "9AM - 5PM", "attendees": "TBD"}
PROBLEM = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<option>[a-z-]+): (?P<message>.*)$")


def save_issue(folder: Path, **values: str) -> Path:
    path = folder / "issue.json"
    path.write_text(json.dumps(issue_json(**values)), "utf-8")
    return path


def option_lines(text: str) -> dict[str, str]:
    """The event directive's option values by name."""
    return dict(re.findall(r"^:([a-z-]+): (.*)$", text, re.M))


def problems(output: str) -> dict[str, tuple[int, str]]:
    """``FILE:LINE: OPTION: message`` lines as {option: (line, message)}."""
    found = {}
    for line in output.splitlines():
        match = PROBLEM.match(line.strip())
        if match:
            found[match["option"]] = (int(match["line"]), match["message"])
    return found


def built_page(build_site, page: Path) -> str:
    built = build_site({f"events/{page.stem}": page.read_text("utf-8")}, conf=BUILD_CONF)
    assert built.status == 0, built.warnings
    assert built.warnings == "", built.warnings
    card = built.soup(f"events/{page.stem}").select_one(".event-card")
    assert card is not None
    return card.get_text(" ", strip=True)


def test_a_clear_issue_gives_a_page_that_validates_and_builds(tmp_path, cli, build_site):
    issue = save_issue(tmp_path, **CLEAR)
    made = cli("new", "--from-issue", str(issue), "--dir", "events", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    page = tmp_path / "events" / "geo.md"
    assert made.stderr.strip() == (
        f"sphinx-event new: wrote events/geo.md from {TICKET}; check it with: sphinx-event validate events/geo.md"
    )
    text = page.read_text("utf-8")
    assert text.startswith("# geo\n") and "FILL IN" not in text
    assert option_lines(text) == {
        "id": "geo",
        "hub": "https://geo.hub.example.org",
        "start": "2027-03-13",
        "end": "2027-03-15",
        "active-hours": "09:00-17:00",
        "timezone": "America/Denver",
        "attendees": "45",
        "pre-initialize": "false",
        "ticket": TICKET,
    }
    checked = cli("validate", "events/geo.md", cwd=tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
    card = built_page(build_site, page)
    assert "45" in card and "America/Denver" in card and "geo.hub.example.org" in card


def test_a_vague_issue_leaves_placeholders_that_validate_names_at_their_lines(tmp_path, cli, build_site):
    issue = save_issue(tmp_path, **VAGUE)
    made = cli("new", "--from-issue", str(issue), "--dir", "events", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    page = tmp_path / "events" / "geo.md"
    lines = page.read_text("utf-8").splitlines()

    checked = cli("validate", "events/geo.md", cwd=tmp_path)
    assert checked.returncode == 1
    reported = problems(checked.stdout)
    # Exactly the vague fields, nothing else: the hub (no scheme), the end and the hours are clear.
    assert set(reported) == {"start", "timezone", "attendees"}
    assert len(checked.stdout.splitlines()) == 3
    for option, (line, message) in reported.items():
        assert lines[line - 1].startswith(f":{option}: FILL IN: "), (option, line)
        assert message.startswith("to fill in: ")
    assert reported["start"][1].startswith('to fill in: the first day, YYYY-MM-DD (the issue says "Feb. 16 at 10 AM"')
    assert "perhaps 2027-02-16, no year given" in reported["start"][1]
    assert reported["timezone"][1] == (
        'to fill in: an IANA time zone such as America/Chicago (the issue says "9AM - 5PM")'
    )
    assert reported["attendees"][1] == 'to fill in: one whole number (the issue says "TBD")'
    # What new printed is what validate says, line for line, and the command to run.
    assert problems(made.stderr) == reported
    assert "3 value(s) to fill in" in made.stderr
    assert made.stderr.rstrip().endswith("then check the page with: sphinx-event validate events/geo.md")
    assert "% What the issue leaves unclear is marked FILL IN below (start, timezone, attendees):" in lines
    # A build reports the same placeholders, at the same lines, and fails.
    unfilled = build_site({"events/geo": page.read_text("utf-8")}, conf=BUILD_CONF)
    assert unfilled.status != 0
    assert {
        (int(line), option)
        for line, option in re.findall(
            r"geo\.md:(\d+): ERROR: event option '([a-z-]+)': to fill in: ", unfilled.warnings
        )
    } == {(line, option) for option, (line, _) in reported.items()}

    filled = {"start": "2027-02-16", "timezone": "America/Chicago", "attendees": "40"}
    text = "\n".join(f":{o}: {filled[o]}" if (o := line[1:].split(":")[0]) in reported else line for line in lines)
    page.write_text(text + "\n", "utf-8")
    checked = cli("validate", "events/geo.md", cwd=tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
    card = built_page(build_site, page)
    assert "America/Chicago" in card and "40" in card


def test_a_sure_value_the_page_refuses_becomes_a_placeholder(tmp_path, cli):
    # The issue is clear but wrong: it ends before it starts. The page is written, end left to fill in.
    issue = save_issue(tmp_path, **{**CLEAR, "end": "March 10, 2027"})
    made = cli("new", "--from-issue", str(issue), "--dir", "events", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    checked = cli("validate", "events", cwd=tmp_path)
    (line, message), *_ = problems(checked.stdout).values()
    assert list(problems(checked.stdout)) == ["end"]
    assert message.startswith("to fill in: expected an ISO date, YYYY-MM-DD, on or after start")
    assert "got '2027-03-10', which is before start 2027-03-13 (as read from the issue)" in message
    assert (tmp_path / "events" / "geo.md").read_text("utf-8").splitlines()[line - 1].startswith(":end: FILL IN: ")


def test_an_issue_without_the_form_leaves_every_required_option_to_fill_in(tmp_path, cli):
    issue = tmp_path / "issue.json"
    issue.write_text(json.dumps({**issue_json(), "title": "Our hub", "body": "Please help."}), "utf-8")
    made = cli("new", "--from-issue", str(issue), "--template", "hackathon", "--dir", "events", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    checked = cli("validate", "events/our-hub.md", cwd=tmp_path)
    reported = problems(checked.stdout)
    assert set(reported) == {"hub", "start", "end", "active-hours", "timezone", "attendees"}
    assert "(the issue has no 'Number of attendees' field)" in reported["attendees"][1]
    assert "(the issue has no 'The date when the event will start' field)" in reported["start"][1]


def test_the_issue_url_is_fetched_from_github(tmp_path, cli, monkeypatch):
    # A local HTTP server on 127.0.0.1 stands in for GitHub's REST API, which cannot be reached here.
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with github_stand_in() as github:
        monkeypatch.setenv("GITHUB_API_URL", github.url)
        github.issues["/repos/example/hub-events/issues/7"] = (200, issue_json(**VAGUE))
        made = cli("new", "--from-issue", TICKET, "--template", "course", "--dir", "events", cwd=tmp_path)
        missing = cli("new", "--from-issue", TICKET.replace("/7", "/8"), "--dir", "events", "--id", "x", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert [request["path"] for request in github.requests] == [
        "/repos/example/hub-events/issues/7",
        "/repos/example/hub-events/issues/8",
    ]
    text = (tmp_path / "events" / "geo.md").read_text("utf-8")
    assert "## Weeks" in text  # the chosen template
    assert option_lines(text)["ticket"] == TICKET
    assert f"% Started from the hub team's issue, {TICKET}." in text
    assert set(problems(made.stderr)) == {"start", "timezone", "attendees"}
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [
        "sphinx-event new: error: http://127.0.0.1:"
        f"{github.url.rsplit(':', 1)[1]}/repos/example/hub-events/issues/8: GitHub answered 404 Not Found "
        "(set GITHUB_TOKEN if the repository is private or the rate limit is reached)"
    ]
    assert not (tmp_path / "events" / "x.md").exists()


def test_flags_override_the_issue(tmp_path, cli):
    issue = save_issue(tmp_path, **VAGUE)
    flags = ["--title", "Geo in spring", "--start", "2027-02-15", "--attendees", "30", "--timezone", "Europe/Rome"]
    other = "https://github.com/example/hub-events/issues/9"
    made = cli("new", "--from-issue", str(issue), *flags, "--ticket", other, "--dir", "events", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    page = tmp_path / "events" / "geo-in-spring.md"
    text = page.read_text("utf-8")
    assert text.startswith("# Geo in spring\n")
    options = option_lines(text)
    assert {name: options[name] for name in ("id", "start", "end", "timezone", "attendees", "ticket")} == {
        "id": "geo-in-spring",
        "start": "2027-02-15",
        "end": "2027-02-17",
        "timezone": "Europe/Rome",
        "attendees": "30",
        "ticket": other,
    }
    assert "FILL IN" not in text
    assert cli("validate", "events", cwd=tmp_path).returncode == 0


def test_a_bad_flag_is_an_error_not_a_placeholder(tmp_path, cli):
    issue = save_issue(tmp_path, **VAGUE)
    made = cli("new", "--from-issue", str(issue), "--attendees", "0", "--dir", "events", cwd=tmp_path)
    assert made.returncode == 2
    assert made.stderr.splitlines() == [
        "sphinx-event new: error: --attendees: expected a positive whole number, got '0' (at least 1)"
    ]
    assert not (tmp_path / "events").exists()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing.json", r"missing\.json: cannot read it \(No such file or directory\)"),
        ("bad.json", r"bad\.json: not JSON \(Expecting"),
        ("list.json", r"list\.json: expected a JSON object, got list"),
        (
            "https://gitlab.com/example/hub-events/-/issues/7",
            r"'https://gitlab\.com/example/hub-events/-/issues/7' is not a GitHub issue; "
            r"expected https://github\.com/OWNER/REPO/issues/NUMBER, or a file with the issue's JSON",
        ),
    ],
)
def test_an_issue_that_cannot_be_read_is_one_clear_error(tmp_path, cli, source, message):
    (tmp_path / "bad.json").write_text('{"title": ', "utf-8")
    (tmp_path / "list.json").write_text("[]", "utf-8")
    made = cli("new", "--from-issue", source, "--dir", "events", cwd=tmp_path)
    assert made.returncode == 2
    [line] = made.stderr.splitlines()
    assert re.match(rf"sphinx-event new: error: {message}", line), line
    assert not (tmp_path / "events").exists()


def test_an_existing_page_is_not_replaced(tmp_path, cli):
    issue = save_issue(tmp_path, **CLEAR)
    page = tmp_path / "events" / "geo.md"
    page.parent.mkdir()
    page.write_text("# Mine\n", "utf-8")
    made = cli("new", "--from-issue", str(issue), "--dir", "events", cwd=tmp_path)
    assert made.returncode == 2
    assert made.stderr.splitlines() == [
        "sphinx-event new: error: events/geo.md already exists; choose another --id, or edit that page"
    ]
    assert page.read_text("utf-8") == "# Mine\n"
    assert sorted(path.name for path in page.parent.iterdir()) == ["geo.md"]


def test_a_support_issue_gives_its_prose_as_guesses_to_confirm(tmp_path, cli):
    """The provider's support form: the facts are read from the description, never more than likely, so each is a
    placeholder that quotes the text and says what was read."""
    body = (
        "### The Freshdesk ticket link\n\nhttps://2i2c.freshdesk.com/a/tickets/2345\n\n"
        "### Short ticket description\n\nThe Geo community runs a workshop on March 13-15, 2027, from 9am to 5pm "
        "MST, for about 45 people on geo.hub.example.org.\n"
    )
    issue = tmp_path / "issue.json"
    issue.write_text(json.dumps({**issue_json(), "title": "[Support] Geo workshop", "body": body}), "utf-8")
    made = cli("new", "--from-issue", str(issue), "--dir", "events", "--id", "geo", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    options = option_lines((tmp_path / "events" / "geo.md").read_text("utf-8"))
    assert options["start"].startswith("FILL IN: the first day") and "perhaps 2027-03-13" in options["start"]
    assert options["attendees"].startswith("FILL IN:") and "45" in options["attendees"]
    assert options["active-hours"] == "09:00-17:00"
