"""The Python an environment asks for: found or installed by uv; else the nearest, labelled, and with
``event_environment_python = "exact"`` a warning.

Real parts: uv finding the Pythons this machine has (3.11 here; uv's downloads come from GitHub,
which cannot be reached, so a Python the machine lacks is one uv cannot install, and the test
says which it asked for), Sphinx builds and kernels. The fixture mimics binder-examples'
``requirements`` example: ``requirements.txt`` and ``runtime.txt`` asking for ``python-3.10``.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from sites import GOOD_OPTIONS, event_block
from sites import write_notebook as _notebook
from wheels import make_wheel

from sphinx_event_ext.content.environment_python import nearest_version

PACKAGE = "tinyturtle_sphinx_event_test"
OURS = platform.python_version()
OUR_MINOR = ".".join(OURS.split(".")[:2])


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    make_wheel(folder, PACKAGE, "1.2", {PACKAGE: "SPEED = 3\n"})
    return folder


def _build(build_site, tmp_path: Path, wheels: Path, runtime: str, notebook: str, conf: str = ""):
    src = tmp_path / "src"
    (src / "content").mkdir(parents=True)
    (src / "content" / "requirements.txt").write_text(f"{PACKAGE}\n")
    (src / "content" / "runtime.txt").write_text(f"{runtime}\n")
    _notebook(src / "content" / "01.ipynb", notebook)
    conf = (
        "event_execute = True\nexclude_patterns = ['_build', 'content']\nevent_today = '2026-12-01'\n"
        f"event_environment_cache = {str(tmp_path / 'environments')!r}\n"
        f"event_environment_find_links = {str(wheels)!r}\nevent_environment_offline = True\n" + conf
    )
    page = (
        "# Event\n\n" + event_block(options=GOOD_OPTIONS + ":content-path: content\n") + "\n```{event-checklist}\n```\n"
    )
    result = build_site({"index": page}, conf=conf, src=src)
    record = result.out / "_events" / "index" / "execution.json"
    return result, json.loads(record.read_text())["environment"] if record.exists() else None


def _test_step(result):
    return result.soup().select_one("li.event-checklist-item:has(input[data-storage-key$=':test'])")


def test_a_python_uv_has_is_used_exactly_and_proves_the_step(build_site, tmp_path, wheels):
    result, environment = _build(
        build_site,
        tmp_path,
        wheels,
        f"python-{OUR_MINOR}",
        f"import sys, {PACKAGE}\nassert sys.prefix != sys.base_prefix",
    )
    assert result.status == 0, result.warnings
    assert "event.environment" not in result.warnings
    assert environment["python"].startswith(OUR_MINOR)
    assert environment["python_requested"] == OUR_MINOR
    assert environment["approximated"] is False
    assert environment["approximations"] == []
    step = _test_step(result)
    assert step.select_one("input.event-checkbox").has_attr("checked")
    assert "Proven by the content check" in step.get_text()


def test_a_python_this_machine_lacks_warns_by_default_and_names_it(build_site, tmp_path, wheels):
    result, environment = _build(build_site, tmp_path, wheels, "python-3.10", f"import {PACKAGE}")
    warning = next(line for line in result.warnings.splitlines() if "event.environment" in line)
    assert "runtime.txt in the content-path copy content asks for Python 3.10, which could not be had here (" in warning
    assert f"the notebooks ran with Python {OURS} instead" in warning
    assert environment["approximated"] is True
    assert environment["approximations"][0].startswith(f"Python {OURS} in place of Python 3.10, which ")


def test_nearest_accepts_another_python_without_failing_the_check_and_labels_it(tmp_path, wheels):
    """``sphinx-event check`` (warnings are errors) as an organizer runs it: the binder-examples ``requirements``
    example passes with ``nearest``, and the output, the record and the page say which Python ran it."""
    docs = tmp_path / "docs"
    (docs / "content").mkdir(parents=True)
    (docs / "content" / "requirements.txt").write_text(f"{PACKAGE}\n")
    (docs / "content" / "runtime.txt").write_text("python-3.10\n")
    _notebook(docs / "content" / "01.ipynb", f"import {PACKAGE}")
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
        "event_today = '2026-12-01'\nevent_execute = True\nevent_environment_python = 'nearest'\n"
        f"event_environment_cache = {str(tmp_path / 'environments')!r}\n"
        f"event_environment_find_links = {str(wheels)!r}\nevent_environment_offline = True\n"
    )
    page = (
        "# Event\n\n" + event_block(options=GOOD_OPTIONS + ":content-path: content\n") + "\n```{event-checklist}\n```\n"
    )
    (docs / "index.md").write_text(page)
    result = subprocess.run(
        [sys.executable, "-m", "sphinx_event_ext.cli", "check", "docs"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "index: the environment only approximates the hub's, so a pass here is not a proof:" in result.stderr
    assert (
        f"index:   Python {OURS} in place of Python 3.10, which runtime.txt in the content-path copy" in result.stderr
    )
    out = docs / "_build" / "html"
    environment = json.loads((out / "_events" / "index" / "execution.json").read_text())["environment"]
    assert environment["python"] == OURS
    assert environment["python_requested"] == "3.10"
    assert environment["approximated"] is True
    soup = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    card = soup.select_one(".event-card")
    assert f"Python {OURS} (asked: 3.10)" in card.select_one(".event-environment").get_text(" ")
    assert "in an approximated environment" in card.select_one("p.event-status").get_text()
    step = soup.select_one("li.event-checklist-item:has(input[data-storage-key$=':test'])")
    assert not step.select_one("input.event-checkbox").has_attr("checked")
    assert f"Python {OURS} in place of Python 3.10" in step.get_text(" ")


def test_a_standard_module_only_the_requested_python_has_blames_the_substitution(build_site, tmp_path, wheels):
    """annotationlib is new in Python 3.14: asked for, not had here, so its import fails because of the substitute."""
    result, _environment = _build(
        build_site, tmp_path, wheels, "python-3.14", "import annotationlib", "event_environment_python = 'nearest'\n"
    )
    assert result.status != 0
    line = next(line for line in result.warnings.splitlines() if "ModuleNotFoundError" in line)
    assert (
        "module annotationlib is in the standard library of Python 3.14, which the environment asks for, but not "
        f"of Python {OURS}, which ran the notebooks here in its place"
    ) in line
    assert "declare it" not in line


@pytest.mark.parametrize(
    ("requested", "available", "nearest"),
    [
        ("3.10", ["3.11.7", "3.11.2"], "3.11.7"),
        ("3.10", ["3.9.18", "3.11.2", "3.12.1"], "3.11.2"),  # equally near: the newer
        ("3.12", ["3.9.18", "3.11.2", "3.13.0"], "3.13.0"),
        (">=3.12", ["3.9.18", "3.11.2"], "3.11.2"),
        ("3.11", ["3.11.2", "3.12.1"], "3.11.2"),
        ("2.7", ["3.11.2"], None),
        ("3.10", [], None),
    ],
)
def test_the_nearest_python(requested, available, nearest):
    assert nearest_version(requested, available) == nearest


VERSIONS = st.builds("3.{}.{}".format, st.integers(6, 15), st.integers(0, 20))


@settings(max_examples=200, deadline=None)
@given(requested=st.integers(6, 15), available=st.lists(VERSIONS, min_size=1, max_size=8))
def test_the_nearest_python_is_available_and_never_farther_than_another(requested, available):
    nearest = nearest_version(f"3.{requested}", available)
    assert nearest in available
    distance = abs(int(nearest.split(".")[1]) - requested)
    assert all(distance <= abs(int(version.split(".")[1]) - requested) for version in available)
    if any(version.startswith(f"3.{requested}.") for version in available):
        assert nearest.startswith(f"3.{requested}.")
