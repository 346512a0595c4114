"""A small client for JupyterHub's REST API and a user server's own API, as the rehearsal drives them.

Plain HTTP from the standard library: users, servers (default and named), the spawn progress
stream, nbgitpuller's ``git-pull`` stream and the contents API. The token goes only into the
``Authorization`` header; every error message passes through :func:`redact`, so it can be
printed or logged as it is.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

REDACTED = "<token>"


class HubError(RuntimeError):
    """A hub or server request failed; the message names the request and never contains the token."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


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

    def _open(self, method: str, url: str, body: Any = None, timeout: float | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {**self.headers, **({"Content-Type": "application/json"} if data is not None else {})}
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        where = f"{method} {url.removeprefix(self.origin)}"
        try:
            return urllib.request.urlopen(request, timeout=timeout or self.timeout)
        except urllib.error.HTTPError as error:
            detail = _error_detail(error)
            raise HubError(redact(f"{where} answered {error.code}: {detail}", self.token), error.code) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            host = urllib.parse.urlsplit(url).netloc
            raise HubError(redact(f"{where} failed: cannot reach {host} ({reason})", self.token)) from None

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

    def start_server(self, name: str, server_name: str = "") -> None:
        """Ask the hub to start a server; it may still be starting when this returns (202)."""
        self.request("POST", _server_path(name, server_name))

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
            for raw in response:
                line = raw.decode("utf-8", "replace").strip()
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
        return self.origin + str(server["url"]).rstrip("/")

    def git_pull(
        self, server: str, repo: str, branch: str | None, target_path: str, timeout: float | None = None
    ) -> Iterator[dict[str, Any]]:
        """nbgitpuller's pull stream on a server: ``syncing`` lines, then ``finished`` or ``error``."""
        query = {"repo": repo, "targetpath": target_path, **({"branch": branch} if branch else {})}
        yield from self.events(f"{server}/git-pull/api?{urlencode(query)}", timeout)

    def page(self, url: str) -> int:
        """GET a page as a browser would and return its status (an error status raises ``HubError``)."""
        with self._open("GET", url) as response:
            status: int = response.status
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


def _error_detail(error: urllib.error.HTTPError) -> str:
    """The hub's own message from an error answer, or its reason."""
    try:
        body = error.read().decode("utf-8", "replace")
    except OSError:
        body = ""
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message or error.reason or body[:200])
