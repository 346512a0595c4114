"""Hub-team event issues as GitHub renders the provider's form (``07_event-hub.yaml``), and a stand-in for
GitHub's issues endpoint on 127.0.0.1 (GitHub itself cannot be reached from the tests)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# The form's labels, copied from 2i2c-org/infrastructure's .github/ISSUE_TEMPLATE/07_event-hub.yaml.
FORM = """\
### The link towards the Freshdesk ticket this event was reported

https://2i2c.freshdesk.com/a/tickets/1234

### The GitHub handle or name of the community representative

Jane Doe

### The date when the event will start

{start}

### The date when the event will end

{end}

### What hours of the day will participants be active? (e.g., 5am - 5pm US/Pacific)

{hours}

### Are we three weeks before the start date of the event?

- [x] Yes
- [ ] No

### Number of attendees

{attendees}

### Make sure to add the event into the calendar

- [ ] Done

### Does the hub already exist?

- [x] Yes
- [ ] No

### The URL of the hub that will be used for the event

{hub}

### Will this hub be decommissioned after the event is over?

- [ ] Yes
- [x] No

### Task list

- [ ] Was all the info filled in above?
- [ ] Quotas from the cloud provider are high-enough to handle expected usage?
- [ ]

### Definition of Done

- [ ] All the tasks have been completed
- [ ]
"""

#: An issue that agrees with tests/sites.py's BASE event (2027-03-13 to 15, 09:00-17:00 Denver, 80, geo hub).
CONSISTENT = {
    "start": "March 13th, 2027, 9AM MST",
    "end": "Mar. 15 at 5 PM",
    "hours": "9am - 5pm MT",
    "attendees": "80",
    "hub": "geo.hub.example.org",
}


def issue_body(**values: str) -> str:
    """The rendered issue body with some fields changed from :data:`CONSISTENT`."""
    return FORM.format(**{**CONSISTENT, **values}).replace("\n", "\r\n")


def issue_json(number: int = 7, created_at: str = "2027-01-10T15:04:05Z", **values: str) -> dict[str, Any]:
    """The JSON of ``GET /repos/{owner}/{repo}/issues/{number}``, with the fields the code reads and a few more."""
    return {
        "number": number,
        "html_url": f"https://github.com/example/hub-events/issues/{number}",
        "title": "[EVENT][March 13-15, 2027] geo",
        "state": "open",
        "created_at": created_at,
        "body": issue_body(**values),
        "labels": [{"name": "event"}],
    }


@dataclass
class StandIn:
    """What the stand-in serves and what it was asked."""

    url: str
    issues: dict[str, tuple[int, Any]] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def github_stand_in() -> Iterator[StandIn]:
    """A local HTTP server answering like GitHub's REST issues endpoint; it stands in for GitHub, which
    cannot be reached here. ``issues`` maps ``/repos/OWNER/REPO/issues/N`` to (status, JSON)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    stand_in = StandIn(f"http://127.0.0.1:{server.server_address[1]}")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            stand_in.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
            status, data = stand_in.issues.get(self.path, (404, {"message": "Not Found"}))
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()


def read_whole_issue(data: dict[str, Any]) -> str:
    """Everything ``ticket`` and ``new --from-issue`` read of an issue's JSON; what the reading ended in.

    A top-level function, so a worker process can run it under a time budget (tests and benchmarks)."""
    from sphinx_event_ext.plan.ticket_page import issue_options
    from sphinx_event_ext.plan.ticket_parse import issue_from_json, read_ticket

    try:
        issue = issue_from_json(data)
    except ValueError as error:
        return f"refused: {error}"
    read_ticket(issue)
    return f"read: {len(issue_options(issue))} options"
