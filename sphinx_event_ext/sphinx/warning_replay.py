"""Incremental builds that lose no warning: what a page's last build reported is reported again.

Sphinx re-reads and re-writes only what changed, so a warning given by an unchanged page
(a broken reference, a bad option) is not given again, and ``-W`` passes a site that a
fresh build fails. This module records every warning and error of a build with the page
it belongs to and the phase that gave it, in ``<doctrees>/event-warnings.json``, and at
the end of the next build gives again those of the pages that were not read (reading
warnings), not written (writing warnings), or not checked for consistency (when Sphinx
skipped that phase because nothing changed). The checks that run on every build
(``env-updated`` handlers: links, content) are never replayed; they speak for themselves.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging as sphinx_logging
from sphinx.util.logging import get_node_location

from ..util.atomic import dumps, write_atomic

logger = sphinx_logging.getLogger(__name__)

STORE_NAME = "event-warnings.json"
STORE_VERSION = 1
#: The phases whose warnings are kept per page, and replayed when the page skipped them.
READ, CONSISTENCY, WRITE = "read", "consistency", "write"
_APP_ATTR = "_sphinx_event_replay"
_SEEN = "_sphinx_event_seen"


@dataclass(frozen=True)
class Recorded:
    """One warning as it was given: enough to give it again with the same text and place."""

    level: int
    message: str
    location: str | None
    type: str | None
    subtype: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "message": self.message,
            "location": self.location,
            "type": self.type,
            "subtype": self.subtype,
        }


@dataclass
class _Build:
    """What this build did and gave, filled in as it runs."""

    read: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    checked_consistency: bool = False
    stage: str | None = None
    live: int = 0
    replaying: bool = False
    given: dict[str, dict[str, list[Recorded]]] = field(default_factory=dict)


def _strip_type(message: str, kind: str | None, subtype: str | None) -> str:
    """The message without the ``[type.subtype]`` that Sphinx appends when it shows it."""
    for suffix in (f" [{kind}.{subtype}]", f" [{kind}]"):
        if kind and message.endswith(suffix):
            return message[: -len(suffix)]
    return message


def _location(env: BuildEnvironment, location: Any) -> tuple[str | None, str | None]:
    """(docname, location to give again) of a record's location, however it was given.

    The location to give again is ``path:line``, or the docname when there is no line:
    Sphinx reads a location without a colon as a docname.
    """
    if isinstance(location, tuple):
        docname, line = location
        if not docname:
            return None, None
        return docname, f"{env.doc2path(docname)}:{line}" if line else docname
    if isinstance(location, nodes.Node):
        location = get_node_location(location)
    if not isinstance(location, str) or not location:
        return None, None
    path, _, line = location.rpartition(":")
    if path and line.isdigit():
        return env.path2doc(path), location
    if ":" not in location and location in env.all_docs:
        return location, location
    docname = env.path2doc(location)
    return docname, docname


class _Recorder(logging.Handler):
    """Keeps every warning and error of the build, by page and phase."""

    def __init__(self, app: Sphinx, build: _Build) -> None:
        super().__init__(logging.WARNING)
        self.app = app
        self.build = build

    def emit(self, record: logging.LogRecord) -> None:
        build = self.build
        # A record held back by Sphinx reaches the handlers again when it is let go.
        if build.replaying or build.live or self.app.env is None or getattr(record, _SEEN, False):
            return
        record._sphinx_event_seen = True  # type: ignore[attr-defined]
        phase = build.stage
        if phase is None:
            return
        docname, location = _location(self.app.env, getattr(record, "location", None))
        if docname is None:
            return
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        message = _strip_type(logging.LogRecord.getMessage(record), kind, subtype)
        build.given.setdefault(docname, {}).setdefault(phase, []).append(
            Recorded(record.levelno, message, location, kind, subtype)
        )


def _state(app: Sphinx) -> _Build:
    return getattr(app, _APP_ATTR)


@contextmanager
def live(app: Sphinx) -> Iterator[None]:
    """Warnings given inside are from checks that run on every build: never stored nor replayed."""
    build = getattr(app, _APP_ATTR, None)
    if build is None:
        yield
        return
    build.live += 1
    try:
        yield
    finally:
        build.live -= 1


def start(app: Sphinx) -> None:
    """``builder-inited``: start recording."""
    build = _Build()
    setattr(app, _APP_ATTR, build)
    handler = _Recorder(app, build)
    logging.getLogger(sphinx_logging.NAMESPACE).addHandler(handler)
    app._sphinx_event_replay_handler = handler  # type: ignore[attr-defined]


# Sphinx's own build phases cannot tell the consistency check from resolving (both are 3),
# so the stage is followed through the events that open each one.


def note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: reading starts; these pages give their reading warnings afresh."""
    build = _state(app)
    build.stage = READ
    build.read.update(docnames)


def note_read_done(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``, after every other handler: what follows is the consistency check, if any."""
    _state(app).stage = CONSISTENCY
    return []


def note_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: Sphinx checked the whole site this time."""
    _state(app).checked_consistency = True


def note_write(app: Sphinx, builder: Any) -> None:
    """``write-started``: resolving and writing pages."""
    _state(app).stage = WRITE


def note_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: this page gives its writing warnings afresh."""
    _state(app).written.add(docname)


def _store_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STORE_NAME


def _load(app: Sphinx) -> dict[str, dict[str, list[Recorded]]]:
    try:
        data = json.loads(_store_path(app).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != STORE_VERSION or data.get("builder") != app.builder.name:
        return {}
    return {
        docname: {phase: [Recorded(**entry) for entry in entries] for phase, entries in phases.items()}
        for docname, phases in data.get("pages", {}).items()
    }


def finish(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: give again what skipped pages gave last time, then keep this build's record."""
    build = getattr(app, _APP_ATTR, None)
    handler = getattr(app, "_sphinx_event_replay_handler", None)
    if handler is not None:
        logging.getLogger(sphinx_logging.NAMESPACE).removeHandler(handler)
    if build is None or exception is not None or app.env is None:
        return
    previous = _load(app)
    existing = set(app.env.all_docs)
    fresh = {READ: build.read, WRITE: build.written}
    kept: dict[str, dict[str, list[Recorded]]] = {}
    replay: list[Recorded] = []
    for docname in sorted(existing):
        old, new = previous.get(docname, {}), build.given.get(docname, {})
        phases: dict[str, list[Recorded]] = {}
        for phase in (READ, CONSISTENCY, WRITE):
            redone = build.checked_consistency if phase == CONSISTENCY else docname in fresh[phase]
            if redone:
                phases[phase] = new.get(phase, [])
            else:
                phases[phase] = old.get(phase, [])
                replay.extend(old.get(phase, []))
        if any(phases.values()):
            kept[docname] = {phase: entries for phase, entries in phases.items() if entries}
    build.replaying = True
    try:
        for entry in replay:
            logger.log(
                entry.level, "%s", entry.message, location=entry.location, type=entry.type, subtype=entry.subtype
            )
    finally:
        build.replaying = False
    store = {
        "version": STORE_VERSION,
        "builder": app.builder.name,
        "pages": {
            docname: {phase: [entry.to_json() for entry in entries] for phase, entries in phases.items()}
            for docname, phases in kept.items()
        },
    }
    write_atomic(_store_path(app), dumps(store))
