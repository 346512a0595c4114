"""Pulling content with nbgitpuller's GitPuller from real local git remotes, and verifying links against it."""

from __future__ import annotations

import multiprocessing
import re
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from gitrepos import GIT_ENV, make_bare_repo, push_commit

from sphinx_event_ext.content.pull import PullError, list_refs, pull_content, resolve, verify_link, verify_path
from sphinx_event_ext.plan.links import nbgitpuller_link

FILES = {
    "README.md": "# Workshop\n",
    "notebooks/01-intro.ipynb": "{}",
    "notebooks/02-pandas.ipynb": "{}",
    "data/cities.csv": "city\n",
}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def remote(tmp_path: Path) -> str:
    return make_bare_repo(
        tmp_path / "remotes",
        "workshop.git",
        {"main": FILES, "solutions": {**FILES, "solutions/01.ipynb": "{}"}},
        tags={"v1.0": "main"},
    )


def test_refs_of_a_real_remote(remote: str, tmp_path: Path) -> None:
    refs = list_refs(remote)
    assert refs.default_branch == "main"
    assert set(refs.heads) == {"main", "solutions"}
    assert set(refs.tags) == {"v1.0"}
    assert refs.tags["v1.0"] == refs.heads["main"], "an annotated tag resolves to the commit it tags"


def test_pull_clones_the_branch_files(remote: str, tmp_path: Path) -> None:
    checkout = pull_content(remote, "solutions", tmp_path / "cache")
    assert not checkout.from_cache
    assert checkout.branch == "solutions"
    assert (checkout.path / "solutions" / "01.ipynb").read_text() == "{}"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout.path, capture_output=True, text=True, check=True)
    assert head.stdout.strip() == checkout.commit == list_refs(remote).heads["solutions"]


def test_default_branch_is_the_remote_head(remote: str, tmp_path: Path) -> None:
    checkout = pull_content(remote, None, tmp_path / "cache")
    assert checkout.branch == "main"
    assert not (checkout.path / "solutions").exists()


def test_second_pull_of_the_same_commit_uses_the_cache(remote: str, tmp_path: Path) -> None:
    first = pull_content(remote, "main", tmp_path / "cache")
    marker = first.path / "untracked-marker"
    marker.write_text("a clone would not have this file")
    second = pull_content(remote, "main", tmp_path / "cache")
    assert second.from_cache
    assert second.path == first.path
    assert second.path.stat().st_ino == first.path.stat().st_ino
    assert marker.exists()


def test_a_new_commit_gets_a_new_checkout(remote: str, tmp_path: Path) -> None:
    first = pull_content(remote, "main", tmp_path / "cache")
    new_commit = push_commit(remote, "main", {"notebooks/03-plots.ipynb": "{}"}, tmp_path)
    second = pull_content(remote, "main", tmp_path / "cache")
    assert not second.from_cache
    assert second.commit == new_commit != first.commit
    assert (second.path / "notebooks" / "03-plots.ipynb").exists()
    assert not (first.path / "notebooks" / "03-plots.ipynb").exists()


def test_a_tag_can_be_pulled(remote: str, tmp_path: Path) -> None:
    checkout = pull_content(remote, "v1.0", tmp_path / "cache")
    assert (checkout.path / "README.md").exists()


def test_missing_branch_names_the_existing_ones(remote: str, tmp_path: Path) -> None:
    with pytest.raises(PullError) as caught:
        pull_content(remote, "solution", tmp_path / "cache")
    message = str(caught.value)
    assert "'solution' does not exist" in message
    assert "did you mean 'solutions'?" in message
    assert "main, solutions" in message
    assert "v1.0" in message
    assert not (tmp_path / "cache").exists(), "nothing is cloned for a branch that does not exist"


def test_unreachable_repo_is_a_pull_error(tmp_path: Path) -> None:
    missing = (tmp_path / "nowhere.git").as_uri()
    with pytest.raises(PullError, match=r"cannot read .*nowhere\.git"):
        resolve(missing)


def test_missing_file_suggests_the_closest_paths(remote: str, tmp_path: Path) -> None:
    checkout = pull_content(remote, "main", tmp_path / "cache")
    assert verify_path(checkout, "notebooks/01-intro.ipynb").is_file()
    assert verify_path(checkout, "notebooks").is_dir()
    with pytest.raises(PullError) as caught:
        verify_path(checkout, "notebooks/01-intro.ipnyb")
    message = str(caught.value)
    assert message.index("'notebooks/01-intro.ipynb'") < message.index("'notebooks/02-pandas.ipynb'")
    assert checkout.commit[:7] in message


def test_path_escaping_the_checkout_is_refused(remote: str, tmp_path: Path) -> None:
    checkout = pull_content(remote, "main", tmp_path / "cache")
    with pytest.raises(PullError, match=r"'\.\.' would leave the folder"):
        verify_path(checkout, "../outside")


def test_verify_link_checks_the_file_the_link_opens(remote: str, tmp_path: Path) -> None:
    good = nbgitpuller_link("https://hub.example.org", remote, branch="main", path="notebooks/02-pandas.ipynb")
    check = verify_link(good, tmp_path / "cache")
    assert check.opens == check.checkout.path / "notebooks" / "02-pandas.ipynb"

    typo = nbgitpuller_link("https://hub.example.org", remote, branch="main", path="notebooks/02-panda.ipynb")
    with pytest.raises(PullError, match=re.escape("closest: 'notebooks/02-pandas.ipynb'")):
        verify_link(typo, tmp_path / "cache")


def test_verify_link_catches_the_generator_target_path_bug(remote: str, tmp_path: Path) -> None:
    # What the official generator emits with a targetPath: urlpath still uses the repo name.
    buggy = (
        "https://hub.example.org/hub/user-redirect/git-pull?repo="
        + quote(remote, safe="")
        + "&urlpath=lab%2Ftree%2Fworkshop.git%2FREADME.md&branch=main&targetPath=course"
    )
    with pytest.raises(PullError, match="outside the folder 'course'"):
        verify_link(buggy, tmp_path / "cache")


def test_processes_filling_the_cache_at_once(remote: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with ProcessPoolExecutor(max_workers=3, mp_context=multiprocessing.get_context("fork")) as pool:
        checkouts = list(pool.map(pull_content, [remote] * 3, ["main"] * 3, [cache] * 3))
    assert {checkout.path for checkout in checkouts} == {checkouts[0].path}
    assert (checkouts[0].path / "notebooks" / "01-intro.ipynb").is_file()
    leftovers = [p.name for p in checkouts[0].path.parent.iterdir() if p != checkouts[0].path]
    assert leftovers == [], "staging folders are removed"
