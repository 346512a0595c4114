"""Fetch the hub team's event issue from GitHub's REST API, or read it from a saved JSON file.

``GET /repos/{owner}/{repo}/issues/{number}`` with a token from ``GITHUB_TOKEN`` when set (public
issues need none, but anonymous requests are rate limited). The API base comes from
``GITHUB_API_URL`` (as in GitHub Actions) unless given, so tests can serve it on 127.0.0.1.
The token goes only to the API's own origin: a redirect elsewhere stops the request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..plan.ticket_parse import ISSUE_PATH, Issue, issue_from_json
from ..util.http import RedirectRefused, token_client
from ..util.sanitize import one_line

DEFAULT_API = "https://api.github.com"


class IssueError(Exception):
    """The issue cannot be had: the ticket is not a GitHub issue, the API refused, or the JSON is not an issue."""


@dataclass(frozen=True)
class IssueRef:
    """Which GitHub issue a ticket URL names."""

    owner: str
    repo: str
    number: int

    def api_url(self, api_base: str) -> str:
        """The REST endpoint of this issue under an API base."""
        return f"{api_base.rstrip('/')}/repos/{self.owner}/{self.repo}/issues/{self.number}"


def issue_ref(ticket: str) -> IssueRef:
    """The issue a ``ticket`` URL names; anything but ``https://github.com/OWNER/REPO/issues/N`` is refused."""
    parts = urlsplit(ticket.strip())
    match = ISSUE_PATH.match(parts.path)
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() != "github.com" or not match:
        raise IssueError(
            f"ticket {ticket!r} is not a GitHub issue; expected https://github.com/OWNER/REPO/issues/NUMBER "
            "(save the issue's JSON and pass it with --issue FILE to compare another tracker's ticket)"
        )
    return IssueRef(match["owner"], match["repo"], int(match["number"]))


def _issue(data: Any, where: str) -> Issue:
    if not isinstance(data, Mapping):
        raise IssueError(f"{where}: expected a JSON object, got {type(data).__name__}")
    try:
        return issue_from_json(data)
    except ValueError as error:
        raise IssueError(f"{where}: {error}") from None


def fetch_issue(
    ticket: str,
    *,
    api_base: str | None = None,
    token: str | None = None,
    environ: Mapping[str, str] | None = None,
    timeout: float = 30,
) -> Issue:
    """The issue behind a GitHub ticket URL, as the REST API returns it."""
    env = os.environ if environ is None else environ
    base = api_base or env.get("GITHUB_API_URL") or DEFAULT_API
    url = issue_ref(ticket).api_url(base)
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    token = token or env.get("GITHUB_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with token_client(base, headers, timeout, "GITHUB_TOKEN") as client:
            response = client.get(url)
        if response.status_code >= 400:
            hint = " (set GITHUB_TOKEN if the repository is private or the rate limit is reached)"
            raise IssueError(one_line(f"{url}: GitHub answered {response.status_code} {response.reason_phrase}{hint}"))
        data = response.json()
    except RedirectRefused as error:
        raise IssueError(f"{url}: {error}") from None
    except httpx.HTTPError as error:
        raise IssueError(one_line(f"{url}: cannot reach the GitHub API ({error or type(error).__name__})")) from None
    except ValueError as error:
        raise IssueError(f"{url}: the answer is not JSON ({error})") from None
    return _issue(data, url)


def load_issue(path: Path) -> Issue:
    """An issue saved as the REST API returns it (``gh api repos/OWNER/REPO/issues/N > issue.json``)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as error:
        raise IssueError(f"{path}: cannot read it ({error.strerror or error})") from None
    except ValueError as error:
        raise IssueError(f"{path}: not JSON ({error})") from None
    return _issue(data, str(path))


def read_issue(source: str, *, environ: Mapping[str, str] | None = None) -> Issue:
    """An issue from a saved REST-API JSON file, or from a GitHub issue URL fetched through the API."""
    if "://" not in source:
        return load_issue(Path(source))
    try:
        issue_ref(source)
    except IssueError:
        raise IssueError(
            f"{source!r} is not a GitHub issue; expected https://github.com/OWNER/REPO/issues/NUMBER, "
            "or a file with the issue's JSON as GitHub's REST API returns it"
        ) from None
    return fetch_issue(source, environ=environ)
