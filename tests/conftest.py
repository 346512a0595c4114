"""Shared fixtures: real Sphinx builds of small sites in temporary folders."""

from __future__ import annotations

import importlib
import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings
from sites import TODAY_EPOCH
from sphinx.cmd.build import build_main
from sphinx.util.docutils import docutils_namespace

from sphinx_event_ext.cli import main

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\n'

# Property tests: the same examples on every run by default (CI must not pass or fail by chance);
# HYPOTHESIS_PROFILE=nightly draws new random ones, ten times as many (see docs/developer.md).
settings.register_profile("ci", derandomize=True, database=None, max_examples=100, print_blob=True)
settings.register_profile("nightly", derandomize=False, max_examples=1000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@dataclass
class Build:
    """The result of a real ``sphinx-build`` run."""

    status: int
    warnings: str
    src: Path
    out: Path

    def html(self, docname: str = "index") -> str:
        return (self.out / f"{docname}.html").read_text("utf-8")

    def soup(self, docname: str = "index") -> BeautifulSoup:
        return BeautifulSoup(self.html(docname), "html.parser")


BuildSite = Callable[..., Build]


@pytest.fixture(autouse=True)
def _own_docutils_registry():
    """Each test starts with docutils' directives and roles as they were: a test that makes a ``Sphinx``
    application in-process registers the extensions' directives globally, and a later ``-W`` build in the same
    worker would otherwise warn that they are "already registered" (as ``sphinx.testing`` does it)."""
    with docutils_namespace():
        yield


@pytest.fixture
def build_site(tmp_path: Path) -> BuildSite:
    """Write pages and a conf.py into a temporary folder and build them with Sphinx.

    ``isolated`` builds in a new process, for extensions (MyST-NB) whose global
    registrations leak between builds in one process, as no real build ever does.
    """

    def build(
        pages: dict[str, str],
        conf: str = "",
        args: tuple[str, ...] = (),
        src: Path | None = None,
        base: str = CONF,
        isolated: bool = False,
    ) -> Build:
        src = src or tmp_path / "src"
        src.mkdir(parents=True, exist_ok=True)
        (src / "conf.py").write_text(base + textwrap.dedent(conf), "utf-8")
        if "index" not in pages and not (src / "index.md").exists():
            toctree = "\n".join(name for name in pages)
            pages = {"index": f"# Home\n\n```{{toctree}}\n{toctree}\n```\n", **pages}
        for name, text in pages.items():
            path = src / f"{name}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        out = src / "_build" / "html"
        warnfile = tmp_path / "warnings.txt"
        argv = ["-b", "html", "-q", "-w", str(warnfile), *args, str(src), str(out)]
        if isolated:
            status = subprocess.run(
                [sys.executable, "-m", "sphinx", *argv], check=False, capture_output=True
            ).returncode
        else:
            status = build_main(argv)
        return Build(status, warnfile.read_text("utf-8") if warnfile.exists() else "", src, out)

    return build


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, capsys) -> Callable[..., Ran]:
    """``sphinx-event`` in this process (a new process costs seconds here), standard input not a terminal."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    # Commands that build nothing mark jsonschema's unused format back-ends (idna, ...) absent when
    # jsonschema is not loaded yet: right for a command's own process, not for this shared test process.
    importlib.import_module("jsonschema")

    def run(*args: str, cwd: Path) -> Ran:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as stop:
            code = int(stop.code or 0)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run
