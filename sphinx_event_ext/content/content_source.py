"""Where an event's content and environment are for a check: the local copy, or what nbgitpuller pulls, each
repository pulled once per check (:class:`~.pulls.Pulls`). Loads no kernel machinery, so the mystmd check and
the link proof can use it before the runner is needed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .check_record import EventSite
from .environment import EnvironmentSource
from .pull import PullError
from .pulls import Pulls


def content_and_commit(site: EventSite, pulls: Pulls) -> tuple[Path, dict[str, str | None]]:
    """The content as the hub gets it (the local copy when there is one, else pulled), and what it is: the
    pulled repository, branch and commit (empty for a local copy, whose files are its identity)."""
    local = site.content_folder
    if local is not None:
        return local, {}
    event = site.event
    if event.content_repo is None:
        raise PullError("the event has neither a content-path copy nor a content-repo to pull")
    checkout = pulls.pull(event.content_repo, event.content_branch)
    return checkout.path, {"repo": checkout.repo, "branch": checkout.branch, "commit": checkout.commit}


def environment_candidates(site: EventSite, pulls: Pulls, source: Path) -> Iterator[tuple[Path, EnvironmentSource]]:
    """Where the event's environment may be declared, in order: its environment repository, then its content.

    Pulled lazily, so an environment repository that declares the environment spares pulling the content.
    The content is read as the check reads it: the ``content-path`` copy when there is one (it stands for the
    content repository's root), else the pulled content repository.
    """
    event = site.event
    if event.environment_repo:
        checkout = pulls.pull(event.environment_repo, event.environment_branch)
        yield checkout.path, EnvironmentSource("environment-repo", checkout.repo, checkout.branch, checkout.commit)
    local = site.content_folder
    if local is not None:
        shown = Path(os.path.relpath(local, source)).as_posix()
        yield local, EnvironmentSource("content-path", f"the content-path copy {shown}")
    elif event.content_repo:
        checkout = pulls.pull(event.content_repo, event.content_branch)
        yield checkout.path, EnvironmentSource("content-repo", checkout.repo, checkout.branch, checkout.commit)
