"""The theme's page templates, compiled once and kept in the build's state folder for the next build.

Sphinx compiles the theme's Jinja templates (layout, page, sidebars) again in every process, so
an incremental build that writes one page (and, as every build does, the index and search pages)
spends a fifth of its time compiling. Jinja's own bytecode cache keeps the compiled code in the
doctrees folder, never in the published output; Jinja checks each entry against its template's
source and its own version and Python's, and the folder is named for the settings that shape the
compiled code, so an edited template or another theme set-up is compiled afresh.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx

FOLDER = "event-templates"


def keep_compiled_templates(app: Sphinx) -> None:
    """``builder-inited``: give the builder's Jinja environment a bytecode cache, unless it has one."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if not isinstance(environment, jinja2.Environment) or environment.bytecode_cache is not None:
        return
    folder = Path(app.doctreedir) / FOLDER / _settings_key(environment)
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _settings_key(environment: jinja2.Environment) -> str:
    """What, besides a template's source, decides its compiled code: the environment's class, extensions and
    syntax settings."""
    settings = (
        type(environment).__qualname__,
        sorted(environment.extensions),
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        repr(environment.autoescape) if not callable(environment.autoescape) else environment.autoescape.__qualname__,
        jinja2.__version__,
    )
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]
