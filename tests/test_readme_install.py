"""The README's install commands for before a release, run as written, from a git URL (``git+file://``: a clone
of this checkout stands in for the public repository) and from a clone, each into a new environment."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text("utf-8")


def _command(prefix: str) -> str:
    lines = [line.split("  #")[0].strip() for line in README.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, f"the README has no single line starting {prefix!r}"
    return lines[0]


def _venv(root: Path) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed (nox[uv] installs it)")
    subprocess.run([uv, "venv", "-q", str(root)], check=True)
    return root / "bin" / "python"


def _pip_install(command: str, python: Path, cwd: Path) -> None:
    words = shlex.split(command)
    at = words.index("pip")
    assert words[at : at + 2] == ["pip", "install"], command
    done = subprocess.run(
        [shutil.which("uv") or "uv", "pip", "install", "-q", "--python", str(python), *words[at + 2 :]],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _works(python: Path, cwd: Path) -> None:
    cli = python.parent / "sphinx-event"
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("sphinx-event ")
    made = subprocess.run([str(cli), "init", "site"], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert made.returncode == 0, made.stderr
    assert subprocess.run([str(cli), "validate", "site/docs"], cwd=cwd, capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A bare clone of this checkout's last commit, as a ``file://`` URL."""
    bare = tmp_path_factory.mktemp("public") / "sphinx-event-ext.git"
    subprocess.run(["git", "clone", "-q", "--bare", "--no-local", str(REPO), str(bare)], check=True)
    return f"file://{bare}"


def test_install_from_the_git_url_as_the_readme_says(tmp_path, public):
    command = _command('pip install "sphinx-event-ext[check] @ git+REPO_URL"')
    python = _venv(tmp_path / "env")
    _pip_install(command.replace("REPO_URL", public), python, tmp_path)
    _works(python, tmp_path)
    # init writes the same git URL at the installed commit into the new site's noxfile and pre-commit hook.
    noxfile = (tmp_path / "site" / "noxfile.py").read_text("utf-8")
    assert re.search(rf'"sphinx-event-ext\[check\] @ git\+{re.escape(public)}@[0-9a-f]{{40}}"', noxfile), noxfile
    hook = yaml.safe_load((tmp_path / "site" / ".pre-commit-config.yaml").read_text("utf-8"))
    assert hook["repos"][0]["repo"] == public, hook


def test_install_from_a_clone_as_the_readme_says(tmp_path, public):
    command = _command("git clone REPO_URL sphinx-event-ext && ")
    clone, install = command.split(" && ")
    subprocess.run(shlex.split(clone.replace("REPO_URL", public)), cwd=tmp_path, check=True, capture_output=True)
    python = _venv(tmp_path / "env")
    _pip_install(install, python, tmp_path)
    _works(python, tmp_path)
    # The clone has a remote, so the site installs from it, not from this machine's folder.
    assert f"git+{public}@" in (tmp_path / "site" / "noxfile.py").read_text("utf-8")
