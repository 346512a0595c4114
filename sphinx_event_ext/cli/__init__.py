"""Entry points: the ``sphinx-event`` command and its sub-commands.

They read events with the model, plan with the services, and reach Sphinx only by
running a build (``sphinx.cmd.build``), never through the extension's glue.
"""

from __future__ import annotations

from .main import main, run

__all__ = ["main", "run"]
