"""The checklist tells the truth: steps proven by the metadata, the link check or the content check are
ticked with what proved them; a repository that cannot be public never counts as one."""

from __future__ import annotations

import nbformat
import pytest
from gitrepos import make_bare_repo
from sites import GOOD_OPTIONS, event_block, make_event

from sphinx_event_ext.plan.checklist import Evidence, build_checklist, is_public_url


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://github.com/org/workshop", True),
        ("git://127.0.0.1/workshop", False),
        ("http://localhost:9418/workshop", False),
        ("https://10.1.2.3/workshop", False),
        ("https://192.168.0.10/workshop", False),
        ("https://172.20.0.1/workshop", False),
        ("https://[::1]/workshop", False),
        ("https://169.254.1.1/workshop", False),
        ("file:///srv/git/workshop", False),
    ],
)
def test_public_urls(url, public):
    assert is_public_url(url) is public


def _done(items) -> dict[str, str | None]:
    return {item.key: item.proven_by for item in items if item.done}


def test_each_proof_names_what_proved_it():
    event = make_event(**{"content-repo": "https://github.com/org/workshop", "image": "quay.io/org/image:1"})
    assert _done(build_checklist(event, 21)) == {
        "pre-initialize": "the metadata",
        "binder-request": "the metadata",
        "environment": "the metadata",
        "content": "the metadata",
    }
    proven = _done(build_checklist(event, 21, Evidence(links_checked=True, content_checked=True)))
    assert proven["click"] == "the link check"
    assert proven["test"] == "the content check"
    loopback = make_event(**{"content-repo": "git://127.0.0.1/workshop"})
    assert "content" not in _done(build_checklist(loopback, 21, Evidence(links_checked=True)))


def _notebook(source: str) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(notebook)


def _steps(result) -> dict[str, tuple[bool, str]]:
    """key -> (checked, text) of every checklist item of the built page."""
    steps = {}
    for item in result.soup().select("li.event-checklist-item"):
        box = item.select_one("input.event-checkbox")
        steps[box["data-storage-key"].rsplit(":", 1)[1]] = (box.has_attr("checked"), " ".join(item.get_text().split()))
    return steps


@pytest.mark.parametrize("passing", [True, False], ids=["content passes", "content fails"])
def test_checks_of_this_build_tick_their_steps(build_site, tmp_path, passing):
    pytest.importorskip("nbclient")
    files = {"01.ipynb": _notebook("1 + 1"), "02.ipynb": _notebook("1 + 1" if passing else "1 / 0")}
    repo = make_bare_repo(tmp_path / "repos", "workshop", {"main": files})
    options = GOOD_OPTIONS + f":content-repo: {repo}\n:content-branch: main\n"
    conf = f"event_verify_links = True\nevent_execute = True\nevent_content_cache = {str(tmp_path / 'cache')!r}\n"
    page = "# Event\n\n" + event_block(options=options) + "\n```{event-checklist}\n```\n"
    result = build_site({"index": page}, conf=conf)
    assert (result.status == 0) is passing, result.warnings
    steps = _steps(result)
    checked, text = steps["click"]
    assert checked and "Proven by the link check" in text
    checked, text = steps["test"]
    assert checked is passing
    assert ("Proven by the content check" in text) is passing
    checked, text = steps["notify"]
    assert checked and "Proven by the metadata: the hub team was told on 2027-01-05" in text
    # A file: URL is never a public repository, however well the checks went.
    assert steps["content"] == (False, steps["content"][1]) and "Proven" not in steps["content"][1]


def test_without_checks_only_the_metadata_proves(build_site, tmp_path):
    options = GOOD_OPTIONS + ":content-repo: https://github.com/org/workshop\n"
    page = "# Event\n\n" + event_block(options=options) + "\n```{event-checklist}\n```\n"
    result = build_site({"index": page})
    assert result.status == 0, result.warnings
    steps = _steps(result)
    assert steps["content"][0] and "Proven by the metadata: the content repository is recorded" in steps["content"][1]
    assert not steps["click"][0] and not steps["test"][0]
