"""The format checks against the tools they stand in for: git itself, and the tz database."""

from __future__ import annotations

import subprocess

import pytest

from sphinx_event_ext.model.event import Event
from sphinx_event_ext.model.formats import (
    check_branch_name,
    check_git_url,
    check_http_url,
    check_relative_path,
    check_timezone,
    parse_active_hours,
    parse_date,
)
from sphinx_event_ext.model.schema import load_schema, option_properties

BRANCHES = [
    "main", "feature/x", "v1.2", "release-2027", "a..b", "-lead", "end/", "a//b", ".hidden", "x/.y", "name.lock",
    "a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b", "trailing.", "a@{b", "ok@home", "über",
]  # fmt: skip


@pytest.mark.parametrize("name", BRANCHES)
def test_branch_names_agree_with_git(name):
    git = subprocess.run(["git", "check-ref-format", "--branch", name], capture_output=True, check=False)
    try:
        check_branch_name(name)
        ours = True
    except ValueError:
        ours = False
    assert ours is (git.returncode == 0)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/org/repo",
        "git@github.com:org/repo.git",
        "ssh://git@host.org/r",
        "file:///srv/repo.git",
        "git://host.org/r",
    ],
)
def test_clonable_urls(url):
    assert check_git_url(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "not a git transport"),
        ("ftp://host.org/r", "not a git transport"),
        ("https://user:pw@github.com/org/r", "credentials"),
        ("https://github.com/org/r?private_token=abc", "token"),
        ("https://github.com/", "names no repository"),
        ("file:relative", "absolute path"),
    ],
)
def test_refused_git_urls(url, reason):
    with pytest.raises(ValueError, match=reason):
        check_git_url(url)


def test_http_urls():
    assert check_http_url("https://hub.example.org/prefix/") == "https://hub.example.org/prefix/"
    for url in ("data:text/html,x", "javascript:alert(1)", "ftp://x.org", "https://", "https://a:b@x.org"):
        with pytest.raises(ValueError):
            check_http_url(url)


def test_timezones():
    assert check_timezone("America/Denver") == "America/Denver"
    assert check_timezone("UTC") == "UTC"
    with pytest.raises(ValueError, match="America/Chicago or Asia/Shanghai"):
        check_timezone("CST")
    with pytest.raises(ValueError, match="abbreviation"):
        check_timezone("EST")  # in tzdata, but a fixed offset without daylight saving: never what people mean
    with pytest.raises(ValueError, match="unknown time zone"):
        check_timezone("Denver")


def test_dates_and_hours():
    assert str(parse_date("2028-02-29")) == "2028-02-29"
    for bad in ("2027-02-29", "20270310", "2027-3-10", "tomorrow"):
        with pytest.raises(ValueError):
            parse_date(bad)
    assert [str(t) for t in parse_active_hours("08:30-16:45")] == ["08:30:00", "16:45:00"]
    for bad in ("24:00-25:00", "09:00-09:00", "9:00-17:00", "09:60-10:00"):
        with pytest.raises(ValueError):
            parse_active_hours(bad)


def test_relative_paths():
    assert check_relative_path("notebooks/*.ipynb") == "notebooks/*.ipynb"
    for bad in ("/abs", "../up", "a/../../b", "C:\\x", "~/home", " "):
        with pytest.raises(ValueError):
            check_relative_path(bad)


def test_schema_and_event_fields_agree():
    fields = set(Event.__dataclass_fields__)
    assert {name.replace("-", "_") for name in option_properties()} | {"title"} == fields
    for name, spec in load_schema()["properties"].items():
        assert spec.get("description") and spec.get("x-expected") and spec.get("examples"), name
