"""A site that installs the base package only (no ``check`` extra) renders events, and the
commands that need the extra say which install line is missing.

Installing a second environment without the extra would need the whole stack again, so
these tests run Python with the extra's modules made unimportable (``sys.modules[name] =
None``, which is how Python records a module that cannot be imported); everything else,
the Sphinx build and the CLI, is real.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from gitrepos import make_bare_repo
from sites import GOOD_OPTIONS, event_block

from sphinx_event_ext.content.extra import CHECK_MODULES, INSTALL_LINE

BLOCKED = (*CHECK_MODULES, "jupyter_core", "pytest_notebook")


def _run_without_extra(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    prelude = f"import sys\nfor name in {BLOCKED!r}:\n    sys.modules[name] = None\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True, check=False
    )


def _site(tmp_path: Path, options: str) -> Path:
    src = tmp_path / "site"
    (src / "content").mkdir(parents=True)
    (src / "content" / "intro.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "utf-8"
    )
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\n')
    (src / "index.md").write_text("# Event\n\n" + event_block(options=GOOD_OPTIONS + options), "utf-8")
    return src


def test_event_pages_build_and_validate_without_the_check_extra(tmp_path):
    src = _site(tmp_path, ":content-path: content\n")
    result = _run_without_extra(
        f"""
        from sphinx.cmd.build import build_main
        from sphinx_event_ext.cli.main import main
        import sys
        assert "nbgitpuller" not in [m for m, v in sys.modules.items() if v is not None]
        status = build_main(["-b", "html", "-q", "-W", {str(src)!r}, {str(src / "_build")!r}])
        print("build", status)
        print("validate", main(["validate", {str(src)!r}]))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "build 0" in result.stdout
    assert "validate 0" in result.stdout
    assert "Intro to Geospatial Python" in (src / "_build" / "index.html").read_text("utf-8")
    assert (src / "_build" / "_events" / "index" / "prewarm.json").is_file()


def test_check_without_the_extra_names_the_install_line_before_building(tmp_path):
    src = _site(tmp_path, ":content-path: content\n")
    result = _run_without_extra(
        f"""
        from sphinx_event_ext.cli.main import main
        raise SystemExit(main(["check", {str(src)!r}, "--jobs", "1"]))
        """,
        tmp_path,
    )
    assert result.returncode == 2
    assert "needs the 'check' extra (nbgitpuller, nbclient" in result.stderr
    assert INSTALL_LINE in result.stderr
    assert "Traceback" not in result.stderr
    assert not (src / "_build").exists()


def test_a_build_that_runs_content_without_the_extra_fails_at_the_event(tmp_path):
    src = _site(tmp_path, ":content-path: content\n")
    result = _run_without_extra(
        f"""
        from sphinx.cmd.build import build_main
        raise SystemExit(build_main(["-b", "html", "-q", "-D", "event_execute=1", {str(src)!r}, {str(src / "_build")!r}]))
        """,
        tmp_path,
    )
    assert result.returncode == 1
    assert "index.md:3: ERROR: content of event 'index' cannot be run" in result.stderr
    assert INSTALL_LINE in result.stderr
    assert "Traceback" not in result.stderr


def test_pulling_without_the_extra_names_the_install_line(tmp_path):
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": {"intro.ipynb": "{}"}})
    result = _run_without_extra(
        f"""
        from sphinx_event_ext.content.pull import PullError, pull_content
        from pathlib import Path
        try:
            pull_content({repo!r}, "main", Path({str(tmp_path / "cache")!r}))
        except PullError as error:
            print("PullError:", error)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "PullError: pulling content with nbgitpuller needs the 'check' extra" in result.stdout
    assert INSTALL_LINE in result.stdout


def test_rehearse_without_the_extra_names_the_install_line_before_reaching_the_hub(tmp_path):
    src = _site(tmp_path, ":content-repo: https://github.com/org/geo-workshop\n")
    result = _run_without_extra(
        f"""
        import os
        from sphinx_event_ext.cli.main import main
        os.environ["HUB_TOKEN"] = "unused"
        raise SystemExit(main(["rehearse", {str(src)!r}, "--hub-token-env", "HUB_TOKEN"]))
        """,
        tmp_path,
    )
    assert result.returncode == 2
    assert "sphinx-event rehearse needs the 'check' extra (nbgitpuller, nbclient" in result.stderr
    assert INSTALL_LINE in result.stderr
    assert "Traceback" not in result.stderr
