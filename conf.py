"""Sphinx configuration of the published sphinx-event-ext site.

The pages live in ``docs/``; this file sits at the repository root and is used as
``sphinx-build -c . docs docs/_build/html``. ``sphinx-event check docs`` finds it too,
since it looks for ``conf.py`` in the source folder and then in the folders above it.
"""

from __future__ import annotations

project = "sphinx-event-ext"
author = "sphinx-event-ext developers"
# Fixed text, not the clock: the same sources always give the same pages.
copyright = "sphinx-event-ext developers"

extensions = [
    "myst_parser",
    # After the MyST parser; it sets up sphinx-design itself.
    "sphinx_event_ext",
]

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

source_suffix = {".md": "markdown"}
root_doc = "index"

exclude_patterns = [
    "_build",
    "**/.ipynb_checkpoints",
    # Workshop content kept beside event pages: notebooks, requirements, READMEs.
    "**/content/**",
    "events/geo-workshop/**",
    "README.md",
    "**/README.md",
]

# The example events record a timely :notified: date, so the notice rule never fires
# on this site whatever the build date; event_notice_days and event_today keep their defaults.

html_theme = "alabaster"
html_title = "sphinx-event-ext"
html_theme_options = {
    "description": "Event pages for JupyterHub workshops, from one MyST directive.",
    "fixed_sidebar": True,
    "show_relbars": True,
}
html_show_sourcelink = False
