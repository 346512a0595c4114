"""Where sphinx-event-ext was installed from, read from real ``.dist-info`` folders (PEP 610 ``direct_url.json``)."""

from __future__ import annotations

import json
from importlib.metadata import PathDistribution
from pathlib import Path

import pytest

from sphinx_event_ext.util.install_source import InstallSource, install_source


def _distribution(root: Path, direct_url: object | None) -> PathDistribution:
    """A ``.dist-info`` folder as pip leaves it, with ``direct_url.json`` when given (text is written as is)."""
    info = root / "sphinx_event_ext-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sphinx-event-ext\nVersion: 1.2.3\n", "utf-8")
    if direct_url is not None:
        text = direct_url if isinstance(direct_url, str) else json.dumps(direct_url)
        (info / "direct_url.json").write_text(text, "utf-8")
    return PathDistribution(info)


def test_a_release_from_an_index_has_no_direct_url(tmp_path):
    source = install_source(_distribution(tmp_path, None))
    assert source == InstallSource("release", "1.2.3")
    assert source.install_args("check") == ["sphinx-event-ext[check]==1.2.3"]
    assert source.install_args() == ["sphinx-event-ext==1.2.3"]


def test_an_editable_local_folder(tmp_path):
    data = {"url": "file:///home/ada/src/sphinx%20event", "dir_info": {"editable": True}}
    source = install_source(_distribution(tmp_path, data))
    assert source.kind == "folder"
    assert source.install_args("check") == ["-e", "/home/ada/src/sphinx event[check]"]


def test_a_local_folder_not_editable(tmp_path):
    source = install_source(_distribution(tmp_path, {"url": "file:///opt/sphinx-event-ext", "dir_info": {}}))
    assert source.install_args("check") == ["/opt/sphinx-event-ext[check]"]


def test_a_git_url_is_pinned_to_the_installed_commit(tmp_path):
    commit = "0123456789abcdef0123456789abcdef01234567"
    data = {
        "url": "https://github.com/org/sphinx-event-ext.git",
        "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": commit},
    }
    source = install_source(_distribution(tmp_path, data))
    assert source.kind == "git"
    assert source.repository == "https://github.com/org/sphinx-event-ext.git"
    assert source.revision == commit
    assert source.install_args("check") == [
        f"sphinx-event-ext[check] @ git+https://github.com/org/sphinx-event-ext.git@{commit}"
    ]


def test_an_archive(tmp_path):
    url = "https://example.org/sphinx_event_ext-1.2.3-py3-none-any.whl"
    source = install_source(_distribution(tmp_path, {"url": url, "archive_info": {"hashes": {"sha256": "00"}}}))
    assert source.install_args() == [f"sphinx-event-ext @ {url}"]


@pytest.mark.parametrize(
    "broken",
    ["{not json", "[]", json.dumps({"dir_info": {}}), json.dumps({"url": "https://x.org/repo", "dir_info": {}})],
    ids=["not-json", "not-an-object", "no-url", "folder-not-a-file-url"],
)
def test_an_unreadable_direct_url_falls_back_to_the_release(tmp_path, broken):
    assert install_source(_distribution(tmp_path, broken)) == InstallSource("release", "1.2.3")
