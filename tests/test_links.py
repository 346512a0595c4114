"""Launch links, checked against the rules of nbgitpuller's link generator and BinderHub's URL specs.

Expected URLs are written out by hand from those rules (see the shared domain notes), not
captured from this code: repo, urlpath, branch, targetPath in that order, form-encoded
like ``URLSearchParams``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import shutil
import string
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_event_ext.cli import link as cli_link
from sphinx_event_ext.model.event import Event
from sphinx_event_ext.model.formats import BIDI_CONTROLS
from sphinx_event_ext.plan.links import (
    APPS,
    LinkError,
    binder_link,
    binder_nbgitpuller_link,
    canvas_link,
    decode_nbgitpuller_link,
    event_binder_link,
    event_nbgitpuller_link,
    form_encode,
    nbgitpuller_link,
)

HUB = "https://hub.example.org"
REPO = "https://github.com/org/workshop"
REPO_ENC = "https%3A%2F%2Fgithub.com%2Forg%2Fworkshop"
PULL = f"{HUB}/hub/user-redirect/git-pull"


# --- nbgitpuller hub links: the official generator's cases -------------------------------------


@pytest.mark.parametrize(
    ("app", "urlpath"),
    [
        ("lab", "lab%2Ftree%2Fworkshop%2Fnotebooks%2Fintro.ipynb"),
        ("notebook", "tree%2Fworkshop%2Fnotebooks%2Fintro.ipynb"),
        ("retro", "retro%2Ftree%2Fworkshop%2Fnotebooks%2Fintro.ipynb"),
        ("shiny", "shiny%2Fworkshop%2Fnotebooks%2Fintro.ipynb%2F"),
        ("rstudio", "rstudio%2F"),
    ],
)
def test_urlpath_per_app(app: str, urlpath: str) -> None:
    link = nbgitpuller_link(HUB, REPO, branch="main", path="notebooks/intro.ipynb", app=app)
    assert link == f"{PULL}?repo={REPO_ENC}&urlpath={urlpath}&branch=main"


def test_shiny_keeps_a_single_trailing_slash() -> None:
    link = nbgitpuller_link(HUB, REPO, path="apps/hello/", app="shiny")
    assert link == f"{PULL}?repo={REPO_ENC}&urlpath=shiny%2Fworkshop%2Fapps%2Fhello%2F"


def test_custom_urlpath_is_passed_through() -> None:
    link = nbgitpuller_link(HUB, REPO, urlpath="voila/render/workshop/dash board.ipynb", app="rstudio")
    assert link == f"{PULL}?repo={REPO_ENC}&urlpath=voila%2Frender%2Fworkshop%2Fdash+board.ipynb"


def test_without_a_file_the_folder_opens_and_empty_params_are_left_out() -> None:
    assert nbgitpuller_link(HUB, REPO, branch="", path="") == f"{PULL}?repo={REPO_ENC}&urlpath=lab%2Ftree%2Fworkshop"


@pytest.mark.parametrize("hub", ["https://example.org/jupyter/", "https://example.org/jupyter"])
def test_hub_path_prefix_is_kept(hub: str) -> None:
    link = nbgitpuller_link(hub, REPO, path="a.ipynb")
    assert link == (
        f"https://example.org/jupyter/hub/user-redirect/git-pull?repo={REPO_ENC}&urlpath=lab%2Ftree%2Fworkshop%2Fa.ipynb"
    )


def test_git_suffix_is_kept_in_the_folder_as_the_server_does() -> None:
    link = nbgitpuller_link(HUB, REPO + ".git", path="a.ipynb")
    assert link == f"{PULL}?repo={REPO_ENC}.git&urlpath=lab%2Ftree%2Fworkshop.git%2Fa.ipynb"


def test_target_path_is_the_folder_in_urlpath() -> None:
    # The generator's bug: it adds targetPath but still opens lab/tree/workshop/...
    link = nbgitpuller_link(HUB, REPO, branch="main", path="a.ipynb", target_path="course-2024")
    assert (
        link == f"{PULL}?repo={REPO_ENC}&urlpath=lab%2Ftree%2Fcourse-2024%2Fa.ipynb&branch=main&targetPath=course-2024"
    )


def test_trailing_slash_repo_still_names_the_folder() -> None:
    link = nbgitpuller_link(HUB, REPO + "/", path="a.ipynb")
    assert link == f"{PULL}?repo={REPO_ENC}%2F&urlpath=lab%2Ftree%2Fworkshop%2Fa.ipynb"


def test_named_server() -> None:
    link = nbgitpuller_link(HUB, REPO, server="gpu")
    assert link == f"{HUB}/hub/user-redirect/gpu/git-pull?repo={REPO_ENC}&urlpath=lab%2Ftree%2Fworkshop"


def test_form_encoding_matches_url_search_params_for_tilde_and_star() -> None:
    link = nbgitpuller_link(HUB, "https://example.org/~ana/repo*1", path="my notes (v2).ipynb")
    assert link == (
        f"{PULL}?repo=https%3A%2F%2Fexample.org%2F%7Eana%2Frepo*1&urlpath=lab%2Ftree%2Frepo*1%2Fmy+notes+%28v2%29.ipynb"
    )


def test_canvas_link_encodes_the_pull_inside_next() -> None:
    link = canvas_link(HUB, REPO, branch="main", path="notebooks/intro.ipynb")
    assert link == (
        f"{HUB}/hub/lti/launch?next=%2Fhub%2Fuser-redirect%2Fgit-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com"
        "%252Forg%252Fworkshop%26urlpath%3Dlab%252Ftree%252Fworkshop%252Fnotebooks%252Fintro.ipynb%26branch%3Dmain"
    )


def test_canvas_link_on_a_prefixed_hub_keeps_the_prefix_in_next() -> None:
    link = canvas_link("https://example.org/jupyter/", REPO)
    assert link == (
        "https://example.org/jupyter/hub/lti/launch?next=%2Fjupyter%2Fhub%2Fuser-redirect%2Fgit-pull%3Frepo%3D"
        "https%253A%252F%252Fgithub.com%252Forg%252Fworkshop%26urlpath%3Dlab%252Ftree%252Fworkshop"
    )


# --- nbgitpuller through Binder ----------------------------------------------------------------


def test_binder_nbgitpuller_keeps_git_suffix_in_the_content_folder() -> None:
    link = binder_nbgitpuller_link(
        "https://github.com/org/env", REPO + ".git", env_ref="main", branch="main", path="intro.ipynb"
    )
    assert link == (
        "https://mybinder.org/v2/gh/org/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com"
        "%252Forg%252Fworkshop.git%26urlpath%3Dlab%252Ftree%252Fworkshop.git%252Fintro.ipynb%26branch%3Dmain"
    )


@pytest.mark.parametrize(
    ("env", "prefix"),
    [
        ("https://gitlab.com/group/env.git", "https://mybinder.org/v2/gl/group%2Fenv/HEAD"),
        (
            "https://codeberg.org/org/env.git",
            "https://mybinder.org/v2/git/https%3A%2F%2Fcodeberg.org%2Forg%2Fenv.git/HEAD",
        ),
    ],
)
def test_binder_nbgitpuller_environment_on_gitlab_or_any_git_host(env: str, prefix: str) -> None:
    link = binder_nbgitpuller_link(env, REPO)
    assert (
        link
        == f"{prefix}?urlpath=git-pull%3Frepo%3D{REPO_ENC.replace('%', '%25')}%26urlpath%3Dlab%252Ftree%252Fworkshop"
    )


def test_binder_nbgitpuller_refuses_a_doi_environment() -> None:
    with pytest.raises(LinkError, match="env_repo"):
        binder_nbgitpuller_link("10.5281/zenodo.3242074", REPO)


# --- Binder ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "kwargs", "expected"),
    [
        ("https://github.com/org/repo.git", {}, "gh/org/repo/HEAD"),
        ("https://github.com/org/repo/", {"ref": "feature/x"}, "gh/org/repo/feature/x"),
        ("org/repo", {"provider": "gh", "ref": "v1.0"}, "gh/org/repo/v1.0"),
        ("https://gitlab.com/group/sub/project", {}, "gl/group%2Fsub%2Fproject/HEAD"),
        ("https://codeberg.org/org/repo.git", {"ref": "main"}, "git/https%3A%2F%2Fcodeberg.org%2Forg%2Frepo.git/main"),
        ("https://gist.github.com/ana/0123abcd", {}, "gist/ana/0123abcd"),
        ("https://gist.github.com/ana/0123abcd", {"ref": "9f2e1c0"}, "gist/ana/0123abcd/9f2e1c0"),
        ("10.5281/zenodo.3242074", {}, "zenodo/10.5281/zenodo.3242074"),
        ("https://doi.org/10.5281/zenodo.3242074", {}, "zenodo/10.5281/zenodo.3242074"),
        ("doi:10.5281/zenodo.3242074", {}, "zenodo/10.5281/zenodo.3242074"),
        ("https://zenodo.org/records/3242074", {}, "zenodo/10.5281/zenodo.3242074"),
        ("10.6084/m9.figshare.9782777.v1", {}, "figshare/10.6084/m9.figshare.9782777.v1"),
        ("doi:10.7910/DVN/TJCLKP", {"provider": "dataverse"}, "dataverse/10.7910/DVN/TJCLKP"),
        (
            "https://www.hydroshare.org/resource/b8f6eae9d89241cf8b5904033460af61/",
            {},
            "hydroshare/b8f6eae9d89241cf8b5904033460af61",
        ),
        (
            "https://demo.ckan.org/dataset/sample",
            {"provider": "ckan"},
            "ckan/https%3A%2F%2Fdemo.ckan.org%2Fdataset%2Fsample",
        ),
    ],
)
def test_binder_providers(source: str, kwargs: dict, expected: str) -> None:
    assert binder_link(source, **kwargs) == f"https://mybinder.org/v2/{expected}"


def test_binder_file_opens_in_jupyterlab_like_binderhubs_generator() -> None:
    link = binder_link("https://github.com/org/repo", path="notebooks/intro.ipynb")
    assert link == "https://mybinder.org/v2/gh/org/repo/HEAD?urlpath=%2Fdoc%2Ftree%2Fnotebooks%2Fintro.ipynb"


def test_binder_custom_urlpath_and_binderhub() -> None:
    link = binder_link("https://github.com/org/repo", urlpath="/lab", binderhub="https://binder.example.org/x/")
    assert link == "https://binder.example.org/x/v2/gh/org/repo/HEAD?urlpath=%2Flab"


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "param", "reason"),
    [
        (lambda: nbgitpuller_link(HUB, "https://ana:s3cret@github.com/org/repo"), "repo", "credentials"),
        (lambda: nbgitpuller_link(HUB, "https://github.com/org/repo?private_token=x"), "repo", "token"),
        (lambda: nbgitpuller_link("https://ana:pw@hub.example.org", REPO), "hub", "credentials"),
        (lambda: nbgitpuller_link("ftp://hub.example.org", REPO), "hub", "only http and https"),
        (lambda: nbgitpuller_link("hub.example.org", REPO), "hub", "did you mean 'https://hub.example.org'?"),
        (lambda: nbgitpuller_link(HUB, "org/repo"), "repo", "did you mean 'https://github.com/org/repo'?"),
        (lambda: nbgitpuller_link(HUB, "svn://example.org/repo"), "repo", "not a git transport"),
        (lambda: nbgitpuller_link(HUB, REPO, target_path="/home/jovyan"), "target_path", "absolute"),
        (lambda: nbgitpuller_link(HUB, REPO, target_path="../elsewhere"), "target_path", "'..'"),
        (lambda: nbgitpuller_link(HUB, REPO, path="../../etc/passwd"), "path", "'..'"),
        (lambda: nbgitpuller_link(HUB, REPO, path="/etc/passwd"), "path", "absolute"),
        (lambda: nbgitpuller_link(HUB, REPO, path="a?b.ipynb"), "path", "redirect"),
        (lambda: nbgitpuller_link(HUB, REPO, branch="bad..name"), "branch", "'..'"),
        (lambda: nbgitpuller_link(HUB, REPO, app="vscode"), "app", "lab or notebook"),
        (lambda: nbgitpuller_link(HUB, REPO, path="a.ipynb", urlpath="lab"), "urlpath", "not both"),
        (lambda: nbgitpuller_link(HUB, REPO, server="my/server"), "server", "not a server name"),
        (lambda: nbgitpuller_link(HUB, "https://example.org/org/.."), "repo", "names no folder"),
        (lambda: binder_link("https://github.com/org/repo", binderhub="file:///srv/binder"), "binderhub", "http"),
        (lambda: binder_link("10.5281/zenodo.3242074", ref="main"), "ref", "not versioned"),
        (lambda: binder_link("10.7910/DVN/TJCLKP"), "provider", "zenodo, figshare or dataverse"),
        (lambda: binder_link("https://github.com/org/repo/tree/main"), "repo", "exactly one owner"),
        (lambda: binder_link("file:///srv/repo.git"), "repo", "file: URL"),
        (lambda: binder_link(REPO, provider="bitbucket"), "provider", "unknown Binder provider"),
    ],
)
def test_refusals_name_the_parameter_and_what_was_expected(call, param: str, reason: str) -> None:
    with pytest.raises(LinkError) as caught:
        call()
    message = str(caught.value)
    assert message.startswith(f"{param}: ")
    assert reason in message
    assert "expected" in message and "received" in message


def test_binder_owner_repo_shorthand_is_github() -> None:
    assert (
        binder_link("jakevdp/WhirlwindTourOfPython") == "https://mybinder.org/v2/gh/jakevdp/WhirlwindTourOfPython/HEAD"
    )
    assert binder_link("org/repo.git", ref="v1") == "https://mybinder.org/v2/gh/org/repo/v1"


def test_a_hub_without_a_scheme_is_refused_with_the_https_url_to_write() -> None:
    with pytest.raises(LinkError) as caught:
        nbgitpuller_link("workshop.example.org/prefix", REPO)
    assert str(caught.value).startswith("hub: it has no scheme (did you mean 'https://workshop.example.org/prefix'?)")
    assert "no scheme is not allowed" not in str(caught.value)


# --- events ------------------------------------------------------------------------------------


def _event(**overrides: object) -> Event:
    fields = {
        "id": "pandas-101",
        "title": "Pandas 101",
        "hub": "https://hub.example.org/",
        "start": dt.date(2026, 3, 2),
        "end": dt.date(2026, 3, 3),
        "active_hours": (dt.time(9), dt.time(17)),
        "timezone": "Europe/Paris",
        "attendees": 40,
        "content_repo": REPO + ".git",
        "content_branch": "main",
        **overrides,
    }
    return Event(**fields)


def test_event_nbgitpuller_link_uses_the_event_fields() -> None:
    link = event_nbgitpuller_link(_event(app="notebook", target_path="pandas"), "intro.ipynb")
    assert link == f"{PULL}?repo={REPO_ENC}.git&urlpath=tree%2Fpandas%2Fintro.ipynb&branch=main&targetPath=pandas"


def test_event_binder_link_with_and_without_an_environment_repo() -> None:
    alone = event_binder_link(_event(), "intro.ipynb")
    assert alone == "https://mybinder.org/v2/gh/org/workshop/main?urlpath=%2Fdoc%2Ftree%2Fintro.ipynb"
    pulled = decode_nbgitpuller_link(event_binder_link(_event(environment_repo="https://github.com/org/env")))
    assert (pulled.kind, pulled.environment, pulled.repo, pulled.branch) == (
        "binder",
        "gh/org/env/HEAD",
        REPO + ".git",
        "main",
    )


def test_event_without_content_cannot_have_a_link() -> None:
    with pytest.raises(LinkError, match="content-repo"):
        event_nbgitpuller_link(_event(content_repo=None))


# --- decoding and properties -------------------------------------------------------------------


def test_decode_reads_the_generator_target_path_bug_as_opening_another_folder() -> None:
    generated_by_the_official_tool = (
        f"{PULL}?repo={REPO_ENC}&urlpath=lab%2Ftree%2Fworkshop%2Fa.ipynb&branch=main&targetPath=course"
    )
    link = decode_nbgitpuller_link(generated_by_the_official_tool)
    assert link.folder == "course"
    assert link.content_path is None


def test_decode_refuses_other_urls() -> None:
    with pytest.raises(LinkError, match="not an nbgitpuller link"):
        decode_nbgitpuller_link("https://example.org/lab")


SEGMENT_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="/\\?#%")
segment = st.text(SEGMENT_CHARS, min_size=1, max_size=12).filter(lambda s: s.strip() and s not in (".", ".."))
relative_path = (
    st.lists(segment, min_size=1, max_size=4)
    .map("/".join)
    .filter(lambda p: not p.startswith("~") and not (len(p) > 1 and p[1] == ":"))
)
name = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=10)
host = st.lists(st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8), min_size=1, max_size=3).map(
    lambda parts: ".".join([*parts, "org"])
)
repo_segment = st.text(
    # bidirectional controls are refused in URLs, as they make one read differently from what it is
    st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Z"), exclude_characters="/?#%\\" + "".join(BIDI_CONTROLS)
    ),
    min_size=1,
    max_size=10,
).filter(lambda s: s not in (".", ".."))
repo_url = st.one_of(
    st.builds(
        lambda h, segs, slash: f"https://{h}/{'/'.join(segs)}{slash}",
        host,
        st.lists(repo_segment, min_size=1, max_size=3),
        st.sampled_from(["", "/", ".git"]),
    ),
    st.builds(lambda segs: "file:///" + "/".join(segs), st.lists(repo_segment, min_size=1, max_size=3)),
    # a path starting with '-' is refused: ssh would read it as an option
    st.builds(lambda h, a, b: f"git@{h}:{a}/{b}.git", host, name.filter(lambda a: not a.startswith("-")), name),
)
branch = st.text(string.ascii_letters + string.digits + "-_/.", min_size=1, max_size=20).filter(
    lambda b: (
        not (
            b.startswith(("/", "-", "."))
            or b.endswith(("/", ".", ".lock"))
            or "//" in b
            or ".." in b
            or "/." in b
            or any(part.endswith(".lock") for part in b.split("/"))
        )
    )
)
hub_url = st.builds(lambda h, prefix: f"https://{h}{prefix}", host, st.sampled_from(["", "/", "/jupyter", "/a/b/"]))
optional = st.one_of(st.none(), st.just(""))


@settings(deadline=None)
@given(
    hub=hub_url,
    repo=repo_url,
    branch=st.one_of(optional, branch),
    path=st.one_of(optional, relative_path),
    target=st.one_of(optional, relative_path),
    server=st.one_of(st.none(), name),
    app=st.sampled_from([a for a in APPS if a != "rstudio"]),
    canvas=st.booleans(),
)
def test_decoding_gives_back_the_inputs(hub, repo, branch, path, target, server, app, canvas) -> None:
    make = canvas_link if canvas else nbgitpuller_link
    link = decode_nbgitpuller_link(
        make(hub, repo, branch=branch, path=path, app=app, target_path=target, server=server)
    )
    assert link.kind == ("canvas" if canvas else "hub")
    assert link.base == hub.rstrip("/")
    assert (link.repo, link.branch, link.target_path, link.server) == (repo, branch or None, target or None, server)
    assert link.folder == (target or repo.rstrip("/").split("/")[-1])
    assert link.content_path == (path or "")


@settings(deadline=None)
@given(env_ref=st.one_of(st.none(), branch), repo=repo_url, branch=st.one_of(st.none(), branch), path=relative_path)
def test_binder_nbgitpuller_decoding_gives_back_the_inputs(env_ref, repo, branch, path) -> None:
    link = decode_nbgitpuller_link(
        binder_nbgitpuller_link("https://github.com/org/env", repo, env_ref=env_ref, branch=branch, path=path)
    )
    assert (link.kind, link.base, link.repo, link.branch) == ("binder", "https://mybinder.org", repo, branch)
    assert link.content_path == path


@settings(deadline=None)
@given(hub=hub_url, repo=repo_url, urlpath=st.text(SEGMENT_CHARS, min_size=1))
def test_custom_urlpath_decodes_unchanged(hub, repo, urlpath) -> None:
    assert decode_nbgitpuller_link(nbgitpuller_link(hub, repo, urlpath=urlpath)).urlpath == urlpath


maybe_text = st.one_of(st.none(), st.text(max_size=40))


def near(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Arbitrary text, valid values, and valid values with arbitrary text appended."""
    return st.one_of(st.text(max_size=40), valid, st.builds(str.__add__, valid, st.text(max_size=12)))


sources = st.one_of(
    repo_url,
    st.sampled_from(["https://github.com/", "https://gitlab.com/", "https://gist.github.com/", "10.5281/zenodo."]),
    st.sampled_from(
        ["https://zenodo.org/records/", "https://www.hydroshare.org/resource/", "doi:10.6084/m9.figshare."]
    ),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hub=near(hub_url),
    repo=near(sources),
    branch=maybe_text,
    path=maybe_text,
    app=st.one_of(st.sampled_from(APPS), st.text(max_size=8)),
    urlpath=maybe_text,
    target=maybe_text,
    server=maybe_text,
    ref=maybe_text,
    provider=st.one_of(
        st.none(), st.sampled_from(["gh", "gl", "git", "gist", "zenodo", "hydroshare", "ckan"]), st.text()
    ),
)
def test_arbitrary_text_only_ever_raises_link_error(
    hub, repo, branch, path, app, urlpath, target, server, ref, provider
) -> None:
    calls = [
        lambda: nbgitpuller_link(
            hub, repo, branch=branch, path=path, app=app, urlpath=urlpath, target_path=target, server=server
        ),
        lambda: canvas_link(hub, repo, branch=branch, path=path, app=app, target_path=target, server=server),
        lambda: binder_link(repo, ref=ref, provider=provider, path=path, binderhub=hub),
        lambda: binder_link(repo, ref=ref, provider=provider, urlpath=urlpath),
        lambda: binder_nbgitpuller_link(hub, repo, env_ref=ref, branch=branch, path=path, app=app),
        lambda: decode_nbgitpuller_link(hub + repo),
    ]
    for call in calls:
        with contextlib.suppress(LinkError):
            assert isinstance(call(), str)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for the real URLSearchParams")
def test_form_encoding_is_byte_identical_to_url_search_params() -> None:
    samples = [chr(code) for code in range(1, 0x800) if not 0xD800 <= code <= 0xDFFF]
    samples += ["\U0001f600 emoji", "a b+c&d=e", "~*-._!'()", "lab/tree/repo.git/x y.ipynb"]
    script = (
        "const s = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(s.map(v => new URLSearchParams([['k', v]]).toString())));"
    )
    node = subprocess.run(["node", "-e", script], input=json.dumps(samples), capture_output=True, text=True, check=True)
    assert [form_encode([("k", value)]) for value in samples] == json.loads(node.stdout)


# --- CLI ---------------------------------------------------------------------------------------


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="sphinx-event")
    cli_link.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_exactly_one_url(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(
        [
            "link",
            "nbgitpuller",
            "--hub",
            HUB,
            "--repo",
            REPO,
            "--branch",
            "main",
            "--path",
            "a.ipynb",
            "--app",
            "retro",
        ],
        capsys,
    )
    assert (code, err) == (0, "")
    assert out == f"{PULL}?repo={REPO_ENC}&urlpath=retro%2Ftree%2Fworkshop%2Fa.ipynb&branch=main\n"


def test_cli_canvas_server_and_target_path(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["link", "nbgitpuller", "--hub", HUB, "--repo", REPO, "--canvas", "--server", "gpu", "--target-path", "c"]
    code, out, _ = _cli(argv, capsys)
    assert code == 0
    assert out == (
        f"{HUB}/hub/lti/launch?next=%2Fhub%2Fuser-redirect%2Fgpu%2Fgit-pull%3Frepo%3D"
        "https%253A%252F%252Fgithub.com%252Forg%252Fworkshop%26urlpath%3Dlab%252Ftree%252Fc%26targetPath%3Dc\n"
    )


def test_cli_binder_and_binder_nbgitpuller(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(["link", "binder", "--repo", "10.5281/zenodo.3242074"], capsys)
    assert (code, out) == (0, "https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074\n")
    argv = ["link", "binder-nbgitpuller", "--env-repo", "https://github.com/org/env", "--env-ref", "v2", "--repo", REPO]
    code, out, _ = _cli([*argv, "--app", "notebook", "--binderhub", "https://binder.example.org"], capsys)
    assert code == 0
    assert out == (
        "https://binder.example.org/v2/gh/org/env/v2?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com"
        "%252Forg%252Fworkshop%26urlpath%3Dtree%252Fworkshop\n"
    )


def test_cli_bad_input_exits_2_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(["link", "nbgitpuller", "--hub", HUB, "--repo", "https://u:p@github.com/o/r"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("sphinx-event link: error: repo: ")
    assert "credentials" in err
