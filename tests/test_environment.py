"""The content check runs each event's notebooks in the environment its repository declares.

Real parts throughout: environment repositories served by ``git daemon`` on 127.0.0.1, real
Sphinx builds, environments built by uv, notebooks run by kernels from those environments.
Packages come from small wheels the tests build, installed with uv ``--offline`` (ipykernel
and its dependencies from uv's own cache, filled when the test environment was installed), so
nothing reaches beyond this machine.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
from importlib.util import find_spec
from pathlib import Path

import pytest
from condachannel import closed_port_url
from gitrepos import git_daemon, make_bare_repo
from sites import GOOD_OPTIONS, event_block
from sites import write_notebook as _notebook
from wheels import make_wheel

from sphinx_event_ext.content.environment import CONDA_SOLVERS, EnvironmentSource, Installer, build_environment
from sphinx_event_ext.content.environment_files import conda_as_pip, read_environment

PACKAGE = "tinyturtle_sphinx_event_test"  # a module the checker's own environment must not have


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    make_wheel(folder, PACKAGE, "1.2", {PACKAGE: "SPEED = 3\n"})
    make_wheel(folder, "tinyrabbit-sphinx-event-test", "0.3", {"tinyrabbit_sphinx_event_test": "HOPS = 2\n"})
    return folder


@pytest.fixture
def served(tmp_path: Path):
    root = tmp_path / "remotes"
    root.mkdir()
    with git_daemon(root) as base:
        yield root, base


def _conf(tmp_path: Path, wheels: Path) -> str:
    return (
        "event_execute = True\nexclude_patterns = ['_build', 'content']\nevent_today = '2026-12-01'\n"
        f"event_content_cache = {str(tmp_path / 'pulled')!r}\n"
        f"event_environment_cache = {str(tmp_path / 'environments')!r}\n"
        f"event_environment_find_links = {str(wheels)!r}\nevent_environment_offline = True\n"
    )


def _page(options: str = "") -> dict[str, str]:
    return {"index": "# Event\n\n" + event_block(options=GOOD_OPTIONS + ":content-path: content\n" + options)}


def _environment_repo(served, files: dict[str, str]) -> str:
    root, base = served
    make_bare_repo(root, "env.git", {"main": files})
    return f"{base}/env.git"


def _record(result) -> dict:
    return json.loads((result.out / "_events" / "index" / "execution.json").read_text())


def test_the_binder_folder_of_the_environment_repo_is_installed_not_the_checker(build_site, tmp_path, served, wheels):
    repo = _environment_repo(
        served, {"binder/requirements.txt": f"{PACKAGE}\n", "requirements.txt": "no-such-package-sphinx-event\n"}
    )
    src = tmp_path / "src"
    _notebook(src / "content" / "01.ipynb", f"import {PACKAGE}, sys", f"print({PACKAGE}.SPEED, sys.prefix)")
    result = build_site(_page(f":environment-repo: {repo}\n"), conf=_conf(tmp_path, wheels), src=src)
    assert result.status == 0, result.warnings
    assert find_spec(PACKAGE) is None  # nothing was installed into the checker's environment
    record = _record(result)
    assert [n["status"] for n in record["notebooks"]] == ["passed"]
    environment = record["environment"]
    assert environment["source"]["kind"] == "environment-repo"
    assert environment["source"]["location"] == repo
    assert environment["source"]["branch"] == "main"
    assert re.fullmatch(r"[0-9a-f]{40}", environment["source"]["commit"])
    assert environment["files"] == ["binder/requirements.txt"]
    assert environment["packages"][PACKAGE.replace("_", "-")] == "1.2"
    assert "ipykernel" in environment["packages"]
    card = result.soup().select_one(".event-card").get_text(" ")
    assert f"binder/requirements.txt in {repo} at main" in card
    link = result.soup().select_one(".event-environment a")
    assert link["href"] == "_events/index/execution.json"


def test_an_undeclared_import_names_the_environment_file_to_declare_it_in(build_site, tmp_path, served, wheels):
    repo = _environment_repo(served, {"binder/requirements.txt": f"{PACKAGE}\n"})
    src = tmp_path / "src"
    _notebook(src / "content" / "01.ipynb", "import yaml")
    result = build_site(_page(f":environment-repo: {repo}\n"), conf=_conf(tmp_path, wheels), src=src)
    assert result.status != 0
    assert (
        "raised ModuleNotFoundError: module yaml is not installed in the event's environment; declare it in "
        f"binder/requirements.txt in {repo} (its package is named pyyaml)"
    ) in result.warnings, result.warnings


def test_a_package_that_does_not_exist_fails_once_at_the_directive(build_site, tmp_path, served, wheels):
    repo = _environment_repo(served, {"binder/requirements.txt": "no-such-package-sphinx-event\n"})
    src = tmp_path / "src"
    _notebook(src / "content" / "01.ipynb", "x = 1")
    _notebook(src / "content" / "02.ipynb", "y = 2")
    result = build_site(_page(f":environment-repo: {repo}\n"), conf=_conf(tmp_path, wheels), src=src)
    assert result.status != 0
    errors = [line for line in result.warnings.splitlines() if "index.md" in line]
    assert len(errors) == 1, result.warnings
    assert errors[0].startswith(f"{src / 'index.md'}:3: ERROR: the environment of event 'index' cannot be built")
    assert f"uv could not install binder/requirements.txt of {repo}" in errors[0]
    assert "no-such-package-sphinx-event was not found" in result.warnings  # uv's own words


def test_a_second_check_reuses_the_built_environment(build_site, tmp_path, served, wheels):
    repo = _environment_repo(served, {"binder/requirements.txt": f"{PACKAGE}\n"})
    src = tmp_path / "src"
    _notebook(src / "content" / "01.ipynb", f"import {PACKAGE}")
    conf = _conf(tmp_path, wheels) + "event_execute_force = True\n"
    first = build_site(_page(f":environment-repo: {repo}\n"), conf=conf, src=src)
    assert first.status == 0, first.warnings
    built = list((tmp_path / "environments").iterdir())
    assert len(built) == 1
    marker = built[0] / "reused-marker"
    marker.write_text("still the same folder")
    # A second event with the same environment files shares it too.
    second_page = _page(f":environment-repo: {repo}\n")
    second_page["index"] += "\n" + event_block(
        "Second", options=GOOD_OPTIONS + f":id: second\n:content-path: content\n:environment-repo: {repo}\n"
    )
    second = build_site(second_page, conf=conf, src=src, args=("-E",))
    assert second.status == 0, second.warnings
    assert list((tmp_path / "environments").iterdir()) == built
    assert marker.exists()
    assert _record(second)["environment"] == _record(first)["environment"]
    assert [n["status"] for n in _record(second)["notebooks"]] == ["passed"]  # forced to run, in the reused one


def test_environment_yml_without_a_conda_solver_installs_by_name_and_lists_the_rest(
    build_site, tmp_path, served, wheels, monkeypatch
):
    """Neither rattler nor a conda solver: the conda packages are approximated by name, and labelled so."""
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        "sphinx_event_ext.content.environment.find_spec",
        lambda name, *args: None if name == "rattler" else real_find_spec(name, *args),
    )
    solver_free = [
        folder
        for folder in os.environ["PATH"].split(os.pathsep)
        if not any((Path(folder) / name).exists() for name in CONDA_SOLVERS)
    ]
    monkeypatch.setenv("PATH", os.pathsep.join(solver_free))
    assert not any(shutil.which(name) for name in CONDA_SOLVERS)
    environment_yml = (
        "name: workshop\nchannels: [conda-forge]\ndependencies:\n  - python=3\n  - pip\n"
        f"  - {PACKAGE}=1.2\n  - r-ggplot2-sphinx-event\n  - pip:\n    - tinyrabbit-sphinx-event-test\n"
    )
    repo = _environment_repo(served, {"environment.yml": environment_yml, "apt.txt": "libgdal-dev\n"})
    src = tmp_path / "src"
    _notebook(src / "content" / "01.ipynb", f"import {PACKAGE}, tinyrabbit_sphinx_event_test")
    result = build_site(_page(f":environment-repo: {repo}\n"), conf=_conf(tmp_path, wheels), src=src)
    assert result.status == 0, result.warnings
    environment = _record(result)["environment"]
    assert environment["packages"][PACKAGE.replace("_", "-")] == "1.2"
    assert environment["packages"]["tinyrabbit-sphinx-event-test"] == "0.3"
    assert list(environment["unmatched"]) == ["r-ggplot2-sphinx-event"]
    assert "r-ggplot2-sphinx-event was not found" in environment["unmatched"]["r-ggplot2-sphinx-event"]
    assert environment["not_reproduced"] == ["apt.txt: Debian packages installed into the image"]
    assert environment["approximated"] is True
    assert environment["notes"] == [
        "no conda solver is installed (py-rattler, micromamba, conda or pixi): the conda packages of "
        "environment.yml were approximated from PyPI"
    ]
    card = result.soup().select_one(".event-card").get_text(" ")
    assert "r-ggplot2-sphinx-event: no package of that name on PyPI" in card
    assert f"{PACKAGE}=1.2: PyPI's {PACKAGE} 1.2 in place of the conda package from conda-forge" in card
    assert "not reproduced: apt.txt" in card


def test_content_without_a_declared_environment_runs_in_the_checker_and_says_so(build_site, tmp_path, wheels):
    src = tmp_path / "src"
    _notebook(src / "content" / "01.ipynb", "import sys", "print(sys.prefix)")
    result = build_site(_page(), conf=_conf(tmp_path, wheels), src=src)
    assert result.status == 0, result.warnings
    environment = _record(result)["environment"]
    assert environment["declared"] is False
    assert environment["notes"] == [
        "no environment is declared in the content-path copy content; "
        "the notebooks ran in the checker's own environment"
    ]
    assert not (tmp_path / "environments").exists()
    assert "the checker's own environment" in result.soup().select_one(".event-card").get_text(" ")


def test_repo2docker_reading_order(tmp_path):
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "runtime.txt").write_text("python-3.12\n")
    (tmp_path / "binder" / "postBuild").write_text("#!/bin/sh\n")
    (tmp_path / "requirements.txt").write_text("numpy\n")
    (tmp_path / "setup.py").write_text("")
    spec = read_environment(tmp_path)
    assert (spec.folder, spec.requirement_files, spec.project, spec.python) == ("binder", (), False, "3.12")
    assert spec.not_reproduced == ("binder/postBuild: a script run after the install",)
    assert spec.declare_in == "binder/requirements.txt"
    (tmp_path / ".binder").mkdir()
    with pytest.raises(ValueError, match=r"both binder/ and \.binder/"):
        read_environment(tmp_path)


@pytest.mark.parametrize(
    ("conda", "pip"),
    [("numpy", "numpy"), ("numpy=1.26", "numpy==1.26.*"), ("conda-forge::xarray>=2024.1", "xarray>=2024.1")],
)
def test_conda_specs_as_pip_requirements(conda, pip):
    assert conda_as_pip(conda) == pip


def test_hints_for_declared_packages_and_a_python_this_machine_lacks(tmp_path, wheels):
    repo = tmp_path / "env"
    (repo / "binder").mkdir(parents=True)
    (repo / "binder" / "runtime.txt").write_text("python-3.99\n")
    (repo / "binder" / "environment.yml").write_text(
        f"dependencies:\n  - {PACKAGE}\n  - missingpkg-sphinx-event\n  - pip:\n    - tinyrabbit-sphinx-event-test\n"
    )
    source = EnvironmentSource("environment-repo", "https://git.example.org/env", "main", "0" * 40)
    # conda-forge, mirrored where nothing listens: unreachable, so the conda packages are approximated.
    mirrors = {"conda-forge": closed_port_url()}
    installer = Installer(find_links=(str(wheels),), offline=True, channel_mirrors=mirrors)
    environment = build_environment(read_environment(repo), source, tmp_path / "environments", installer)
    (warning,) = environment.warnings
    assert warning.startswith(
        "binder/runtime.txt in https://git.example.org/env asks for Python 3.99, which could not be had here ("
    )
    assert warning.endswith(
        f"the notebooks ran with Python {platform.python_version()} instead "
        '(event_environment_python = "nearest" accepts that)'
    )
    assert environment.python_version == platform.python_version()
    missing = environment.missing_module_hint("No module named 'missingpkg_sphinx_event'")
    assert missing.startswith(
        "module missingpkg_sphinx_event is declared in binder/environment.yml in https://git.example.org/env "
        "but did not install: "
    )
    assert "missingpkg-sphinx-event was not found" in missing
    installed = environment.missing_module_hint(f"No module named '{PACKAGE}.extra'")
    assert installed.startswith(f"module {PACKAGE}.extra is declared in binder/environment.yml")
    assert "does not import: this is an approximation of the event's environment" in installed
    undeclared = environment.missing_module_hint("No module named 'pandas'")
    assert undeclared.startswith(
        "module pandas is not installed in the approximated environment: this is an approximation of the event's "
        "environment: conda-forge could not be reached"
    )
    assert "If none of the conda packages brings it, declare it in binder/environment.yml in " in undeclared


def test_the_identity_names_what_ran_not_where_it_was_built():
    from dataclasses import replace

    from sphinx_event_ext.content.environment import KernelEnvironment

    here = KernelEnvironment(None, None, Path("/cache/a/bin/python"), "3.11.7", packages=(("numpy", "2.1.0"),))
    there = replace(here, python=Path("/elsewhere/b/bin/python"), reused=True)
    assert here.identity == there.identity
    assert replace(here, packages=(("numpy", "2.1.1"),)).identity != here.identity
    assert replace(here, python_version="3.12.1").identity != here.identity
    assert replace(here, solver="rattler").identity != here.identity
