"""A small client for JupyterHub's REST API and a user server's own API, as the rehearsal drives them.

httpx, through a client that sends the token only to the hub's own origin (a redirect elsewhere
stops the request, in one line): users, servers (default and named), the spawn progress stream,
nbgitpuller's ``git-pull`` stream and the contents API. The token goes only into the
``Authorization`` header; every error message passes through :func:`redact`, and what the hub
says is shown with its control characters escaped, so it can be printed or logged as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx

from ..util.http import RedirectRefused, token_client
from ..util.http import origin as url_origin
from ..util.sanitize import one_line

REDACTED = "<token>"
_MAX_FORM = 1_000_000  # bytes of a spawn page read
_MAX_PROFILES = 100
_MAX_RETRY_AFTER = 3600.0


class HubError(RuntimeError):
    """A hub or server request failed; the message names the request and never contains the token."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # seconds, from a 429's Retry-After header


def redact(text: str, token: str) -> str:
    """``text`` with every occurrence of ``token`` replaced, so it can be shown anywhere."""
    return text.replace(token, REDACTED) if token else text


def _server_path(name: str, server_name: str = "") -> str:
    path = f"users/{quote(name, safe='')}/server"
    return f"{path}s/{quote(server_name, safe='')}" if server_name else path


@dataclass(frozen=True)
class Hub:
    """A JupyterHub at ``url`` (with its path prefix, if any), reached with one API token."""

    url: str
    token: str = field(repr=False)
    timeout: float = 30.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", self.url.rstrip("/"))

    @property
    def origin(self) -> str:
        """``scheme://host:port``, which the paths in the hub's user models are relative to."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def headers(self) -> dict[str, str]:
        """The headers every request sends."""
        return {"Authorization": f"token {self.token}", "Accept": "application/json"}

    @cached_property
    def client(self) -> httpx.Client:
        """One connection pool for every request, sending the token to the hub's origin only."""
        return token_client(self.url, self.headers, self.timeout, "the hub token")

    @contextmanager
    def _open(self, method: str, url: str, body: Any = None, timeout: float | None = None) -> Iterator[httpx.Response]:
        """The answer to one request, streamed; an error status, a failure or a redirect elsewhere raises HubError."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"} if data is not None else {}
        where = f"{method} {url.removeprefix(self.origin)}"
        try:
            with self.client.stream(
                method, url, content=data, headers=headers, timeout=timeout or self.timeout
            ) as response:
                if response.status_code >= 400:
                    detail = _error_detail(response)
                    message = redact(f"{where} answered {response.status_code}: {detail}", self.token)
                    raise HubError(message, response.status_code, _retry_after(response.headers.get("Retry-After")))
                yield response
        except RedirectRefused as error:
            raise HubError(redact(f"{where} was {error}", self.token)) from None
        except httpx.HTTPError as error:
            host = urlsplit(url).netloc
            reason = error or type(error).__name__
            raise HubError(redact(one_line(f"{where} failed: cannot reach {host} ({reason})"), self.token)) from None

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """``path`` under ``/hub/api/``; the decoded JSON answer, or None for an empty one."""
        with self._open(method, f"{self.url}/hub/api/{path}", body) as response:
            text = response.read().decode("utf-8")
        return json.loads(text) if text.strip() else None

    def whoami(self) -> dict[str, Any]:
        """The token's owner: ``kind`` (user or service), ``name`` and ``scopes``."""
        model: dict[str, Any] = self.request("GET", "user")
        return model

    def user(self, name: str) -> dict[str, Any] | None:
        """The user's model with its ``servers``, or None when the hub has no such user."""
        try:
            model: dict[str, Any] = self.request("GET", f"users/{quote(name, safe='')}")
        except HubError as error:
            if error.status == 404:
                return None
            raise
        return model

    def create_user(self, name: str) -> None:
        """Create a user (admin or service token with ``admin:users``)."""
        self.request("POST", f"users/{quote(name, safe='')}")

    def delete_user(self, name: str) -> None:
        """Delete a user; the hub stops their servers first."""
        self.request("DELETE", f"users/{quote(name, safe='')}")

    def start_server(self, name: str, server_name: str = "", user_options: Mapping[str, str] | None = None) -> None:
        """Ask the hub to start a server, with the spawner's ``user_options`` (a profile) when given;
        it may still be starting when this returns (202)."""
        self.request("POST", _server_path(name, server_name), dict(user_options) if user_options else None)

    def spawn_form(self, name: str, server_name: str = "") -> str | None:
        """The hub's spawn page for a user's server (its profile list), or None when the token may not read it."""
        path = f"{self.url}/hub/spawn/{quote(name, safe='')}" + (
            f"/{quote(server_name, safe='')}" if server_name else ""
        )
        try:
            with self._open("GET", path) as response:
                if response.url.path.endswith("/hub/login"):
                    return None  # the hub sent the token to its login page: pages take no tokens there
                form = b""
                for chunk in response.iter_bytes():
                    form += chunk[: _MAX_FORM - len(form)]
                    if len(form) >= _MAX_FORM:
                        break
                return form.decode("utf-8", "replace")
        except HubError:
            return None

    def stop_server(self, name: str, server_name: str = "", *, remove: bool = False) -> None:
        """Stop a server; ``remove`` also deletes a named server's record."""
        body = {"remove": True} if remove and server_name else None
        self.request("DELETE", _server_path(name, server_name), body)

    def progress(self, name: str, server_name: str = "", timeout: float | None = None) -> Iterator[dict[str, Any]]:
        """The spawn's progress events, until the hub closes the stream (after ``ready`` or ``failed``)."""
        url = f"{self.url}/hub/api/{_server_path(name, server_name)}/progress"
        yield from self.events(url, timeout)

    def events(self, url: str, timeout: float | None = None) -> Iterator[dict[str, Any]]:
        """The JSON ``data:`` lines of a server-sent event stream; ``timeout`` bounds each wait for a line."""
        with self._open("GET", url, timeout=timeout) as response:
            for raw in response.iter_lines():
                line = raw.strip()
                if line.startswith("data:"):
                    try:
                        yield json.loads(line[len("data:") :])
                    except ValueError:
                        continue

    def server_url(self, model: dict[str, Any], server_name: str = "") -> str | None:
        """The full URL of a user's running server, from their model; None when it is not running."""
        server = (model.get("servers") or {}).get(server_name)
        if not server or not server.get("ready") or not server.get("url"):
            return None
        return self.at_origin(str(server["url"]))

    def at_origin(self, path: str) -> str:
        """The full URL of a path the hub names (a server's ``/user/NAME/``), which must stay on the hub's origin:
        ``@other.host/`` after the origin would make the host another one, and the kernels' requests carry the
        token there."""
        url = self.origin + path.rstrip("/")
        if not path.startswith("/") or path.startswith("//") or url_origin(url) != url_origin(self.url):
            raise HubError(f"the hub named a server at {one_line(path[:200])!r}, which is not a path on its own origin")
        return url

    def git_pull(
        self, server: str, repo: str, branch: str | None, target_path: str, timeout: float | None = None
    ) -> Iterator[dict[str, Any]]:
        """nbgitpuller's pull stream on a server: ``syncing`` lines, then ``finished`` or ``error``."""
        query = {"repo": repo, "targetpath": target_path, **({"branch": branch} if branch else {})}
        yield from self.events(f"{server}/git-pull/api?{urlencode(query)}", timeout)

    def page(self, url: str) -> int:
        """GET a page as a browser would and return its status (an error status raises ``HubError``)."""
        with self._open("GET", url) as response:
            status: int = response.status_code
        return status

    def contents(self, server: str, path: str) -> dict[str, Any] | None:
        """A file's or folder's model, without its content, from the server's contents API; None if absent."""
        url = f"{server}/api/contents/{quote(path.strip('/'))}?content=0"
        try:
            with self._open("GET", url) as response:
                model: dict[str, Any] = json.loads(response.read().decode("utf-8"))
        except HubError as error:
            if error.status == 404:
                return None
            raise
        return model

    def download(self, server: str, path: str) -> dict[str, Any]:
        """A file's or folder's model with its content (a notebook's JSON, a folder's listing)."""
        with self._open("GET", f"{server}/api/contents/{quote(path.strip('/'))}?content=1") as response:
            model: dict[str, Any] = json.loads(response.read().decode("utf-8"))
        return model


def _retry_after(value: str | None) -> float | None:
    """A Retry-After header in seconds (JupyterHub sends seconds, not a date), bounded; None when absent or unreadable."""
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    return None if seconds is None or seconds != seconds else min(max(seconds, 0.0), _MAX_RETRY_AFTER)


class _ProfileInputs(HTMLParser):
    """The values of the spawn form's ``profile`` inputs (KubeSpawner's profile list: radio buttons or options)."""

    def __init__(self) -> None:
        super().__init__()
        self.slugs: list[str] = []
        self._in_profile_select = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "select":
            self._in_profile_select = values.get("name") == "profile"
        elif (tag == "input" and values.get("name") == "profile") or (tag == "option" and self._in_profile_select):
            slug = values.get("value")
            if slug and slug not in self.slugs and len(self.slugs) < _MAX_PROFILES:
                self.slugs.append(slug[:100])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._in_profile_select = False


def offered_profiles(form: str) -> list[str]:
    """The profile slugs a spawn page offers, in its order (at most 100, each at most 100 characters)."""
    parser = _ProfileInputs()
    parser.feed(form)
    parser.close()
    return parser.slugs


def _error_detail(response: httpx.Response) -> str:
    """The hub's own message from an error answer, or its reason; one line, control characters escaped."""
    try:
        body = response.read().decode("utf-8", "replace")
    except httpx.HTTPError:
        body = ""
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return one_line(str(message or response.reason_phrase or body[:200]))[:500]
