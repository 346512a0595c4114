"""The check's evidence does not depend on how it was started: another virtual environment with the same
packages (here a real second one, made with ``uv venv`` and filled offline from uv's cache with the test
environment's packages, this package installed non-editable from the source tree) keeps the check's stamp
and its notebook results, and an incremental build from it writes no page again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from checkruns import BUILT, UNCHANGED
from sites import GOOD_OPTIONS, event_block, write_notebook

ROOT = Path(__file__).resolve().parents[1]
CONF = (
    'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
    "event_today = '2026-12-01'\n"
)


def _uv(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "uv", *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"uv {' '.join(args)}: {result.stderr}"


@pytest.fixture(scope="module")
def other_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The interpreter of a second virtual environment holding the same packages as this one."""
    folder = tmp_path_factory.mktemp("other") / "venv"
    python = folder / "bin" / "python"
    frozen = subprocess.run(
        [sys.executable, "-m", "uv", "pip", "freeze", "--python", sys.executable, "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requirements = folder.parent / "requirements.txt"
    requirements.write_text(frozen, "utf-8")
    _uv("venv", "-q", "--python", sys.executable, str(folder))
    _uv("pip", "install", "-q", "--offline", "--python", str(python), "-r", str(requirements))
    _uv("pip", "install", "-q", "--offline", "--no-deps", "--no-build-isolation", "--python", str(python), str(ROOT))
    placed = subprocess.run(
        [str(python), "-c", "import sphinx_event_ext; print(sphinx_event_ext.__file__)"],
        capture_output=True,
        text=True,
        cwd=folder.parent,
        check=True,
    ).stdout
    assert str(folder) in placed and str(ROOT) not in placed, "the package is a copy in the other environment"
    return str(python)


def _check(python: str, src: Path, tmp_path: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("SOURCE_DATE_EPOCH", None)
    argv = [python, "-m", "sphinx_event_ext.cli", "check", str(src), "--jobs", "1"]
    result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert (UNCHANGED in output) != (BUILT in output), output
    return output


def _written(out: Path) -> dict[str, int]:
    return {
        path.name: path.stat().st_mtime_ns for path in out.glob("*.html") if path.stem not in ("genindex", "search")
    }


def test_another_environment_with_the_same_packages_keeps_the_check_and_its_results(tmp_path, other_python):
    src = tmp_path / "docs"
    (src / "content").mkdir(parents=True)
    (src / "conf.py").write_text(CONF, "utf-8")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nevent\n```\n", "utf-8")
    options = ":content-repo: https://github.com/example-org/workshop\n:content-path: content\n"
    block = event_block(options=GOOD_OPTIONS + ":id: geo\n" + options)
    (src / "event.md").write_text(f"# Event\n\n{block}\n```{{event-checklist}}\n```\n", "utf-8")
    write_notebook(src / "content" / "lesson.ipynb", "assert 1 + 1 == 2")

    first = _check(sys.executable, src, tmp_path)
    assert BUILT in first and "from the check of" not in first, first
    assert UNCHANGED in _check(other_python, src, tmp_path), "the stamp stands in the other environment"
    assert UNCHANGED in _check(sys.executable, src, tmp_path), "and back again"

    # Without the stamp, an incremental build reuses the notebook's result: the event page now says so.
    stamp = src / "_build" / "doctrees" / "event-evidence" / "check-stamp.json"
    stamp.unlink()
    assert "lesson.ipynb: passed (from the check of" in _check(sys.executable, src, tmp_path)
    # The other environment's incremental build does the same and writes no page again.
    out = src / "_build" / "html"
    before = _written(out)
    stamp.unlink()
    again = _check(other_python, src, tmp_path)
    assert BUILT in again and "lesson.ipynb: passed (from the check of" in again, again
    assert _written(out) == before, "no page written again"
    assert UNCHANGED in _check(sys.executable, src, tmp_path)
