"""The site's event index: what ``sphinx-event check`` learnt about every event of a mystmd project,
written before ``myst build`` so the plugin (one process per directive, seeing one directive) can list
the site's events, name an event of another page, and tick checklist steps the check proved."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.event import Event
from ..model.validate import parse_event
from ..plan.checklist import Evidence
from ..util.atomic import dumps, write_atomic

#: Relative to the project's folder (where ``myst`` runs, and so the plugin's working folder).
INDEX_PATH = Path("_build") / "events" / "site-index.json"
SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class IndexedEvent:
    """One valid event of the site, as its page writes it, with what the check proved."""

    page: str
    line: int
    title: str | None
    options: dict[str, str | None]
    evidence: Evidence = field(default_factory=Evidence)
    notebooks: tuple[str, ...] = ()

    def event(self, default_id: str) -> Event | None:
        return parse_event(self.title, self.options, default_id=default_id).event

    def to_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "line": self.line,
            "title": self.title,
            "options": dict(sorted(self.options.items())),
            "links_checked": self.evidence.links_checked,
            "content_checked": self.evidence.content_checked,
            "content_approximated": list(self.evidence.content_approximated),
            "unverified_branch": self.evidence.unverified_branch,
            "notebooks": list(self.notebooks),
        }


def write_index(project: Path, events: list[IndexedEvent]) -> Path:
    path = project / INDEX_PATH
    write_atomic(path, dumps({"schema_version": SCHEMA_VERSION, "events": [item.to_json() for item in events]}))
    return path


def _evidence(row: dict[str, Any]) -> Evidence:
    """What the check proved, as the Sphinx checklist reads it from the same record."""
    branch = row.get("unverified_branch")
    return Evidence(
        links_checked=bool(row.get("links_checked")),
        content_checked=bool(row.get("content_checked")),
        content_approximated=tuple(str(line) for line in row.get("content_approximated") or ()),
        unverified_branch=None if branch is None else str(branch),
    )


def read_index(project: Path) -> list[IndexedEvent]:
    """The events the last check indexed; none when no check has run (a bare ``myst build``)."""
    try:
        data = json.loads((project / INDEX_PATH).read_text("utf-8"))
        rows = data["events"] if isinstance(data, dict) else []
        return [
            IndexedEvent(
                page=str(row["page"]),
                line=int(row["line"]),
                title=row.get("title"),
                options={str(k): (None if v is None else str(v)) for k, v in dict(row["options"]).items()},
                evidence=_evidence(row),
                notebooks=tuple(str(path) for path in row.get("notebooks") or ()),
            )
            for row in rows
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []
