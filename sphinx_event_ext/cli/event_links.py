"""Links built from an event's page, for ``sphinx-event link --event``: the event's values, the
options' overrides, and the path checked against the content as the build checks it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..content.pull import PullError, pull_content, verify_in_folder
from ..content.select import select_notebooks
from ..model.event import Event
from ..model.formats import check_git_url
from ..plan.links import (
    LinkError,
    binder_link,
    binder_nbgitpuller_link,
    canvas_link,
    event_binder_link,
    event_nbgitpuller_link,
    nbgitpuller_link,
)
from .events import EventNotFound, find_event
from .scan import FoundEvent
from .site import conf_values

#: What a link from an event can fail with; a missing path (PullError) is a failed check, the rest bad input.
EVENT_ERRORS = (PullError, LinkError, EventNotFound)


def _option(args: argparse.Namespace, name: str) -> str | None:
    value: str | None = getattr(args, name, None)
    return value


def _content_repo(args: argparse.Namespace, event: Event) -> str:
    repo = _option(args, "repo") or event.content_repo
    if not repo:
        raise LinkError(f"repo: event {event.id!r} has no content-repo; give --repo")
    return repo


def link_from_event(args: argparse.Namespace) -> str:
    """One link of ``args.link_kind`` from the event's metadata, options overriding; its path checked."""
    found = find_event([args.source], args.event)
    event = found.result.event
    assert event is not None  # find_event returns valid events only
    repo = _content_repo(args, event)
    branch = _option(args, "branch") or _option(args, "ref") or event.content_branch
    path, urlpath, app = _option(args, "path"), _option(args, "urlpath"), _option(args, "app") or event.app
    target_path = _option(args, "target_path") or event.target_path
    binderhub = _option(args, "binderhub") or event.binderhub
    if args.link_kind == "binder":
        link = binder_link(
            repo,
            ref=branch,
            provider=_option(args, "provider"),
            path=path,
            urlpath=urlpath,
            binderhub=binderhub,
        )
    elif args.link_kind == "binder-nbgitpuller":
        env_repo = _option(args, "env_repo") or event.environment_repo
        if not env_repo:
            raise LinkError(f"env_repo: event {event.id!r} has no environment-repo; give --env-repo")
        link = binder_nbgitpuller_link(
            env_repo,
            repo,
            env_ref=_option(args, "env_ref"),
            branch=branch,
            path=path,
            app=app,
            urlpath=urlpath,
            target_path=target_path,
            binderhub=binderhub,
        )
    else:
        make = canvas_link if getattr(args, "canvas", False) else nbgitpuller_link
        hub = _option(args, "hub") or event.hub
        link = make(
            hub,
            repo,
            branch=branch,
            path=path,
            app=app,
            urlpath=urlpath,
            target_path=target_path,
            server=_option(args, "server"),
        )
    if path and not args.no_verify:
        check_path(found, repo, branch, path, args.source)
    return link


def _content(found: FoundEvent, repo: str, branch: str | None, source: Path) -> tuple[Path, str]:
    """The content folder the event's links open and how to name it: the local copy, or a pull of the repo."""
    event = found.result.event
    assert event is not None
    if event.content_path and (repo, branch) == (event.content_repo, event.content_branch):
        return found.path.parent / event.content_path, f"the content-path copy {event.content_path!r}"
    try:
        check_git_url(repo)
    except ValueError:
        raise PullError(f"{repo!r} is not a git repository the path can be checked in; give --no-verify") from None
    cache = conf_values(source).get("event_content_cache")
    checkout = pull_content(repo, branch, Path(cache) if cache else None)
    return checkout.path, f"{checkout.repo} at {checkout.branch} ({checkout.commit[:7]})"


def check_path(found: FoundEvent, repo: str, branch: str | None, path: str, source: Path) -> Path:
    """The file or folder ``path`` in the content, or a PullError naming the closest paths."""
    root, where = _content(found, repo, branch, source)
    return verify_in_folder(root, path, where)


def links_table(args: argparse.Namespace) -> list[str]:
    """The event's notebooks (the ones the check runs), each with its hub and Binder link, as the page lists them."""
    found = find_event([args.source], args.event)
    event = found.result.event
    assert event is not None
    repo = _content_repo(args, event)
    paths = ["."]
    where = f"{repo}" + (f" at {event.content_branch}" if event.content_branch else "")
    if not args.no_verify:
        root, read = _content(found, repo, event.content_branch, args.source)
        paths += [notebook.as_posix() for notebook in select_notebooks(root, event.notebooks)]
        where += f", notebooks listed from {read}"
    lines = [f"Links of event {event.id!r} ({event.title}), content {where}:"]
    for path in paths:
        lines += ["", "the content folder" if path == "." else path]
        target = None if path == "." else path
        lines.append(f"  hub:    {event_nbgitpuller_link(event, target)}")
        try:
            lines.append(f"  binder: {event_binder_link(event, target)}")
        except LinkError as error:
            lines.append(f"  binder: none ({error})")
    return lines
