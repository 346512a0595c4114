"""Where an event's content is, for the checks: the local copy, or a checkout pulled with nbgitpuller."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..content.environment import EnvironmentSource
from ..content.pull import PullError
from ..model.config import settings
from .collector import ValidRecord
from .progress import pull_with_progress


def content_folder(env: BuildEnvironment, record: ValidRecord) -> Path | None:
    """The local copy of an event's content, from ``content-path`` beside the event's page."""
    if not record.event.content_path:
        return None
    return Path(env.doc2path(record.docname)).parent / record.event.content_path


def cache_folder(app: Sphinx) -> Path | None:
    """The content cache that ``event_content_cache`` names, or None for the default."""
    cache = settings(app.config).content_cache
    return Path(cache) if cache else None


def content_root(app: Sphinx, record: ValidRecord) -> Path:
    """The content as the hub gets it: the local copy when there is one, else pulled (and cached)."""
    return content_and_commit(app, record)[0]


def content_and_commit(app: Sphinx, record: ValidRecord) -> tuple[Path, dict[str, str | None]]:
    """The content as :func:`content_root` finds it, and what it is: the pulled repository, branch and
    commit (empty for a local copy, whose files are its identity)."""
    local = content_folder(app.env, record)
    if local is not None:
        return local, {}
    event = record.event
    if event.content_repo is None:
        raise PullError("the event has neither a content-path copy nor a content-repo to pull")
    checkout = pull_with_progress(app, event.content_repo, event.content_branch, cache_folder(app))
    return checkout.path, {"repo": checkout.repo, "branch": checkout.branch, "commit": checkout.commit}


def environment_candidates(app: Sphinx, record: ValidRecord) -> Iterator[tuple[Path, EnvironmentSource]]:
    """Where the event's environment may be declared, in order: its environment repository, then its content.

    Pulled lazily, so an environment repository that declares the environment spares pulling the content.
    The content is read as the check reads it: the ``content-path`` copy when there is one (it stands for the
    content repository's root), else the pulled content repository.
    """
    event = record.event
    if event.environment_repo:
        checkout = pull_with_progress(app, event.environment_repo, event.environment_branch, cache_folder(app))
        yield checkout.path, EnvironmentSource("environment-repo", checkout.repo, checkout.branch, checkout.commit)
    local = content_folder(app.env, record)
    if local is not None:
        shown = Path(os.path.relpath(local, app.srcdir)).as_posix()
        yield local, EnvironmentSource("content-path", f"the content-path copy {shown}")
    elif event.content_repo:
        checkout = pull_with_progress(app, event.content_repo, event.content_branch, cache_folder(app))
        yield checkout.path, EnvironmentSource("content-repo", checkout.repo, checkout.branch, checkout.commit)
