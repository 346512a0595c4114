"""Sessions: `nox -s check` (the main job) and `nox -s tests`; also lint, docs, docs-live, prewarm and benchmark."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox
import nox.command

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["check", "tests"]
# Compiled bytecode in the environments: each notebook kernel starts several times faster.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
#: The organizer site's configuration, source and output; the doctrees (state, never published) beside the HTML
#: folder, where the check keeps them, not inside it.
DOCS_FOLDERS = ("-c", ".", "-d", "docs/_build/doctrees", "docs", "docs/_build/html")


@nox.session
def check(session: nox.Session) -> None:
    """Validate every event, prove its links, run its notebooks and build the site (`-- PATH` for another site).

    The check builds each event's environment itself, with uv, from what the event's environment
    repository (or its content) declares, so nothing is guessed or installed here.
    """
    # docs: the organizer site's theme (sphinx-book-theme), which the root conf.py names.
    session.install("-e", ".[check,docs]")
    session.run("sphinx-event", "check", *(session.posargs or ["docs"]))


def _install_proxy(session: nox.Session) -> None:
    """configurable-http-proxy, which the real JupyterHub of the hub tests needs, from npm into this session's own
    environment folder (once); without npm, or when npm fails, say loudly which tests will not run."""
    location = Path(str(session.virtualenv.location))
    bin_dir = location / "node_modules" / ".bin"
    session.env["PATH"] = os.pathsep.join([str(bin_dir), session.env.get("PATH") or os.environ.get("PATH", "")])
    if (bin_dir / "configurable-http-proxy").exists():
        return
    npm = shutil.which("npm")
    problem = None
    if npm is None:
        problem = "npm is not installed (install Node.js and npm)"
    else:
        try:
            session.run_install(
                npm, "install", "--no-save", "--prefix", str(location), "configurable-http-proxy", external=True
            )
        except nox.command.CommandFailed:
            problem = "npm could not install it (see above)"
    if problem and not shutil.which("configurable-http-proxy", path=session.env["PATH"]):
        session.warn(
            "=" * 72 + f"\nconfigurable-http-proxy NOT INSTALLED: {problem}.\n"
            "The tests that start a real JupyterHub will be SKIPPED (CI runs them).\n" + "=" * 72
        )


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite; the hub tests' configurable-http-proxy comes from npm, into this session's folder."""
    session.install("-e", ".[test]")
    _install_proxy(session)
    # loadgroup: the tests of one real JupyterHub (xdist_group "jupyterhub") share one worker, so one hub.
    session.run("pytest", "-n", "auto", "--dist", "loadgroup", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the organizer site into docs/_build/html."""
    session.install("-e", ".[docs]")
    session.run("sphinx-build", "-b", "html", *DOCS_FOLDERS, *session.posargs)


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Serve the site on 127.0.0.1 and rebuild it on every change."""
    session.install("-e", ".[docs]")
    session.run("sphinx-autobuild", "--host", "127.0.0.1", "--watch", "sphinx_event_ext", *DOCS_FOLDERS)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format), the layering contracts (import-linter) and the type checker (mypy)."""
    session.install("-e", ".[check,lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")
    session.run("mypy")


@nox.session
def prewarm(session: nox.Session) -> None:
    """Print the pre-warm request JSON of every event in docs/ (`-- --id ID` for one)."""
    session.install("-e", ".")
    session.run("sphinx-event", "prewarm", "docs", *session.posargs)


@nox.session
def benchmark(session: nox.Session) -> None:
    """Time the content check against MyST-NB and nbmake, warm checks, environment builds and a 10-user rehearsal
    wave on a local hub; `-- --write-docs` updates the docs pages."""
    session.install("-e", ".[bench]")
    session.run("python", "benchmarks/bench_execute.py", *session.posargs)
    session.run("python", "benchmarks/bench_check.py", *session.posargs)
    session.run("python", "benchmarks/bench_environment.py", *session.posargs)
    session.run("python", "benchmarks/bench_startup.py", *session.posargs)
    session.run("python", "benchmarks/bench_rehearse.py", *session.posargs)
    session.run("python", "benchmarks/bench_hub_team.py", *session.posargs)
