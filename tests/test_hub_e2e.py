"""Generated links against a real Jupyter server running nbgitpuller, on 127.0.0.1.

The test does what a browser does after the hub's ``user-redirect``: it opens the
``git-pull`` page with the link's query, reads the parameters the page hands to its
JavaScript, calls ``git-pull/api`` with them and follows the server-sent events until
``finished``. Then the file the link opens after the pull must exist under the server root.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import pytest
from gitrepos import GIT_ENV, make_bare_repo
from ports import free_port

from sphinx_event_ext.plan.links import binder_nbgitpuller_link, canvas_link, decode_nbgitpuller_link, nbgitpuller_link

DAY2 = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    root: Path


def _wait_until_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyter server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"jupyter server did not answer in 90 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("jupyter")
    root = base / "root"
    root.mkdir()
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {
        **os.environ,
        **GIT_ENV,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "NBGITPULLER_DEPTH": "1",
    }
    env.pop("NBGITPULLER_PARENTPATH", None)
    log = base / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=base)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(proc, f"{url}api/status?token={token}", log)
        yield Server(url, token, root)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_bare_repo(
        tmp_path_factory.mktemp("remotes"),
        "workshop.git",
        {"main": {"README.md": "main\n"}, "day2": {"README.md": "day2\n", "notebooks/day 2.ipynb": DAY2}},
    )


def _git_pull_query(link: str) -> str:
    """The query the single-user server's ``git-pull`` receives once the hub or Binder redirects there."""
    parts = urlsplit(link)
    if parts.path.endswith("/hub/lti/launch"):
        return urlsplit(dict(parse_qsl(parts.query))["next"]).query
    if "/v2/" in parts.path:
        return dict(parse_qsl(parts.query))["urlpath"].removeprefix("git-pull?")
    return parts.query


def _page_data(page: str) -> dict[str, str]:
    """The ``data-*`` attributes the git-pull page passes to its JavaScript, decoded as the page does."""
    return {key: unquote(html.unescape(value)) for key, value in re.findall(r'data-([a-z-]+)="([^"]*)"', page)}


def _pull_through_the_page(server: Server, query: str) -> tuple[dict[str, str], list[dict]]:
    with urllib.request.urlopen(f"{server.url}git-pull?{query}&token={server.token}", timeout=30) as response:
        data = _page_data(response.read().decode())
    api_params = {"repo": data["repo"], "targetpath": data["targetpath"], "token": server.token}
    if "branch" in data:
        api_params["branch"] = data["branch"]
    events = []
    with urllib.request.urlopen(f"{server.url}git-pull/api?{urlencode(api_params)}", timeout=120) as stream:
        for raw in stream:
            line = raw.decode().strip()
            if not line.startswith("data: "):
                continue
            events.append(json.loads(line.removeprefix("data: ")))
            if events[-1].get("phase") in ("finished", "error"):
                break
    return data, events


@pytest.mark.parametrize(
    ("make", "folder"),
    [
        (
            lambda repo: nbgitpuller_link("https://hub.example.org", repo, branch="day2", path="notebooks/day 2.ipynb"),
            "workshop.git",
        ),
        (
            lambda repo: nbgitpuller_link(
                "https://hub.example.org", repo, branch="day2", path="notebooks/day 2.ipynb", target_path="course/day2"
            ),
            "course/day2",
        ),
        (
            lambda repo: canvas_link(
                "https://hub.example.org", repo, branch="day2", path="notebooks/day 2.ipynb", target_path="canvas"
            ),
            "canvas",
        ),
        (
            lambda repo: binder_nbgitpuller_link(
                "https://github.com/org/env", repo, branch="day2", path="notebooks/day 2.ipynb", app="notebook"
            ),
            "workshop.git",
        ),
    ],
    ids=["hub", "hub-target-path", "canvas", "binder"],
)
def test_link_pulls_content_and_opens_an_existing_file(server: Server, remote: str, make, folder: str) -> None:
    link = make(remote)
    data, events = _pull_through_the_page(server, _git_pull_query(link))
    assert events and events[-1] == {"phase": "finished"}, events[-3:]

    decoded = decode_nbgitpuller_link(link)
    assert data["targetpath"] == decoded.folder == folder
    redirect = data["path"]
    assert redirect == decoded.urlpath
    opened = re.sub(r"^(lab/tree|tree)/", "", redirect)
    assert opened == f"{folder}/notebooks/day 2.ipynb"
    assert (server.root / opened).read_text() == DAY2


def test_missing_branch_is_reported_by_the_server(server: Server, remote: str) -> None:
    link = nbgitpuller_link("https://hub.example.org", remote, branch="day3", target_path="never")
    _, events = _pull_through_the_page(server, _git_pull_query(link))
    assert events[-1]["phase"] == "error"
    assert not (server.root / "never").exists()
