"""Sessions: `nox -s check` (the main job) and `nox -s tests`; also docs, docs-live and lint."""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["check", "tests"]
# Compiled bytecode in the environments: each notebook kernel starts several times faster.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")


@nox.session
def check(session: nox.Session) -> None:
    """Validate every event and build the site with warnings as errors (`-- PATH` for another site)."""
    args = session.posargs or ["docs"]
    source = Path(next((arg for arg in args if not arg.startswith("-")), "docs"))
    session.install("-e", ".")
    # The event's environment: what its content declares is installed here, so the kernel
    # that runs the notebooks has it, and a missing package is found before the event.
    for requirements in sorted(source.rglob("requirements.txt")):
        if "_build" not in requirements.parts and _has_requirements(requirements):
            session.install("-r", str(requirements))
    session.run("sphinx-event", "check", *args)


def _has_requirements(path: Path) -> bool:
    """Whether a requirements file names anything (pip refuses none at all)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return any(lines)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install("-e", ".[test]")
    session.run("pytest", "-n", "auto", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the organizer site into docs/_build/html."""
    session.install("-e", ".")
    session.run("sphinx-build", "-b", "html", "-c", ".", "docs", "docs/_build/html", *session.posargs)


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Serve the site on 127.0.0.1 and rebuild it on every change."""
    session.install("-e", ".[docs]")
    session.run(
        "sphinx-autobuild", "--host", "127.0.0.1", "--watch", "sphinx_event_ext", "-c", ".", "docs", "docs/_build/html"
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def prewarm(session: nox.Session) -> None:
    """Print the pre-warm request JSON of every event in docs/ (`-- --id ID` for one)."""
    session.install("-e", ".")
    session.run("sphinx-event", "prewarm", "docs", *session.posargs)


@nox.session
def benchmark(session: nox.Session) -> None:
    """Time the content check against MyST-NB and nbmake; `-- --write-docs` updates the docs page."""
    session.install("-e", ".[bench]")
    session.run("python", "benchmarks/bench_execute.py", *session.posargs)
