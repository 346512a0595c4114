"""Event pages for JupyterHub workshops, from one ``event`` directive in a MyST page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

from ._version import __version__

__all__ = ["__version__", "setup"]


def setup(app: Sphinx) -> dict[str, Any]:
    """Sphinx's entry point. Sphinx is imported only here, so the CLI's link and pre-warm
    commands and the notebook runner start without loading it."""
    from .sphinx.extension import setup as setup_extension

    return setup_extension(app)
