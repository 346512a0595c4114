"""Hostile input, end to end through the ``sphinx-event`` command line, each case in its own process.

A redirecting hub and a redirecting GitHub API on 127.0.0.1 (two ports are two origins) that
record the headers they receive; an issue whose URL and title carry a raw HTML block and
terminal escapes; a site named like Python source; a 100 KB issue body written to make a
backtracking parser take minutes; a secret-looking query parameter; a repeated option line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from issues import CONSISTENT, issue_json
from sites import TODAY_EPOCH

TOKEN = "s3cr3t-token-never-elsewhere"
TICKET = "https://github.com/example/hub-events/issues/7"
#: A raw HTML block that would run a script in the built page, behind a newline that ends a comment line.
RAW_BLOCK = "\n\n```{raw} html\n<script>alert('pwned')</script>\n```\n"
TERMINAL = "\x1b]0;owned\x07\x1b[2J\u202eevil"


def sphinx_event(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120):
    """The command line in a new process, as an organizer runs it."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx_event_ext.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, **(env or {})},
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@dataclass
class Recorder:
    """A server on 127.0.0.1 that answers every request with ``answer`` and records the headers it got."""

    url: str = ""
    seen: list[dict[str, str]] = field(default_factory=list)
    redirect_to: str | None = None
    answer: Any = field(default_factory=dict)


@contextmanager
def recorder(redirect_to: str | None = None, answer: Any = None) -> Iterator[Recorder]:
    record = Recorder(redirect_to=redirect_to, answer={} if answer is None else answer)

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            record.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
            if record.redirect_to is not None:
                self.send_response(302)
                self.send_header("Location", record.redirect_to + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            payload = json.dumps(record.answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_DELETE = _any

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()


def _site(tmp_path: Path, extra: str = "", options: str = "") -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinx_event_ext']\nexclude_patterns = ['_build']\n", "utf-8"
    )
    (docs / "geo.md").write_text(
        "# Geo\n\n```{event} Geo\n:id: geo\n:hub: https://geo.hub.example.org\n:start: 2027-03-13\n"
        ":end: 2027-03-15\n:active-hours: 09:00-17:00\n:timezone: America/Denver\n:attendees: 80\n"
        f":content-repo: https://github.com/example/content\n{options}{extra}```\n",
        "utf-8",
    )
    return docs


# --- secrets go only to their own origin ------------------------------------------------------------------------


def test_rehearse_never_sends_the_hub_token_to_another_origin(tmp_path):
    docs = _site(tmp_path)
    with (
        recorder(answer={"kind": "user", "name": "x", "scopes": []}) as elsewhere,
        recorder(redirect_to=elsewhere.url) as hub,
    ):
        ran = sphinx_event(
            "rehearse", str(docs), "--hub-token-env", "HUB_TOKEN", "--hub", hub.url,
            cwd=tmp_path, env={"HUB_TOKEN": TOKEN},
        )  # fmt: skip
    assert hub.seen and hub.seen[0]["authorization"] == f"token {TOKEN}"
    assert [seen for seen in elsewhere.seen if "authorization" in seen] == []
    assert ran.returncode == 2, ran.stderr
    errors = [line for line in ran.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "redirect" in errors[0] and elsewhere.url.removeprefix("http://") in errors[0]
    assert TOKEN not in ran.stdout + ran.stderr


def test_ticket_never_sends_the_github_token_to_another_origin(tmp_path):
    docs = _site(tmp_path, options=f":ticket: {TICKET}\n")
    with recorder(answer=issue_json()) as elsewhere, recorder(redirect_to=elsewhere.url) as api:
        ran = sphinx_event(
            "ticket", str(docs), "--id", "geo", cwd=tmp_path, env={"GITHUB_API_URL": api.url, "GITHUB_TOKEN": TOKEN}
        )
    assert api.seen and api.seen[0]["authorization"] == f"Bearer {TOKEN}"
    assert [seen for seen in elsewhere.seen if "authorization" in seen] == []
    assert ran.returncode == 2 and "redirect" in ran.stderr, ran.stderr
    assert TOKEN not in ran.stdout + ran.stderr


def test_the_rehearsals_kernel_requests_follow_no_redirect():
    """The kernels of a rehearsal are reached through jupyter_server's gateway client (tornado), which would
    follow a redirect with the token; the settings the rehearsal gives it follow none (in this process: the
    gateway settings are one per process, as in the rehearsal)."""
    import asyncio

    from jupyter_server.gateway.gateway_client import gateway_request

    from sphinx_event_ext.content.hub_kernels import use_token

    with recorder() as elsewhere, recorder(redirect_to=elsewhere.url) as server:
        use_token(server.url, TOKEN, 30)
        with pytest.raises(Exception, match="302"):
            asyncio.run(gateway_request(f"{server.url}/user/x/api/kernels", method="GET"))
    assert server.seen[0]["authorization"] == f"token {TOKEN}"
    assert elsewhere.seen == []


@pytest.mark.parametrize("path", ["@evil.example.org/user/x/", "//evil.example.org/user/x/", "user/x/", ":1@evil.org/"])
def test_a_server_the_hub_names_off_its_origin_is_refused(path):
    """A server URL is the hub's origin and the path the hub names; a path that makes it another host (the kernels'
    requests would carry the token there) is refused."""
    from sphinx_event_ext.content.hub_api import Hub, HubError

    hub = Hub("http://127.0.0.1:8000/prefix", TOKEN)
    assert hub.at_origin("/user/x/") == "http://127.0.0.1:8000/user/x"
    with pytest.raises(HubError, match="not a path on its own origin"):
        hub.server_url({"servers": {"": {"ready": True, "url": path}}})


def test_secret_looking_query_parameters_are_refused(tmp_path):
    for name in ("accesstoken", "privatetoken", "authtoken", "ghtoken", "clientsecret", "X-Amz-Signature"):
        folder = tmp_path / name
        folder.mkdir()
        docs = _site(folder)
        page = docs / "geo.md"
        page.write_text(page.read_text("utf-8").replace("example/content", f"example/content?{name}=abc"), "utf-8")
        ran = sphinx_event("validate", str(docs), cwd=folder)
        assert ran.returncode == 1, (name, ran.stdout, ran.stderr)
        assert f"'{name}'" in ran.stdout and "secret" in ran.stdout, ran.stdout
    ordinary = tmp_path / "ordinary"
    ordinary.mkdir()
    # git URLs take no query at all, so ordinary words are tried in a URL option that may carry one.
    docs = _site(ordinary, options=":ticket: https://tickets.example.org/view?design=1&author=me&monkey=2\n")
    ran = sphinx_event("validate", str(docs), cwd=ordinary)
    assert (ran.returncode, ran.stdout) == (0, ""), ran.stdout + ran.stderr


def test_a_repeated_option_line_is_refused_at_its_second_line(tmp_path):
    docs = _site(tmp_path, options=":hub: https://other.hub.example.org\n")
    ran = sphinx_event("validate", str(docs), cwd=tmp_path)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    lines = (docs / "geo.md").read_text("utf-8").splitlines()
    second = lines.index(":hub: https://other.hub.example.org") + 1
    assert f"geo.md:{second}: hub: expected each option once, got :hub: again" in ran.stdout, ran.stdout
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(docs), str(tmp_path / "html")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert f"geo.md:{second}: ERROR: event option 'hub': expected each option once" in built.stderr, built.stderr
    assert not (tmp_path / "html" / "_events" / "geo" / "prewarm.json").exists()


# --- what the issue says is data --------------------------------------------------------------------------------


def _hostile_issue(folder: Path, **changes: Any) -> Path:
    data = {**issue_json(**{**CONSISTENT, "end": "March 15, 2027"}), **changes}
    path = folder / "issue.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_new_from_an_issue_with_an_injected_url_and_title_writes_data_only(tmp_path):
    issue = _hostile_issue(
        tmp_path,
        html_url=TICKET + RAW_BLOCK + TERMINAL,
        title="[EVENT] <script>alert('title')</script> geo" + RAW_BLOCK,
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinx_event_ext']\nexclude_patterns = ['_build']\nevent_today = '2027-01-01'\nroot_doc = 'geo'\n",
        "utf-8",
    )
    made = sphinx_event("new", "--from-issue", str(issue), "--dir", "docs", "--id", "geo", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "\x1b" not in made.stderr and "\u202e" not in made.stderr
    page = (tmp_path / "docs" / "geo.md").read_text("utf-8")
    assert "\n```{raw}" not in page
    assert "\x1b" not in page and "\u202e" not in page
    assert ":ticket: " not in page, "a ticket URL with more than the issue's URL is not the ticket"
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "docs", "docs/_build/html"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    html = (tmp_path / "docs" / "_build" / "html" / "geo.html").read_text("utf-8")
    assert "<script>alert" not in html
    assert "alert(" not in html or "&lt;script&gt;alert(" in html


def test_an_issue_url_on_another_host_is_not_the_ticket(tmp_path):
    issue = _hostile_issue(tmp_path, html_url="https://evil.example.org/example/hub-events/issues/7")
    made = sphinx_event("new", "--from-issue", str(issue), "--dir", "events", "--id", "geo", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    page = (tmp_path / "events" / "geo.md").read_text("utf-8")
    assert "evil.example.org" not in page and "evil.example.org" not in made.stderr


def test_the_ticket_table_shows_escapes_as_text(tmp_path):
    docs = _site(tmp_path)
    issue = _hostile_issue(tmp_path, body=issue_json(attendees="80 " + TERMINAL)["body"])
    ran = sphinx_event("ticket", str(docs), "--id", "geo", "--issue", str(issue), cwd=tmp_path)
    assert ran.returncode in (0, 1), ran.stderr
    assert "\x1b" not in ran.stdout + ran.stderr and "\u202e" not in ran.stdout + ran.stderr
    assert "\\x1b" in ran.stdout


def test_a_site_named_like_python_source_runs_nothing(tmp_path):
    marker = tmp_path / "PWNED"
    name = f'x"""; import pathlib; pathlib.Path({str(marker)!r}).touch(); """ \' \\ \n {{{{ 7*7 }}}} {{% raw %}}'
    made = sphinx_event("init", "site", "--project", name, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    conf = tmp_path / "site" / "docs" / "conf.py"
    read = subprocess.run(
        [sys.executable, "-c", f"import runpy; print(repr(runpy.run_path({str(conf)!r})['project']))"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert read.returncode == 0, read.stderr
    assert not marker.exists(), "conf.py ran code from the project's name"
    assert read.stdout.strip() == repr(name)
    noxfile = tmp_path / "site" / "noxfile.py"
    compile(noxfile.read_text("utf-8"), str(noxfile), "exec")
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "docs", "docs/_build/html"],
        cwd=tmp_path / "site", capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert not marker.exists()
    index = (tmp_path / "site" / "docs" / "_build" / "html" / "index.html").read_text("utf-8")
    heading = index.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "{{ 7*7 }}" in heading and "{% raw %}" in heading and "49" not in heading


# --- bounded in time --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "### a" + " " * 100_000 + "b\n",
        "### The date when the event will start\n\n" + "?" * 100_000 + "x\n",
        ("### a" + " " * 3_000 + "b\n") * 33,
        "### The date when the event will start\n\n" + ("?" * 3_000 + "x\n") * 33,
    ],
    ids=["one-long-heading", "one-long-question", "many-headings", "many-questions"],
)
def test_a_100_kb_adversarial_issue_body_is_answered_quickly(tmp_path, body):
    docs = _site(tmp_path)
    issue = _hostile_issue(tmp_path, body=body)
    try:
        ran = sphinx_event("ticket", str(docs), "--id", "geo", "--issue", str(issue), cwd=tmp_path, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("sphinx-event ticket took more than 30 s on a 100 KB issue body")
    assert "Traceback" not in ran.stderr
    if max(map(len, body.splitlines())) > 4_096:
        assert ran.returncode == 2 and "characters long; lines of at most 4,096 are read" in ran.stderr, ran.stderr
    else:
        assert ran.returncode in (0, 1) and ran.stdout.startswith("| Field"), ran.stderr
