"""A real JupyterHub on 127.0.0.1 for tests, and git's own daemon serving repositories beside it.

The hub runs configurable-http-proxy (from the npm registry), the dummy authenticator and the
simple local-process spawner; its single-user servers come from this Python, so they have
nbgitpuller and ipykernel. A service token has the scopes a rehearsal needs. Without the
proxy the hub tests skip, unless ``SPHINX_EVENT_REQUIRE_HUB=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from ports import free_port

PROXY = "configurable-http-proxy"
NAMED_SERVER_LIMIT = 3


def require_proxy() -> str:
    """The proxy's path; a skip without it, or a failure when the hub tests are required."""
    found = shutil.which(PROXY)
    if found is None:
        message = f"{PROXY} is not installed (npm install -g {PROXY})"
        if os.environ.get("SPHINX_EVENT_REQUIRE_HUB") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _wait(check, what: str, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} did not come up in {seconds:.0f} s:\n{log.read_text()[-3000:]}")


@dataclass
class RunningHub:
    url: str
    token: str
    base: Path
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str, body: object = None, token: str | None = None) -> object:
        """Call the hub's REST API directly, to set up and to inspect what a rehearsal left."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/hub/api/{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {token or self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
        return json.loads(text) if text.strip() else None

    def users(self) -> dict[str, dict]:
        return {user["name"]: user for user in self.api("GET", "users")}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_hub(base: Path) -> RunningHub:
    """Start JupyterHub with its proxy, all on 127.0.0.1; returns once the API answers."""
    require_proxy()
    port, hub_port, api_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(24)
    singleuser = str(Path(sys.executable).parent / "jupyterhub-singleuser")
    args = ["--allow-root"] if os.geteuid() == 0 else []
    config = base / "jupyterhub_config.py"
    config.write_text(
        textwrap.dedent(f"""
        c = get_config()  # noqa
        c.JupyterHub.ip = "127.0.0.1"
        c.JupyterHub.port = {port}
        c.JupyterHub.hub_ip = "127.0.0.1"
        c.JupyterHub.hub_port = {hub_port}
        c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
        c.ConfigurableHTTPProxy.pid_file = {str(base / "proxy.pid")!r}
        c.JupyterHub.db_url = "sqlite:///{base / "hub.sqlite"}"
        c.JupyterHub.cookie_secret_file = {str(base / "cookie_secret")!r}
        c.JupyterHub.authenticator_class = "dummy"
        c.Authenticator.allow_all = True
        c.JupyterHub.spawner_class = "simple"
        c.Spawner.cmd = [{singleuser!r}]
        c.Spawner.args = {args!r}
        c.SimpleLocalProcessSpawner.home_dir_template = {str(base / "home" / "{username}")!r}
        c.JupyterHub.allow_named_servers = True
        c.JupyterHub.named_server_limit_per_user = {NAMED_SERVER_LIMIT}
        c.JupyterHub.services = [{{"name": "rehearsal", "api_token": {token!r}}}]
        c.JupyterHub.load_roles = [
            {{
                "name": "rehearsal",
                "scopes": ["admin:users", "admin:servers", "access:servers", "tokens"],
                "services": ["rehearsal"],
            }}
        ]
        """),
        "utf-8",
    )
    log = base / "hub.log"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=base,
            stdout=stream,
            stderr=subprocess.STDOUT,
            env=env,
        )
    hub = RunningHub(f"http://127.0.0.1:{port}", token, base, process, log)

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"jupyterhub exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            hub.api("GET", "user")
            return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    _wait(answers, "JupyterHub", log)
    return hub
