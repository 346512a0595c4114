"""A loud configuration: ``event`` directives in Markdown pages that this build never reads.

Without MyST (``myst_parser`` or ``myst_nb``) Sphinx skips ``.md`` files without a word,
so a site could publish no event at all and pass ``-W``. The build says so once, with
the ``conf.py`` line that fixes it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.matching import Matcher

logger = logging.getLogger(__name__)

MYST_PARSERS = ("myst_parser", "myst_nb")
_EVENT_FENCE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})[ \t]*\{event\}", re.M)
_SHOWN = 3


def event_pages(srcdir: Path, exclude: Matcher, skip: set[Path]) -> list[str]:
    """The ``.md`` files under ``srcdir`` (not excluded, not in ``skip``) with an ``event`` directive, sorted."""
    found = []
    for folder, dirs, files in os.walk(srcdir):
        here = Path(folder)
        dirs[:] = sorted(name for name in dirs if not name.startswith(".") and here / name not in skip)
        for name in sorted(files):
            relative = (here / name).relative_to(srcdir).as_posix()
            if name.endswith(".md") and not exclude(relative) and _EVENT_FENCE.search(_read(here / name)):
                found.append(relative)
    return sorted(found)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return ""


def _fix(app: Sphinx) -> str | None:
    """The ``conf.py`` line that lets the build read Markdown, or None when it already can.

    A MyST parser registers ``.md`` itself, whatever ``source_suffix`` says, so the parser is all that matters.
    """
    if any(name in app.extensions for name in MYST_PARSERS):
        return None
    return f"extensions = {[*app.config.extensions, 'myst_parser']!r}"


def check_markdown_is_read(app: Sphinx) -> None:
    """Warn once when Markdown pages hold events and the build cannot read Markdown."""
    fix = _fix(app)
    if fix is None:
        return
    srcdir = Path(app.srcdir)
    skip = {Path(app.outdir).resolve(), Path(app.doctreedir).resolve()}
    pages = event_pages(srcdir, Matcher(app.config.exclude_patterns), {path for path in skip if path != srcdir})
    if not pages:
        return
    shown = ", ".join(pages[:_SHOWN]) + (f" and {len(pages) - _SHOWN} more" if len(pages) > _SHOWN else "")
    logger.warning(
        "%d Markdown page(s) hold events that this build never reads, so they are not published (%s): "
        "Sphinx reads .md files only with a MyST parser; add to conf.py: %s",
        len(pages),
        shown,
        fix,
        type="event",
        subtype="config",
    )
