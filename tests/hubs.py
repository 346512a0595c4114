"""A real JupyterHub on 127.0.0.1 for tests, and git's own daemon serving repositories beside it.

The hub runs configurable-http-proxy (from the npm registry), the dummy authenticator and the
simple local-process spawner, subclassed to honour a profile list through ``user_options`` as
KubeSpawner does (memory limit and image in the server's environment), with a concurrent spawn
limit of 2 so starts beyond it are refused with 429; its single-user servers come from this
Python, so they have nbgitpuller and ipykernel. A service token has the scopes a rehearsal needs. Without the
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
#: Servers the hub starts at once; the next start is answered 429 with Retry-After, as on the provider's hubs.
SPAWN_LIMIT = 2
#: The profile list the hub's spawner offers, as KubeSpawner's: each sets the memory limit and image in the
#: server's environment. "small" is the default; "tiny" has a limit a heavy notebook passes.
PROFILES = {
    "small": {
        "MEM_LIMIT": str(2 * 1024**3),
        "MEM_GUARANTEE": str(1024**3),
        "JUPYTER_IMAGE": "quay.io/hub/base:2027.02",
    },
    "tiny": {
        "MEM_LIMIT": str(200 * 1024**2),
        "MEM_GUARANTEE": str(100 * 1024**2),
        "JUPYTER_IMAGE": "quay.io/hub/tiny:1",
    },
}
#: Choices of the profiles' ``image`` option (KubeSpawner's ``profile_options``): each replaces the image.
IMAGE_CHOICES = {"base": "quay.io/hub/base:2027.02", "pangeo": "quay.io/hub/pangeo:2027.03"}


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


def start_hub(base: Path, spawn_limit: int = SPAWN_LIMIT) -> RunningHub:
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
        from jupyterhub.spawner import SimpleLocalProcessSpawner

        PROFILES = {PROFILES!r}
        IMAGES = {IMAGE_CHOICES!r}

        class ProfileSpawner(SimpleLocalProcessSpawner):
            # The local process spawner with KubeSpawner's profile list: user_options choose a profile, which
            # sets MEM_LIMIT, MEM_GUARANTEE and JUPYTER_IMAGE; an unknown one is refused as KubeSpawner does.

            def _options_form_default(self):
                return "".join(
                    f'<label><input type="radio" name="profile" value="{{slug}}"> {{slug}}</label>' for slug in PROFILES
                )

            def options_from_form(self, formdata):
                return {{"profile": formdata.get("profile", ["small"])[0]}}

            def get_env(self):
                env = super().get_env()
                options = dict(self.user_options or {{}})
                slug = options.pop("profile", None) or "small"
                if slug not in PROFILES:
                    raise ValueError(f"No such profile: {{slug}}. Options available: {{', '.join(PROFILES)}}")
                env.update(PROFILES[slug])
                for name, choice in options.items():
                    if name != "image" or choice not in IMAGES:
                        raise ValueError(f"No such option {{name}}={{choice}} in profile {{slug}}")
                    env["JUPYTER_IMAGE"] = IMAGES[choice]
                return env

        c.JupyterHub.spawner_class = ProfileSpawner
        c.JupyterHub.concurrent_spawn_limit = {spawn_limit}
        # Retry-After between 1 and 3 s; the default (30, 60), as on the provider's hubs, would make tests slow
        c.JupyterHub.tornado_settings = {{"spawn_throttle_retry_range": (1, 3)}}
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
