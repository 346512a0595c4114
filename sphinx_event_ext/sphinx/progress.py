"""Where the check's one-line-per-step output goes in a build (content/live_progress.py draws the live line)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def line_writer(app: Sphinx) -> Callable[[str], None]:
    """Sphinx's status output, or stderr under ``-q`` (``sphinx-event check`` runs quiet, and its log must still
    say what ran)."""
    if app.quiet:
        return lambda line: print(line, file=sys.stderr, flush=True)
    return logger.info
