"""Where an event's content is when a page is written (the notebooks of an ``event-links`` table): the local
copy, the copy this build's check pulled, or a checkout pulled now."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from ..content.live_progress import terminal
from ..content.pull import PullError
from ..content.pulls import Pulls
from ..model.config import settings
from .collector import ValidRecord
from .progress import line_writer
from .state import site_state


def content_root(app: Sphinx, record: ValidRecord) -> Path:
    """The content as the hub gets it: the local copy when there is one, else the copy the check pulled, else
    pulled (and cached) now, as a plain build that checked no pulled content does."""
    event = record.event
    if event.content_path:
        return Path(app.env.doc2path(record.docname)).parent / event.content_path
    if event.content_repo is None:
        raise PullError("the event has neither a content-path copy nor a content-repo to pull")
    check = site_state(app.env).check
    pulled = check.pulled(event.content_repo, event.content_branch) if check else None
    if pulled is not None:
        return pulled.path
    cache = settings(app.config).content_cache
    pulls = Pulls(Path(cache) if cache else None, line_writer(app), terminal())
    return pulls.pull(event.content_repo, event.content_branch).path
