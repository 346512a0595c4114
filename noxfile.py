"""Sessions: `nox -s check` (the main job) and `nox -s tests`; also docs, docs-live and lint."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["check", "tests"]


@nox.session
def check(session: nox.Session) -> None:
    """Validate every event and build the site with warnings as errors (`-- PATH` for another site)."""
    session.install("-e", ".")
    session.run("sphinx-event", "check", *(session.posargs or ["docs"]))


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
