"""The real mystmd (the ``myst`` command, from npm) for the Jupyter Book 2 tests.

Found from ``SPHINX_EVENT_MYST`` (what ``.ci/run`` sets after ``npm install``) or the PATH. Without it
the tests skip, unless ``SPHINX_EVENT_REQUIRE_MYSTMD=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PLUGIN = "#!/usr/bin/env python3\nfrom sphinx_event_ext.myst.plugin import run_plugin\n\nrun_plugin()\n"
MYST_YML = """\
version: 1
project:
  title: Events
  plugins:
    - type: executable
      path: event_plugin.py
  error_rules:
    - rule: link-resolves
      severity: ignore
site:
  template: book-theme
"""


def require_myst() -> str:
    """The ``myst`` command; skip without it, or fail when the environment demands it (CI)."""
    found = os.environ.get("SPHINX_EVENT_MYST") or shutil.which("myst")
    if found and Path(found).exists():
        return found
    problem = (
        "mystmd is not installed (npm install --prefix DIR mystmd; set SPHINX_EVENT_MYST=DIR/node_modules/.bin/myst)"
    )
    if os.environ.get("SPHINX_EVENT_REQUIRE_MYSTMD") == "1":
        pytest.fail(f"SPHINX_EVENT_REQUIRE_MYSTMD=1 but {problem}", pytrace=False)
    pytest.skip(problem)


@dataclass
class MystBuild:
    status: int
    output: str
    project: Path

    def page(self, slug: str) -> dict[str, Any]:
        return json.loads((self.project / "_build" / "site" / "content" / f"{slug}.json").read_text("utf-8"))


def write_project(project: Path, pages: dict[str, str]) -> Path:
    project.mkdir(parents=True, exist_ok=True)
    (project / "myst.yml").write_text(MYST_YML, "utf-8")
    plugin = project / "event_plugin.py"
    plugin.write_text(PLUGIN, "utf-8")
    plugin.chmod(0o755)
    for name, text in pages.items():
        path = project / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return project


def myst_env() -> dict[str, str]:
    """The plugin's ``python3`` is the tests' Python (with sphinx-event-ext installed)."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def myst_build(project: Path, myst: str) -> MystBuild:
    done = subprocess.run(
        [myst, "build", "--site", "--strict"],
        cwd=project,
        env=myst_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return MystBuild(done.returncode, done.stdout + done.stderr, project)


def walk(node: dict[str, Any]):  # type: ignore[no-untyped-def]
    yield node
    for child in node.get("children") or ():
        yield from walk(child)


def text_of(node: dict[str, Any]) -> str:
    return "".join(n.get("value", "") for n in walk(node) if n.get("type") == "text")
