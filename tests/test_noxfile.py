"""The README's `nox -s tests` on a machine without the hub tests' proxy: it installs it, or says loudly why not.

Real nox and uv run the repository's own noxfile (``--install-only``, into a temporary ``--envdir``) with a
``PATH`` that holds only what each case needs: no npm at all, or a real npm whose registry is a closed port on
127.0.0.1 (so it fails as it does on a machine without the registry).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOUD = "configurable-http-proxy NOT INSTALLED"


def _bin_with(folder: Path, *tools: str) -> str:
    """A PATH of one folder with links to the interpreter's own folder's ``uv`` and the named tools."""
    folder.mkdir(parents=True, exist_ok=True)
    found = {"uv": shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")}
    found.update({tool: shutil.which(tool) for tool in tools})
    for name, target in found.items():
        if target is None:
            pytest.fail(f"{name} is not installed here; this test needs it")
        (folder / name).symlink_to(target)
    return str(folder)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _install_only(tmp_path: Path, path: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("NOX", "npm_"))}
    environment.update(PATH=path, HOME=str(tmp_path / "home"), **env)
    command = [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "tests", "--install-only"]
    command += ["--envdir", str(tmp_path / "envs")]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600, check=False)


def test_the_tests_session_installs_the_proxy_or_says_loudly_why_the_hub_tests_will_be_skipped(
    tmp_path: Path,
) -> None:
    """One environment folder, as on a fresh machine: npm fails, then there is no npm, then the proxy is there."""
    proxy = tmp_path / "envs" / "tests" / "node_modules" / ".bin" / "configurable-http-proxy"
    registry = f"http://127.0.0.1:{_closed_port()}/"
    npm_path = _bin_with(tmp_path / "bin-npm", "npm", "node")
    failed = _install_only(tmp_path, npm_path, npm_config_registry=registry, npm_config_fetch_retries="0")
    assert failed.returncode == 0, failed.stderr[-2000:]
    assert f"{LOUD}: npm could not install it (see above)." in failed.stderr
    assert "The tests that start a real JupyterHub will be SKIPPED" in failed.stderr
    assert not proxy.exists()

    without = _install_only(tmp_path, _bin_with(tmp_path / "bin"))
    assert without.returncode == 0, without.stderr[-2000:]
    assert f"{LOUD}: npm is not installed (install Node.js and npm)." in without.stderr

    # Once the proxy is in the session's own folder, nothing is said and npm is not asked again.
    proxy.parent.mkdir(parents=True, exist_ok=True)
    proxy.write_text("#!/bin/sh\n", "utf-8")
    present = _install_only(tmp_path, npm_path, npm_config_registry=registry, npm_config_fetch_retries="0")
    assert present.returncode == 0, present.stderr[-2000:]
    assert LOUD not in present.stderr and "npm install" not in present.stderr
