"""Where an event's content is, for the checks: the local copy, or a checkout pulled with nbgitpuller."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..content.pull import PullError, pull_content
from ..model.config import settings
from .collector import ValidRecord


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
    local = content_folder(app.env, record)
    if local is not None:
        return local
    event = record.event
    if event.content_repo is None:
        raise PullError("the event has neither a content-path copy nor a content-repo to pull")
    return pull_content(event.content_repo, event.content_branch, cache_folder(app)).path
