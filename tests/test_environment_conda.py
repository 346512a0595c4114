"""environment.yml environments: solved and installed by rattler from their channels, or, when no
channel answers, approximated from the package index and labelled so, never shown as proven.

Real parts: conda channels of noarch packages written and indexed by the tests and served over
HTTP on 127.0.0.1 (tests/condachannel.py); rattler solving and installing from them; uv; Sphinx
builds; kernels. What is left to machines that reach conda-forge: a whole rattler environment
with conda-forge's own ``python`` and ``ipykernel`` running the notebooks, since no channel built
here can provide a Python that runs. The tests prove the solve (channel order, mirrors,
dependencies), the install into a prefix, the pip section installed into that prefix after it,
and that a request the channels cannot satisfy fails as it would on the hub.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import serve
from condachannel import closed_port_url, index_channel, make_conda_package
from gitrepos import git_daemon, make_bare_repo
from sites import GOOD_OPTIONS, event_block
from sites import write_notebook as _notebook
from wheels import make_wheel

from sphinx_event_ext.content.environment import (
    EnvironmentBuildError,
    EnvironmentSource,
    Installer,
    build_environment,
    find_uv,
    install_pip_section,
)
from sphinx_event_ext.content.environment_conda import solve_and_install
from sphinx_event_ext.content.environment_files import read_environment

pytest.importorskip("rattler")

DASK = "daskfix_sphinx_event"  # stands for dask: PyPI's lacks what conda-forge's brings (pyarrow)
ARROW = "arrowfix_sphinx_event"
SOURCE = EnvironmentSource("environment-repo", "https://git.example.org/env", "main", "0" * 40)


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    # PyPI's namesake of the conda package: its dataframe module needs a module only the conda package brings.
    make_wheel(
        folder,
        DASK.replace("_", "-"),
        "2024.1",
        {f"{DASK}/__init__": "VERSION = '2024.1'\n", f"{DASK}/dataframe": f"import {ARROW}\n"},
    )
    make_wheel(folder, "tinyrabbit-sphinx-event-test", "0.3", {"tinyrabbit_sphinx_event_test": "HOPS = 2\n"})
    return folder


@pytest.fixture(scope="module")
def channels(tmp_path_factory: pytest.TempPathFactory):
    """Two channels on 127.0.0.1: ``main`` (served as conda-forge's mirror) and ``extra``."""
    root = tmp_path_factory.mktemp("channels")
    main, extra = root / "main", root / "extra"
    make_conda_package(main, "toolzy", "1.0")
    make_conda_package(main, "daskish", "2024.1", ("toolzy >=1", "arrowish"))
    make_conda_package(main, "arrowish", "15.0")
    make_conda_package(extra, "toolzy", "2.0")  # newer, but in the later channel
    make_conda_package(extra, "onlyextra", "0.1")
    index_channel(main)
    index_channel(extra)
    with serve(root) as base:
        yield f"{base}/main", f"{base}/extra"


def test_rattler_solves_channels_in_order_and_installs_into_a_prefix_then_the_pip_section(tmp_path, channels, wheels):
    main, extra = channels
    prefix = tmp_path / "prefix"
    installed = solve_and_install(
        ["daskish", "onlyextra"],
        ["conda-forge", extra],
        prefix,
        tmp_path / "cache",
        mirrors={"conda-forge": main},
    )
    versions = {package.name: (package.version, package.channel) for package in installed}
    # Strict channel priority, as repo2docker's mamba: toolzy from the first channel, though the second has 2.0.
    assert versions["toolzy"] == ("1.0", f"{main}/")
    assert versions["arrowish"][0] == "15.0"  # a dependency, solved
    assert versions["onlyextra"] == ("0.1", f"{extra}/")
    for name, (version, _channel) in versions.items():
        assert (prefix / "share" / name / "VERSION").read_text() == f"{version}\n"
        assert list((prefix / "conda-meta").glob(f"{name}-{version}-0.json"))
    # The pip section goes into the same prefix, after the conda packages. conda-forge's python would be in the
    # prefix; here a virtual environment of this machine's Python stands in for it, in that same folder.
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "environment.yml").write_text(
        "channels: [conda-forge]\ndependencies:\n  - daskish\n  - pip:\n    - tinyrabbit-sphinx-event-test\n"
    )
    spec = read_environment(tmp_path / "env")
    uv = find_uv()
    import subprocess

    subprocess.run([uv, "venv", "--quiet", "--allow-existing", str(prefix)], check=True)
    install_pip_section(uv, prefix / "bin" / "python", spec, SOURCE, Installer(find_links=(str(wheels),), offline=True))
    assert list(prefix.glob("lib/python3*/site-packages/tinyrabbit_sphinx_event_test.py"))
    assert (prefix / "share" / "daskish" / "VERSION").exists()  # the conda packages are still there


def test_a_package_no_channel_has_fails_as_on_the_hub(tmp_path, channels, wheels):
    """The channel answers, and has no ``python`` (nor the package): the solve fails with rattler's words."""
    main, _extra = channels
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "environment.yml").write_text(
        "channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - daskish\n  - no-such-package-sphinx-event\n"
    )
    installer = Installer(find_links=(str(wheels),), offline=True, channel_mirrors={"conda-forge": main})
    with pytest.raises(EnvironmentBuildError) as raised:
        build_environment(read_environment(tmp_path / "env"), SOURCE, tmp_path / "environments", installer)
    message = str(raised.value)
    assert message.startswith(f"rattler could not solve environment.yml in {SOURCE.location} from {main}: ")
    assert "No candidates were found for" in message


# The binder-examples `conda` example, as the check meets it here: conda-forge cannot be reached.
CONDA_EXAMPLE = (
    "name: example-environment\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n"
    f"  - {DASK.replace('_', '-')}\n  - r-ggplot2-sphinx-event\n  - pip\n"
    "  - pip:\n    - tinyrabbit-sphinx-event-test\n"
)


@pytest.fixture
def served(tmp_path: Path):
    root = tmp_path / "remotes"
    root.mkdir()
    with git_daemon(root) as base:
        yield root, base


def _site(tmp_path: Path, served, wheels: Path, notebook: str):
    root, base = served
    make_bare_repo(root, "env.git", {"main": {"environment.yml": CONDA_EXAMPLE, "apt.txt": "libgdal-dev\n"}})
    repo = f"{base}/env.git"
    src = tmp_path / "src"
    _notebook(src / "content" / "01.ipynb", notebook)
    conf = (
        "event_execute = True\nexclude_patterns = ['_build', 'content']\nevent_today = '2026-12-01'\n"
        f"event_content_cache = {str(tmp_path / 'pulled')!r}\n"
        f"event_environment_cache = {str(tmp_path / 'environments')!r}\n"
        f"event_environment_find_links = {str(wheels)!r}\nevent_environment_offline = True\n"
        f"event_environment_channel_mirrors = {{'conda-forge': {closed_port_url()!r}}}\n"
    )
    options = GOOD_OPTIONS + f":content-path: content\n:environment-repo: {repo}\n"
    page = "# Event\n\n" + event_block(options=options) + "\n```{event-checklist}\n```\n"
    return repo, src, conf, {"index": page}


def test_an_unreachable_channel_gives_an_approximation_listed_and_not_proven(
    build_site, tmp_path, served, wheels, capfd
):
    _repo, src, conf, pages = _site(tmp_path, served, wheels, f"import {DASK}, tinyrabbit_sphinx_event_test")
    result = build_site(pages, conf=conf, src=src)
    assert result.status == 0, result.warnings
    record = json.loads((result.out / "_events" / "index" / "execution.json").read_text())
    environment = record["environment"]
    assert environment["approximated"] is True
    assert environment["solver"] == "uv"
    assert environment["approximations"] == [
        f"{DASK.replace('_', '-')}: PyPI's {DASK.replace('_', '-')} 2024.1 in place of the conda package from "
        "conda-forge",
        "r-ggplot2-sphinx-event: no package of that name on PyPI ("
        + environment["unmatched"]["r-ggplot2-sphinx-event"]
        + ")",
        "not reproduced: apt.txt: Debian packages installed into the image",
    ]
    assert any("could not be reached" in note and "conda-forge (mirrored at" in note for note in environment["notes"])
    assert re.fullmatch(r"[0-9a-f]{64}", environment["identity"])
    # The check's output says so, substitutions listed.
    output = capfd.readouterr().err
    assert "index: the environment only approximates the hub's, so a pass here is not a proof:" in output
    assert f"index:   {environment['approximations'][0]}" in output
    # The page: the status line and the environment say approximated; the checklist does not tick the step.
    card = result.soup().select_one(".event-card")
    status = card.select_one("p.event-status")
    assert "event-status-approximated" in status["class"]
    assert "in an approximated environment (not proven for the hub's)" in status.get_text()
    assert card.select_one(".event-environment .sd-badge").get_text() == "approximated"
    assert f"PyPI's {DASK.replace('_', '-')} 2024.1 in place of the conda package" in card.get_text(" ")
    step = result.soup().select_one("li.event-checklist-item:has(input[data-storage-key$=':test'])")
    assert "event-checklist-approximated" in step["class"]
    assert not step.select_one("input.event-checkbox").has_attr("checked")
    text = " ".join(step.get_text().split())
    assert "Proven" not in text
    assert "Approximated, not proven, by the content check: every notebook ran top to bottom, but in an " in text
    assert "r-ggplot2-sphinx-event: no package of that name on PyPI" in text


def test_a_module_the_conda_package_would_bring_blames_the_substitution(build_site, tmp_path, served, wheels):
    _repo, src, conf, pages = _site(tmp_path, served, wheels, f"import {DASK}.dataframe")
    result = build_site(pages, conf=conf, src=src)
    assert result.status != 0
    line = next(line for line in result.warnings.splitlines() if "ModuleNotFoundError" in line)
    assert f"raised ModuleNotFoundError: module {ARROW} is not installed in the approximated environment: " in line
    assert "conda-forge could not be reached, so the conda packages of environment.yml" in line
    assert "a conda package often brings modules that its PyPI namesake does not" in line
    # Not the old advice, which sent the organizer to declare what the conda package brings.
    assert f"module {ARROW} is not installed in the event's environment; declare it" not in result.warnings


def test_offline_queries_no_channel_without_a_mirror(tmp_path, wheels):
    """``event_environment_offline`` means no network: an unmirrored channel is not even tried."""
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "environment.yml").write_text(
        f"channels: [conda-forge, bioconda]\ndependencies:\n  - {DASK.replace('_', '-')}\n"
    )
    mirrors = {"conda-forge": closed_port_url()}  # bioconda has none
    installer = Installer(find_links=(str(wheels),), offline=True, channel_mirrors=mirrors)
    environment = build_environment(read_environment(tmp_path / "env"), SOURCE, tmp_path / "environments", installer)
    assert environment.notes == (
        "event_environment_offline is True and not every channel has a mirror, so none was queried: "
        "the conda packages of environment.yml were approximated from PyPI",
    )
    assert environment.approximations == (
        f"{DASK.replace('_', '-')}: PyPI's {DASK.replace('_', '-')} 2024.1 in place of the conda package from "
        "conda-forge, bioconda",
    )
