"""Reading the hub team's issue from GitHub (a stand-in on 127.0.0.1), ``sphinx-event ticket`` and
``event_verify_ticket`` in a real build."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from issues import github_stand_in, issue_json
from sites import BASE, event_block
from sphinx.cmd.build import build_main

from sphinx_event_ext.cli.main import main
from sphinx_event_ext.content.github_issue import IssueError, fetch_issue, issue_ref, load_issue

TICKET = "https://github.com/example/hub-events/issues/7"
ISSUE_PATH = "/repos/example/hub-events/issues/7"
CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\nevent_today = "2027-01-01"\n'


def options(ticket: str | None = TICKET, **changes: str) -> str:
    values = {**BASE, **changes}
    lines = [f":{name}: {value}" for name, value in values.items()]
    return "\n".join(lines + ([f":ticket: {ticket}"] if ticket else [])) + "\n"


def test_fetch_sends_the_token_and_reads_the_issue():
    # The stand-in answers like GitHub's REST issues endpoint; GitHub itself cannot be reached here.
    with github_stand_in() as github:
        github.issues[ISSUE_PATH] = (200, issue_json())
        issue = fetch_issue(TICKET, environ={"GITHUB_API_URL": github.url, "GITHUB_TOKEN": "t0ken"})
        anonymous = fetch_issue(TICKET + "#issuecomment-1", environ={"GITHUB_API_URL": github.url})
    assert issue.title == "[EVENT][March 13-15, 2027] geo" and issue.url == TICKET
    assert anonymous == issue
    first, second = github.requests
    assert first["path"] == ISSUE_PATH and first["authorization"] == "Bearer t0ken"
    assert first["accept"] == "application/vnd.github+json"
    assert "authorization" not in second


def test_fetch_errors_are_clear():
    with github_stand_in() as github:
        github.issues[ISSUE_PATH] = (200, {"message": "not an issue"})
        with pytest.raises(IssueError, match=r"issues/7: not a GitHub issue .*'title' is missing"):
            fetch_issue(TICKET, api_base=github.url)
        with pytest.raises(IssueError, match=r"issues/8: GitHub answered 404 Not Found \(set GITHUB_TOKEN"):
            fetch_issue(TICKET.replace("/7", "/8"), api_base=github.url)


@pytest.mark.parametrize(
    "ticket",
    [
        "https://2i2c.freshdesk.com/a/tickets/1234",
        "https://github.com/example/hub-events/pull/7",
        "https://github.com/example/hub-events/issues",
    ],
)
def test_a_ticket_that_is_not_a_github_issue_is_refused(ticket):
    with pytest.raises(
        IssueError, match=r"is not a GitHub issue; expected https://github.com/OWNER/REPO/issues/NUMBER"
    ):
        issue_ref(ticket)


def test_load_issue_errors(tmp_path):
    path = tmp_path / "issue.json"
    path.write_text("{", "utf-8")
    with pytest.raises(IssueError, match=r"issue\.json: not JSON"):
        load_issue(path)
    path.write_text("[]", "utf-8")
    with pytest.raises(IssueError, match=r"expected a JSON object, got list"):
        load_issue(path)


def _site(root: Path, page_options: str) -> Path:
    docs = root / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF, "utf-8")
    (docs / "index.md").write_text("# Geo\n\n" + event_block(options=page_options + ":id: geo\n"), "utf-8")
    return docs


def run(*args: str, cwd: Path, api: str = "http://127.0.0.1:9") -> subprocess.CompletedProcess:
    env = {**os.environ, "GITHUB_API_URL": api}
    env.pop("GITHUB_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "sphinx_event_ext.cli", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_cli_exit_codes_online(tmp_path, monkeypatch, capsys):
    _site(tmp_path, options())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with github_stand_in() as github:
        monkeypatch.setenv("GITHUB_API_URL", github.url)
        github.issues[ISSUE_PATH] = (200, issue_json())
        assert main(["ticket", "docs", "--id", "geo"]) == 0
        github.issues[ISSUE_PATH] = (200, issue_json(start="March 20th, 2027, 9AM MST", end="Mar. 22 at 5 PM"))
        # The installed command, in its own process, as an organizer runs it.
        off = run("ticket", "docs", "--id", "geo", cwd=tmp_path, api=github.url)
    assert re.search(r"^\| attendees +\| same +\| 80 +\| 80 ", capsys.readouterr().out, re.M)
    assert off.returncode == 1
    assert re.search(r"^\| start +\| differs +\| 2027-03-13 +\| 2027-03-20 ", off.stdout, re.M)
    assert re.search(r"^\| end +\| differs +\| 2027-03-15 +\| 2027-03-22 ", off.stdout, re.M)
    assert "differs from the page in: start, end" in off.stderr


def test_cli_reads_a_saved_issue_and_reports_bad_input(tmp_path, monkeypatch, capsys):
    # In this process (the subprocess test above runs the installed command); same parser, same exit codes.
    monkeypatch.chdir(tmp_path)
    _site(tmp_path, options(ticket="https://2i2c.freshdesk.com/a/tickets/1234"))
    saved = tmp_path / "issue.json"
    saved.write_text(json.dumps(issue_json(attendees="45", hours="Unknown")), "utf-8")
    assert main(["ticket", "docs", "--id", "geo", "--issue", str(saved)]) == 1
    table = capsys.readouterr().out
    assert re.search(r"^\| attendees +\| differs +\| 80 +\| 45 ", table, re.M)
    assert re.search(r"^\| active-hours +\| not comparable .*not known yet \('Unknown'\)", table, re.M)
    assert main(["ticket", "docs", "--id", "geo"]) == 2
    assert "ticket 'https://2i2c.freshdesk.com/a/tickets/1234' is not a GitHub issue" in capsys.readouterr().err
    assert main(["ticket", "docs", "--id", "nope"]) == 2
    assert "no valid event with id 'nope'" in capsys.readouterr().err
    assert main(["ticket", "docs", "--id", "geo", "--issue", "missing.json"]) == 2
    assert "missing.json: cannot read it (No such file or directory)" in capsys.readouterr().err


def test_cli_without_a_ticket(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _site(tmp_path, options(ticket=None))
    assert main(["ticket", "docs", "--id", "geo"]) == 2
    assert "has no ticket option; add it, or pass the issue with --issue FILE" in capsys.readouterr().err


def test_build_warns_at_the_ticket_line_and_proves_the_checklist(build_site, monkeypatch):
    good = "# Good\n\n" + event_block("Good", options() + ":id: good\n") + "\n```{event-checklist}\n```\n"
    off_ticket = TICKET.replace("/7", "/8")
    off = "# Off\n\n" + event_block("Off", options(off_ticket) + ":id: off\n") + "\n```{event-checklist}\n```\n"
    ticket_line = off.splitlines().index(f":ticket: {off_ticket}") + 1
    with github_stand_in() as github:
        monkeypatch.setenv("GITHUB_API_URL", github.url)
        github.issues[ISSUE_PATH] = (200, issue_json())
        github.issues[ISSUE_PATH.replace("/7", "/8")] = (200, issue_json(8, attendees="45", end="March 16, 2027"))
        result = build_site({"good": good, "off": off}, conf="event_verify_ticket = True\nevent_today = '2027-01-01'\n")
        good_html, off_soup = result.html("good"), result.soup("off")
        # The issue changes, the pages do not: the next incremental build still rewrites the page with a ticket.
        github.issues[ISSUE_PATH] = (200, issue_json(hub="https://other.example.org"))
        warnfile = result.src / "again.txt"
        assert build_main(["-b", "html", "-q", "-w", str(warnfile), str(result.src), str(result.out)]) == 0
        assert "differs from event 'good' in hub" in warnfile.read_text("utf-8")
        again = result.soup("good").select_one('input[data-storage-key="sphinx-event-ext:good:ticket"]')
        assert not again.has_attr("checked")
        # The same site again (it overwrites the first output) without event_verify_ticket.
        unchecked = build_site({"good": good, "off": off}, conf="event_today = '2027-01-01'\n", args=("-E",))
    warnings = [line for line in result.warnings.splitlines() if "[event.ticket]" in line]
    assert len(warnings) == 2, result.warnings
    assert re.search(
        rf"off\.md:{ticket_line}: WARNING: the hub team's issue {off_ticket} differs from event 'off' in end: "
        r"the page says 2027-03-15, the issue says 2027-03-16 \[event\.ticket\]",
        result.warnings,
    )
    assert re.search(
        rf"off\.md:{ticket_line}: WARNING: .* in attendees: the page says 80, the issue says 45", result.warnings
    )
    good_soup = BeautifulSoup(good_html, "html.parser")
    assert good_soup.select_one('input[data-storage-key="sphinx-event-ext:good:ticket"]').has_attr("checked")
    done = [p.get_text() for p in good_soup.select(".event-checklist-done")]
    assert (
        "Proven by reading the hub team's issue back: the hub team's issue says the same start, end, active-hours, "
        "attendees, hub as this page." in done
    ), done
    assert not off_soup.select_one('input[data-storage-key="sphinx-event-ext:off:ticket"]').has_attr("checked")
    # Without event_verify_ticket nothing is fetched and nothing is proven.
    assert "[event.ticket]" not in unchecked.warnings
    assert (
        not unchecked.soup("good")
        .select_one('input[data-storage-key="sphinx-event-ext:good:ticket"]')
        .has_attr("checked")
    )
    assert len(github.requests) == 4


def test_check_verify_ticket(tmp_path):
    # The check's build runs with -W in its own process, as organizers run it.
    _site(tmp_path, options())
    with github_stand_in() as github:
        github.issues[ISSUE_PATH] = (200, issue_json(attendees="45"))
        plain = run("check", "docs", "--out", str(tmp_path / "plain"), cwd=tmp_path, api=github.url)
        assert github.requests == []
        verified = run("check", "docs", "--verify-ticket", "--out", str(tmp_path / "v"), cwd=tmp_path, api=github.url)
    assert plain.returncode == 0, plain.stderr
    assert verified.returncode == 1
    assert "differs from event 'geo' in attendees: the page says 80, the issue says 45" in verified.stderr


def test_the_ticket_command_keeps_its_comparison_where_the_check_reads_it(tmp_path, monkeypatch, capsys):
    """``sphinx-event ticket`` writes its record into the evidence store beside the check's; the check's
    build, without fetching anything, ticks the checklist's ticket step from it while the page says what the
    issue said, and the published page and ``events.json`` carry its one-line summary."""
    from sphinx_event_ext.model.schema import validator

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    docs = _site(tmp_path, options(ticket="https://2i2c.freshdesk.com/a/tickets/1234"))
    page = docs / "index.md"
    page.write_text(page.read_text("utf-8") + "\n```{event-checklist}\n```\n", "utf-8")
    saved = tmp_path / "issue.json"
    saved.write_text(json.dumps(issue_json()), "utf-8")
    out = docs / "_build" / "html"

    def ticket_step() -> tuple[bool, list[str], dict[str, str]]:
        soup = BeautifulSoup((out / "index.html").read_text("utf-8"), "html.parser")
        box = soup.select_one('input[data-storage-key="sphinx-event-ext:geo:ticket"]')
        done = [p.get_text() for p in soup.select(".event-checklist-done")]
        proofs = json.loads((out / "_events" / "events.json").read_text("utf-8"))["proofs"]["geo"]
        return box.has_attr("checked"), done, next(proof for proof in proofs if proof["step"] == "ticket")

    assert main(["check", "docs"]) == 0
    assert not ticket_step()[0]
    capsys.readouterr()

    assert main(["ticket", "docs", "--id", "geo", "--issue", str(saved)]) == 0
    kept = docs / "_build" / "doctrees" / "event-evidence" / "tickets" / "geo.json"
    assert str(kept.relative_to(tmp_path)) in capsys.readouterr().err
    record = json.loads(kept.read_text("utf-8"))
    assert list(validator("ticket").iter_errors(record)) == []
    assert (record["ok"], record["date"], record["ticket"]) == (True, "2027-01-01", None)
    assert not list(out.rglob("geo.json")), "nothing of the record is published"

    output = main(["check", "docs"]), capsys.readouterr()
    assert output[0] == 0 and "nothing changed" not in output[1].err, output
    ticked, done, proof = ticket_step()
    said = (
        "the hub team's issue says the same start, end, active-hours, attendees, hub as this page "
        "(read back by sphinx-event ticket on 2027-01-01)"
    )
    assert ticked and f"Proven by reading the hub team's issue back: {said}." in done, done
    assert (proof["result"], proof["summary"]) == ("proven", said)

    # The page changes a compared field: the issue as read no longer says the same, and the step is not proven.
    page.write_text(page.read_text("utf-8").replace(":attendees: 80", ":attendees: 90"), "utf-8")
    assert main(["check", "docs"]) == 0
    ticked, _, proof = ticket_step()
    assert not ticked and proof["result"] == "not proven"


def test_the_ticket_record_is_kept_when_conf_py_does_not_run_here(tmp_path, monkeypatch, capsys):
    """``conf.py`` is run only for the site's "today"; one that fails here costs the date, not a traceback."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    docs = _site(tmp_path, options(ticket=None))
    (docs / "conf.py").write_text("raise RuntimeError('only on the organizer machine')\n", "utf-8")
    saved = tmp_path / "issue.json"
    saved.write_text(json.dumps(issue_json()), "utf-8")
    assert main(["ticket", "docs", "--id", "geo", "--issue", str(saved)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    record = json.loads((docs / "_build" / "doctrees" / "event-evidence" / "tickets" / "geo.json").read_text("utf-8"))
    assert record["date"] == "2027-01-15" and record["ok"]
