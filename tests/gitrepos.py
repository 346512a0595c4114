"""Real git repositories for tests: bare remotes served as ``file://`` URLs, as nbgitpuller's own tests do."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ports import free_port

#: Identity and config so commits work on a fresh machine without a global git config.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Workshop Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Workshop Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


def git(*args: str, cwd: Path) -> str:
    """Run git with the test identity; fail loudly with git's own message."""
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def _write_tree(work: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def make_bare_repo(
    root: Path,
    name: str,
    branches: dict[str, dict[str, str]],
    tags: dict[str, str] | None = None,
) -> str:
    """A bare repo ``root/<name>`` whose branches hold exactly the given files; the first branch is the default.

    ``tags`` maps a tag name to the branch it points at. Returns the repo's ``file://`` URL.
    """
    work = root / f"{name}-work"
    work.mkdir(parents=True)
    names = list(branches)
    git("init", "-q", "-b", names[0], cwd=work)
    for index, branch in enumerate(names):
        if index:
            git("checkout", "-q", "--orphan", branch, cwd=work)
            git("rm", "-rqf", "--ignore-unmatch", ".", cwd=work)
        _write_tree(work, branches[branch])
        git("add", "-A", cwd=work)
        git("commit", "-q", "--allow-empty", "-m", f"content of {branch}", cwd=work)
    for tag, branch in (tags or {}).items():
        git("tag", "-a", tag, "-m", tag, branch, cwd=work)
    git("checkout", "-q", names[0], cwd=work)
    bare = root / name
    git("clone", "-q", "--bare", str(work), str(bare), cwd=root)
    return bare.as_uri()


def push_commit(repo_url: str, branch: str, files: dict[str, str], scratch: Path) -> str:
    """Add a commit with ``files`` on ``branch`` of a bare repo; returns the new commit."""
    work = scratch / f"push-{len(list(scratch.glob('push-*')))}"
    git("clone", "-q", "--branch", branch, repo_url, str(work), cwd=scratch)
    _write_tree(work, files)
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "update", cwd=work)
    git("push", "-q", "origin", branch, cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


@contextmanager
def git_daemon(root: Path, wait: float = 10) -> Iterator[str]:
    """Serve every repository under ``root`` with git's own daemon on 127.0.0.1; yields ``git://127.0.0.1:PORT``.

    ``wait`` is how many seconds the daemon may take to listen.
    """
    port = free_port()
    daemon = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--export-all",
            f"--base-path={root}",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or daemon.poll() is not None:
                    raise AssertionError("git daemon did not start") from None
                time.sleep(0.05)
        yield f"git://127.0.0.1:{port}"
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
