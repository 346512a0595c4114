"""What a content run reports while it goes: notebook counts, starts and ends, for a live display or a log.

Plain data, like :mod:`.results`: the runner sends these, the Sphinx glue shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .results import NotebookResult

SELECTED = "selected"
STARTED = "started"
FINISHED = "finished"


@dataclass(frozen=True)
class ProgressEvent:
    """One step of an event's run: ``selected`` (``total`` notebooks), a notebook ``started`` or ``finished``.

    A notebook found in the cache or skipped by its metadata finishes without starting.
    """

    kind: str
    path: str = ""
    total: int = 0
    result: NotebookResult | None = None


#: Called by the runner at each step, from the thread that runs the notebooks.
OnProgress = Callable[[ProgressEvent], None]
