"""Sessions: `nox -s check` (the main job) and `nox -s tests`; also lint, docs, docs-live, prewarm and benchmark."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["check", "tests"]
# Compiled bytecode in the environments: each notebook kernel starts several times faster.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")


@nox.session
def check(session: nox.Session) -> None:
    """Validate every event, prove its links, run its notebooks and build the site (`-- PATH` for another site)."""
    args = session.posargs or ["docs"]
    session.install("-e", ".[check]")
    # The events' environment: what their content declares is installed here, so the kernel
    # that runs the notebooks has it, and a missing package is found before the event.
    for declared in _declared_requirements(_source_folder(args)):
        session.install(*declared)
    session.run("sphinx-event", "check", *args)


def _source_folder(args: list[str]) -> Path:
    """The one positional argument of `sphinx-event check`, skipping options and their values."""
    values = iter(args)
    for arg in values:
        if arg in ("--out", "--jobs"):
            next(values, None)
        elif not arg.startswith("-"):
            return Path(arg)
    return Path("docs")


def _declared_requirements(source: Path) -> list[list[str]]:
    """`pip install` arguments for each environment file under the source folder.

    requirements.txt as it is; the pip part of environment.yml; pyproject.toml's
    [project] dependencies (read with tomllib, Python 3.11+).
    """
    found: list[list[str]] = []
    for path in sorted(source.rglob("*")):
        if "_build" in path.parts or not path.is_file():
            continue
        if path.name == "requirements.txt" and _names_something(path):
            found.append(["-r", str(path)])
        elif path.name in ("environment.yml", "environment.yaml"):
            found.append(_pip_section(path))
        elif path.name == "pyproject.toml" and sys.version_info >= (3, 11):
            import tomllib

            found.append(list(tomllib.loads(path.read_text("utf-8")).get("project", {}).get("dependencies", [])))
    return [arguments for arguments in found if arguments]


def _names_something(path: Path) -> bool:
    """Whether a requirements file names anything (pip refuses an empty one)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return any(lines)


def _pip_section(path: Path) -> list[str]:
    """The packages under `- pip:` in a conda environment file, without a YAML parser."""
    packages: list[str] = []
    indent = None
    for line in path.read_text("utf-8").splitlines():
        stripped = line.strip()
        if indent is None:
            if re.fullmatch(r"-\s*pip\s*:", stripped):
                indent = len(line) - len(line.lstrip())
            continue
        if stripped and len(line) - len(line.lstrip()) <= indent:
            break
        if stripped.startswith("- "):
            packages.append(stripped[2:].split("#", 1)[0].strip().strip("'\""))
    return [package for package in packages if package]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install("-e", ".[test]")
    # loadgroup: the tests of one real JupyterHub (xdist_group "jupyterhub") share one worker, so one hub.
    session.run("pytest", "-n", "auto", "--dist", "loadgroup", *session.posargs)


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
    """Time the content check against MyST-NB and nbmake, and warm checks; `-- --write-docs` updates the docs."""
    session.install("-e", ".[bench]")
    session.run("python", "benchmarks/bench_execute.py", *session.posargs)
    session.run("python", "benchmarks/bench_check.py", *session.posargs)
